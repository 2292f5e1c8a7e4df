// One catalog file: its facts (size, checksum, declared), metadata, replicas, parents and
// children, and its provenance — the ancestors (or, toggled, the descendants) as a graph, each
// with the job that produced it — to a chosen depth. Direction and depth are in the URL
// (`?direction=descendants&depth=3`), so a view of the provenance is a bookmark.
import { Link, useParams, useSearchParams } from 'react-router';
import { api, path } from '../../api/client.ts';
import type { FileDetails, Provenance, ProvenanceDirection } from '../../api/types.ts';
import { useApi } from '../../api/use-api.ts';
import { DataTable } from '../../ui/data-table.tsx';
import { Empty, ErrorBox, Loading } from '../../ui/feedback.tsx';
import { Time } from '../../ui/status.tsx';
import { Panel, appUrl, useExperiment } from '../monitoring/shared.tsx';
import { bytes, producerText, valueText } from './format.ts';
import { ProvenanceGraph } from './ProvenanceGraph.tsx';
import { GRAPH_LIMIT } from './provenance-layout.ts';
import './files.css';

/** The depths offered; `all` asks for the whole walk (the server's bound). */
const DEPTHS = ['1', '3', '10', 'all'] as const;
type Depth = (typeof DEPTHS)[number];
/** Files asked for at most in one walk (the server's largest page). */
const WALK_LIMIT = 10_000;

