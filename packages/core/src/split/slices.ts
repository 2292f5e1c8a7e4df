// The split iterators (POMS-REFERENCE §4): given a stage's split, its input and its cursor, the
// next slice to launch and the cursor after it. Slices are described as catalog queries; the
// caller freezes each launched slice as a snapshot owned by the stage, which is how `delivered`
// knows what earlier slices took. POMS's faults are fixed: `byrun` includes `high` and skips empty
// runs, and no split ever hands out an empty slice.
import type { FileRecord } from '../catalog/port.ts';
import type { Query } from '../catalog/query/ast.ts';
import { START_CURSOR, type SplitCursor } from './cursor.ts';
import type { SplitSpec } from './spec.ts';

export { START_CURSOR, type SplitCursor };

/** What the iterators need of the catalog, bound to one experiment. */
export interface SliceSource {
  countFiles(query: Query): Promise<number>;
  minValue(query: Query, field: string): Promise<number | null>;
  queryFiles(query: Query, page: { limit: number }): Promise<{ files: FileRecord[] }>;
}

export type Slice =
  /** Files to process; `parameter` is what `%(dataset)s` becomes for list splits. */
  | { kind: 'files'; query: Query; label: string; parameter?: string }
  /** No files: a value for `%(dataset)s` (multiparam). */
  | { kind: 'parameter'; parameter: string; label: string };

export type NextSlice =
  | { status: 'slice'; slice: Slice; cursor: SplitCursor }
  /** Nothing now, maybe later (the dataset may grow, a time window has not closed yet). */
  | { status: 'idle'; reason: string }
  /** Never anything again: the split has run through its input. */
  | { status: 'exhausted'; reason: string };

export interface SliceContext {
  source: SliceSource;
  /** The snapshots of earlier slices carry this owner (the stage). */
  owner: string;
  /** The stage's input as a query (a dataset resolved to `defname:`), for file splits. */
  input: Query;
  /** The input as a list (list split) or list of lists (multiparam). */
  inputList?: readonly string[] | readonly (readonly string[])[];
  /** Epoch seconds. */
  now: number;
  /** Seconds east of UTC for `localtime` windows (the server's zone). Default 0. */
  utcOffset?: number;
  /** Other owners whose slices also count as delivered (a preview continuing a stage's split). */
  alsoDelivered?: readonly string[];
  /** The files of one element of a `list` split's input. Default: the dataset of that name. */
  listItemQuery?: (item: string) => Query;
}

const and = (left: Query, right: Query): Query => ({ type: 'and', left, right });
function undelivered(input: Query, ctx: SliceContext): Query {
  const owners = [ctx.owner, ...(ctx.alsoDelivered ?? [])];
  const delivered = owners
    .map((owner): Query => ({ type: 'delivered', owner }))
    .reduce((left, right) => ({ type: 'or', left, right }));
  return { type: 'minus', left: input, right: delivered };
}
const num = (value: number) => ({ kind: 'number' as const, value });

function files(query: Query, label: string, cursor: SplitCursor, parameter?: string): NextSlice {
  return {
    status: 'slice',
    slice: { kind: 'files', query, label, ...(parameter === undefined ? {} : { parameter }) },
    cursor: { ...cursor, slices: cursor.slices + 1 },
  };
}

export async function nextSlice(
  spec: SplitSpec,
  cursor: SplitCursor,
  ctx: SliceContext,
): Promise<NextSlice> {
  const { source, input } = ctx;
  switch (spec.type) {
    case 'none':
      return (await source.countFiles(input)) > 0
        ? files(input, 'the whole dataset', cursor)
        : { status: 'idle', reason: 'the dataset is empty' };
    case 'draining':
    case 'drainingn':
    case 'stagedfiles': {
      const rest = undelivered(input, ctx);
      const query: Query =
        spec.type === 'draining'
          ? rest
          : { type: 'window', query: rest, offset: 0, stride: 1, limit: spec.n };
      return (await source.countFiles(query)) > 0
        ? files(
            query,
            spec.type === 'draining'
              ? 'files not delivered before'
              : `up to ${spec.n} files not delivered before`,
            cursor,
          )
        : { status: 'idle', reason: 'no files that earlier slices did not take' };
    }
    case 'limitn': {
      const query: Query = { type: 'window', query: input, offset: 0, stride: 1, limit: spec.n };
      return (await source.countFiles(query)) > 0
        ? files(query, `the first ${spec.n} files`, cursor)
        : { status: 'exhausted', reason: 'the dataset is empty' };
    }
    case 'mod':
      return modSlice(spec.n, cursor, ctx);
    case 'nfiles':
      return nfilesSlice(spec.n, cursor, ctx);
    case 'byrun':
      return byRunSlice(spec.low, spec.high, cursor, ctx);
    case 'byexistingruns':
      return byExistingRunsSlice(cursor, ctx);
    case 'list':
      return listSlice(cursor, ctx);
    case 'multiparam':
      return multiparamSlice(cursor, ctx);
    case 'new':
      return newSlice(spec, cursor, ctx);
  }
}

