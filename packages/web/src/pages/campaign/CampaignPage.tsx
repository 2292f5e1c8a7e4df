// The campaign overview: the campaign's graph, read-only, with each stage's live progress in its
// node (the event stream, or polling while it is down), the stages as a table below, and the
// campaign's actions: edit, history, launch the whole campaign, watch it.
import { parseCampaign } from '@poms/campaign-file';
import { useCallback, useMemo, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api, path } from '../../api/client.ts';
import type { CampaignDetail, LaunchOutcome, StageProgress, Watch } from '../../api/types.ts';
import { useApi } from '../../api/use-api.ts';
import { graphModel } from '../../editor/graph-model.ts';
import { CampaignGraph } from '../../graph/CampaignGraph.tsx';
import { ErrorBox, Loading } from '../../ui/feedback.tsx';
import { StatusBadge, Time } from '../../ui/status.tsx';
import './campaign.css';
import { SaveAsTemplateButton } from '../templates/SaveAsTemplateButton.tsx';
import { ProgressHistoryChart } from './ProgressHistoryChart.tsx';
import { NextRun, NodeProgress, SubmissionLink } from './progress-view.tsx';
import { useCampaignProgress, type ProgressSource } from './use-progress.ts';
import { useCampaignWatches, watching, WatchToggle } from './WatchToggle.tsx';

export function CampaignPage() {
  const { experiment = '', campaign = '' } = useParams();
  const navigate = useNavigate();
  const base = path('experiments', experiment, 'campaigns', campaign);
  const here = `/e/${encodeURIComponent(experiment)}/campaigns/${encodeURIComponent(campaign)}`;
  const detail = useApi(() => api.get<CampaignDetail>(base), [base]);
  const progress = useCampaignProgress(experiment, campaign);
  const watches = useCampaignWatches(experiment, campaign);
  const [selected, setSelected] = useState<string | undefined>(undefined);

  const text = detail.data?.text;
  const model = useMemo(
    () => (text === undefined ? undefined : graphModel(parseCampaign(text))),
    [text],
  );
  const byStage = useMemo(
    () => new Map((progress.data?.stages ?? []).map((s) => [s.stage, s])),
    [progress.data],
  );
  const nodeDetail = useCallback(
    (stage: string) => <NodeProgress progress={byStage.get(stage)} />,
    [byStage],
  );
  const openStage = useCallback(
    (stage: string) => void navigate(`${here}/stages/${encodeURIComponent(stage)}`),
    [navigate, here],
  );

  if (detail.error) return <ErrorBox error={detail.error} onRetry={detail.reload} />;
  if (!detail.data || !model) return <Loading what="the campaign" />;
  const c = detail.data;
  return (
    <section className="campaign-page">
      <header className="campaign-head">
        <div>
          <h1>{c.name}</h1>
          <div className="muted">
            revision {c.current_revision} · {c.role} · owner {c.owner}
            {c.tags.length > 0 ? ` · ${c.tags.join(', ')}` : ''}
          </div>
        </div>
        <div className="toolbar">
          <Link className="button-link" to={`${here}/edit`}>
            Edit
          </Link>
          <Link className="button-link" to={`${here}/history`}>
            History
          </Link>
          <LaunchCampaign base={base} onDone={progress.refresh} />
          <WatchToggle experiment={experiment} campaign={campaign} watches={watches} />
          <SaveAsTemplateButton experiment={experiment} campaign={campaign} />
        </div>
      </header>
      <LiveState source={progress.source} />
      {progress.data?.global_held ? (
        <div className="hold-banner" role="status">
          Every launch of every experiment is held.
        </div>
      ) : null}
      {progress.data?.experiment_held ? (
        <div className="hold-banner" role="status">
          Every launch of {experiment} is held.
        </div>
      ) : null}
      {progress.error ? <ErrorBox error={progress.error} onRetry={progress.refresh} /> : null}
      <div className="campaign-graph-box">
        <CampaignGraph
          model={model}
          detail={nodeDetail}
          selected={selected}
          onSelect={setSelected}
          onOpen={openStage}
          label={`Stages of ${c.name}`}
        />
      </div>
      <p className="muted hint">Double-click a stage, or follow its name below, to open it.</p>
      <StageTable
        experiment={experiment}
        here={here}
        stages={progress.data?.stages}
        selected={selected}
        watched={watches.data}
      />
      <section className="panel" aria-label="Progress over time">
        <h2>Progress over time (every stage)</h2>
        <ProgressHistoryChart
          experiment={experiment}
          campaign={campaign}
          version={JSON.stringify(progress.data?.stages.map((s) => s.files) ?? null)}
        />
      </section>
    </section>
  );
}

