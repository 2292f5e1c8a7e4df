/**
 * A resolved query as SQL over `files as f` of one experiment: a boolean expression for the
 * WHERE clause of any statement that reads `files as f`. One translation for both stores; the
 * only dialect difference is how LIKE is made case-sensitive.
 *
 * Every expression it makes is two-valued (true or false, never NULL), so `not` and `minus` mean
 * what they say: a file without a run number is in `not (run_number = 1)`. Comparisons on
 * nullable columns are guarded by `is not null`; the rest are EXISTS/IN over non-null keys.
 */
import { sql, type RawBuilder, type SqlBool } from 'kysely';
import { STANDARD_FIELDS, isStandardField, type StandardField } from '@poms/core';
import type { SqlDialect } from '../storage/schema.ts';
import { badQuery } from './errors.ts';
import { parseIsoTime } from './metadata.ts';
import type { CompareOp, Literal, ResolvedQuery } from './resolved.ts';

type Sql = RawBuilder<unknown>;
type Bool = RawBuilder<SqlBool>;

export interface TranslateContext {
  readonly dialect: SqlDialect;
  readonly experiment: string;
}

/** The column of `files` behind each standard field. */
export const STANDARD_COLUMNS = {
  file_name: 'name',
  file_size: 'size',
  checksum: 'checksum',
  run_number: 'run_number',
  subrun_number: 'subrun_number',
  data_tier: 'data_tier',
  software_version: 'software_version',
  event_count: 'event_count',
  start_time: 'start_time',
  end_time: 'end_time',
  create_time: 'create_time',
} as const satisfies Record<StandardField, string>;

const SQL_OPS: Record<CompareOp, string> = {
  '=': '=',
  '!=': '<>',
  '<': '<',
  '<=': '<=',
  '>': '>',
  '>=': '>=',
};

/** Above this many values an `in` list travels as one JSON parameter (bound-parameter limits). */
const INLINE_IN_VALUES = 200;

const TRUE: Bool = sql<SqlBool>`1 = 1`;
const FALSE: Bool = sql<SqlBool>`1 = 0`;

/** The WHERE condition of `files as f` for the query (experiment not included). */
export function fileFilter(query: ResolvedQuery, ctx: TranslateContext): Bool {
  return new Translator(ctx).filter(query);
}

/** `select f.id from files as f where <experiment and query>`. */
export function fileIds(query: ResolvedQuery, ctx: TranslateContext): Sql {
  return new Translator(ctx).ids(query);
}

/** A literal as the value it is compared as: text with text, numbers with numbers. */
type Value = { column: 'text'; value: string } | { column: 'num'; value: number };

class Translator {
  readonly #ctx: TranslateContext;
  #ctes = 0;

  constructor(ctx: TranslateContext) {
    this.#ctx = ctx;
  }

  ids(query: ResolvedQuery): Sql {
    return sql`select f.id from files as f where f.experiment = ${this.#ctx.experiment} and ${this.filter(query)}`;
  }

  filter(q: ResolvedQuery): Bool {
    switch (q.type) {
      case 'all':
        return TRUE;
      case 'compare':
        return this.#compare(q.field, q.op, q.value);
      case 'range':
        return this.#range(q.field, q.low, q.high);
      case 'in':
        return this.#in(q.field, q.values);
      case 'like':
        return this.#like(q.field, q.pattern);
      case 'has':
        return this.#has(q.field);
      case 'and':
      case 'or':
        return this.#chain(q.type, operands(q.type, q));
      case 'not':
        return sql<SqlBool>`(not ${this.filter(q.operand)})`;
      case 'minus':
        return sql<SqlBool>`(${this.filter(q.left)} and not ${this.filter(q.right)})`;
      case 'snapshot':
        return sql<SqlBool>`f.id in (select sf.file from snapshot_files as sf where sf.snapshot = ${q.id})`;
      case 'members':
        // A range of dataset_files' key (experiment, dataset, file).
        return sql<SqlBool>`f.id in (select df.file from dataset_files as df where df.experiment = ${this.#ctx.experiment} and df.dataset = ${q.dataset})`;
      case 'delivered':
        return sql<SqlBool>`f.id in (select sf.file from snapshot_files as sf join snapshots as s on s.id = sf.snapshot where s.experiment = ${this.#ctx.experiment} and s.owner = ${q.owner})`;
      case 'children':
      case 'parents':
        return this.#lineage(q.type, q.of, q.depth);
      case 'window':
        return this.#window(q.query, q.offset, q.stride, q.limit);
    }
  }

