// Parts of the submission page: the file ledger behind a statistic, a job's logs, and the chain
// around the submission (its recoveries, the chains it consumed, the submissions that used it).
import { useState } from 'react';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { allPages, api, path } from '../../api/client.ts';
import type { Page } from '../../api/client.ts';
import type {
  Job,
  JobLogs,
  LaunchLog,
  LedgerEntry,
  LedgerState,
  Submission,
} from '../../api/types.ts';
import { useApi } from '../../api/use-api.ts';
import { DataTable, Pager } from '../../ui/data-table.tsx';
import { Empty, ErrorBox, Loading } from '../../ui/feedback.tsx';
import { StatusBadge, Time } from '../../ui/status.tsx';
import { appUrl, efficiency, memory, seconds } from './shared.tsx';

const LEDGER_PAGE = 500;

/** The ledger's files, of one state or all, a page at a time. */
export function Ledger({
  experiment,
  id,
  state,
}: {
  experiment: string;
  id: string;
  state: LedgerState | undefined;
}) {
  const [offset, setOffset] = useState(0);
  const [shownFor, setShownFor] = useState(state);
  if (shownFor !== state) {
    setShownFor(state);
    setOffset(0);
  }
  const ledger = useApi(
    () =>
      api.get<Page<LedgerEntry>>(path('experiments', experiment, 'submissions', id, 'ledger'), {
        state,
        limit: LEDGER_PAGE,
        offset,
      }),
    [experiment, id, state, offset],
  );
  if (ledger.error) return <ErrorBox error={ledger.error} onRetry={ledger.reload} />;
  if (!ledger.data) return <Loading what="files" />;
  if (ledger.data.items.length === 0) return <Empty>No {state ?? ''} files.</Empty>;
  return (
    <>
      <DataTable
        label={`Files ${state ?? ''}`.trim()}
        rows={ledger.data.items}
        rowKey={(f) => f.file}
        height={320}
        columns={[
          {
            key: 'file',
            header: 'File',
            width: 'minmax(14rem, 3fr)',
            cell: (f) => <Link to={appUrl(experiment, 'files', f.file)}>{f.file}</Link>,
          },
          { key: 'job', header: 'Job', width: '4rem', cell: (f) => f.job_index },
          { key: 'state', header: 'State', width: '7rem', cell: (f) => f.state },
          {
            key: 'reason',
            header: 'Reason',
            width: 'minmax(8rem, 2fr)',
            cell: (f) => f.reason ?? <span className="muted">—</span>,
          },
          { key: 'at', header: 'Updated', width: '7rem', cell: (f) => <Time iso={f.updated_at} /> },
        ]}
      />
      <Pager offset={offset} limit={LEDGER_PAGE} total={ledger.data.total} onChange={setOffset} />
    </>
  );
}

const JOB_PAGE = 500;

/** Job states a submission's jobs can be in, as the filter offers them. */
export const JOB_STATES = [
  'pending',
  'queued',
  'running',
  'held',
  'completed',
  'failed',
  'cancelled',
  'unknown',
] as const;

/** `failed`: the jobs that failed (non-zero exit, failed or cancelled); else one state or all. */
export type JobFilter = (typeof JOB_STATES)[number] | 'failed-any' | undefined;

