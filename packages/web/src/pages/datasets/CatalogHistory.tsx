// Who did what to a dataset or a snapshot, newest first, from the audit log (`GET …/audit?
// object_type=…&object_id=…`): who defined or created it, added files, closed it, took a snapshot.
// A dataset a stage created for its outputs has no entry for that: the stage did it, not a person.
import { api, path, type Page } from '../../api/client.ts';
import type { AuditEntry } from '../../api/types.ts';
import { useApi } from '../../api/use-api.ts';
import { Empty, ErrorBox, Loading } from '../../ui/feedback.tsx';
import { Time } from '../../ui/status.tsx';
import { Panel } from '../monitoring/shared.tsx';

const PAGE = 10;

export function CatalogHistory({
  experiment,
  objectType,
  objectId,
  generation,
}: {
  experiment: string;
  objectType: 'dataset' | 'snapshot';
  objectId: string;
  /** Changes when something was done here, to load the history again. */
  generation: number;
}) {
  const log = useApi(
    () =>
      api.get<Page<AuditEntry>>(path('experiments', experiment, 'audit'), {
        object_type: objectType,
        object_id: objectId,
        limit: PAGE,
      }),
    [experiment, objectType, objectId, generation],
  );
  const more = log.data && log.data.total > PAGE ? log.data.total - PAGE : 0;
  return (
    <Panel title="History">
      {log.error ? (
        <ErrorBox error={log.error} onRetry={log.reload} />
      ) : !log.data ? (
        <Loading what="history" />
      ) : log.data.items.length === 0 ? (
        <Empty>No recorded change (a stage&apos;s outputs are added without one).</Empty>
      ) : (
        <>
          <table className="mon-table" aria-label="History">
            <thead>
              <tr>
                <th>When</th>
                <th>Who</th>
                <th>What</th>
              </tr>
            </thead>
            <tbody>
              {log.data.items.map((e) => (
                <tr key={e.id}>
                  <td>
                    <Time iso={e.at} />
                  </td>
                  <td>
                    {e.actor}
                    {e.acting_role ? <span className="muted"> · {e.acting_role}</span> : null}
                  </td>
                  <td className="dataset-text">{e.summary}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {more > 0 ? (
            <p className="muted hint">
              {more.toLocaleString('en-US')} earlier entries: see the audit log.
            </p>
          ) : null}
        </>
      )}
    </Panel>
  );
}
