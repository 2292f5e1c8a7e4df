// Split preview: every slice a stage would get, in order, until the split is exhausted or idle.
// Each slice is frozen as a snapshot under a preview owner, exactly as launches will freeze them,
// so `delivered` works as in production; the preview's snapshots are dropped at the end, leaving
// the catalog as it was.
import {
  START_CURSOR,
  nextSlice,
  type Catalog,
  type FileRecord,
  type Query,
  type SliceContext,
  type SliceSource,
  type SplitCursor,
  type SplitSpec,
} from '@poms/core';

export interface PreviewSlice {
  index: number;
  label: string;
  /** What `%(dataset)s` becomes, for list and multiparam splits. */
  parameter?: string;
  /** The slice's files, in name order (empty for multiparam, which hands out values). */
  files: string[];
  cursor: SplitCursor;
}

export interface SplitPreview {
  slices: PreviewSlice[];
  /** Why the preview stopped: the split's own word, or the --max limit. */
  end: { status: 'exhausted' | 'idle' | 'max' | 'repeats'; reason: string };
}

/** What a split reads: the stage's input and the time (SliceContext minus the catalog side). */
export type SplitInput = Pick<
  SliceContext,
  'input' | 'inputList' | 'now' | 'utcOffset' | 'listItemQuery'
>;

export interface PreviewOptions extends SplitInput {
  experiment: string;
  max: number;
  /** Continue a stage's split: from its cursor, with its slices counted as delivered. */
  start?: { cursor: SplitCursor; deliveredTo: string };
}

export function inputOf(options: SplitInput): SplitInput {
  const { input, inputList, now, utcOffset, listItemQuery } = options;
  return { input, inputList, now, utcOffset, listItemQuery };
}

/** Splits that hand every launch the same files (no cursor): one slice says it all. */
const REPEATING = new Set<SplitSpec['type']>(['none', 'limitn']);

export function sliceSource(catalog: Catalog, experiment: string): SliceSource {
  return {
    countFiles: (query) => catalog.countFiles(experiment, query),
    minValue: (query, field) => catalog.minValue(experiment, query, field),
    queryFiles: (query, page) => catalog.queryFiles(experiment, query, page),
  };
}

export async function previewSplit(
  catalog: Catalog,
  spec: SplitSpec,
  options: PreviewOptions,
): Promise<SplitPreview> {
  const owner = `preview:${options.now}:${Math.random().toString(36).slice(2)}`;
  const source = sliceSource(catalog, options.experiment);
  const slices: PreviewSlice[] = [];
  let cursor: SplitCursor = options.start?.cursor ?? START_CURSOR;
  try {
    for (;;) {
      if (slices.length >= options.max) {
        return { slices, end: { status: 'max', reason: `stopped after ${options.max} slices` } };
      }
      const next = await nextSlice(spec, cursor, {
        ...inputOf(options),
        source,
        owner,
        alsoDelivered: options.start ? [options.start.deliveredTo] : undefined,
      });
      if (next.status !== 'slice') return { slices, end: next };
      cursor = next.cursor;
      const { slice } = next;
      const files =
        slice.kind === 'files'
          ? await frozenFiles(catalog, options.experiment, slice.query, owner)
          : [];
      slices.push({
        index: slices.length + 1,
        label: slice.label,
        ...(slice.parameter === undefined ? {} : { parameter: slice.parameter }),
        files,
        cursor,
      });
      if (REPEATING.has(spec.type)) {
        return {
          slices,
          end: {
            status: 'repeats',
            reason: `every launch of a '${spec.type}' split gets these files`,
          },
        };
      }
    }
  } finally {
    await catalog.dropOwnedSnapshots(options.experiment, owner, null);
  }
}

/** Freezes the slice as a snapshot of the preview owner and lists its files, page by page. */
async function frozenFiles(
  catalog: Catalog,
  experiment: string,
  query: Query,
  owner: string,
): Promise<string[]> {
  const snapshot = await catalog.snapshot(experiment, query, { queryText: '(split slice)', owner });
  const names: string[] = [];
  let after: string | null = null;
  do {
    const page: { files: FileRecord[]; next: string | null } = await catalog.queryFiles(
      experiment,
      { type: 'snapshot', ref: snapshot.id },
      { limit: 1000, after },
    );
    names.push(...page.files.map((f) => f.name));
    after = page.next;
  } while (after !== null);
  return names;
}
