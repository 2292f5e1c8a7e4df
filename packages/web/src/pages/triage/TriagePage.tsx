// Failure triage: the experiment's failed jobs of the last days grouped by signature (exit code
// and the normalised end of the log) or by exit code alone, most jobs first. A group opens on its
// normalised tail (and, by exit code, the signatures under it) and a few example jobs with the
// real end of their logs, and recovers exactly its open files. The window, the grouping and the
// open group are in the URL, so a view can be bookmarked and shared.
import { Fragment, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api, path } from '../../api/client.ts';
import type { TriageGroup, TriageGroupBy, TriageRecovery, TriageReport } from '../../api/types.ts';
import { useApi } from '../../api/use-api.ts';
import { Empty, ErrorBox, Loading } from '../../ui/feedback.tsx';
import { Time } from '../../ui/status.tsx';
import { outcomeText } from '../monitoring/CampaignsPage.tsx';
import { ActionButton, Panel, appUrl, useExperiment } from '../monitoring/shared.tsx';

const SINCE = ['1d', '7d', '30d'] as const;
const GROUP_BY: readonly { value: TriageGroupBy; label: string }[] = [
  { value: 'signature', label: 'Signature' },
  { value: 'exit_code', label: 'Exit code' },
];

/** The page's URL for a view: what the signature links of the exit-code view point to. */
function viewQuery(since: string, by: TriageGroupBy, open?: string): string {
  const params = new URLSearchParams();
  if (since !== '7d') params.set('since', since);
  if (by !== 'signature') params.set('group_by', by);
  if (open !== undefined) params.set('open', open);
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

function codeOf(g: TriageGroup): string {
  return g.signal !== null ? g.signal : g.exit_code === null ? '—' : String(g.exit_code);
}

export function TriagePage() {
  const experiment = useExperiment();
  const [params, setParams] = useSearchParams();
  const since = params.get('since') ?? '7d';
  const by: TriageGroupBy = params.get('group_by') === 'exit_code' ? 'exit_code' : 'signature';
  const open = params.get('open') ?? undefined;
  const show = (next: { since?: string; by?: TriageGroupBy; open?: string | undefined }) =>
    setParams(
      new URLSearchParams(
        viewQuery(
          next.since ?? since,
          next.by ?? by,
          'open' in next ? next.open : next.by === undefined ? open : undefined,
        ),
      ),
    );
  const [message, setMessage] = useState<string | undefined>(undefined);
  const report = useApi(
    () => api.get<TriageReport>(path('experiments', experiment, 'triage'), { since, group_by: by }),
    [experiment, since, by],
  );
  const recovered = (r: unknown) => {
    const answer = r as TriageRecovery;
    setMessage(
      answer.launches.length === 0
        ? `${answer.signature}: no files left to recover`
        : `${answer.signature}: ${answer.launches
            .map(
              (l) =>
                `${l.campaign}/${l.stage} (${l.files.length} files): ${outcomeText(l.outcome)}`,
            )
            .join('; ')}`,
    );
    report.reload();
  };

  return (
    <div className="monitoring">
      <div className="mon-title">
        <h1>Failure triage</h1>
        <label>
          Since{' '}
          <select
            value={since}
            onChange={(e) => show({ since: e.target.value })}
            aria-label="Since"
          >
            {SINCE.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>{' '}
        <label>
          Group by{' '}
          <select
            value={by}
            onChange={(e) => show({ by: e.target.value as TriageGroupBy })}
            aria-label="Group by"
          >
            {GROUP_BY.map((g) => (
              <option key={g.value} value={g.value}>
                {g.label}
              </option>
            ))}
          </select>
        </label>
      </div>
      {message ? (
        <p className="mon-message" role="status">
          {message}
        </p>
      ) : null}
      <Panel title={by === 'exit_code' ? 'Failures by exit code' : 'Failures by signature'}>
        {report.error ? <ErrorBox error={report.error} onRetry={report.reload} /> : null}
        {!report.data && !report.error ? <Loading what="failures" /> : null}
        {report.data && report.data.groups.length === 0 ? (
          <Empty>No failed jobs since {since}.</Empty>
        ) : null}
        {report.data && report.data.groups.length > 0 ? (
          <>
            <p className="muted">
              {report.data.jobs} failed jobs
              {report.data.truncated ? ' (the newest; older ones left out)' : ''}
            </p>
            <table className="mon-table" aria-label="Failure groups">
              <thead>
                <tr>
                  <th>Failure</th>
                  <th>Exit</th>
                  <th>Jobs</th>
                  <th>Files</th>
                  {by === 'exit_code' ? <th>Signatures</th> : null}
                  <th>First seen</th>
                  <th>Last seen</th>
                  <th>Stages</th>
                </tr>
              </thead>
              <tbody>
                {report.data.groups.map((g) => (
                  <Fragment key={g.signature}>
                    <tr>
                      <td>
                        <button
                          type="button"
                          aria-expanded={open === g.signature}
                          onClick={() =>
                            show({ open: open === g.signature ? undefined : g.signature })
                          }
                        >
                          {open === g.signature ? '▾' : '▸'} {g.title}
                        </button>
                      </td>
                      <td>{codeOf(g)}</td>
                      <td>{g.count}</td>
                      <td>{g.files}</td>
                      {by === 'exit_code' ? <td>{g.signatures.length}</td> : null}
                      <td>
                        <Time iso={g.first_seen} />
                      </td>
                      <td>
                        <Time iso={g.last_seen} />
                      </td>
                      <td>{g.stages.map((s) => `${s.campaign}/${s.stage}`).join(', ')}</td>
                    </tr>
                    {open === g.signature ? (
                      <tr>
                        <td colSpan={by === 'exit_code' ? 8 : 7}>
                          <GroupDetails
                            experiment={experiment}
                            group={g}
                            by={by}
                            since={since}
                            onRecovered={recovered}
                          />
                        </td>
                      </tr>
                    ) : null}
                  </Fragment>
                ))}
              </tbody>
            </table>
          </>
        ) : null}
      </Panel>
    </div>
  );
}

function GroupDetails({
  experiment,
  group,
  by,
  since,
  onRecovered,
}: {
  experiment: string;
  group: TriageGroup;
  by: TriageGroupBy;
  since: string;
  onRecovered: (r: unknown) => void;
}) {
  return (
    <div className="triage-group">
      <p>
        {by === 'exit_code' ? 'Exit' : 'Signature'} <code>{group.signature}</code>: {group.count}{' '}
        jobs in {group.submissions} submissions, {group.failed_files} files reported failed.
      </p>
      {by === 'exit_code' ? (
        <table className="mon-table" aria-label={`Signatures of ${group.signature}`}>
          <thead>
            <tr>
              <th>Signature</th>
              <th>Failure</th>
              <th>Jobs</th>
              <th>Files</th>
              <th>Last seen</th>
            </tr>
          </thead>
          <tbody>
            {group.signatures.map((s) => (
              <tr key={s.signature}>
                <td>
                  <Link
                    to={`${appUrl(experiment, 'triage')}${viewQuery(since, 'signature', s.signature)}`}
                  >
                    {s.signature}
                  </Link>
                </td>
                <td>{s.title}</td>
                <td>{s.count}</td>
                <td>{s.files}</td>
                <td>
                  <Time iso={s.last_seen} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <pre
        aria-label={
          by === 'exit_code'
            ? 'Normalised log tail of its commonest signature'
            : 'Normalised log tail'
        }
      >
        {group.tail.join('\n')}
      </pre>
      {group.files > 0 ? (
        <ActionButton
          label={`Recover these ${group.files} files`}
          confirm={`Relaunch the ${group.files} files of this failure (one launch per stage)?`}
          run={() =>
            api.post<TriageRecovery>(
              path('experiments', experiment, 'triage', group.signature, 'recover'),
              { since },
            )
          }
          onDone={onRecovered}
        />
      ) : (
        <p className="muted">No files left to recover (already processed since).</p>
      )}
      <h3>Examples</h3>
      {group.examples.map((e) => (
        <div key={`${e.submission_id}:${e.index}`}>
          <p>
            <Link to={appUrl(experiment, 'submissions', e.submission_id)}>{e.submission_id}</Link>{' '}
            job {e.index} ({e.campaign}/{e.stage}, {e.state}
            {e.ended_at ? (
              <>
                , ended <Time iso={e.ended_at} />
              </>
            ) : null}
            )
          </p>
          <pre aria-label={`Log of job ${e.index} of ${e.submission_id}`}>
            {e.excerpt.join('\n')}
          </pre>
        </div>
      ))}
    </div>
  );
}
