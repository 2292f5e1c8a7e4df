// What the monitoring pages share: the experiment of the URL, links, the campaigns by id, a
// button that asks before it acts and shows the API's refusal, and number formats.
import { useState } from 'react';
import type { ReactNode } from 'react';
import { useParams } from 'react-router';
import { api, path } from '../../api/client.ts';
import type { CampaignListItem, CampaignPage } from '../../api/types.ts';
import { useApi } from '../../api/use-api.ts';
import { ErrorBox } from '../../ui/feedback.tsx';
import './monitoring.css';

/** The experiment named in the URL (/e/:experiment/…). */
export function useExperiment(): string {
  return useParams().experiment ?? '';
}

/** The app's URL of an experiment page: `/e/demo/submissions/42`. */
export function appUrl(experiment: string, ...rest: (string | number)[]): string {
  return ['/e', experiment, ...rest].map((s, i) => (i === 0 ? s : encodeURIComponent(s))).join('/');
}

/** Every campaign of the experiment (cursor pages followed to the end), for names by id. */
export async function allCampaigns(experiment: string): Promise<CampaignListItem[]> {
  const out: CampaignListItem[] = [];
  let cursor: string | null | undefined = undefined;
  for (;;) {
    const page: CampaignPage = await api.get<CampaignPage>(
      path('experiments', experiment, 'campaigns'),
      { limit: 1000, cursor },
    );
    out.push(...page.items);
    if (!page.next_cursor || page.items.length === 0) return out;
    cursor = page.next_cursor;
  }
}

/** Campaign names by id, for lists that name campaigns by id (holds, held launches, watches). */
export function useCampaignNames(experiment: string): Map<string, string> {
  const loaded = useApi(() => allCampaigns(experiment), [experiment]);
  const names = new Map<string, string>();
  for (const c of loaded.data ?? []) names.set(c.id, c.name);
  return names;
}

/** Runs `work` over `items`, at most `width` at a time, answers in order. */
export async function inBatches<T, R>(
  items: readonly T[],
  width: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await work(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
  return out;
}

/**
 * A button for an action that changes something: with `confirm`, it first asks (inline, so the
 * question is part of the page), then runs, and shows the API's error beside it when refused.
 */
export function ActionButton({
  label,
  confirm,
  run,
  onDone,
  danger,
  disabled,
}: {
  label: string;
  confirm?: string;
  run: () => Promise<unknown>;
  onDone?: (result: unknown) => void;
  danger?: boolean;
  disabled?: boolean;
}) {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const go = async () => {
    setAsking(false);
    setBusy(true);
    setError(undefined);
    try {
      const result = await run();
      onDone?.(result);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <span className="action">
      {asking ? (
        <span className="confirm" role="group" aria-label={`Confirm ${label}`}>
          <span>{confirm}</span>
          <button type="button" className={danger ? 'danger' : 'primary'} onClick={() => void go()}>
            Yes, {label.toLowerCase()}
          </button>
          <button type="button" onClick={() => setAsking(false)}>
            Cancel
          </button>
        </span>
      ) : (
        <button
          type="button"
          className={danger ? 'danger' : undefined}
          disabled={disabled || busy}
          onClick={() => (confirm ? setAsking(true) : void go())}
        >
          {busy ? `${label}…` : label}
        </button>
      )}
      {error ? <ErrorBox error={error} /> : null}
    </span>
  );
}

export function Panel({
  title,
  more,
  children,
}: {
  title: string;
  more?: ReactNode;
  children: ReactNode;
}) {
  return (
    <section className="panel mon-panel" aria-label={title}>
      <header className="mon-panel-head">
        <h2>{title}</h2>
        {more}
      </header>
      {children}
    </section>
  );
}

export function seconds(s: number | null | undefined): string {
  if (s === null || s === undefined) return '—';
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
  return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
}

export function memory(kb: number | null | undefined): string {
  if (kb === null || kb === undefined) return '—';
  if (kb < 1024) return `${kb} KiB`;
  if (kb < 1024 * 1024) return `${(kb / 1024).toFixed(1)} MiB`;
  return `${(kb / 1024 / 1024).toFixed(2)} GiB`;
}

/** CPU time over wall time, as a percentage; — when either is unknown. */
export function efficiency(cpu: number | null, wall: number | null): string {
  if (cpu === null || wall === null || wall <= 0) return '—';
  return `${Math.round((cpu / wall) * 100)}%`;
}
