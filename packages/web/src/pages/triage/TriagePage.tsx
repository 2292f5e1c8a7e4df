// Failure triage: the experiment's failed jobs of the last days grouped by signature (exit code
// and the normalised end of the log), most jobs first. A group opens on its normalised tail and
// a few example jobs with the real end of their logs, and recovers exactly its open files.
import { Fragment, useState } from 'react';
import { Link } from 'react-router';
import { api, path } from '../../api/client.ts';
import type { TriageGroup, TriageRecovery, TriageReport } from '../../api/types.ts';
import { useApi } from '../../api/use-api.ts';
import { Empty, ErrorBox, Loading } from '../../ui/feedback.tsx';
import { Time } from '../../ui/status.tsx';
import { outcomeText } from '../monitoring/CampaignsPage.tsx';
import { ActionButton, Panel, appUrl, useExperiment } from '../monitoring/shared.tsx';

const SINCE = ['1d', '7d', '30d'] as const;

function codeOf(g: TriageGroup): string {
  return g.signal !== null ? g.signal : g.exit_code === null ? '—' : String(g.exit_code);
}

export function TriagePage() {
  const experiment = useExperiment();
  const [since, setSince] = useState<string>('7d');
  const [open, setOpen] = useState<string | undefined>(undefined);
  const [message, setMessage] = useState<string | undefined>(undefined);
  const report = useApi(
    () => api.get<TriageReport>(path('experiments', experiment, 'triage'), { since }),
    [experiment, since],
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
          <select value={since} onChange={(e) => setSince(e.target.value)} aria-label="Since">
            {SINCE.map((s) => (
              <option key={s} value={s}>
                {s}
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
      <Panel title="Failures by signature">
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
                          onClick={() => setOpen(open === g.signature ? undefined : g.signature)}
                        >
                          {open === g.signature ? '▾' : '▸'} {g.title}
                        </button>
                      </td>
                      <td>{codeOf(g)}</td>
                      <td>{g.count}</td>
                      <td>{g.files}</td>
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
                        <td colSpan={7}>
                          <GroupDetails
                            experiment={experiment}
                            group={g}
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
  since,
  onRecovered,
}: {
  experiment: string;
  group: TriageGroup;
  since: string;
  onRecovered: (r: unknown) => void;
}) {
  return (
    <div className="triage-group">
      <p>
        Signature <code>{group.signature}</code>: {group.count} jobs in {group.submissions}{' '}
        submissions, {group.failed_files} files reported failed.
      </p>
      <pre aria-label="Normalised log tail">{group.tail.join('\n')}</pre>
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
