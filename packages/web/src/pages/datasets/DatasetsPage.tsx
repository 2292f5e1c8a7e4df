// The experiment's datasets: saved queries (live: they grow with the catalog) and open datasets
// (lists of files that grow until someone closes them), by name, a page at a time from the server.
// The name filter, the kind and the page are in the URL (`?q=raw&kind=open&offset=50`).
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api, path, type Page } from '../../api/client.ts';
import type { Dataset } from '../../api/types.ts';
import { useApi } from '../../api/use-api.ts';
import { Pager } from '../../ui/data-table.tsx';
import { Empty, ErrorBox, Loading } from '../../ui/feedback.tsx';
import { Time } from '../../ui/status.tsx';
import { Panel, appUrl, useExperiment } from '../monitoring/shared.tsx';
import { kindFilter, kindText, stateText, type KindFilter } from './format.ts';
import './datasets.css';

const PAGE = 50;

export function DatasetsPage() {
  const experiment = useExperiment();
  const [search, setSearch] = useSearchParams();
  const q = search.get('q') ?? '';
  const kind = kindFilter(search.get('kind'));
  const offset = Math.max(0, Number(search.get('offset')) || 0);
  const [text, setText] = useState(q);
  const [shownFor, setShownFor] = useState(q);
  if (shownFor !== q) {
    // The URL changed (back, a bookmark): the box follows it.
    setShownFor(q);
    setText(q);
  }
  const go = (next: { q?: string; kind?: KindFilter; offset?: number }) => {
    const params = new URLSearchParams();
    const nq = next.q ?? q;
    const nkind = next.kind ?? kind;
    if (nq !== '') params.set('q', nq);
    if (nkind !== 'all') params.set('kind', nkind);
    if (next.offset) params.set('offset', String(next.offset));
    setSearch(params);
  };

  const list = useApi(
    () =>
      api.get<Page<Dataset>>(path('experiments', experiment, 'datasets'), {
        q: q === '' ? undefined : q,
        kind: kind === 'all' ? undefined : kind,
        limit: PAGE,
        offset,
      }),
    [experiment, q, kind, offset],
  );

  return (
    <div className="monitoring datasets">
      <div className="mon-title">
        <h1>Datasets</h1>
      </div>
      <form
        className="toolbar"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          go({ q: text.trim(), offset: 0 });
        }}
      >
        <input
          type="search"
          aria-label="Dataset name contains"
          placeholder="part of a name"
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
        <select
          aria-label="Kind"
          value={kind}
          onChange={(e) => go({ kind: kindFilter(e.target.value), offset: 0 })}
        >
          <option value="all">every kind</option>
          <option value="query">saved queries</option>
          <option value="open">open datasets</option>
        </select>
        <button type="submit" className="primary">
          Filter
        </button>
        {q !== '' || kind !== 'all' ? (
          <button type="button" className="link" onClick={() => setSearch(new URLSearchParams())}>
            clear
          </button>
        ) : null}
      </form>
      <p className="muted hint">
        A <strong>saved query</strong> is live: it selects whatever the catalog holds now. An{' '}
        <strong>open dataset</strong> is a list of files that grows as files are added (a stage adds
        its outputs) until it is closed. A <strong>snapshot</strong> freezes either.
      </p>
      {list.error ? (
        <ErrorBox error={list.error} onRetry={list.reload} />
      ) : !list.data ? (
        <Loading what="datasets" />
      ) : list.data.items.length === 0 ? (
        <Empty>
          {q !== '' || kind !== 'all'
            ? 'No dataset matches.'
            : 'No datasets yet: save a query (poms datasets define) or let a stage fill an open one.'}
        </Empty>
      ) : (
        <Panel
          title="Datasets"
          more={
            <Pager
              offset={offset}
              limit={PAGE}
              total={list.data.total}
              onChange={(o) => go({ offset: o })}
            />
          }
        >
          <table className="mon-table" aria-label="Datasets">
            <thead>
              <tr>
                <th>Name</th>
                <th>Kind</th>
                <th>State</th>
                <th>Query or description</th>
                <th>Created</th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((d) => (
                <tr key={d.name}>
                  <td>
                    <Link to={appUrl(experiment, 'datasets', d.name)}>{d.name}</Link>
                  </td>
                  <td>{kindText(d.kind)}</td>
                  <td>
                    <StateBadge dataset={d} />
                  </td>
                  <td className="dataset-text">
                    {d.kind === 'query' ? (
                      <code>{d.query}</code>
                    ) : (
                      (d.description ?? <span className="muted">—</span>)
                    )}
                  </td>
                  <td>
                    <Time iso={d.created_at} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </Panel>
      )}
    </div>
  );
}

/** live / open / closed, coloured like a status. */
export function StateBadge({ dataset }: { dataset: Pick<Dataset, 'kind' | 'closed_at'> }) {
  const state = stateText(dataset);
  const tone = state === 'closed' ? 'muted' : state === 'open' ? 'active' : 'good';
  return <span className={`badge badge-${tone}`}>{state}</span>;
}
