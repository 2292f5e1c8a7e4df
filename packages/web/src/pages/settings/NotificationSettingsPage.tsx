// The caller's notifications (docs/notifications.md), reached from their name in the top bar:
// where they go and how, a test message, and what the caller watches. Settings belong to the
// person, not to an experiment; the watch list is per experiment (`?experiment=`), starting from
// the experiment the person came from.
import { useSearchParams } from 'react-router';
import { allPages, api } from '../../api/client.ts';
import type { Experiment, NotificationSettings } from '../../api/types.ts';
import { useApi } from '../../api/use-api.ts';
import { useSession } from '../../app/session.tsx';
import { ErrorBox, Loading } from '../../ui/feedback.tsx';
import { Panel } from '../monitoring/shared.tsx';
import { ChannelSettings, TestMessage } from './ChannelSettings.tsx';
import { WatchList } from './WatchList.tsx';
import './settings.css';

export function NotificationSettingsPage() {
  const { me } = useSession();
  const [params, setParams] = useSearchParams();
  const settings = useApi(() => api.get<NotificationSettings>('/me/notifications'), []);
  const experiments = useApi(() => allPages<Experiment>('/experiments'), []);
  const offset = Math.max(0, Number(params.get('offset')) || 0);
  const list = experiments.data ?? [];
  // The one asked for, else the first the person is a member of, else the first they can see.
  const asked = params.get('experiment');
  const member = me?.memberships.find((m) => list.some((x) => x.name === m.experiment));
  const experiment =
    (asked !== null && list.some((x) => x.name === asked) ? asked : undefined) ??
    member?.experiment ??
    list[0]?.name ??
    '';

  return (
    <div className="monitoring settings-page">
      <div className="mon-title">
        <h1>Notifications</h1>
        <span className="muted">for {me?.display_name ?? me?.username}</span>
      </div>
      <div className="grid-2">
        <Panel title="Where and how">
          <ChannelSettings settings={settings} />
        </Panel>
        <Panel title="Test">
          <TestMessage />
        </Panel>
      </div>
      <Panel title="What you watch">
        <p className="muted">
          You hear about the campaigns and stages you watch: a stage reaching Located, a campaign
          finishing, recoveries exhausted, failure rates above your threshold, failed and held
          launches, and outputs whose publication is stuck.
        </p>
        {experiments.error ? (
          <ErrorBox error={experiments.error} onRetry={experiments.reload} />
        ) : experiments.data === undefined ? (
          <Loading what="the experiments" />
        ) : (
          <WatchList
            experiments={list}
            experiment={experiment}
            offset={offset}
            onChange={(next) => {
              const query = new URLSearchParams(params);
              query.set('experiment', next.experiment);
              if (next.offset > 0) query.set('offset', String(next.offset));
              else query.delete('offset');
              setParams(query, { replace: true });
            }}
          />
        )}
      </Panel>
    </div>
  );
}