/** The most files of a short last block whose names are read to find its end (a catalog page). */
const SHORT_BLOCK_READ = 10_000;

/**
 * Block i of n files in name order. A full block leaves the name of its last file in the cursor
 * (`after`), so the next block starts there by name: each block reads n files, not the i·n before
 * it (offsets made a split of N files cost N²/n). Without `after` (the first block, cursors written
 * before `after` existed, a short block of over 10^4 files) the block is found by offset.
 */
async function nfilesSlice(n: number, cursor: SplitCursor, ctx: SliceContext): Promise<NextSlice> {
  const { source, input } = ctx;
  const index = cursor.next ?? 0;
  const base: Query =
    cursor.after === undefined
      ? input
      : and(input, {
          type: 'compare',
          field: 'file_name',
          op: '>',
          value: { kind: 'string', value: cursor.after },
        });
  const offset = cursor.after === undefined ? index * n : 0;
  const query: Query = { type: 'window', query: base, offset, stride: 1, limit: n };
  const lastOfBlock: Query = {
    type: 'window',
    query: base,
    offset: offset + n - 1,
    stride: 1,
    limit: 1,
  };
  let [last] = (await source.queryFiles(lastOfBlock, { limit: 1 })).files;
  if (last === undefined) {
    // A short block (the last one): its files are fewer than n, read their names for the end.
    const limit = Math.min(n, SHORT_BLOCK_READ);
    const block = (await source.queryFiles(query, { limit })).files;
    if (block.length === 0) {
      return { status: 'exhausted', reason: `block ${index + 1} of ${n} files is empty` };
    }
    if (block.length < limit) last = block.at(-1);
  }
  const { after: _was, ...rest } = cursor;
  return files(query, `files ${index * n + 1}–${(index + 1) * n}`, {
    ...rest,
    next: index + 1,
    ...(last === undefined ? {} : { after: last.name }),
  });
}

/** Slice i: every n-th file from offset i; empty residues are skipped, never launched. */
async function modSlice(n: number, cursor: SplitCursor, ctx: SliceContext): Promise<NextSlice> {
  for (let index = cursor.next ?? 0; index < n; index++) {
    const query: Query = { type: 'window', query: ctx.input, offset: index, stride: n };
    if ((await ctx.source.countFiles(query)) > 0) {
      return files(query, `slice ${index + 1} of ${n}`, { ...cursor, next: index + 1 });
    }
  }
  return { status: 'exhausted', reason: `all ${n} slices handed out` };
}

/** The next run from `low` (or after the last one) that has files, up to `high` inclusive. */
async function byRunSlice(
  low: number,
  high: number | undefined,
  cursor: SplitCursor,
  ctx: SliceContext,
): Promise<NextSlice> {
  const from = cursor.last_run === undefined ? low : Math.max(low, cursor.last_run + 1);
  const run = await ctx.source.minValue(
    and(ctx.input, { type: 'compare', field: 'run_number', op: '>=', value: num(from) }),
    'run_number',
  );
  if (run === null || (high !== undefined && run > high)) {
    return {
      status: 'exhausted',
      reason:
        high === undefined
          ? `no run from ${from} on has files`
          : `no run from ${from} to ${high} has files`,
    };
  }
  const query = and(ctx.input, { type: 'compare', field: 'run_number', op: '=', value: num(run) });
  return files(query, `run ${run}`, { ...cursor, last_run: run });
}

