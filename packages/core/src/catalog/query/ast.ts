// The dataset query language's syntax tree (docs/queries.md). The parser (parse.ts) builds it
// from text; the embedded catalog translates it to SQL; splits build trees of it to describe
// slices. Every node keeps the span of text it came from (absent on nodes built by code), so
// later checks (an unknown field, a missing dataset) can point at the column.

/** 0-based offsets into the query text: [start, end). */
export interface Span {
  start: number;
  end: number;
}

export type Literal =
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  /** A time, from an ISO 8601 literal (`2025-01-31`, `2025-01-31T06:00:00Z`): epoch seconds. */
  | { kind: 'time'; value: number };

export const COMPARE_OPS = ['=', '!=', '<', '<=', '>', '>='] as const;
export type CompareOp = (typeof COMPARE_OPS)[number];

export type Query =
  /** Every file of the experiment (`all`). */
  | { type: 'all'; span?: Span }
  /** `run_number >= 5`, `data_tier = raw`, `dune.campaign != 'x'`. */
  | { type: 'compare'; field: string; op: CompareOp; value: Literal; span?: Span }
  /** `run_number in 1..3` (inclusive both ends), `end_time in 2025-01-01..2025-02-01`. */
  | { type: 'range'; field: string; low: Literal; high: Literal; span?: Span }
  /** `data_tier in (raw, reco)`; `not in` is `not` around it. */
  | { type: 'in'; field: string; values: Literal[]; span?: Span }
  /** `file_name like 'gen_%.root'`: SQL LIKE (`%` any run, `_` one character). */
  | { type: 'like'; field: string; pattern: string; span?: Span }
  /** `has dune.campaign`: the file has this metadata field, whatever its value. */
  | { type: 'has'; field: string; span?: Span }
  | { type: 'and'; left: Query; right: Query; span?: Span }
  | { type: 'or'; left: Query; right: Query; span?: Span }
  | { type: 'not'; operand: Query; span?: Span }
  /** `A minus B`: files of A that are not in B. */
  | { type: 'minus'; left: Query; right: Query; span?: Span }
  /** `defname: NAME`: the files of a dataset definition (its saved query, evaluated now). */
  | { type: 'defname'; name: string; span?: Span }
  /** `snapshot: NAME-OR-ID`: the frozen file list of a snapshot. */
  | { type: 'snapshot'; ref: string; span?: Span }
  /** `children of (Q)`, `parents of (Q)`: one generation (depth 1) unless `depth N`. */
  | { type: 'children' | 'parents'; of: Query; depth: number; span?: Span }
  /**
   * `Q with offset O stride S limit L`: of Q's files in name order, skip O, then take every
   * S-th, then at most L. Absent parts mean 0, 1 and no limit.
   */
  | { type: 'window'; query: Query; offset: number; stride: number; limit?: number; span?: Span }
  /**
   * Files handed out in earlier slices of a split (the snapshots owned by `owner`). Built by
   * splits, not written by people: the language has no syntax for it.
   */
  | { type: 'delivered'; owner: string; span?: Span };

/** Metadata fields every file has a column for; any other name is an experiment-defined field. */
export const STANDARD_FIELDS = {
  file_name: 'string',
  file_size: 'number',
  checksum: 'string',
  run_number: 'number',
  subrun_number: 'number',
  data_tier: 'string',
  software_version: 'string',
  event_count: 'number',
  start_time: 'time',
  end_time: 'time',
  create_time: 'time',
} as const satisfies Record<string, Literal['kind']>;

export type StandardField = keyof typeof STANDARD_FIELDS;

export function isStandardField(name: string): name is StandardField {
  return Object.hasOwn(STANDARD_FIELDS, name);
}
