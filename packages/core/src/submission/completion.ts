// When a Completed submission becomes Located (POMS-REFERENCE §2). POMS's forced move after two
// days is gone: progression is event-driven, and a person can still force it.
import type { CompletionType } from '../campaign/model.ts';

export interface LocatedCounts {
  /** Input files the submission's jobs consumed. */
  readonly consumed: number;
  /** Its output files found in the catalog. */
  readonly located: number;
}

/**
 * `complete`: at once. `located`: once located outputs reach `pct` % of consumed inputs. With
 * nothing consumed there is nothing to wait for, so it is reached; otherwise a submission whose
 * jobs consumed nothing would never be Located and its recovery would never start.
 */
export function completionReached(
  kind: CompletionType,
  pct: number,
  { consumed, located }: LocatedCounts,
): boolean {
  switch (kind) {
    case 'complete':
      return true;
    case 'located':
      // located/consumed ≥ pct/100, without division.
      return located * 100 >= pct * consumed;
  }
}
