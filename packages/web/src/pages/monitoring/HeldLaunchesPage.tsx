// The launches queued behind holds, and the holds themselves, each with its release: releasing
// launches whatever no other hold still stops.
import { useState } from 'react';
import { Link } from 'react-router';
import { api, path } from '../../api/client.ts';
import type { Page } from '../../api/client.ts';
import type { HeldLaunch, Hold, Released } from '../../api/types.ts';
import { useApi } from '../../api/use-api.ts';
import { Pager } from '../../ui/data-table.tsx';
import { Empty, ErrorBox, Loading } from '../../ui/feedback.tsx';
import { Time } from '../../ui/status.tsx';
import { outcomeText } from './CampaignsPage.tsx';
import { holdLabel } from './DashboardPage.tsx';
import { ActionButton, Panel, appUrl, useCampaignNames, useExperiment } from './shared.tsx';

const PAGE = 50;

/** The API route that releases a hold, or undefined when the campaign is unknown. */
function releaseUrl(hold: Hold, experiment: string, names: Map<string, string>) {
  switch (hold.scope.kind) {
    case 'global':
      return '/holds/global';
    case 'experiment':
      return path('experiments', hold.scope.experiment, 'hold');
    case 'stage': {
      const campaign = names.get(hold.scope.campaignId);
      return campaign === undefined
        ? undefined
        : path(
            'experiments',
            experiment,
            'campaigns',
            campaign,
            'stages',
            hold.scope.stage,
            'hold',
          );
    }
  }
}

export function HeldLaunchesPage() {
  const experiment = useExperiment();
  const names = useCampaignNames(experiment);
  const [holdOffset, setHoldOffset] = useState(0);
  const [queueOffset, setQueueOffset] = useState(0);
  const [message, setMessage] = useState<string | undefined>(undefined);
  const holds = useApi(
    () =>
      api.get<Page<Hold>>(path('experiments', experiment, 'holds'), {
        limit: PAGE,
        offset: holdOffset,
      }),
    [experiment, holdOffset],
  );
  const queue = useApi(
    () =>
      api.get<Page<HeldLaunch>>(path('experiments', experiment, 'held-launches'), {
        limit: PAGE,
        offset: queueOffset,
      }),
    [experiment, queueOffset],
  );
  const reload = () => {
    holds.reload();
    queue.reload();
  };
  const released = (r: unknown) => {
    const answer = r as Released;
    setMessage(
      answer.released
        ? `Released; ${answer.launched.length} queued launches let go${answer.launched.length ? `: ${answer.launched.map(outcomeText).join('; ')}` : ''}`
        : 'There was no such hold.',
    );
    reload();
  };
  const experimentHeld = holds.data?.items.some((h) => h.scope.kind === 'experiment') ?? false;

  return (
    <div className="monitoring">
      <div className="mon-title">
        <h1>Held launches</h1>
        {experimentHeld ? null : (
          <ActionButton
            label="Hold the experiment"
            confirm={`Hold every launch of ${experiment}? They queue until released.`}
            run={() => api.put(path('experiments', experiment, 'hold'), {})}
            onDone={() => {
              setMessage(`${experiment} held`);
              reload();
            }}
          />
        )}
      </div>
      {message ? (
        <p className="mon-message" role="status">
          {message}
        </p>
      ) : null}
      <Panel title="Holds in effect">
        {holds.error ? <ErrorBox error={holds.error} onRetry={holds.reload} /> : null}
        {!holds.data && !holds.error ? <Loading what="holds" /> : null}
        {holds.data && holds.data.items.length === 0 ? <Empty>No holds.</Empty> : null}
        {holds.data && holds.data.items.length > 0 ? (
          <table className="mon-table" aria-label="Holds">
            <thead>
              <tr>
                <th>Held</th>
                <th>By</th>
                <th>Reason</th>
                <th>Since</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {holds.data.items.map((h) => {
                const url = releaseUrl(h, experiment, names);
                const label = holdLabel(h, names);
                return (
                  <tr key={JSON.stringify(h.scope)}>
                    <td>{label}</td>
                    <td>{h.by}</td>
                    <td>{h.reason ?? <span className="muted">—</span>}</td>
                    <td>
                      <Time iso={h.created_at} />
                    </td>
                    <td>
                      {url ? (
                        <ActionButton
                          label="Release"
                          confirm={`Release the hold on ${label} and launch what it queued?`}
                          run={() => api.delete<Released>(url)}
                          onDone={released}
                        />
                      ) : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        ) : null}
        {holds.data && holds.data.total > PAGE ? (
          <Pager
            offset={holdOffset}
            limit={PAGE}
            total={holds.data.total}
            onChange={setHoldOffset}
          />
        ) : null}
      </Panel>
      <Panel title="Queued launches">
        {queue.error ? <ErrorBox error={queue.error} onRetry={queue.reload} /> : null}
        {!queue.data && !queue.error ? <Loading what="queued launches" /> : null}
        {queue.data && queue.data.items.length === 0 ? <Empty>No launch is waiting.</Empty> : null}
        {queue.data && queue.data.items.length > 0 ? (
          <table className="mon-table" aria-label="Queued launches">
            <thead>
              <tr>
                <th>Campaign</th>
                <th>Stage</th>
                <th>Request</th>
                <th>By</th>
                <th>Queued</th>
              </tr>
            </thead>
            <tbody>
              {queue.data.items.map((q) => {
                const campaign = names.get(q.campaign_id);
                return (
                  <tr key={q.id}>
                    <td>
                      {campaign ? (
                        <Link to={appUrl(experiment, 'campaigns', campaign)}>{campaign}</Link>
                      ) : (
                        q.campaign_id
                      )}
                    </td>
                    <td>{q.stage}</td>
                    <td>
                      <code className="small">{JSON.stringify(q.request)}</code>
                    </td>
                    <td>{q.by}</td>
                    <td>
                      <Time iso={q.created_at} />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        ) : null}
        {queue.data && queue.data.total > PAGE ? (
          <Pager
            offset={queueOffset}
            limit={PAGE}
            total={queue.data.total}
            onChange={setQueueOffset}
          />
        ) : null}
      </Panel>
    </div>
  );
}