/** A submission's jobs, filtered and paged on the server, in a virtualized table. */
export function Jobs({
  experiment,
  id,
  filter,
  onLogs,
}: {
  experiment: string;
  id: string;
  filter: JobFilter;
  onLogs: (index: number) => void;
}) {
  const [offset, setOffset] = useState(0);
  const [shownFor, setShownFor] = useState(filter);
  if (shownFor !== filter) {
    setShownFor(filter);
    setOffset(0);
  }
  const jobs = useApi(
    () =>
      api.get<Page<Job>>(path('experiments', experiment, 'submissions', id, 'jobs'), {
        ...(filter === 'failed-any' ? { failed: true } : { state: filter }),
        limit: JOB_PAGE,
        offset,
      }),
    [experiment, id, filter, offset],
  );
  if (jobs.error) return <ErrorBox error={jobs.error} onRetry={jobs.reload} />;
  if (!jobs.data) return <Loading what="jobs" />;
  if (jobs.data.items.length === 0) return <Empty>No jobs.</Empty>;
  return (
    <>
      <DataTable
        label="Jobs"
        rows={jobs.data.items}
        rowKey={(j) => String(j.index)}
        rowClass={(j) => (failedJob(j) ? 'bad' : undefined)}
        height={420}
        columns={[
          { key: 'index', header: '#', width: '4rem', cell: (j) => j.index },
          {
            key: 'state',
            header: 'State',
            width: '6.5rem',
            cell: (j) => <span title={j.reason ?? undefined}>{j.state}</span>,
          },
          {
            key: 'exit',
            header: 'Exit',
            width: '5rem',
            cell: (j) =>
              j.exit_code ?? (j.signal ? `signal ${j.signal}` : <span className="muted">—</span>),
          },
          { key: 'cpu', header: 'CPU', width: '5rem', cell: (j) => seconds(j.cpu_s) },
          { key: 'wall', header: 'Wall', width: '5rem', cell: (j) => seconds(j.wall_s) },
          {
            key: 'eff',
            header: 'CPU eff.',
            width: '5rem',
            cell: (j) => efficiency(j.cpu_s, j.wall_s),
          },
          {
            key: 'rss',
            header: 'Max memory',
            width: '6rem',
            cell: (j) => memory(j.max_rss_kb),
          },
          { key: 'files', header: 'Files', width: '4rem', cell: (j) => j.file_count },
          {
            key: 'host',
            header: 'Host',
            width: 'minmax(6rem, 1fr)',
            cell: (j) => j.host ?? <span className="muted">—</span>,
          },
          { key: 'ended', header: 'Ended', width: '7rem', cell: (j) => <Time iso={j.ended_at} /> },
          {
            key: 'logs',
            header: 'Logs',
            width: '4rem',
            cell: (j) => (
              <button
                type="button"
                className="link"
                aria-label={`Logs of job ${j.index}`}
                onClick={() => onLogs(j.index)}
              >
                logs
              </button>
            ),
          },
        ]}
      />
      <Pager offset={offset} limit={JOB_PAGE} total={jobs.data.total} onChange={setOffset} />
    </>
  );
}

/** As the server's `failed=true`: a non-zero exit code, or failed or cancelled. */
function failedJob(j: Job): boolean {
  return (
    (j.exit_code !== null && j.exit_code !== 0) || j.state === 'failed' || j.state === 'cancelled'
  );
}

/** Where the browser downloads a job's whole kept stream (the session cookie authenticates). */
function downloadUrl(experiment: string, id: string, index: number, stream: string): string {
  const url = path('experiments', experiment, 'submissions', id, 'jobs', index, 'logs', 'download');
  return `/api/v1${url}?stream=${stream}`;
}

/** The submission's launch log (outcome, command, environment names, history), on demand. */
export function LaunchLogPanel({ experiment, id }: { experiment: string; id: string }) {
  const [open, setOpen] = useState(false);
  return (
    <div className="launch-log">
      <button type="button" aria-expanded={open} onClick={() => setOpen(!open)}>
        {open ? 'Hide launch log' : 'Launch log'}
      </button>
      {open ? <LaunchLogText experiment={experiment} id={id} /> : null}
    </div>
  );
}

function LaunchLogText({ experiment, id }: { experiment: string; id: string }) {
  const log = useApi(
    () => api.get<LaunchLog>(path('experiments', experiment, 'submissions', id, 'launch-log')),
    [experiment, id],
  );
  if (log.error) return <ErrorBox error={log.error} onRetry={log.reload} />;
  if (!log.data) return <Loading what="launch log" />;
  return (
    <pre className="log" aria-label="Launch log">
      {log.data.text}
    </pre>
  );
}

/** The end of a job's stdout and stderr (the server's kept copy once the job ended). */
export function LogViewer({
  experiment,
  id,
  index,
  onClose,
}: {
  experiment: string;
  id: string;
  index: number;
  onClose: () => void;
}) {
  const [stream, setStream] = useState<'stdout' | 'stderr'>('stdout');
  const logs = useApi(
    () =>
      api.get<JobLogs>(path('experiments', experiment, 'submissions', id, 'jobs', index, 'logs')),
    [experiment, id, index],
  );
  return (
    <section className="panel log-viewer" aria-label={`Logs of job ${index}`}>
      <header className="mon-panel-head">
        <h3>Job {index} logs</h3>
        <div className="tabs" role="tablist">
          {(['stdout', 'stderr'] as const).map((s) => (
            <button
              key={s}
              type="button"
              role="tab"
              aria-selected={stream === s}
              className={stream === s ? 'on' : undefined}
              onClick={() => setStream(s)}
            >
              {s}
            </button>
          ))}
        </div>
        <button type="button" onClick={logs.reload}>
          Refresh
        </button>
        {(['stdout', 'stderr'] as const).map((s) => (
          <a key={s} href={downloadUrl(experiment, id, index, s)} download>
            Download {s}
          </a>
        ))}
        <button type="button" onClick={onClose}>
          Close
        </button>
      </header>
      {logs.error ? <ErrorBox error={logs.error} onRetry={logs.reload} /> : null}
      {!logs.data && !logs.error ? <Loading what="logs" /> : null}
      {logs.data ? (
        <>
          {logs.data.truncated ? (
            <p className="muted">Only the end of the log is shown: download it for all of it.</p>
          ) : null}
          {logs.data.source === 'engine' ? (
            <p className="muted">Read from the engine: the job has not ended or is not kept yet.</p>
          ) : null}
          <pre className="log" aria-label={stream}>
            {logs.data[stream] === '' ? '(empty)' : logs.data[stream]}
          </pre>
        </>
      ) : null}
    </section>
  );
}

