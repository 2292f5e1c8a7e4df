// What the caller watches in one experiment (whole campaigns and single stages), a page at a
// time, each linked to its page and with its unwatch. The experiment and the page are in the URL
// (`?experiment=demo&offset=25`), so the list is a bookmark.
import { Link } from 'react-router';
import { api, path, type Page } from '../../api/client.ts';
import type { Experiment, Watch } from '../../api/types.ts';
import { useApi } from '../../api/use-api.ts';
import { Pager } from '../../ui/data-table.tsx';
import { Empty, ErrorBox, Loading } from '../../ui/feedback.tsx';
import { Time } from '../../ui/status.tsx';
import { ActionButton, appUrl } from '../monitoring/shared.tsx';

export const WATCH_PAGE = 25;

export function WatchList({
  experiments,
  experiment,
  offset,
  onChange,
}: {
  experiments: readonly Experiment[];
  experiment: string;
  offset: number;
  onChange: (next: { experiment: string; offset: number }) => void;
}) {
  const list = useApi(
    experiment === ''
      ? undefined
      : () =>
          api.get<Page<Watch>>(path('experiments', experiment, 'watches'), {
            limit: WATCH_PAGE,
            offset,
          }),
    [experiment, offset],
  );
  const afterUnwatch = () => {
    // The last row of a page gone: show the page before.
    if (list.data?.items.length === 1 && offset > 0) {
      onChange({ experiment, offset: Math.max(0, offset - WATCH_PAGE) });
    } else list.reload();
  };
  return (
    <>
      <label className="inline">
        Experiment
        <select
          aria-label="Experiment of the watch list"
          value={experiment}
          onChange={(e) => onChange({ experiment: e.target.value, offset: 0 })}
        >
          {experiments.map((x) => (
            <option key={x.name} value={x.name}>
              {x.display_name} ({x.name})
            </option>
          ))}
        </select>
      </label>
      {list.error ? <ErrorBox error={list.error} onRetry={list.reload} /> : null}
      {experiment === '' ? null : list.data === undefined ? (
        <Loading what="your watches" />
      ) : list.data.total === 0 ? (
        <Empty>
          You watch nothing in {experiment}. Use <em>Watch</em> on a campaign or a stage page.
        </Empty>
      ) : (
        <>
          <table className="mon-table watch-table" aria-label="Watched campaigns and stages">
            <thead>
              <tr>
                <th>Campaign</th>
                <th>Stage</th>
                <th>Since</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((w) => (
                <WatchRow
                  key={`${w.campaign_id}/${w.stage ?? ''}`}
                  watch={w}
                  onGone={afterUnwatch}
                />
              ))}
            </tbody>
          </table>
          <Pager
            offset={offset}
            limit={WATCH_PAGE}
            total={list.data.total}
            onChange={(next) => onChange({ experiment, offset: next })}
          />
        </>
      )}
    </>
  );
}

function WatchRow({ watch, onGone }: { watch: Watch; onGone: () => void }) {
  const campaignUrl = appUrl(watch.experiment, 'campaigns', watch.campaign);
  const target = path('experiments', watch.experiment, 'campaigns', watch.campaign, 'watch');
  return (
    <tr>
      <td>
        <Link to={campaignUrl}>{watch.campaign}</Link>
      </td>
      <td>
        {watch.stage === null ? (
          <span className="muted">the whole campaign</span>
        ) : (
          <Link to={`${campaignUrl}/stages/${encodeURIComponent(watch.stage)}`}>{watch.stage}</Link>
        )}
      </td>
      <td>
        <Time iso={watch.created_at} />
      </td>
      <td>
        <ActionButton
          label="Unwatch"
          run={() =>
            api.delete(
              watch.stage === null ? target : `${target}?stage=${encodeURIComponent(watch.stage)}`,
            )
          }
          onDone={onGone}
        />
      </td>
    </tr>
  );
}
