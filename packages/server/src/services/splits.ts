// A stage's split over the catalog: hand out the next slice (recorded with the cursor in one
// transaction), see where the split is, rewind or reset it, and preview what comes next without
// changing anything. The owner names the split's stage.
import {
  formatSplitSpec,
  nextSlice,
  type Catalog,
  type Slice,
  type SplitSliceRecord,
  type SplitSpec,
  type SplitStateRecord,
} from '@poms/core';
import {
  inputOf,
  previewSplit,
  sliceSource,
  type SplitInput,
  type SplitPreview,
} from './split-preview.ts';

export type { SplitInput };

export type TakenSlice =
  | { status: 'slice'; slice: Slice; record: SplitSliceRecord }
  | { status: 'idle' | 'exhausted'; reason: string };

/** The split spec of a stage changed since its last slice: its cursor means something else now. */
export class SplitChangedError extends Error {
  readonly code = 'split.changed';
  constructor(owner: string, was: string, now: string) {
    super(
      `the split of ${owner} was '${was}' when it last handed out a slice and is '${now}' now: reset or rewind it before launching with the new split`,
    );
  }
}

export class SplitService {
  constructor(
    private readonly catalog: Catalog,
    private readonly experiment: string,
  ) {}

  state(owner: string): Promise<SplitStateRecord> {
    return this.catalog.splitState(this.experiment, owner);
  }

  slices(owner: string): Promise<SplitSliceRecord[]> {
    return this.catalog.splitSlices(this.experiment, owner);
  }

  /**
   * Hands out the next slice. Two callers racing for the same slice cannot both get it: the
   * second gets a conflict (store.conflict) and can ask again.
   */
  async take(owner: string, spec: SplitSpec, input: SplitInput): Promise<TakenSlice> {
    const text = formatSplitSpec(spec);
    const state = await this.state(owner);
    if (state.slices > 0 && state.spec !== text)
      throw new SplitChangedError(owner, state.spec, text);
    const next = await nextSlice(spec, state.cursor, {
      ...inputOf(input),
      source: sliceSource(this.catalog, this.experiment),
      owner,
    });
    if (next.status !== 'slice') return next;
    const { slice } = next;
    const record = await this.catalog.recordSlice(this.experiment, owner, {
      spec: text,
      expectedSlices: state.slices,
      ...(slice.kind === 'files' ? { query: slice.query } : {}),
      queryText: `slice ${state.slices + 1} of ${owner}: ${slice.label}`,
      ...(slice.parameter === undefined ? {} : { parameter: slice.parameter }),
      label: slice.label,
      cursor: next.cursor,
    });
    return { status: 'slice', slice, record };
  }

  /** Back to just after slice `toSeq`; 0 resets the split to its start. */
  rewind(owner: string, toSeq: number): Promise<SplitStateRecord> {
    return this.catalog.rewindSplit(this.experiment, owner, toSeq);
  }

  /** What the split would hand out next, from where it is, changing nothing. */
  async preview(
    owner: string,
    spec: SplitSpec,
    input: SplitInput,
    max: number,
  ): Promise<SplitPreview> {
    const state = await this.state(owner);
    return previewSplit(this.catalog, spec, {
      ...inputOf(input),
      experiment: this.experiment,
      max,
      start: { cursor: state.cursor, deliveredTo: owner },
    });
  }
}
