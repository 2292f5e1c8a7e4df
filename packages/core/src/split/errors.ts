// Result and error shapes of the split-spec parser. Codes are stable (DESIGN.md §8): the editor,
// the API and the docs key on them, so add new ones rather than renaming.
import type { SplitSpec } from './spec.ts';

export const SPLIT_ERROR_CODES = [
  /** The name before `(` is not a split type. */
  'split.unknown-type',
  /** Misplaced or missing punctuation, parameters where none are taken, trailing text. */
  'split.syntax',
  /** A count or run number that is not a plain non-negative integer. */
  'split.bad-number',
  /** A duration that is not like `30m`, `1d12h` or a number of seconds. */
  'split.bad-duration',
  /** A time that is neither epoch seconds nor an ISO date/date-time. */
  'split.bad-time',
  /** A `localtime=` value other than 0, 1, true or false. */
  'split.bad-flag',
  /** A `key=` the split type does not have. */
  'split.unknown-key',
  /** The same `key=` twice. */
  'split.duplicate-key',
  /** A required `key=` is absent (byrun's `low`). */
  'split.missing-key',
  /** A well-formed value outside what makes sense: `mod(0)`, low > high, window not a multiple of round. */
  'split.range',
] as const;

export type SplitErrorCode = (typeof SPLIT_ERROR_CODES)[number];

export interface SplitError {
  readonly code: SplitErrorCode;
  readonly message: string;
  /** 0-based offset of the first offending character in the parsed text (UTF-16 code units). */
  readonly column: number;
  /** 0-based offset just past the offending text. */
  readonly endColumn: number;
}

export type SplitSpecResult =
  | { readonly ok: true; readonly spec: SplitSpec }
  | { readonly ok: false; readonly error: SplitError };
