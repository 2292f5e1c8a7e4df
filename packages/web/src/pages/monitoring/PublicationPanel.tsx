// Where a submission's outputs stand outside the catalog: declared to MetaCat/SAM, registered in
// Rucio, replicated by rules, landed at the stage's output location. A submission waits in
// Completed until this is done, so the panel says what it waits for.
import type { Publication } from '../../api/types.ts';
import { Time } from '../../ui/status.tsx';
import { Panel } from './shared.tsx';

const STATE_TEXT: Record<Publication['state'], string> = {
  working: 'in progress',
  waiting: 'waiting',
  retrying: 'failed, retrying',
  done: 'done',
};

export function PublicationPanel({ publication: p }: { publication: Publication }) {
  return (
    <Panel title="Outputs published">
      <p aria-label="Publication state">
        <strong>{STATE_TEXT[p.state]}</strong>
        {p.state === 'done' ? null : (
          <>
            {' — '}
            {p.state === 'retrying' ? `${p.failures} failed attempt(s): ` : null}
            {p.detail}
          </>
        )}{' '}
        <span className="muted">
          (<Time iso={p.updated_at} />)
        </span>
      </p>
      <div className="stats" aria-label="Publication counts">
        <span className="stat">
          <span className="stat-n">{p.outputs}</span> outputs
        </span>
        <span className="stat">
          <span className="stat-n">{p.declared}</span> declared to the metadata catalog
        </span>
        <span className="stat">
          <span className="stat-n">{p.registered}</span> registered in Rucio
        </span>
        <span className="stat">
          <span className="stat-n">{p.at_location}</span> at the output location
        </span>
      </div>
      {p.rucio_dataset ? (
        <p>
          Rucio dataset <code>{p.rucio_dataset}</code>
        </p>
      ) : null}
      {p.rules.length > 0 ? (
        <table className="mon-table" aria-label="Replication rules">
          <thead>
            <tr>
              <th>Rule</th>
              <th>Copies</th>
              <th>Where</th>
              <th>State</th>
              <th>Locks OK / replicating / stuck</th>
            </tr>
          </thead>
          <tbody>
            {p.rules.map((r) => (
              <tr key={r.id}>
                <td>
                  <code>{r.id}</code>
                </td>
                <td>{r.copies}</td>
                <td>
                  <code>{r.rse_expression}</code>
                </td>
                <td>
                  {r.state || '?'}
                  {r.error ? <span className="muted"> — {r.error}</span> : null}
                </td>
                <td>
                  {r.locks_ok} / {r.locks_replicating} / {r.locks_stuck}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </Panel>
  );
}
