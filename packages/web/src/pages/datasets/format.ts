// How the dataset pages name things: the catalog query that lists a dataset's or a snapshot's
// files, and a dataset's kind and state in words.
import type { Dataset } from '../../api/types.ts';

/** Quoted, so a name that is a keyword of the query language (`all`, `of`…) still works. */
function quoted(name: string): string {
  return `'${name.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** The query of a dataset's current files: `defname: 'NAME'`. */
export function datasetFilesQuery(name: string): string {
  return `defname: ${quoted(name)}`;
}

/** The query of a snapshot's frozen files: `snapshot: 'snp_…'`. */
export function snapshotFilesQuery(id: string): string {
  return `snapshot: ${quoted(id)}`;
}

/** `saved query` or `open dataset`. */
export function kindText(kind: Dataset['kind']): string {
  return kind === 'query' ? 'saved query' : 'open dataset';
}

/** A saved query is live; an open dataset grows until it is closed. */
export function stateText(dataset: Pick<Dataset, 'kind' | 'closed_at'>): string {
  if (dataset.kind === 'query') return 'live';
  return dataset.closed_at === null ? 'open' : 'closed';
}

export type KindFilter = Dataset['kind'] | 'all';

/** The kind filter of the URL (`?kind=query|open`); anything else is every kind. */
export function kindFilter(value: string | null): KindFilter {
  return value === 'query' || value === 'open' ? value : 'all';
}
