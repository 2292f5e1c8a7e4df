// A dataset's snapshots (frozen copies of its files), newest first, a page at a time from the
// server; the page is `?snapshots_offset=…` in the URL. Each links to the snapshot's page.
import { Link, useSearchParams } from 'react-router';
import { api, path, type Page } from '../../api/client.ts';
import type { Snapshot } from '../../api/types.ts';
import { useApi } from '../../api/use-api.ts';
import { Pager } from '../../ui/data-table.tsx';
import { Empty, ErrorBox, Loading } from '../../ui/feedback.tsx';
import { Time } from '../../ui/status.tsx';
import { Panel, appUrl } from '../monitoring/shared.tsx';

const PAGE = 20;
const OFFSET = 'snapshots_offset';

export function SnapshotList({
  experiment,
  dataset,
  generation,
}: {
  experiment: string;
  dataset: string;
  /** Changes when a snapshot was taken here, to load the list again. */
  generation: number;
}) {
  const [search, setSearch] = useSearchParams();
  const offset = Math.max(0, Number(search.get(OFFSET)) || 0);
  const list = useApi(
    () =>
      api.get<Page<Snapshot>>(path('experiments', experiment, 'snapshots'), {
        dataset,
        limit: PAGE,
        offset,
      }),
    [experiment, dataset, offset, generation],
  );
  const goTo = (next: number) => {
    const params = new URLSearchParams(search);
    if (next === 0) params.delete(OFFSET);
    else params.set(OFFSET, String(next));
    setSearch(params);
  };
  return (
    <Panel
      title="Snapshots"
      more={
        list.data && list.data.total > PAGE ? (
          <Pager offset={offset} limit={PAGE} total={list.data.total} onChange={goTo} />
        ) : null
      }
    >
      {list.error ? (
        <ErrorBox error={list.error} onRetry={list.reload} />
      ) : !list.data ? (
        <Loading what="snapshots" />
      ) : list.data.items.length === 0 ? (
        <Empty>No snapshot of this dataset yet.</Empty>
      ) : (
        <table className="mon-table" aria-label="Snapshots">
          <thead>
            <tr>
              <th>Snapshot</th>
              <th>Taken</th>
              <th>Files</th>
            </tr>
          </thead>
          <tbody>
            {list.data.items.map((s) => (
              <tr key={s.id}>
                <td>
                  <Link to={appUrl(experiment, 'snapshots', s.id)}>{s.id}</Link>
                </td>
                <td>
                  <Time iso={s.created_at} />
                </td>
                <td>{s.file_count.toLocaleString('en-US')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Panel>
  );
}
