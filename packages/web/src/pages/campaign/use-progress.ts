// A campaign's progress, live: the server's event stream (GET …/events, one `progress` event per
// change; the session cookie goes with it, same origin), and while that stream is down — it never
// opened, or it broke and the browser is reconnecting — the progress route polled instead.
import { useCallback, useEffect, useRef, useState } from 'react';
import { api, path } from '../../api/client.ts';
import type { CampaignProgress } from '../../api/types.ts';

/** Between two polls while the event stream is down. */
export const POLL_MS = 3000;

export type ProgressSource = 'connecting' | 'events' | 'polling';

export interface LiveProgress {
  data: CampaignProgress | undefined;
  error: Error | undefined;
  source: ProgressSource;
  /** Reads the progress now (after an action, not to wait for the next event). */
  refresh: () => void;
}

export function useCampaignProgress(experiment: string, campaign: string): LiveProgress {
  const [data, setData] = useState<CampaignProgress | undefined>(undefined);
  const [error, setError] = useState<Error | undefined>(undefined);
  const [source, setSource] = useState<ProgressSource>('connecting');
  const url = path('experiments', experiment, 'campaigns', campaign);
  const generation = useRef(0);

  const poll = useCallback(() => {
    const mine = generation.current;
    api.get<CampaignProgress>(`${url}/progress`).then(
      (p) => {
        if (generation.current !== mine) return;
        setData(p);
        setError(undefined);
      },
      (reason: unknown) => {
        if (generation.current !== mine) return;
        setError(reason instanceof Error ? reason : new Error(String(reason)));
      },
    );
  }, [url]);

  useEffect(() => {
    generation.current++;
    setData(undefined);
    setError(undefined);
    setSource('connecting');
    let timer: ReturnType<typeof setInterval> | undefined;
    const startPolling = () => {
      setSource('polling');
      if (timer !== undefined) return;
      poll();
      timer = setInterval(poll, POLL_MS);
    };
    const stopPolling = () => {
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
    };
    if (typeof EventSource === 'undefined') {
      startPolling();
      return stopPolling;
    }
    const events = new EventSource(`/api/v1${url}/events`);
    events.addEventListener('progress', (event: MessageEvent<string>) => {
      stopPolling();
      setSource('events');
      setError(undefined);
      setData(JSON.parse(event.data) as CampaignProgress);
    });
    // Down (refused, or broken and reconnecting): poll until an event arrives again.
    events.onerror = () => startPolling();
    return () => {
      events.close();
      stopPolling();
    };
  }, [url, poll]);

  return { data, error, source, refresh: poll };
}
