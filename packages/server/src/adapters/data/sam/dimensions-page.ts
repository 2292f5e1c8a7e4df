// Paging a SAM dimensions query with the dimensions language's own `with limit N` and
// `with offset M` (the way experiments split a definition into blocks). The caller's dimensions
// go in parentheses so the clauses apply to all of it, not to the last term of an `or`. The
// cursor is the number of files already returned.

export const DEFAULT_PAGE_SIZE = 200;

/** One page's dimensions; one file more than the page, so the last page needs no extra request. */
export function pageDimensions(dimensions: string, offset: number, limit: number): string {
  return `(${dimensions.trim()}) with limit ${limit + 1} with offset ${offset}`;
}

/** The offset a cursor stands for; null for one this adapter did not make. */
export function offsetOf(after: string | null | undefined): number | null {
  if (after === undefined || after === null || after === '') return 0;
  return /^\d{1,15}$/.test(after) ? Number(after) : null;
}
