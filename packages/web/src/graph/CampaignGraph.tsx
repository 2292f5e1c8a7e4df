// The campaign graph on screen (@xyflow/react): one node per stage, laid out by the worker, edges
// labelled with the file patterns that flow along them. Read-only in the overview (with live
// progress in each node), interactive in the editor, where every gesture is handed to the caller
// as an intent — the graph never changes itself: the text does, and the graph follows.
import {
  Background,
  Controls,
  Handle,
  MarkerType,
  MiniMap,
  Position,
  ReactFlow,
  type Connection,
  type Edge,
  type Node,
  type NodeProps,
  type ReactFlowProps,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { memo, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Dispatch, ReactNode, SetStateAction } from 'react';
import type { GraphModel } from '../editor/graph-model.ts';
import type { Positions } from './elk-graph.ts';
import { NODE_HEIGHT, NODE_WIDTH } from './elk-graph.ts';
import { FitView } from './FitView.tsx';
import { layoutGraph } from './layout.ts';

export interface StageNodeData extends Record<string, unknown> {
  label: string;
  type: string;
  hasError: boolean;
  stale: boolean;
  detail: ReactNode;
}

export interface CampaignGraphProps {
  model: GraphModel;
  /** Something to show inside each stage's node (progress in the overview). */
  detail?: (stage: string) => ReactNode;
  selected?: string | undefined;
  onSelect?: (stage: string | undefined) => void;
  /** Interactive gestures; without them the graph is read-only. */
  onConnect?: (upstream: string, downstream: string) => void;
  onDisconnect?: (upstream: string, downstream: string) => void;
  onMove?: (stage: string, position: { x: number; y: number }) => void;
  onDelete?: (stage: string) => void;
  onOpen?: (stage: string) => void;
  /** Accessible name of the graph region. */
  label?: string;
  /** Shown as `data-graph-version` once the graph of that version is on screen (for measuring). */
  version?: number;
}

const StageNode = memo(function StageNode({ data, selected }: NodeProps<Node<StageNodeData>>) {
  return (
    <div
      className={`stage-node${selected ? ' selected' : ''}${data.hasError ? ' has-error' : ''}${data.stale ? ' stale' : ''}`}
      data-stage={data.label}
    >
      <Handle type="target" position={Position.Left} />
      <div className="stage-node-title">{data.label}</div>
      <div className="stage-node-type">{data.type}</div>
      {data.detail ? <div className="stage-node-detail">{data.detail}</div> : null}
      <Handle type="source" position={Position.Right} />
    </div>
  );
});

const NODE_TYPES = { stage: StageNode };

/**
 * The flow node made last time for a model node, when nothing shown has changed: React Flow then
 * skips re-rendering it, so a keystroke in a 300-stage campaign re-renders only what it changed.
 */
const made = new Map<string, Node<StageNodeData>>();

function sameNode(a: Node<StageNodeData>, b: Node<StageNodeData>): boolean {
  return (
    a.id === b.id &&
    a.position.x === b.position.x &&
    a.position.y === b.position.y &&
    a.selected === b.selected &&
    a.draggable === b.draggable &&
    a.connectable === b.connectable &&
    a.deletable === b.deletable &&
    a.data.label === b.data.label &&
    a.data.type === b.data.type &&
    a.data.hasError === b.data.hasError &&
    a.data.stale === b.data.stale &&
    a.data.detail === b.data.detail
  );
}

function reuse(node: Node<StageNodeData>): Node<StageNodeData> {
  const before = made.get(node.id);
  if (before && sameNode(before, node)) return before;
  if (made.size > 5000) made.clear();
  made.set(node.id, node);
  return node;
}

/** The same for edges: an edge whose ends, label and state did not change keeps its object. */
const madeEdges = new Map<string, Edge>();

function reuseEdge(edge: Edge): Edge {
  const before = madeEdges.get(edge.id);
  if (
    before &&
    before.source === edge.source &&
    before.target === edge.target &&
    before.label === edge.label &&
    before.deletable === edge.deletable &&
    before.className === edge.className
  ) {
    return before;
  }
  if (madeEdges.size > 5000) madeEdges.clear();
  madeEdges.set(edge.id, edge);
  return edge;
}

/**
 * `next`, or the array of the previous render when it holds the very same items: React Flow then
 * gets the same nodes and edges and updates nothing (a new array makes it re-adopt every node and
 * wake every node's and edge's subscription, tens of ms for 300 stages, on each keystroke).
 */
function useSameArray<T>(next: T[]): T[] {
  const previous = useRef(next);
  const before = previous.current;
  if (before.length === next.length && before.every((item, i) => item === next[i])) return before;
  previous.current = next;
  return next;
}

// React Flow copies each of these props into its store when its identity changes, which wakes every
// node and edge: they are made once, not on every render.
const FIT_VIEW_OPTIONS = { maxZoom: 1 };

const DELETE_KEYS = ['Delete', 'Backspace'];
const ARROW = { type: MarkerType.ArrowClosed };
const PRO_OPTIONS = { hideAttribution: true };

/** Whether the positions were laid out for this model (every node placed). */
function layoutReady(model: GraphModel, positions: Positions): boolean {
  return model.nodes.every((n) => positions[n.id] !== undefined);
}

/** Positions for the model, computed in the worker; the previous ones stay until they arrive. */
export function useLayout(model: GraphModel): Positions | undefined {
  const [positions, setPositions] = useState<Positions | undefined>(undefined);
  useEffect(() => {
    let current = true;
    layoutGraph(model).then(
      (p) => current && setPositions(p),
      () => current && setPositions((p) => p ?? {}),
    );
    return () => {
      current = false;
    };
  }, [model]);
  return positions;
}

export function CampaignGraph(props: CampaignGraphProps) {
  const { model, detail, selected, onConnect, onDisconnect, onMove, onDelete } = props;
  const positions = useLayout(model);
  const interactive = onConnect !== undefined || onMove !== undefined;

  const fresh = useMemo<Node<StageNodeData>[]>(
    () =>
      model.nodes.map((n, index) =>
        reuse({
          id: n.id,
          type: 'stage',
          position: positions?.[n.id] ?? { x: 0, y: index * (NODE_HEIGHT + 20) },
          width: NODE_WIDTH,
          height: NODE_HEIGHT,
          selected: n.id === selected,
          draggable: onMove !== undefined && model.current,
          connectable: onConnect !== undefined && model.current,
          deletable: onDelete !== undefined && model.current,
          data: {
            label: n.label,
            type: n.type,
            hasError: n.has_error,
            stale: !model.current,
            detail: detail?.(n.id),
          },
        }),
      ),
    [model, positions, selected, detail, onMove, onConnect, onDelete],
  );
  const nodes = useSameArray(fresh);
  const freshEdges = useMemo<Edge[]>(
    () =>
      model.edges
        .filter((e) => !e.self)
        .map((e) =>
          reuseEdge({
            id: e.id,
            source: e.source,
            target: e.target,
            label: e.patterns.length > 0 ? e.patterns.join(', ') : undefined,
            markerEnd: ARROW,
            deletable: onDisconnect !== undefined && model.current,
            className: model.current ? undefined : 'stale',
          }),
        ),
    [model, onDisconnect],
  );
  const edges = useSameArray(freshEdges);

  // Dragging is shown live by React Flow's own state; the text is written once, on drop.
  const [dragging, setDragging] = useState<Record<string, { x: number; y: number }>>({});
  const shown = useMemo(
    () => nodes.map((n) => (dragging[n.id] ? { ...n, position: dragging[n.id]! } : n)),
    [nodes, dragging],
  );
  const handlers = useFlowHandlers(props, setDragging);
  const movedByUser = useRef(false);
  const onMoveStart = useCallback((event: MouseEvent | TouchEvent | null) => {
    // A pan or zoom by hand (programmatic moves have no event).
    if (event) movedByUser.current = true;
  }, []);

  return (
    <div
      className={`campaign-graph${model.current ? '' : ' stale'}`}
      aria-label={props.label ?? 'Campaign graph'}
      role="region"
      data-graph-version={props.version}
      data-layout-ready={positions !== undefined && layoutReady(model, positions)}
    >
      <ReactFlow
        nodes={shown}
        edges={edges}
        nodeTypes={NODE_TYPES}
        fitView
        fitViewOptions={FIT_VIEW_OPTIONS}
        minZoom={0.1}
        nodesDraggable={interactive && model.current}
        nodesConnectable={onConnect !== undefined && model.current}
        elementsSelectable
        deleteKeyCode={interactive ? DELETE_KEYS : null}
        {...handlers}
        onMoveStart={onMoveStart}
        proOptions={PRO_OPTIONS}
      >
        <FitView
          ready={positions !== undefined}
          count={model.nodes.length}
          movedByUser={movedByUser}
        />
        <Background gap={24} />
        <Controls showInteractive={false} />
        {model.nodes.length > 30 ? <MiniMap pannable zoomable /> : null}
      </ReactFlow>
    </div>
  );
}

type FlowHandlers = Pick<
  ReactFlowProps<Node<StageNodeData>, Edge>,
  | 'onNodesChange'
  | 'onNodeDragStop'
  | 'onNodeClick'
  | 'onNodeDoubleClick'
  | 'onPaneClick'
  | 'onConnect'
  | 'onEdgesDelete'
  | 'onNodesDelete'
>;

/**
 * React Flow's event handlers, made once per graph and calling the latest props: handlers made on
 * every render would each be copied into React Flow's store on every keystroke, waking every node.
 */
function useFlowHandlers(
  props: CampaignGraphProps,
  setDragging: Dispatch<SetStateAction<Record<string, { x: number; y: number }>>>,
): FlowHandlers {
  const latest = useRef(props);
  useEffect(() => {
    latest.current = props;
  });
  return useMemo<FlowHandlers>(
    () => ({
      onNodesChange: (changes) => {
        for (const change of changes) {
          if (change.type === 'position' && change.position) {
            const at = change.position;
            setDragging((d) => ({ ...d, [change.id]: at }));
          }
        }
      },
      onNodeDragStop: (_event, node) => {
        setDragging((d) => {
          const { [node.id]: _dropped, ...rest } = d;
          return rest;
        });
        latest.current.onMove?.(node.id, {
          x: Math.round(node.position.x),
          y: Math.round(node.position.y),
        });
      },
      onNodeClick: (_event, node) => latest.current.onSelect?.(node.id),
      onNodeDoubleClick: (_event, node) => latest.current.onOpen?.(node.id),
      onPaneClick: () => latest.current.onSelect?.(undefined),
      onConnect: (connection: Connection) => {
        if (connection.source && connection.target)
          latest.current.onConnect?.(connection.source, connection.target);
      },
      onEdgesDelete: (deleted) => {
        for (const edge of deleted) latest.current.onDisconnect?.(edge.source, edge.target);
      },
      onNodesDelete: (deleted) => {
        for (const node of deleted) latest.current.onDelete?.(node.id);
      },
    }),
    [setDragging],
  );
}
