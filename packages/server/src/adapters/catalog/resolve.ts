/**
 * Makes a query ready for SQL: checks what code-built trees could get wrong (splits build them
 * without the parser), expands `defname:` into the dataset's saved query (recursively, refusing
 * cycles) or, for an open dataset, into its member list, and turns `snapshot:` into a snapshot id.
 */
import { COMPARE_OPS, type Literal, type Query } from '@poms/core';
import { badQuery, notFound } from './errors.ts';
import { isStorableText } from './metadata.ts';
import type { ResolvedQuery } from './resolved.ts';

/** What `defname:` names: a saved query (its text) or an open dataset (its listed files). */
export type SavedDataset = { kind: 'query'; query: string } | { kind: 'open' };

export interface ResolveSource {
  /** A dataset of the experiment; undefined if there is none. */
  dataset(name: string): Promise<SavedDataset | undefined>;
  /** The snapshot a `snapshot:` reference names (id, or dataset name: its latest). */
  snapshotId(ref: string): Promise<string | undefined>;
  /** Parses a saved query (it parsed when it was saved). */
  parse(text: string, dataset: string): Query;
}

/** The largest query, counted in nodes after expanding datasets, that the catalog will run. */
export const MAX_QUERY_NODES = 10_000;
/** Generations `children of`/`parents of` may walk. */
export const MAX_LINEAGE_DEPTH = 100;
export const MAX_FIELD_LENGTH = 100;

export interface ResolveOptions {
  /**
   * Datasets already being expanded around this query: defining dataset `d` resolves its new
   * query with `['d']`, so a reference back to `d` is a cycle.
   */
  readonly within?: readonly string[];
  /** Check `snapshot:` references too (a definition may name a snapshot still to be made). */
  readonly snapshots?: boolean;
}

export async function resolveQuery(
  query: Query,
  source: ResolveSource,
  options: ResolveOptions = {},
): Promise<ResolvedQuery> {
  return new Resolver(source, options.snapshots ?? true).resolve(query, options.within ?? []);
}

class Resolver {
  readonly #source: ResolveSource;
  readonly #snapshots: boolean;
  readonly #datasets = new Map<string, { query: ResolvedQuery; nodes: number }>();
  #nodes = 0;

  constructor(source: ResolveSource, snapshots: boolean) {
    this.#source = source;
    this.#snapshots = snapshots;
  }

  async resolve(q: Query, within: readonly string[]): Promise<ResolvedQuery> {
    this.#count(1);
    switch (q.type) {
      case 'all':
        return { type: 'all' };
      case 'compare':
        if (!COMPARE_OPS.includes(q.op)) throw badQuery(`unknown comparison ${String(q.op)}`);
        return { type: 'compare', field: field(q.field), op: q.op, value: literal(q.value) };
      case 'range':
        return { type: 'range', field: field(q.field), low: literal(q.low), high: literal(q.high) };
      case 'in':
        this.#count(q.values.length);
        return { type: 'in', field: field(q.field), values: q.values.map(literal) };
      case 'like':
        return { type: 'like', field: field(q.field), pattern: text('like pattern', q.pattern) };
      case 'has':
        return { type: 'has', field: field(q.field) };
      case 'and':
      case 'or':
      case 'minus':
        return {
          type: q.type,
          left: await this.resolve(q.left, within),
          right: await this.resolve(q.right, within),
        };
      case 'not':
        return { type: 'not', operand: await this.resolve(q.operand, within) };
      case 'children':
      case 'parents':
        if (!Number.isSafeInteger(q.depth) || q.depth < 1 || q.depth > MAX_LINEAGE_DEPTH) {
          throw badQuery(`${q.type} depth must be an integer from 1 to ${MAX_LINEAGE_DEPTH}`);
        }
        return { type: q.type, of: await this.resolve(q.of, within), depth: q.depth };
      case 'window':
        return { ...window(q), query: await this.resolve(q.query, within) };
      case 'delivered':
        return { type: 'delivered', owner: text('owner', q.owner) };
      case 'snapshot':
        return { type: 'snapshot', id: await this.#snapshot(q.ref) };
      case 'defname':
        return this.#dataset(q.name, within);
    }
  }

  async #dataset(name: string, within: readonly string[]): Promise<ResolvedQuery> {
    const loop = within.indexOf(name);
    if (loop >= 0) {
      throw badQuery(`dataset cycle: ${[...within.slice(loop), name].join(' -> ')}`);
    }
    const known = this.#datasets.get(name);
    if (known !== undefined) {
      this.#count(known.nodes);
      return known.query;
    }
    const saved = await this.#source.dataset(name);
    if (saved === undefined) throw notFound('dataset', name);
    // An open dataset is its member list, read when the query runs: live, and never a cycle.
    if (saved.kind === 'open') return { type: 'members', dataset: name };
    const before = this.#nodes;
    const query = await this.resolve(this.#source.parse(saved.query, name), [...within, name]);
    this.#datasets.set(name, { query, nodes: this.#nodes - before });
    return query;
  }

  async #snapshot(ref: string): Promise<string> {
    text('snapshot', ref);
    if (!this.#snapshots) return ref;
    const id = await this.#source.snapshotId(ref);
    if (id === undefined) throw notFound('snapshot', ref);
    return id;
  }

  #count(nodes: number): void {
    this.#nodes += nodes;
    if (this.#nodes > MAX_QUERY_NODES) {
      throw badQuery(
        `the query is too large: more than ${MAX_QUERY_NODES} terms once datasets are expanded`,
      );
    }
  }
}

function text(what: string, value: unknown): string {
  if (typeof value !== 'string' || value === '' || !isStorableText(value)) {
    throw badQuery(`${what} must be non-empty, well-formed text without NUL`);
  }
  return value;
}

function field(name: unknown): string {
  const checked = text('a field name', name);
  if (checked.length > MAX_FIELD_LENGTH) {
    throw badQuery(`field names have at most ${MAX_FIELD_LENGTH} characters`);
  }
  return checked;
}

function literal(value: Literal): Literal {
  switch (value.kind) {
    case 'string':
      text('a text value', value.value);
      return value;
    case 'number':
    case 'time':
      if (typeof value.value !== 'number' || !Number.isFinite(value.value)) {
        throw badQuery(`a ${value.kind} value must be a finite number`);
      }
      return value;
  }
}

function window(q: Extract<Query, { type: 'window' }>) {
  const count = (what: string, n: unknown, min: number) => {
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < min) {
      throw badQuery(`window ${what} must be an integer of at least ${min}`);
    }
    return n;
  };
  const offset = count('offset', q.offset, 0);
  const stride = count('stride', q.stride, 1);
  const limit = q.limit === undefined ? undefined : count('limit', q.limit, 0);
  if (limit !== undefined && !Number.isSafeInteger(offset + stride * limit)) {
    throw badQuery('window offset + stride × limit is too large');
  }
  return { type: 'window' as const, offset, stride, ...(limit === undefined ? {} : { limit }) };
}
