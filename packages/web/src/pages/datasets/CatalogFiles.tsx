// The files of a dataset or a snapshot, 50 at a time in name order, each linked to its file page.
// The page is a cursor (the last name shown) kept in the URL as `?files_after=…`, so a page of a
// large dataset is a bookmark too; a link opens the same files in the file search.
import { Link, useSearchParams } from 'react-router';
import { api, path } from '../../api/client.ts';
import type { FileQueryPage } from '../../api/types.ts';
import { useApi } from '../../api/use-api.ts';
import { Empty, ErrorBox, Loading } from '../../ui/feedback.tsx';
import { FileTable } from '../files/FileTable.tsx';
import { Panel, appUrl } from '../monitoring/shared.tsx';

const PAGE = 50;
const AFTER = 'files_after';

export function CatalogFiles({
  experiment,
  query,
  total,
  label,
}: {
  experiment: string;
  /** The catalog query whose files are listed (`defname: 'x'`, `snapshot: 'snp_…'`). */
  query: string;
  /** How many files there are in all, when known. */
  total: number | undefined;
  /** The table's accessible name. */
  label: string;
}) {
  const [search, setSearch] = useSearchParams();
  const after = search.get(AFTER) ?? undefined;
  const files = useApi(
    () =>
      api.get<FileQueryPage>(path('experiments', experiment, 'files'), {
        query,
        limit: PAGE,
        after,
      }),
    [experiment, query, after],
  );
  const goTo = (next: string | undefined) => {
    const params = new URLSearchParams(search);
    if (next === undefined) params.delete(AFTER);
    else params.set(AFTER, next);
    setSearch(params);
  };
  const searchUrl = `${appUrl(experiment, 'files')}?${new URLSearchParams({ q: query, mode: 'query' }).toString()}`;
  const title = total === undefined ? label : `${label} (${total.toLocaleString('en-US')})`;
  return (
    <Panel
      title={title}
      more={
        <span className="pager">
          <Link to={searchUrl}>open in the file search</Link>
          {after ? (
            <button type="button" onClick={() => goTo(undefined)}>
              First page
            </button>
          ) : null}
          {files.data?.next ? (
            <button type="button" onClick={() => goTo(files.data?.next ?? undefined)}>
              Next {PAGE}
            </button>
          ) : null}
        </span>
      }
    >
      {files.error ? (
        <ErrorBox error={files.error} onRetry={files.reload} />
      ) : !files.data || files.loading ? (
        <Loading what="files" />
      ) : files.data.files.length === 0 ? (
        <Empty>{after ? 'No more files.' : 'No files.'}</Empty>
      ) : (
        <>
          {after ? <p className="muted hint">Files after {after}</p> : null}
          <FileTable experiment={experiment} files={files.data.files} label={label} />
        </>
      )}
    </Panel>
  );
}
