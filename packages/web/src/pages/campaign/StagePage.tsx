// A stage of a campaign: watch it, its live progress (and over time, with a forecast of its end),
// launch and test launch, a dry run that shows every job's command, environment and files, hold and
// release, the schedule (cron and time zone, with the next run), the split cursor (reset or
// rewind), and the stage's recent submissions.
import { useEffect, useState } from 'react';
import type { ReactNode } from 'react';
import { Link, useParams } from 'react-router';
import { api, path, type Page } from '../../api/client.ts';
import type {
  DryRunJob,
  DryRunResult,
  LaunchOutcome,
  Released,
  ScheduleSaved,
  SplitChange,
  SplitView,
  StageProgress,
  Submission,
} from '../../api/types.ts';
import { useApi } from '../../api/use-api.ts';
import { ErrorBox, Loading } from '../../ui/feedback.tsx';
import { StatusBadge, Time } from '../../ui/status.tsx';
import './campaign.css';
import { outcomeWords } from './CampaignPage.tsx';
import { ProgressHistoryChart } from './ProgressHistoryChart.tsx';
import { NextRun, ProgressNumbers, SubmissionLink } from './progress-view.tsx';
import { useCampaignProgress } from './use-progress.ts';
import { useCampaignWatches, watching, WatchToggle } from './WatchToggle.tsx';

