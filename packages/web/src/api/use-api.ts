// Loading an API answer into a component: the data, the error, whether it is loading, and a
// reload. A newer request always wins over an older one that answers late.
import { useCallback, useEffect, useRef, useState } from 'react';

export interface Loaded<T> {
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
  reload: () => void;
}

/** Runs `load` now and whenever `deps` change; `load` undefined means "nothing to load yet". */
export function useApi<T>(
  load: (() => Promise<T>) | undefined,
  deps: readonly unknown[],
): Loaded<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<Error | undefined>(undefined);
  const [loading, setLoading] = useState(load !== undefined);
  const generation = useRef(0);
  const [tick, setTick] = useState(0);

  useEffect(() => {
    if (!load) return;
    const mine = ++generation.current;
    setLoading(true);
    load().then(
      (value) => {
        if (generation.current !== mine) return;
        setData(value);
        setError(undefined);
        setLoading(false);
      },
      (reason: unknown) => {
        if (generation.current !== mine) return;
        setError(reason instanceof Error ? reason : new Error(String(reason)));
        setLoading(false);
      },
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the caller's deps decide
  }, [...deps, tick]);

  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, loading, reload };
}
