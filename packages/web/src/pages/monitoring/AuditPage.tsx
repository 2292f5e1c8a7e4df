// The experiment's audit log, newest first: who changed what as which role, filtered on the
// server by actor, action, object type and a time range, a page at a time.
import { useSearchParams } from 'react-router';
import { api, path } from '../../api/client.ts';
import type { Page } from '../../api/client.ts';
import type { AuditEntry } from '../../api/types.ts';
import { useApi } from '../../api/use-api.ts';
import { DataTable, Pager } from '../../ui/data-table.tsx';
import { Empty, ErrorBox, Loading } from '../../ui/feedback.tsx';
import { Time } from '../../ui/status.tsx';
import { useExperiment } from './shared.tsx';

const PAGE = 100;
const FILTERS = [
  ['actor', 'Actor', 'text'],
  ['action', 'Action', 'text'],
  ['object_type', 'Object type', 'text'],
  ['since', 'Since', 'datetime-local'],
  ['until', 'Until', 'datetime-local'],
] as const;

/** A datetime-local value (local time) as ISO UTC, '' when empty or unreadable. */
function toIso(local: string): string {
  if (local === '') return '';
  const t = new Date(local);
  return Number.isNaN(t.getTime()) ? '' : t.toISOString();
}

export function AuditPage() {
  const experiment = useExperiment();
  const [params, setParams] = useSearchParams();
  const value = (k: string) => params.get(k) ?? '';
  const offset = Number(value('offset')) || 0;
  const query = {
    actor: value('actor'),
    action: value('action'),
    object_type: value('object_type'),
    since: toIso(value('since')),
    until: toIso(value('until')),
  };
  const log = useApi(
    () =>
      api.get<Page<AuditEntry>>(path('experiments', experiment, 'audit'), {
        ...query,
        limit: PAGE,
        offset,
      }),
    [experiment, ...Object.values(query), offset],
  );
  const set = (key: string, v: string) => {
    const next = new URLSearchParams(params);
    if (v === '') next.delete(key);
    else next.set(key, v);
    if (key !== 'offset') next.delete('offset');
    setParams(next, { replace: true });
  };
  return (
    <div className="monitoring">
      <h1>Audit log</h1>
      <form
        className="toolbar"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          const form = new FormData(e.currentTarget);
          const next = new URLSearchParams();
          for (const [key] of FILTERS) {
            const raw = form.get(key);
            const v = typeof raw === 'string' ? raw.trim() : '';
            if (v !== '') next.set(key, v);
          }
          setParams(next, { replace: true });
        }}
      >
        {FILTERS.map(([key, label, type]) => (
          <label key={`${key}:${value(key)}`}>
            {label} <input name={key} type={type} defaultValue={value(key)} aria-label={label} />
          </label>
        ))}
        <button type="submit">Filter</button>
        <button type="button" className="link" onClick={() => setParams(new URLSearchParams())}>
          clear
        </button>
      </form>
      {log.error ? <ErrorBox error={log.error} onRetry={log.reload} /> : null}
      {!log.data && !log.error ? <Loading what="audit log" /> : null}
      {log.data && log.data.items.length === 0 ? <Empty>No entry matches.</Empty> : null}
      {log.data && log.data.items.length > 0 ? (
        <>
          <DataTable
            label="Audit log"
            rows={log.data.items}
            rowKey={(e) => e.id}
            height={640}
            columns={[
              { key: 'at', header: 'When', width: '7rem', cell: (e) => <Time iso={e.at} /> },
              {
                key: 'actor',
                header: 'Actor',
                width: '9rem',
                cell: (e) => (
                  <>
                    {e.actor}
                    {e.acting_role ? <span className="muted"> · {e.acting_role}</span> : null}
                  </>
                ),
              },
              {
                key: 'action',
                header: 'Action',
                width: '11rem',
                cell: (e) => (
                  <button type="button" className="link" onClick={() => set('action', e.action)}>
                    {e.action}
                  </button>
                ),
              },
              {
                key: 'object',
                header: 'Object',
                width: 'minmax(8rem, 1fr)',
                cell: (e) => `${e.object_type} ${e.object_id}`,
              },
              {
                key: 'summary',
                header: 'Summary',
                width: 'minmax(14rem, 3fr)',
                cell: (e) => <span title={e.summary}>{e.summary}</span>,
              },
            ]}
          />
          <Pager
            offset={offset}
            limit={PAGE}
            total={log.data.total}
            onChange={(o) => set('offset', String(o))}
          />
        </>
      ) : null}
    </div>
  );
}