  /**
   * `a and b and c …` as a balanced tree: a long chain nested one level per term would exceed
   * SQLite's expression depth limit (1000) long before our query size limit.
   */
  #chain(op: 'and' | 'or', terms: readonly ResolvedQuery[]): Bool {
    const [only] = terms;
    if (terms.length === 1 && only !== undefined) return this.filter(only);
    const middle = Math.ceil(terms.length / 2);
    const left = this.#chain(op, terms.slice(0, middle));
    const right = this.#chain(op, terms.slice(middle));
    return sql<SqlBool>`(${left} ${sql.raw(op)} ${right})`;
  }

  #compare(field: string, op: CompareOp, literal: Literal): Bool {
    const sqlOp = sql.raw(SQL_OPS[op]);
    if (isStandardField(field)) {
      const col = column(field);
      return sql<SqlBool>`(${col} is not null and ${col} ${sqlOp} ${standardValue(field, literal)})`;
    }
    const value = customValue(literal);
    return this.#metadata(field, sql`${sql.ref(`m.${value.column}`)} ${sqlOp} ${value.value}`);
  }

  #range(field: string, low: Literal, high: Literal): Bool {
    if (isStandardField(field)) {
      const col = column(field);
      const [a, b] = [standardValue(field, low), standardValue(field, high)];
      return sql<SqlBool>`(${col} is not null and ${col} between ${a} and ${b})`;
    }
    const [a, b] = [customValue(low), customValue(high)];
    if (a.column !== b.column) {
      throw badQuery(`the range of ${field} mixes text and numbers: ${show(low)}..${show(high)}`);
    }
    return this.#metadata(
      field,
      sql`${sql.ref(`m.${a.column}`)} between ${a.value} and ${b.value}`,
    );
  }

  #in(field: string, literals: readonly Literal[]): Bool {
    if (literals.length === 0) return FALSE;
    if (isStandardField(field)) {
      const col = column(field);
      const values = literals.map((l) => standardValue(field, l));
      return sql<SqlBool>`(${col} is not null and ${this.#inList(col, values, STANDARD_FIELDS[field] === 'string' ? 'text' : 'num')})`;
    }
    const texts: string[] = [];
    const nums: number[] = [];
    for (const literal of literals) {
      const value = customValue(literal);
      if (value.column === 'text') texts.push(value.value);
      else nums.push(value.value);
    }
    const parts: Sql[] = [];
    if (texts.length > 0) parts.push(this.#inList(sql.ref('m.text'), texts, 'text'));
    if (nums.length > 0) parts.push(this.#inList(sql.ref('m.num'), nums, 'num'));
    return this.#metadata(field, sql`(${sql.join(parts, sql` or `)})`);
  }

  #inList(col: Sql, values: readonly (string | number)[], kind: 'text' | 'num'): Sql {
    if (values.length <= INLINE_IN_VALUES) return sql`${col} in (${sql.join(values)})`;
    const json = JSON.stringify(values);
    if (this.#ctx.dialect === 'sqlite') {
      return sql`${col} in (select value from json_each(${json}))`;
    }
    return kind === 'text'
      ? sql`${col} in (select jsonb_array_elements_text(cast(${json} as jsonb)))`
      : sql`${col} in (select cast(jsonb_array_elements_text(cast(${json} as jsonb)) as double precision))`;
  }

  #like(field: string, pattern: string): Bool {
    if (isStandardField(field)) {
      if (STANDARD_FIELDS[field] !== 'string') {
        throw badQuery(`${field} is a ${STANDARD_FIELDS[field]}: like needs a text field`);
      }
      const col = column(field);
      return sql<SqlBool>`(${col} is not null and ${this.#likeSql(col, pattern)})`;
    }
    return this.#metadata(field, this.#likeSql(sql.ref('m.text'), pattern));
  }

  /**
   * Case-sensitive LIKE on both stores, with no escape character (`\` is literal): PostgreSQL's
   * LIKE with ESCAPE ''; on SQLite (whose LIKE ignores ASCII case) the same pattern as a GLOB,
   * which is case-sensitive and, on a BINARY column, also turns a literal prefix into an index
   * range, as LIKE on a "C" column does on PostgreSQL.
   */
  #likeSql(col: Sql, pattern: string): Sql {
    if (this.#ctx.dialect === 'postgres') return sql`${col} like ${pattern} escape ''`;
    return sql`${col} glob ${likeToGlob(pattern)}`;
  }

  #has(field: string): Bool {
    if (isStandardField(field)) {
      return field === 'file_name' ? TRUE : sql<SqlBool>`${column(field)} is not null`;
    }
    return this.#metadata(field, TRUE);
  }

  /** Files whose experiment-defined `field` satisfies the condition on `m`. */
  #metadata(field: string, condition: Sql): Bool {
    return sql<SqlBool>`f.id in (select m.file from file_metadata as m where m.key = ${field} and ${condition})`;
  }

  /** Descendants (children) or ancestors (parents) within `depth` generations of the query's files. */
  #lineage(direction: 'children' | 'parents', of: ResolvedQuery, depth: number): Bool {
    const cte = sql.id(`lineage_${++this.#ctes}`);
    const [from, to] = direction === 'children' ? ['parent', 'child'] : ['child', 'parent'];
    const fromCol = sql.ref(`fp.${from}`);
    const toCol = sql.ref(`fp.${to}`);
    const seed = this.ids(of);
    return sql<SqlBool>`f.id in (with recursive ${cte}(id, depth) as (select ${toCol}, 1 from file_parents as fp where ${fromCol} in (${seed}) union select ${toCol}, g.depth + 1 from ${cte} as g join file_parents as fp on ${fromCol} = g.id where g.depth < ${sql.lit(depth)}) select id from ${cte})`;
  }

  /** Of the query's files in name order: skip `offset`, keep every `stride`-th, at most `limit`. */
  #window(query: ResolvedQuery, offset: number, stride: number, limit: number | undefined): Bool {
    const inner = this.filter(query);
    if (stride === 1 && limit !== undefined) {
      // A block (nfiles, limitn, drainingn): LIMIT/OFFSET over the name order skips rows without
      // numbering them, about 3x less work per row than row_number() on both stores.
      return sql<SqlBool>`f.id in (select f.id from files as f where f.experiment = ${this.#ctx.experiment} and ${inner} order by f.name limit ${sql.lit(limit)} offset ${sql.lit(offset)})`;
    }
    const [o, s] = [sql.lit(offset), sql.lit(stride)];
    // With a limit, only the first offset + stride × limit files in name order can be in the
    // window: numbering stops there instead of running through the whole query (a split's
    // `with limit N` reads N files, not the dataset).
    const last = limit === undefined ? undefined : sql.lit(offset + stride * limit);
    const upTo = last === undefined ? sql`` : sql` order by f.name limit ${last}`;
    return sql<SqlBool>`f.id in (select w.id from (select f.id as id, row_number() over (order by f.name) as rn from files as f where f.experiment = ${this.#ctx.experiment} and ${inner}${upTo}) as w where w.rn > ${o} and (w.rn - ${o} - 1) % ${s} = 0)`;
  }
}

