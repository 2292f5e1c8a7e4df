// One submission: what it is, the actions on it (kill, hold, release, recover, approve, reject),
// its status history, file statistics with the files behind each, its jobs over time and their
// efficiency as charts, its jobs (paged on the server, filtered by state: exit code, CPU
// efficiency, memory, logs) and the chain around it.
import { Suspense, lazy, useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, path } from '../../api/client.ts';
import type { LaunchOutcome, LedgerState, SubmissionDetails } from '../../api/types.ts';
import { useApi } from '../../api/use-api.ts';
import { ErrorBox, Loading } from '../../ui/feedback.tsx';
import { StatusBadge, Time } from '../../ui/status.tsx';
import { outcomeText } from './CampaignsPage.tsx';
import {
  ChainTree,
  JOB_STATES,
  Jobs,
  LaunchLogPanel,
  Ledger,
  LogViewer,
  type JobFilter,
} from './submission-parts.tsx';
import { PublicationPanel } from './PublicationPanel.tsx';
import { ActionButton, Panel, appUrl, useExperiment } from './shared.tsx';

// The job charts bring echarts: loaded when a submission page first shows, not with the app.
const JobCharts = lazy(async () => ({ default: (await import('./JobCharts.tsx')).JobCharts }));

const RECOVERY_TYPES = [
  'consumed_status',
  'process_status',
  'added_files',
  'pending_files',
  'delivered_not_consumed',
];

const LIVE = new Set(['New', 'Idle', 'Running', 'Held', 'Awaiting Approval', 'Approved']);