interface ChainData {
  chain: Submission[];
  upstream: Submission[];
  dependents: Submission[];
  scanned: number;
}

/** How many of the campaign's newest submissions are searched for ones that used this chain. */
const DEPENDENT_SCAN = 1000;

/**
 * The recovery chain as a tree (each recovery under its parent), the upstream chains it consumed
 * and the submissions that consumed this chain.
 */
export function ChainTree({
  experiment,
  submission,
}: {
  experiment: string;
  submission: Submission;
}) {
  const root = submission.chain_root_id;
  const data = useApi(async (): Promise<ChainData> => {
    const list = path('experiments', experiment, 'submissions');
    const [chain, recent, upstream] = await Promise.all([
      allPages<Submission>(list, { chain: root }),
      api.get<Page<Submission>>(list, { campaign: submission.campaign, limit: DEPENDENT_SCAN }),
      Promise.all(
        submission.upstream_ids.map((u) =>
          api.get<{ submission: Submission }>(path('experiments', experiment, 'submissions', u)),
        ),
      ),
    ]);
    const inChain = new Set(chain.map((c) => c.id));
    const dependents = recent.items.filter(
      (s) => !inChain.has(s.id) && s.upstream_ids.some((u) => inChain.has(u)),
    );
    return {
      chain,
      upstream: upstream.map((u) => u.submission),
      dependents,
      scanned: recent.items.length,
    };
  }, [experiment, root, submission.campaign, submission.upstream_ids.join(',')]);
  if (data.error) return <ErrorBox error={data.error} onRetry={data.reload} />;
  if (!data.data) return <Loading what="chain" />;
  const { chain, upstream, dependents } = data.data;
  const children = new Map<string | null, Submission[]>();
  for (const s of chain) {
    const parent = s.id === root ? null : (s.parent_id ?? root);
    children.set(parent, [...(children.get(parent) ?? []), s]);
  }
  const node = (s: Submission, depth: number): ReactNode => (
    <li key={s.id}>
      <ChainItem experiment={experiment} s={s} current={s.id === submission.id} />
      {depth < 50 && (children.get(s.id)?.length ?? 0) > 0 ? (
        <ul>{children.get(s.id)?.map((c) => node(c, depth + 1))}</ul>
      ) : null}
    </li>
  );
  return (
    <div className="chain">
      {upstream.length > 0 ? (
        <>
          <h3>Consumed the chains of</h3>
          <ul className="tree">
            {upstream.map((u) => (
              <li key={u.id}>
                <ChainItem experiment={experiment} s={u} current={false} />
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <h3>
        Recovery chain{' '}
        <Link
          className="small"
          to={`${appUrl(experiment, 'submissions')}?chain=${encodeURIComponent(root)}`}
        >
          as a list ›
        </Link>
      </h3>
      <ul className="tree" aria-label="Recovery chain">
        {(children.get(null) ?? []).map((s) => node(s, 0))}
      </ul>
      <h3>Dependents</h3>
      {dependents.length === 0 ? (
        <p className="muted">
          No submission has used this chain yet (among the campaign&apos;s newest{' '}
          {data.data.scanned}).
        </p>
      ) : (
        <ul className="tree" aria-label="Dependents">
          {dependents.map((d) => (
            <li key={d.id}>
              <ChainItem experiment={experiment} s={d} current={false} />
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function ChainItem({
  experiment,
  s,
  current,
}: {
  experiment: string;
  s: Submission;
  current: boolean;
}) {
  return (
    <span className={current ? 'chain-item current' : 'chain-item'}>
      {current ? (
        <strong>#{s.id}</strong>
      ) : (
        <Link to={appUrl(experiment, 'submissions', s.id)}>#{s.id}</Link>
      )}{' '}
      {s.stage} <StatusBadge status={s.status} />
      {s.recovery_type ? <span className="muted"> recovery: {s.recovery_type}</span> : null}
    </span>
  );
}
