// Pages of lists: every list the store gives is paginated (DESIGN.md §7).
export const MAX_PAGE_SIZE = 1000;
export const DEFAULT_PAGE_SIZE = 50;

/** A page of a keyset-paginated list, ordered by name (byte order). */
export interface CursorPage<T> {
  readonly items: T[];
  /** Pass as `cursor` to get the next page; null on the last page. */
  readonly next_cursor: string | null;
  /** How many items match the filters over all pages. */
  readonly total: number;
}

export interface OffsetPage<T> {
  readonly items: T[];
  readonly total: number;
}
