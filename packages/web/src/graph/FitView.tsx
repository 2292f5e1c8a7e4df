// When the campaign graph fits its stages into view. React Flow's `fitView` prop fits only the
// first render, before the layout worker answers; and nothing refits when the graph's box
// changes size, so opening the editor's side form (which narrows the graph) used to leave the
// stages on the right out of sight, where they could not be seen or clicked.
import { useReactFlow, useStore } from '@xyflow/react';
import { useEffect, useRef, useState, type RefObject } from 'react';

const FIT_OPTIONS = { maxZoom: 1 };

export interface FitViewProps {
  /** Whether the layout worker has placed the nodes. */
  ready: boolean;
  count: number;
  /** Set once the user pans or zooms: from then on the view is theirs and is not refitted. */
  movedByUser: RefObject<boolean>;
}

/**
 * Fits the view once the first layout has arrived, again when the graph goes from empty to not
 * empty, and whenever the graph's box changes size while the user has not moved the view.
 */
export function FitView({ ready, count, movedByUser }: FitViewProps) {
  const flow = useReactFlow();
  const box = useStore((s) => s.domNode);
  const [fitted, setFitted] = useState(false);
  useEffect(() => {
    if (!ready || count === 0 || fitted) return;
    // After React Flow has measured the nodes at their new positions.
    const frame = requestAnimationFrame(() => {
      void flow.fitView(FIT_OPTIONS);
      setFitted(true);
    });
    return () => cancelAnimationFrame(frame);
  }, [ready, count, fitted, flow]);
  useEffect(() => {
    if (count === 0) setFitted(false);
  }, [count]);

  const size = useRef({ width: 0, height: 0 });
  useEffect(() => {
    if (!box || !fitted) return;
    size.current = { width: box.clientWidth, height: box.clientHeight };
    let frame = 0;
    const observer = new ResizeObserver(() => {
      const now = { width: box.clientWidth, height: box.clientHeight };
      if (now.width === size.current.width && now.height === size.current.height) return;
      size.current = now;
      if (movedByUser.current || now.width === 0 || now.height === 0) return;
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => void flow.fitView(FIT_OPTIONS));
    });
    observer.observe(box);
    return () => {
      observer.disconnect();
      cancelAnimationFrame(frame);
    };
  }, [box, fitted, flow, movedByUser]);
  return null;
}
