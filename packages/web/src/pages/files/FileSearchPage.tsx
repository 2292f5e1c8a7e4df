// Find catalog files: by part of the name, or by a query in the catalog's query language
// (docs/queries.md), 50 at a time in name order, each linked to its file page. What is searched is
// in the URL (`?q=…&mode=query&after=…`), so a search is a bookmark.
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { api, path } from '../../api/client.ts';
import type { FileQueryPage } from '../../api/types.ts';
import { useApi } from '../../api/use-api.ts';
import { Empty, ErrorBox, Loading } from '../../ui/feedback.tsx';
import { FileTable } from './FileTable.tsx';
import { Panel, useExperiment } from '../monitoring/shared.tsx';
import { searchQuery, type SearchMode as Mode } from './format.ts';
import './files.css';

const PAGE = 50;

export function FileSearchPage() {
  const experiment = useExperiment();
  const [search, setSearch] = useSearchParams();
  const q = search.get('q') ?? '';
  const mode: Mode = search.get('mode') === 'query' ? 'query' : 'name';
  const after = search.get('after') ?? undefined;
  const [text, setText] = useState(q);
  const [textMode, setTextMode] = useState<Mode>(mode);
  const [shownFor, setShownFor] = useState(`${mode}\n${q}`);
  if (shownFor !== `${mode}\n${q}`) {
    // The URL changed (back, a bookmark): the box follows it.
    setShownFor(`${mode}\n${q}`);
    setText(q);
    setTextMode(mode);
  }
  const go = (next: { q: string; mode: Mode; after?: string }) => {
    const params = new URLSearchParams();
    if (next.q !== '') params.set('q', next.q);
    if (next.mode === 'query') params.set('mode', 'query');
    if (next.after) params.set('after', next.after);
    setSearch(params);
  };

  const found = useApi(
    q.trim() === ''
      ? undefined
      : () =>
          api.get<FileQueryPage>(path('experiments', experiment, 'files'), {
            query: searchQuery(q.trim(), mode),
            limit: PAGE,
            after,
          }),
    [experiment, q, mode, after],
  );

  return (
    <div className="monitoring file-search">
      <div className="mon-title">
        <h1>Files</h1>
      </div>
      <form
        className="toolbar file-search-form"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          go({ q: text.trim(), mode: textMode });
        }}
      >
        <select
          aria-label="Search by"
          value={textMode}
          onChange={(e) => setTextMode(e.target.value === 'query' ? 'query' : 'name')}
        >
          <option value="name">Name contains</option>
          <option value="query">Query</option>
        </select>
        <input
          type="search"
          aria-label={textMode === 'query' ? 'Query' : 'File name contains'}
          className="file-search-input"
          placeholder={
            textMode === 'query' ? "file_name like 'gen_%' and data_tier = raw" : 'part of a name'
          }
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
        <button type="submit" className="primary">
          Search
        </button>
      </form>
      <p className="muted hint">
        {textMode === 'query' ? (
          <>
            A query of the catalog&apos;s query language (<code>docs/queries.md</code>): fields,{' '}
            <code>like</code>, <code>and</code>/<code>or</code>, <code>defname:</code>,{' '}
            <code>children of (…)</code>.
          </>
        ) : (
          <>
            Any part of a file name; <code>%</code> and <code>_</code> are wildcards.
          </>
        )}
      </p>
      {q.trim() === '' ? (
        <Empty>Type part of a file name (or a query) and press Search.</Empty>
      ) : found.error ? (
        <ErrorBox error={found.error} onRetry={found.reload} />
      ) : !found.data || found.loading ? (
        <Loading what="files" />
      ) : found.data.files.length === 0 ? (
        <Empty>No file matches.</Empty>
      ) : (
        <Panel
          title={after ? `Files after ${after}` : 'Files'}
          more={
            <span className="pager">
              {after ? (
                <button type="button" onClick={() => go({ q, mode })}>
                  First page
                </button>
              ) : null}
              {found.data.next ? (
                <button
                  type="button"
                  onClick={() => go({ q, mode, after: found.data?.next ?? undefined })}
                >
                  Next {PAGE}
                </button>
              ) : null}
            </span>
          }
        >
          <FileTable experiment={experiment} files={found.data.files} label={'Files found'} />
        </Panel>
      )}
    </div>
  );
}
