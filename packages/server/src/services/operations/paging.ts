// Pages of the lists that configuration bounds (holds, schedules, members, experiments, templates,
// watches): the whole list is small enough to read, filter and order in the service, and the
// answer is still a page with its total (DESIGN.md §7), the same envelope the store's pages have.
import { InvalidArgumentError } from '../../ports/errors.ts';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, type OffsetPage } from '../../ports/pages.ts';

export interface PageRequest {
  /** 1..MAX_PAGE_SIZE, default DEFAULT_PAGE_SIZE. */
  readonly limit?: number | undefined;
  /** How many matching items to skip, default 0. */
  readonly offset?: number | undefined;
}

/**
 * One page of `items` (already filtered and in their stable order) with the total that match.
 * A bad limit or offset is refused with the field at fault, as the store's pages refuse them.
 */
export function pageOf<T>(items: readonly T[], page: PageRequest = {}): OffsetPage<T> {
  const limit = page.limit ?? DEFAULT_PAGE_SIZE;
  const offset = page.offset ?? 0;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw new InvalidArgumentError('limit', `must be an integer from 1 to ${MAX_PAGE_SIZE}`);
  }
  if (!Number.isSafeInteger(offset) || offset < 0) {
    throw new InvalidArgumentError('offset', 'must be a non-negative integer');
  }
  return { items: items.slice(offset, offset + limit), total: items.length };
}

/** Whether `text` contains `part`, any case (the `q` filters). */
export function containsText(text: string | null | undefined, part: string): boolean {
  return (text ?? '').toLowerCase().includes(part.toLowerCase());
}