export function SubmissionPage() {
  const experiment = useExperiment();
  const id = useParams().id ?? '';
  const details = useApi(
    () => api.get<SubmissionDetails>(path('experiments', experiment, 'submissions', id)),
    [experiment, id],
  );
  const [ledgerState, setLedgerState] = useState<LedgerState | 'all' | undefined>(undefined);
  const [logsOf, setLogsOf] = useState<number | undefined>(undefined);
  const [jobFilter, setJobFilter] = useState<JobFilter>(undefined);
  const [recoveryType, setRecoveryType] = useState('');
  const [message, setMessage] = useState<string | undefined>(undefined);

  if (details.error) return <ErrorBox error={details.error} onRetry={details.reload} />;
  if (!details.data) return <Loading what={`submission ${id}`} />;
  const { submission: s, statistics, history, job_counts, publication } = details.data;
  const base = path('experiments', experiment, 'submissions', id);
  const done = (text: string) => {
    setMessage(text);
    details.reload();
  };
  const jobAction = (verb: 'kill' | 'hold' | 'release') => (
    <ActionButton
      label={verb[0]!.toUpperCase() + verb.slice(1)}
      danger={verb === 'kill'}
      confirm={`${verb[0]!.toUpperCase() + verb.slice(1)} every job of submission ${s.id}?`}
      run={() => api.post<{ jobs: number }>(`${base}/${verb}`, {})}
      onDone={(r) => done(`${verb}: ${(r as { jobs: number }).jobs} jobs`)}
    />
  );
  const stats: [string, number, LedgerState | undefined][] = [
    ['submitted', statistics.submitted, undefined],
    ['delivered', statistics.delivered, 'delivered'],
    ['consumed', statistics.consumed, 'consumed'],
    ['failed', statistics.failed, 'failed'],
    ['skipped', statistics.skipped, 'skipped'],
    ['unknown', statistics.unknown, undefined],
    ['pending', statistics.pending, undefined],
    ['with outputs', statistics.with_outputs, undefined],
    ['with located outputs', statistics.with_located_outputs, undefined],
    ['outputs', statistics.outputs, undefined],
    ['located outputs', statistics.located_outputs, undefined],
  ];

  return (
    <div className="monitoring">
      <div className="mon-title">
        <h1>
          Submission #{s.id} <StatusBadge status={s.status} />
          {s.test ? <span className="badge badge-neutral">test</span> : null}
          {s.held_by_person ? <span className="badge badge-waiting">held by a person</span> : null}
        </h1>
        <button type="button" onClick={details.reload}>
          Refresh
        </button>
      </div>
      <dl className="facts">
        <dt>Campaign</dt>
        <dd>
          <Link to={appUrl(experiment, 'campaigns', s.campaign)}>{s.campaign}</Link> (revision{' '}
          {s.campaign_revision})
        </dd>
        <dt>Stage</dt>
        <dd>
          <Link
            to={`${appUrl(experiment, 'submissions')}?campaign=${encodeURIComponent(s.campaign)}&stage=${encodeURIComponent(s.stage)}`}
          >
            {s.stage}
          </Link>{' '}
          <span className="muted">
            {s.stage_type} on {s.engine}
          </span>
        </dd>
        <dt>Launched</dt>
        <dd>
          by {s.launcher} ({s.origin}) <Time iso={s.created_at} />
        </dd>
        {s.recovery_type ? (
          <>
            <dt>Recovery</dt>
            <dd>
              {s.recovery_type}
              {s.parent_id ? (
                <>
                  {' '}
                  of <Link to={appUrl(experiment, 'submissions', s.parent_id)}>#{s.parent_id}</Link>
                </>
              ) : null}
            </dd>
          </>
        ) : null}
        {s.input_query ? (
          <>
            <dt>Input</dt>
            <dd>
              <code>{s.input_query}</code>
            </dd>
          </>
        ) : null}
        {s.parameter ? (
          <>
            <dt>Parameter</dt>
            <dd>{s.parameter}</dd>
          </>
        ) : null}
        <dt>Jobs / files</dt>
        <dd>
          {s.job_count} jobs, {s.file_count} files
        </dd>
      </dl>

      <div className="toolbar" aria-label="Actions">
        {jobAction('kill')}
        {jobAction('hold')}
        {jobAction('release')}
        <span className="action-group">
          <select
            aria-label="Recovery type"
            value={recoveryType}
            onChange={(e) => setRecoveryType(e.target.value)}
          >
            <option value="">recipe&apos;s next step</option>
            {RECOVERY_TYPES.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
          <ActionButton
            label="Recover"
            confirm={`Relaunch the unprocessed files of submission ${s.id}?`}
            run={() =>
              api.post<LaunchOutcome>(
                `${base}/recover`,
                recoveryType === '' ? {} : { type: recoveryType },
              )
            }
            onDone={(r) => done(`recover: ${outcomeText(r as LaunchOutcome)}`)}
          />
        </span>
        {s.status === 'Awaiting Approval' ? (
          <>
            <ActionButton
              label="Approve"
              confirm={`Approve submission ${s.id}?`}
              run={() => api.post(`${base}/approve`, {})}
              onDone={() => done('approved')}
            />
            <ActionButton
              label="Reject"
              danger
              confirm={`Reject submission ${s.id}?`}
              run={() => api.post(`${base}/reject`, {})}
              onDone={() => done('rejected')}
            />
          </>
        ) : null}
        {LIVE.has(s.status) ? null : <span className="muted">no live jobs</span>}
      </div>
      {message ? (
        <p className="mon-message" role="status">
          {message}
        </p>
      ) : null}
      {publication ? <PublicationPanel publication={publication} /> : null}

      <div className="grid-2">
        <Panel title="Status history">
          <table className="mon-table" aria-label="Status history">
            <thead>
              <tr>
                <th>Status</th>
                <th>Why</th>
                <th>By</th>
                <th>When</th>
              </tr>
            </thead>
            <tbody>
              {history.map((h) => (
                <tr key={h.seq}>
                  <td>
                    <StatusBadge status={h.status} />
                  </td>
                  <td>{h.reason}</td>
                  <td>{h.by ?? <span className="muted">POMS</span>}</td>
                  <td>
                    <Time iso={h.at} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </Panel>
        <Panel title="Files">
          <div className="stats" aria-label="File statistics">
            {stats.map(([label, n, state]) =>
              state ? (
                <button
                  key={label}
                  type="button"
                  className={ledgerState === state ? 'stat on' : 'stat'}
                  onClick={() => setLedgerState(ledgerState === state ? undefined : state)}
                >
                  <span className="stat-n">{n}</span> {label}
                </button>
              ) : (
                <span key={label} className="stat">
                  <span className="stat-n">{n}</span> {label}
                </span>
              ),
            )}
            <button
              type="button"
              className={ledgerState === 'all' ? 'stat on' : 'stat'}
              onClick={() => setLedgerState(ledgerState === 'all' ? undefined : 'all')}
            >
              every file
            </button>
          </div>
          {ledgerState ? (
            <Ledger
              experiment={experiment}
              id={id}
              state={ledgerState === 'all' ? undefined : ledgerState}
            />
          ) : (
            <p className="muted">Pick a count to see its files.</p>
          )}
        </Panel>
      </div>

      {s.job_count > 0 ? (
        <Suspense fallback={<Loading what="job charts" />}>
          <JobCharts experiment={experiment} submission={s} history={history} />
        </Suspense>
      ) : null}

      <Panel title={`Jobs (${s.job_count})`}>
        <div className="toolbar">
          <label>
            Job state{' '}
            <select
              aria-label="Job state"
              value={jobFilter ?? ''}
              onChange={(e) => setJobFilter((e.target.value || undefined) as JobFilter)}
            >
              <option value="">every job ({s.job_count})</option>
              <option value="failed-any">failed or killed, or a non-zero exit</option>
              {JOB_STATES.map((state) => (
                <option key={state} value={state}>
                  {state} ({job_counts[state] ?? 0})
                </option>
              ))}
            </select>
          </label>
        </div>
        <LaunchLogPanel experiment={experiment} id={id} />
        <Jobs experiment={experiment} id={id} filter={jobFilter} onLogs={setLogsOf} />
        {logsOf !== undefined ? (
          <LogViewer
            experiment={experiment}
            id={id}
            index={logsOf}
            onClose={() => setLogsOf(undefined)}
          />
        ) : null}
      </Panel>

      <Panel title="Chain">
        <ChainTree experiment={experiment} submission={s} />
      </Panel>
    </div>
  );
}
