// The experiment's dashboard: my campaigns (owned or watched), what is running, recent failures
// and the holds in effect, each a short panel that links to the full list.
import { Link } from 'react-router';
import { allPages, api, path } from '../../api/client.ts';
import type { Page } from '../../api/client.ts';
import type { Hold, Submission, Watch } from '../../api/types.ts';
import { useApi } from '../../api/use-api.ts';
import { useSession } from '../../app/session.tsx';
import { Empty, ErrorBox, Loading } from '../../ui/feedback.tsx';
import { StatusBadge, Time } from '../../ui/status.tsx';
import { Panel, allCampaigns, appUrl, useCampaignNames, useExperiment } from './shared.tsx';

export function DashboardPage() {
  const experiment = useExperiment();
  return (
    <div className="monitoring">
      <h1>{experiment}</h1>
      <div className="grid-2">
        <MyCampaigns experiment={experiment} />
        <SubmissionPanel
          experiment={experiment}
          title="Running submissions"
          statuses="Running,Idle,New,Held,Awaiting Approval"
        />
        <SubmissionPanel
          experiment={experiment}
          title="Recent failures"
          statuses="Failed,LaunchFailed"
        />
        <HoldsPanel experiment={experiment} />
      </div>
    </div>
  );
}

function MyCampaigns({ experiment }: { experiment: string }) {
  const me = useSession().me?.username ?? '';
  const mine = useApi(async () => {
    const [campaigns, watches] = await Promise.all([
      allCampaigns(experiment),
      allPages<Watch>(path('experiments', experiment, 'watches')),
    ]);
    const watched = new Set(watches.map((w) => w.campaign_id));
    // The list's items carry their owner: no request per campaign.
    return {
      rows: campaigns
        .filter((c) => watched.has(c.id) || c.owner === me)
        .map((c) => ({ ...c, watched: watched.has(c.id), owned: c.owner === me })),
    };
  }, [experiment, me]);
  return (
    <Panel
      title="My campaigns"
      more={<Link to={appUrl(experiment, 'campaigns')}>all campaigns ›</Link>}
    >
      {mine.error ? <ErrorBox error={mine.error} onRetry={mine.reload} /> : null}
      {!mine.data && !mine.error ? <Loading what="campaigns" /> : null}
      {mine.data && mine.data.rows.length === 0 ? (
        <Empty>You neither own nor watch a campaign here.</Empty>
      ) : null}
      {mine.data && mine.data.rows.length > 0 ? (
        <ul className="mon-list">
          {mine.data.rows.map((c) => (
            <li key={c.id}>
              <Link to={appUrl(experiment, 'campaigns', c.name)}>{c.name}</Link>
              <span className="muted">
                {[c.owned ? 'owner' : '', c.watched ? 'watching' : ''].filter(Boolean).join(' · ')}
              </span>
              <Time iso={c.updated_at} />
            </li>
          ))}
        </ul>
      ) : null}
    </Panel>
  );
}

function SubmissionPanel({
  experiment,
  title,
  statuses,
}: {
  experiment: string;
  title: string;
  statuses: string;
}) {
  const list = useApi(
    () =>
      api.get<Page<Submission>>(path('experiments', experiment, 'submissions'), {
        status: statuses,
        limit: 10,
      }),
    [experiment, statuses],
  );
  const more = `${appUrl(experiment, 'submissions')}?status=${encodeURIComponent(statuses)}`;
  return (
    <Panel
      title={title}
      more={<Link to={more}>{list.data ? `all ${list.data.total} ›` : 'all ›'}</Link>}
    >
      {list.error ? <ErrorBox error={list.error} onRetry={list.reload} /> : null}
      {!list.data && !list.error ? <Loading /> : null}
      {list.data && list.data.items.length === 0 ? <Empty>None.</Empty> : null}
      {list.data && list.data.items.length > 0 ? (
        <ul className="mon-list">
          {list.data.items.map((s) => (
            <li key={s.id}>
              <Link to={appUrl(experiment, 'submissions', s.id)}>#{s.id}</Link>
              <span>
                {s.campaign} / {s.stage}
              </span>
              <StatusBadge status={s.status} />
              <Time iso={s.status_at} />
            </li>
          ))}
        </ul>
      ) : null}
    </Panel>
  );
}

export function holdLabel(hold: Hold, names: Map<string, string>): string {
  switch (hold.scope.kind) {
    case 'global':
      return 'Everything (global hold)';
    case 'experiment':
      return `Experiment ${hold.scope.experiment}`;
    case 'stage':
      return `${names.get(hold.scope.campaignId) ?? hold.scope.campaignId} / ${hold.scope.stage}`;
  }
}

function HoldsPanel({ experiment }: { experiment: string }) {
  const names = useCampaignNames(experiment);
  const holds = useApi(
    () => api.get<Page<Hold>>(path('experiments', experiment, 'holds'), { limit: 10 }),
    [experiment],
  );
  return (
    <Panel
      title="Holds in effect"
      more={<Link to={appUrl(experiment, 'held-launches')}>held launches ›</Link>}
    >
      {holds.error ? <ErrorBox error={holds.error} onRetry={holds.reload} /> : null}
      {!holds.data && !holds.error ? <Loading /> : null}
      {holds.data && holds.data.items.length === 0 ? <Empty>No holds.</Empty> : null}
      {holds.data && holds.data.items.length > 0 ? (
        <ul className="mon-list">
          {holds.data.items.map((h) => (
            <li key={`${JSON.stringify(h.scope)}`}>
              <strong>{holdLabel(h, names)}</strong>
              <span className="muted">
                by {h.by}
                {h.reason ? `: ${h.reason}` : ''}
              </span>
              <Time iso={h.created_at} />
            </li>
          ))}
        </ul>
      ) : null}
      {holds.data && holds.data.total > holds.data.items.length ? (
        <p className="muted">and {holds.data.total - holds.data.items.length} more</p>
      ) : null}
    </Panel>
  );
}
