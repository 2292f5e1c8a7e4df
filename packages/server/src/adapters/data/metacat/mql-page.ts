// Paging an MQL query. MQL documents `skip N` and `limit N` clauses that apply in the order
// written, and a query with either is implicitly `ordered`, so consecutive pages of an unchanged
// dataset neither repeat nor miss files. The cursor is the number of files already returned.

export const DEFAULT_PAGE_SIZE = 500;

/**
 * The MQL text of one page: the caller's query in parentheses (so a trailing `where` or union of
 * theirs cannot swallow the clauses), then skip and limit. One file more than the page is asked
 * for, so the last page is known without an extra empty request.
 */
export function pageQuery(query: string, skip: number, limit: number): string {
  return `(${query.trim()}) skip ${skip} limit ${limit + 1}`;
}

/** The offset a cursor stands for; null for one this adapter did not make. */
export function offsetOf(after: string | null | undefined): number | null {
  if (after === undefined || after === null || after === '') return 0;
  return /^\d{1,15}$/.test(after) ? Number(after) : null;
}
