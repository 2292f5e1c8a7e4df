// The split spec of a stage (POMS-REFERENCE §4): how a stage's input is cut into one slice per
// launch. Parsed once from text (parse.ts) and printed back canonically (format.ts); the split
// iterators themselves live elsewhere and only ever see this type.

/** Split types whose only parameter is a positive count `n`: `mod(3)`, `nfiles(100)`, … */
export type CountSplitType = 'mod' | 'nfiles' | 'limitn' | 'drainingn' | 'stagedfiles';

export interface CountSplit<T extends CountSplitType> {
  readonly type: T;
  /** ≥ 1: number of slices for `mod`, files per slice for the others. */
  readonly n: number;
}

export interface ByRunSplit {
  readonly type: 'byrun';
  /** First run number (≥ 0). */
  readonly low: number;
  /**
   * Last run number, inclusive as POMS documents it (POMS's code stopped before it); absent means
   * no upper bound.
   */
  readonly high?: number;
}

/** `new(…)`: files whose end time falls in successive time windows. All times in seconds. */
export interface NewSplit {
  readonly type: 'new';
  /** Width of each window, ≥ 1 and a whole number of `round`s. */
  readonly window: number;
  /** Window edges are rounded to a multiple of this, ≥ 1. */
  readonly round: number;
  /** Delay allowed for the catalog to register new files before a window is processed, ≥ 0. */
  readonly fts: number;
  /** Window edges in local time instead of UTC (`localtime=1`, or the `new_local` spelling). */
  readonly localtime: boolean;
  /** Start of the first window, epoch seconds; absent means "now minus fts minus window". */
  readonly firsttime?: number;
  /** No window starts after this, epoch seconds; absent means "now". */
  readonly lasttime?: number;
}

export type SplitSpec =
  | { readonly type: 'none' }
  | { readonly type: 'draining' }
  | CountSplit<'mod'>
  | CountSplit<'nfiles'>
  | CountSplit<'limitn'>
  | CountSplit<'drainingn'>
  | CountSplit<'stagedfiles'>
  | ByRunSplit
  | { readonly type: 'byexistingruns' }
  | { readonly type: 'list' }
  | { readonly type: 'multiparam' }
  | NewSplit;

export type SplitType = SplitSpec['type'];

/** Every split type, in the order POMS-REFERENCE §4 lists them (and the GUI picker shows them). */
export const SPLIT_TYPE_NAMES: readonly SplitType[] = [
  'none',
  'draining',
  'mod',
  'nfiles',
  'limitn',
  'drainingn',
  'stagedfiles',
  'byrun',
  'byexistingruns',
  'list',
  'multiparam',
  'new',
];

export const COUNT_SPLIT_TYPES: readonly CountSplitType[] = [
  'mod',
  'nfiles',
  'limitn',
  'drainingn',
  'stagedfiles',
];

/** POMS's defaults for `new` (its split_types/new.py): one-week windows, half an hour for the catalog. */
export const NEW_SPLIT_DEFAULTS: Readonly<
  Pick<NewSplit, 'window' | 'round' | 'fts' | 'localtime'>
> = {
  window: 7 * 24 * 3600,
  round: 1,
  fts: 30 * 60,
  localtime: false,
};

export function isCountSplitType(type: string): type is CountSplitType {
  return (COUNT_SPLIT_TYPES as readonly string[]).includes(type);
}