/** Runs an action: busy while it runs, its answer in words, or its error. */
function useAction() {
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const run = async (action: () => Promise<string | undefined>) => {
    setBusy(true);
    setError(undefined);
    setMessage(undefined);
    try {
      setMessage(await action());
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const feedback: ReactNode = (
    <>
      {message ? (
        <div className="action-result" role="status">
          {message}
        </div>
      ) : null}
      {error ? <ErrorBox error={error} /> : null}
    </>
  );
  return { busy, run, feedback };
}

export function StagePage() {
  const { experiment = '', campaign = '', stage = '' } = useParams();
  const campaignUrl = `/e/${encodeURIComponent(experiment)}/campaigns/${encodeURIComponent(campaign)}`;
  const stageApi = path('experiments', experiment, 'campaigns', campaign, 'stages', stage);
  const progress = useCampaignProgress(experiment, campaign);
  const mine = progress.data?.stages.find((s) => s.stage === stage);
  const watches = useCampaignWatches(experiment, campaign);

  return (
    <section className="stage-page">
      <nav className="crumbs" aria-label="Breadcrumbs">
        <Link to={campaignUrl}>{campaign}</Link> › <span>{stage}</span>
      </nav>
      <header className="campaign-head">
        <div>
          <h1>{stage}</h1>
          <div className="muted">
            {mine?.type ?? ''} stage of {campaign}
            {mine?.held ? ' · held' : ''}
          </div>
        </div>
        <div className="toolbar">
          <WatchToggle
            experiment={experiment}
            campaign={campaign}
            stage={stage}
            watches={watches}
          />
          {watches.data && watching(watches.data) ? (
            <span className="muted">(you watch the whole campaign too)</span>
          ) : null}
        </div>
      </header>
      {progress.error ? <ErrorBox error={progress.error} onRetry={progress.refresh} /> : null}
      {progress.data && !mine ? (
        <ErrorBox error={new Error(`campaign ${campaign} has no stage ${stage}`)} />
      ) : null}
      <div className="grid-2">
        <div className="panel">
          <h2>Progress</h2>
          {mine ? <ProgressNumbers progress={mine} /> : <Loading what="the progress" />}
          {mine?.last_submission ? (
            <p>
              Last submission: <StatusBadge status={mine.last_submission.status} />{' '}
              <SubmissionLink experiment={experiment} id={mine.last_submission.id} />
            </p>
          ) : null}
        </div>
        <Launches stageApi={stageApi} progress={mine} onChange={progress.refresh} />
        <ScheduleEditor stageApi={stageApi} progress={mine} onChange={progress.refresh} />
        <SplitCursor stageApi={stageApi} version={mine?.submissions.total ?? 0} />
      </div>
      <section className="panel" aria-label="Progress over time">
        <h2>Progress over time</h2>
        <ProgressHistoryChart
          experiment={experiment}
          campaign={campaign}
          stage={stage}
          version={JSON.stringify(mine?.files ?? null)}
        />
      </section>
      <DryRun stageApi={stageApi} />
      <RecentSubmissions
        experiment={experiment}
        campaign={campaign}
        stage={stage}
        version={`${mine?.last_submission?.id}:${mine?.last_submission?.status}:${mine?.submissions.total}`}
      />
    </section>
  );
}

function Launches({
  stageApi,
  progress,
  onChange,
}: {
  stageApi: string;
  progress: StageProgress | undefined;
  onChange: () => void;
}) {
  const action = useAction();
  const launch = (test: boolean) =>
    action.run(async () => {
      const outcome = await api.post<LaunchOutcome>(`${stageApi}/launch`, test ? { test } : {});
      onChange();
      return `${test ? 'Test launch' : 'Launch'}: ${outcomeWords(outcome)}`;
    });
  const hold = () =>
    action.run(async () => {
      if (progress?.held) {
        const released = await api.delete<Released>(`${stageApi}/hold`);
        onChange();
        return released.launched.length > 0
          ? `Released; launched ${released.launched.map(outcomeWords).join(', ')}`
          : 'Released';
      }
      await api.put(`${stageApi}/hold`, {});
      onChange();
      return 'Held: launches of this stage queue until it is released';
    });
  return (
    <div className="panel">
      <h2>Launch</h2>
      <div className="toolbar">
        <button
          type="button"
          className="primary"
          disabled={action.busy}
          onClick={() => void launch(false)}
        >
          Launch
        </button>
        <button type="button" disabled={action.busy} onClick={() => void launch(true)}>
          Test launch
        </button>
        <button
          type="button"
          disabled={action.busy || progress === undefined}
          onClick={() => void hold()}
        >
          {progress?.held ? 'Release stage' : 'Hold stage'}
        </button>
      </div>
      {action.feedback}
    </div>
  );
}

function defaultTimezone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

function ScheduleEditor({
  stageApi,
  progress,
  onChange,
}: {
  stageApi: string;
  progress: StageProgress | undefined;
  onChange: () => void;
}) {
  const current = progress?.schedule ?? null;
  const [cron, setCron] = useState('');
  const [timezone, setTimezone] = useState(defaultTimezone);
  const [described, setDescribed] = useState<string | undefined>(undefined);
  const action = useAction();
  // The form shows the schedule in effect when it first arrives (or changes elsewhere).
  const shownCron = current?.cron;
  const shownZone = current?.timezone;
  useEffect(() => {
    if (shownCron !== undefined) setCron(shownCron);
    if (shownZone !== undefined) setTimezone(shownZone);
  }, [shownCron, shownZone]);

  const save = () =>
    action.run(async () => {
      const saved = await api.put<ScheduleSaved>(`${stageApi}/schedule`, { cron, timezone });
      setDescribed(saved.description);
      onChange();
      return `Scheduled: ${saved.description}`;
    });
  const remove = () =>
    action.run(async () => {
      const answer = await api.delete<{ removed: boolean }>(`${stageApi}/schedule`);
      setDescribed(undefined);
      onChange();
      return answer.removed ? 'Schedule removed' : 'There was no schedule';
    });
  return (
    <div className="panel">
      <h2>Schedule</h2>
      <p>
        {current ? (
          <>
            <code>{current.cron}</code> ({current.timezone}){described ? `: ${described}` : ''}.
            Next run: <NextRun iso={current.next_run} />
          </>
        ) : (
          <span className="muted">Not scheduled.</span>
        )}
      </p>
      <form
        className="schedule-form"
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <label>
          Cron <span className="muted">(minute hour day month weekday)</span>
          <input
            value={cron}
            onChange={(e) => setCron(e.target.value)}
            placeholder="0 3 * * *"
            required
          />
        </label>
        <label>
          Time zone
          <input value={timezone} onChange={(e) => setTimezone(e.target.value)} required />
        </label>
        <div className="toolbar">
          <button type="submit" disabled={action.busy}>
            Save schedule
          </button>
          <button
            type="button"
            className="danger"
            disabled={action.busy || current === null}
            onClick={() => void remove()}
          >
            Remove schedule
          </button>
        </div>
      </form>
      {action.feedback}
    </div>
  );
}

function SplitCursor({ stageApi, version }: { stageApi: string; version: number }) {
  const [test, setTest] = useState(false);
  const split = useApi(
    () => api.get<SplitView>(`${stageApi}/split`, test ? { test: true } : undefined),
    [stageApi, test, version],
  );
  const [to, setTo] = useState(0);
  const action = useAction();
  const change = (body: { action: 'reset' } | { action: 'rewind'; to: number }) =>
    action.run(async () => {
      const answer = await api.post<SplitChange>(`${stageApi}/split`, { ...body, test });
      split.reload();
      return answer.dropped.length === 0
        ? 'Nothing to forget'
        : `Forgot slice${answer.dropped.length > 1 ? 's' : ''} ${answer.dropped.map((d) => d.seq).join(', ')}: the next launch takes slice ${answer.to + 1}`;
    });
  const s = split.data;
  return (
    <div className="panel">
      <h2>Split</h2>
      <label className="inline">
        <input type="checkbox" checked={test} onChange={(e) => setTest(e.target.checked)} /> test
        launches&apos; cursor
      </label>
      {split.error ? <ErrorBox error={split.error} onRetry={split.reload} /> : null}
      {s ? (
        <>
          <p>
            {s.slices === 0
              ? 'No slice handed out yet: the next launch takes the first.'
              : `${s.slices} slice${s.slices > 1 ? 's' : ''} handed out (${s.spec}); the next launch takes slice ${s.slices + 1}.`}
          </p>
          {s.history.length > 0 ? (
            <table className="compact" aria-label="Slices">
              <thead>
                <tr>
                  <th>#</th>
                  <th>Slice</th>
                  <th>Files</th>
                  <th>When</th>
                </tr>
              </thead>
              <tbody>
                {s.history.map((h) => (
                  <tr key={h.seq}>
                    <td>{h.seq}</td>
                    <td>{h.parameter ?? h.label}</td>
                    <td>{h.file_count}</td>
                    <td>
                      <Time iso={h.created_at} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
          <div className="toolbar">
            <button
              type="button"
              disabled={action.busy || s.slices === 0}
              onClick={() => void change({ action: 'reset' })}
            >
              Reset split
            </button>
            <label className="inline">
              keep slices up to
              <input
                type="number"
                min={0}
                max={s.slices}
                value={to}
                onChange={(e) => setTo(Number(e.target.value))}
                aria-label="Last slice to keep"
              />
            </label>
            <button
              type="button"
              disabled={action.busy || s.slices === 0}
              onClick={() => void change({ action: 'rewind', to })}
            >
              Rewind split
            </button>
          </div>
        </>
      ) : (
        <Loading what="the split" />
      )}
      {action.feedback}
    </div>
  );
}

function DryRun({ stageApi }: { stageApi: string }) {
  const [result, setResult] = useState<DryRunResult | undefined>(undefined);
  const [test, setTest] = useState(false);
  const action = useAction();
  const run = () =>
    action.run(async () => {
      setResult(await api.post<DryRunResult>(`${stageApi}/dry-run`, test ? { test } : {}));
      return undefined;
    });
  return (
    <div className="panel dry-run">
      <h2>Dry run</h2>
      <p className="muted">What a launch would do now, job by job. Nothing is written.</p>
      <div className="toolbar">
        <button type="button" disabled={action.busy} onClick={() => void run()}>
          {action.busy ? 'Computing…' : 'Dry run'}
        </button>
        <label className="inline">
          <input type="checkbox" checked={test} onChange={(e) => setTest(e.target.checked)} /> as a
          test launch
        </label>
      </div>
      {action.feedback}
      {result ? <DryRunView result={result} /> : null}
    </div>
  );
}

function DryRunView({ result }: { result: DryRunResult }) {
  if (result.outcome === 'nothing') {
    return <p role="status">Nothing to launch: {result.reason}</p>;
  }
  if (result.outcome === 'would-queue') {
    return (
      <p role="status">
        The launch would queue behind a {result.hold.scope.kind} hold by {result.hold.by}
        {result.hold.reason ? `: ${result.hold.reason}` : ''}.
      </p>
    );
  }
  return (
    <div className="dry-run-result">
      <p role="status">
        Would launch {result.jobs_total} job{result.jobs_total === 1 ? '' : 's'} on{' '}
        {result.input.label} ({result.input.files} files)
        {result.split ? `, slice ${result.split.slice} of ${result.split.spec}` : ''}; status{' '}
        {result.status}.
        {result.jobs.length < result.jobs_total
          ? ` The first ${result.jobs.length} jobs are shown.`
          : ''}
      </p>
      {result.command_text ? (
        <pre className="command">
          <code>{result.command_text}</code>
        </pre>
      ) : null}
      <table className="dry-run-jobs" aria-label="Dry-run jobs">
        <thead>
          <tr>
            <th>Job</th>
            <th>Commands</th>
            <th>Files</th>
            <th>Environment</th>
          </tr>
        </thead>
        <tbody>
          {result.jobs.map((job) => (
            <DryRunRow key={job.index} job={job} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function DryRunRow({ job }: { job: DryRunJob }) {
  const env = Object.entries(job.env).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return (
    <tr>
      <td>{job.index}</td>
      <td>
        {job.runs.map((run, i) => (
          <pre key={i} className="command">
            <code>{[...run.shell_setup, run.argv.map(shellWord).join(' ')].join('\n')}</code>
          </pre>
        ))}
      </td>
      <td>
        {job.files.length === 0 ? (
          <span className="muted">none</span>
        ) : (
          <ul className="file-list">
            {job.files.map((f) => (
              <li key={f}>
                <code>{f}</code>
              </li>
            ))}
          </ul>
        )}
      </td>
      <td>
        <details>
          <summary>{env.length} variables</summary>
          <pre className="env">
            <code>{env.map(([k, v]) => `${k}=${v}`).join('\n')}</code>
          </pre>
        </details>
      </td>
    </tr>
  );
}

/** A word as a shell would need it written. */
function shellWord(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

function RecentSubmissions({
  experiment,
  campaign,
  stage,
  version,
}: {
  experiment: string;
  campaign: string;
  stage: string;
  version: string;
}) {
  const list = useApi(
    () =>
      api.get<Page<Submission>>(path('experiments', experiment, 'submissions'), {
        campaign,
        stage,
        limit: 20,
      }),
    [experiment, campaign, stage, version],
  );
  return (
    <div className="panel">
      <h2>Recent submissions</h2>
      {list.error ? <ErrorBox error={list.error} onRetry={list.reload} /> : null}
      {list.data === undefined ? (
        <Loading what="submissions" />
      ) : list.data.items.length === 0 ? (
        <p className="muted">None yet.</p>
      ) : (
        <table className="compact" aria-label="Recent submissions">
          <thead>
            <tr>
              <th>Submission</th>
              <th>Status</th>
              <th>Origin</th>
              <th>Files</th>
              <th>Jobs</th>
              <th>Launched</th>
            </tr>
          </thead>
          <tbody>
            {list.data.items.map((s) => (
              <tr key={s.id}>
                <td>
                  <SubmissionLink experiment={experiment} id={s.id} />
                  {s.test ? <span className="badge badge-muted">test</span> : null}
                </td>
                <td>
                  <StatusBadge status={s.status} />
                </td>
                <td>
                  {s.origin}
                  {s.split_seq !== null ? ` · slice ${s.split_seq}` : ''}
                </td>
                <td>{s.file_count}</td>
                <td>{s.job_count}</td>
                <td>
                  <Time iso={s.created_at} /> by {s.launcher}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {list.data && list.data.total > list.data.items.length ? (
        <p className="muted">
          {list.data.total} in all;{' '}
          <Link
            to={`/e/${encodeURIComponent(experiment)}/submissions?campaign=${encodeURIComponent(campaign)}&stage=${encodeURIComponent(stage)}`}
          >
            see them all
          </Link>
        </p>
      ) : null}
    </div>
  );
}