function LiveState({ source }: { source: ProgressSource }) {
  const words: Record<ProgressSource, string> = {
    connecting: 'connecting…',
    events: 'live',
    polling: `refreshed every few seconds (live updates unavailable)`,
  };
  return (
    <div className={`live-state live-${source}`} aria-live="polite">
      <span className="live-dot" aria-hidden="true" /> Progress: {words[source]}
    </div>
  );
}

function LaunchCampaign({ base, onDone }: { base: string; onDone: () => void }) {
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<string | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const launch = async () => {
    setBusy(true);
    setError(undefined);
    setResult(undefined);
    try {
      const outcomes = await api.post<{ stage: string; outcome: LaunchOutcome }[]>(
        `${base}/launch`,
        {},
      );
      setResult(outcomes.map((o) => `${o.stage}: ${outcomeWords(o.outcome)}`).join('; '));
      onDone();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button type="button" className="primary" disabled={busy} onClick={() => void launch()}>
        {busy ? 'Launching…' : 'Launch campaign'}
      </button>
      {result ? (
        <span className="action-result" role="status">
          {result}
        </span>
      ) : null}
      {error ? <ErrorBox error={error} /> : null}
    </>
  );
}

export function outcomeWords(outcome: LaunchOutcome): string {
  switch (outcome.kind) {
    case 'launched':
      return `${outcome.created ? 'launched' : 'already launched'} ${outcome.submission.id}`;
    case 'held':
      return `queued behind a hold (${outcome.hold.scope.kind})`;
    case 'nothing':
      return `nothing to launch: ${outcome.reason}`;
  }
}

function StageTable({
  experiment,
  here,
  stages,
  selected,
  watched,
}: {
  experiment: string;
  here: string;
  stages: StageProgress[] | undefined;
  selected: string | undefined;
  /** The caller's watches of this campaign, to mark the watched stages. */
  watched: readonly Watch[] | undefined;
}) {
  if (stages === undefined) return <Loading what="the stages' progress" />;
  return (
    <table className="stage-table" aria-label="Stages">
      <thead>
        <tr>
          <th>Stage</th>
          <th>Type</th>
          <th>Last submission</th>
          <th>Submissions</th>
          <th title="consumed / delivered (failed)">Files</th>
          <th title="declared (located)">Outputs</th>
          <th title="idle · running · done · failed">Jobs</th>
          <th>Hold</th>
          <th>Schedule</th>
        </tr>
      </thead>
      <tbody>
        {stages.map((s) => (
          <tr key={s.stage} className={s.stage === selected ? 'selected' : undefined}>
            <td>
              <Link to={`${here}/stages/${encodeURIComponent(s.stage)}`}>{s.stage}</Link>
              {watched && watching(watched, s.stage) ? (
                <>
                  {' '}
                  <span className="badge badge-muted" title="you watch this stage">
                    watched
                  </span>
                </>
              ) : null}
            </td>
            <td>{s.type ?? <span className="muted">(removed)</span>}</td>
            <td>
              {s.last_submission ? (
                <>
                  <StatusBadge status={s.last_submission.status} />{' '}
                  <SubmissionLink experiment={experiment} id={s.last_submission.id} />{' '}
                  <Time iso={s.last_submission.created_at} />
                </>
              ) : (
                <span className="muted">none</span>
              )}
            </td>
            <td>
              {s.submissions.total}
              {s.submissions.live > 0 ? ` (${s.submissions.live} live)` : ''}
            </td>
            <td>
              {s.files.consumed}/{s.files.delivered}
              {s.files.failed > 0 ? ` (${s.files.failed} failed)` : ''}
            </td>
            <td>
              {s.files.outputs} ({s.files.located} located)
            </td>
            <td>
              {s.jobs.idle} · {s.jobs.running} · {s.jobs.done} · {s.jobs.failed}
            </td>
            <td>{s.held ? <span className="badge badge-waiting">held</span> : '—'}</td>
            <td>
              {s.schedule ? (
                <span title={s.schedule.timezone}>
                  <code>{s.schedule.cron}</code> next <NextRun iso={s.schedule.next_run} />
                </span>
              ) : (
                '—'
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
