// A split's cursor: where it is. JSON, kept with the stage (the catalog's split state).

/** Where a split is; JSON, kept with the stage. */
export interface SplitCursor {
  /** Slices handed out so far. */
  slices: number;
  /** mod, nfiles, list, multiparam: index of the next slice. */
  next?: number;
  /** nfiles: the name of the last file of the last full block; the next block starts after it. */
  after?: string;
  /** byrun: the last run handed out. */
  last_run?: number;
  /** new: start of the next window, epoch seconds. */
  window_start?: number;
}

export const START_CURSOR: SplitCursor = { slices: 0 };