/** The terms of a chain of one operator, in order (`(a and b) and c` is a, b, c). */
function operands(op: 'and' | 'or', q: ResolvedQuery): ResolvedQuery[] {
  const terms: ResolvedQuery[] = [];
  const pending: ResolvedQuery[] = [q];
  while (pending.length > 0) {
    const next = pending.pop() as ResolvedQuery;
    if (next.type === op) pending.push(next.right, next.left);
    else terms.push(next);
  }
  return terms;
}

function column(field: StandardField): Sql {
  return sql.ref(`f.${STANDARD_COLUMNS[field]}`);
}

function show(literal: Literal): string {
  switch (literal.kind) {
    case 'string':
      return JSON.stringify(literal.value);
    case 'number':
      return String(literal.value);
    case 'time': {
      const date = new Date(literal.value * 1000);
      return Number.isNaN(date.getTime()) ? String(literal.value) : date.toISOString();
    }
  }
}

/** A literal compared with a standard column, in that column's type. */
function standardValue(field: StandardField, literal: Literal): string | number {
  const type = STANDARD_FIELDS[field];
  switch (type) {
    case 'string':
      if (literal.kind === 'string') return literal.value;
      if (literal.kind === 'number') return String(literal.value);
      break;
    case 'number':
      if (literal.kind === 'number') return literal.value;
      break;
    case 'time': {
      // Epoch seconds as a number, or a time written as quoted text.
      const seconds = literal.kind === 'string' ? parseIsoTime(literal.value) : literal.value;
      if (seconds !== undefined) return seconds;
      break;
    }
  }
  throw badQuery(`${field} is a ${type} field; ${show(literal)} is not a ${type}`);
}

/** Experiment-defined fields: numbers and times compare as numbers, the rest as text. */
function customValue(literal: Literal): Value {
  return literal.kind === 'string'
    ? { column: 'text', value: literal.value }
    : { column: 'num', value: literal.value };
}

/** SQL LIKE (`%`, `_`, no escape) as an equivalent SQLite GLOB pattern. */
export function likeToGlob(pattern: string): string {
  let glob = '';
  for (const ch of pattern) {
    switch (ch) {
      case '%':
        glob += '*';
        break;
      case '_':
        glob += '?';
        break;
      case '*':
      case '?':
      case '[':
        glob += `[${ch}]`;
        break;
      default:
        glob += ch;
    }
  }
  return glob;
}