/** All undelivered files of the run of the first undelivered file (in name order). */
async function byExistingRunsSlice(cursor: SplitCursor, ctx: SliceContext): Promise<NextSlice> {
  const rest = undelivered(ctx.input, ctx);
  const first = (await ctx.source.queryFiles(rest, { limit: 1 })).files[0];
  if (!first) return { status: 'exhausted', reason: 'every file has been delivered' };
  const run = first.metadata.run_number;
  if (typeof run !== 'number') {
    // A file without a run is a run of its own: it is handed out alone rather than never.
    const query = and(rest, {
      type: 'compare',
      field: 'file_name',
      op: '=',
      value: { kind: 'string', value: first.name },
    });
    return files(query, `file ${first.name} (no run number)`, cursor);
  }
  return files(
    and(rest, { type: 'compare', field: 'run_number', op: '=', value: num(run) }),
    `run ${run}`,
    cursor,
  );
}

async function listSlice(cursor: SplitCursor, ctx: SliceContext): Promise<NextSlice> {
  const list = (ctx.inputList ?? []) as readonly unknown[];
  for (let index = cursor.next ?? 0; index < list.length; index++) {
    const item = list[index];
    if (typeof item !== 'string') continue;
    const query: Query = ctx.listItemQuery?.(item) ?? { type: 'defname', name: item };
    if ((await ctx.source.countFiles(query)) > 0) {
      return files(query, `dataset ${item}`, { ...cursor, next: index + 1 }, item);
    }
  }
  return { status: 'exhausted', reason: `all ${list.length} datasets of the list handed out` };
}

/** Every combination of one value per list, the first list varying slowest, joined with `_`. */
export function multiparamCombinations(lists: readonly (readonly string[])[]): string[] {
  const [first, ...rest] = lists;
  if (!first) return [];
  return rest.reduce<string[]>(
    (acc, values) => acc.flatMap((prefix) => values.map((v) => `${prefix}_${v}`)),
    [...first],
  );
}

function multiparamSlice(cursor: SplitCursor, ctx: SliceContext): NextSlice {
  const lists = (ctx.inputList ?? []).filter((l): l is readonly string[] => Array.isArray(l));
  const combos = lists.length === 0 ? [] : multiparamCombinations(lists);
  const index = cursor.next ?? 0;
  const parameter = combos[index];
  if (parameter === undefined) {
    return { status: 'exhausted', reason: `all ${combos.length} combinations handed out` };
  }
  return {
    status: 'slice',
    slice: {
      kind: 'parameter',
      parameter,
      label: `combination ${index + 1} of ${combos.length}: ${parameter}`,
    },
    cursor: { ...cursor, next: index + 1, slices: cursor.slices + 1 },
  };
}

/**
 * Files whose end time falls in the next window [start, start + window). A window is taken only
 * once it has closed and `fts` more seconds have passed (for late catalog entries); windows with
 * no files are skipped to the next window that has some.
 */
async function newSlice(
  spec: Extract<SplitSpec, { type: 'new' }>,
  cursor: SplitCursor,
  ctx: SliceContext,
): Promise<NextSlice> {
  const offset = spec.localtime ? (ctx.utcOffset ?? 0) : 0;
  const roundDown = (t: number) => Math.floor((t + offset) / spec.round) * spec.round - offset;
  const latestStart = ctx.now - spec.fts - spec.window;
  let start = cursor.window_start ?? roundDown(spec.firsttime ?? latestStart);
  const lastStart = spec.lasttime ?? Number.POSITIVE_INFINITY;
  for (;;) {
    if (start > lastStart) return { status: 'exhausted', reason: 'past lasttime' };
    if (start > latestStart) {
      return {
        status: 'idle',
        reason: `the window from ${iso(start)} closes at ${iso(start + spec.window + spec.fts)} (with fts)`,
      };
    }
    const end = start + spec.window;
    const inWindow = and(
      and(ctx.input, {
        type: 'compare',
        field: 'end_time',
        op: '>=',
        value: { kind: 'time', value: start },
      }),
      { type: 'compare', field: 'end_time', op: '<', value: { kind: 'time', value: end } },
    );
    if ((await ctx.source.countFiles(inWindow)) > 0) {
      return files(inWindow, `end times ${iso(start)} to ${iso(end)}`, {
        ...cursor,
        window_start: end,
      });
    }
    // Skip to the window that holds the next file, if any.
    const next = await ctx.source.minValue(
      and(ctx.input, {
        type: 'compare',
        field: 'end_time',
        op: '>=',
        value: { kind: 'time', value: end },
      }),
      'end_time',
    );
    if (next === null) {
      return { status: 'idle', reason: `no file ends after ${iso(end)} yet` };
    }
    start = start + Math.floor((next - start) / spec.window) * spec.window;
  }
}

function iso(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().replace('.000Z', 'Z');
}