export function FilePage() {
  const experiment = useExperiment();
  const name = useParams().name ?? '';
  const [search, setSearch] = useSearchParams();
  const direction: ProvenanceDirection =
    search.get('direction') === 'descendants' ? 'descendants' : 'ancestors';
  const depth: Depth = DEPTHS.find((d) => d === search.get('depth')) ?? 'all';
  const setView = (change: { direction?: ProvenanceDirection; depth?: Depth }) => {
    const next = new URLSearchParams(search);
    const d = change.direction ?? direction;
    const n = change.depth ?? depth;
    if (d === 'ancestors') next.delete('direction');
    else next.set('direction', d);
    if (n === 'all') next.delete('depth');
    else next.set('depth', n);
    setSearch(next);
  };

  const file = useApi(
    () => api.get<FileDetails>(path('experiments', experiment, 'files', name)),
    [experiment, name],
  );
  const walk = useApi(
    () =>
      api.get<Provenance>(path('experiments', experiment, 'files', name, 'provenance'), {
        direction,
        depth: depth === 'all' ? undefined : depth,
        limit: WALK_LIMIT,
      }),
    [experiment, name, direction, depth],
  );

  if (file.error) return <ErrorBox error={file.error} onRetry={file.reload} />;
  if (!file.data || file.data.name !== name) return <Loading what={`file ${name}`} />;
  const f = file.data;
  const fileLink = (n: string) => <Link to={appUrl(experiment, 'files', n)}>{n}</Link>;

  return (
    <div className="monitoring file-page">
      <div className="mon-title">
        <h1 className="file-title">
          <span className="muted">File</span> <span className="file-name">{f.name}</span>
        </h1>
        <Link to={appUrl(experiment, 'files')}>Search files</Link>
      </div>
      <dl className="facts" aria-label="File facts">
        <dt>Size</dt>
        <dd>{bytes(f.size)}</dd>
        <dt>Checksum</dt>
        <dd>{f.checksum ? <code>{f.checksum}</code> : <span className="muted">none</span>}</dd>
        <dt>Declared</dt>
        <dd>
          <Time iso={f.created_at} />
        </dd>
      </dl>

      <div className="file-grid">
        <Panel title="Metadata">
          {Object.keys(f.metadata).length === 0 ? (
            <Empty>No metadata.</Empty>
          ) : (
            <table className="mon-table" aria-label="Metadata">
              <thead>
                <tr>
                  <th>Field</th>
                  <th>Value</th>
                </tr>
              </thead>
              <tbody>
                {Object.entries(f.metadata)
                  .sort(([a], [b]) => a.localeCompare(b))
                  .map(([key, value]) => (
                    <tr key={key}>
                      <td>
                        <code>{key}</code>
                      </td>
                      <td className="file-value">{valueText(value)}</td>
                    </tr>
                  ))}
              </tbody>
            </table>
          )}
        </Panel>
        <Panel title="Replicas">
          {f.replicas.length === 0 ? (
            <Empty>No replicas: the file is not located anywhere.</Empty>
          ) : (
            <table className="mon-table" aria-label="Replicas">
              <thead>
                <tr>
                  <th>Location</th>
                  <th>Path</th>
                </tr>
              </thead>
              <tbody>
                {f.replicas.map((r) => (
                  <tr key={`${r.location}\n${r.path}`}>
                    <td>{r.location}</td>
                    <td className="file-value">
                      <code>{r.path}</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Panel>
        <Panel title={`Parents (${f.parents.length})`}>
          {f.parents.length === 0 ? (
            <Empty>No parents.</Empty>
          ) : (
            <ul className="mon-list file-links" aria-label="Parents">
              {f.parents.map((p) => (
                <li key={p}>{fileLink(p)}</li>
              ))}
            </ul>
          )}
        </Panel>
        <Panel title={`Children (${f.children.length})`}>
          {f.children.length === 0 ? (
            <Empty>No children.</Empty>
          ) : (
            <ul className="mon-list file-links" aria-label="Children">
              {f.children.map((c) => (
                <li key={c}>{fileLink(c)}</li>
              ))}
            </ul>
          )}
        </Panel>
      </div>

      <Panel
        title="Provenance"
        more={
          <div className="toolbar provenance-toolbar">
            <div className="segmented" role="group" aria-label="Direction">
              {(['ancestors', 'descendants'] as const).map((d) => (
                <button
                  key={d}
                  type="button"
                  aria-pressed={direction === d}
                  className={direction === d ? 'on' : undefined}
                  onClick={() => setView({ direction: d })}
                >
                  {d === 'ancestors' ? 'Ancestors' : 'Descendants'}
                </button>
              ))}
            </div>
            <label>
              Depth{' '}
              <select
                aria-label="Depth"
                value={depth}
                onChange={(e) => setView({ depth: e.target.value as Depth })}
              >
                {DEPTHS.map((d) => (
                  <option key={d} value={d}>
                    {d}
                  </option>
                ))}
              </select>
            </label>
          </div>
        }
      >
        <ProvenanceView
          experiment={experiment}
          walk={walk.data}
          error={walk.error}
          loading={walk.loading}
          reload={walk.reload}
          expected={{ file: name, direction }}
        />
      </Panel>
    </div>
  );
}

function ProvenanceView({
  experiment,
  walk,
  error,
  loading,
  reload,
  expected,
}: {
  experiment: string;
  walk: Provenance | undefined;
  error: Error | undefined;
  loading: boolean;
  reload: () => void;
  expected: { file: string; direction: ProvenanceDirection };
}) {
  if (error) return <ErrorBox error={error} onRetry={reload} />;
  if (!walk || loading || walk.file !== expected.file || walk.direction !== expected.direction) {
    return <Loading what="provenance" />;
  }
  const others = walk.nodes.filter((n) => n.name !== walk.file);
  const hidden = walk.nodes.length - Math.min(walk.nodes.length, GRAPH_LIMIT);
  return (
    <div className="provenance" data-direction={walk.direction}>
      <p className="muted provenance-summary">
        {others.length === 0
          ? `No ${walk.direction}: `
          : `${others.length} ${walk.direction === 'ancestors' ? 'ancestor' : 'descendant'}${others.length === 1 ? '' : 's'}. `}
        {walk.direction === 'ancestors'
          ? 'Parents above children, this file at the bottom.'
          : 'This file on top, its children below.'}{' '}
        Click a file to open it.
      </p>
      {walk.truncated ? (
        <div className="notice" role="note" aria-label="Truncated">
          The walk was cut short (depth or size bound): there are more{' '}
          {walk.direction === 'ancestors' ? 'ancestors' : 'descendants'} than shown.
        </div>
      ) : null}
      {hidden > 0 ? (
        <div className="notice" role="note" aria-label="Graph limit">
          The graph shows the first {GRAPH_LIMIT} of {walk.nodes.length} files (nearest first):{' '}
          {hidden} more are listed in the table below.
        </div>
      ) : null}
      <ProvenanceGraph
        key={`${walk.file}\n${walk.direction}`}
        experiment={experiment}
        walk={walk}
      />
      <h3 className="provenance-table-title">Every file of the walk ({walk.nodes.length})</h3>
      <DataTable
        label="Provenance files"
        rows={walk.nodes}
        rowKey={(n) => n.name}
        height={360}
        columns={[
          {
            key: 'name',
            header: 'File',
            width: 'minmax(14rem, 3fr)',
            cell: (n) =>
              n.name === walk.file ? (
                <strong>{n.name}</strong>
              ) : (
                <Link to={appUrl(experiment, 'files', n.name)}>{n.name}</Link>
              ),
          },
          { key: 'depth', header: 'Depth', width: '5rem', cell: (n) => n.depth },
          {
            key: 'producer',
            header: 'Produced by',
            width: 'minmax(14rem, 2fr)',
            cell: (n) =>
              n.produced_by ? (
                <Link to={appUrl(experiment, 'submissions', n.produced_by.submission_id)}>
                  {producerText(n.produced_by)}
                </Link>
              ) : (
                <span className="muted">declared</span>
              ),
          },
        ]}
      />
    </div>
  );
}
