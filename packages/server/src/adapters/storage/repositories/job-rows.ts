// A job row as the repositories answer it (the submissions repository and the failed-jobs query
// read the same columns), and the batched write of engine reports to job rows.
import {
  sql,
  SqliteAdapter,
  type Kysely,
  type RawBuilder,
  type Selectable,
  type Transaction,
} from 'kysely';
import type {
  JobRecord,
  JobRequest,
  JobUpdate,
  TrackedJobState,
} from '../../../ports/submissions.ts';
import type { Database, JobsTable } from '../schema.ts';

export function toJob(r: Selectable<JobsTable>): JobRecord {
  return {
    submission_id: r.submission_id,
    index: r.idx,
    engine_id: r.engine_id,
    state: r.state as TrackedJobState,
    exit_code: r.exit_code,
    signal: r.signal,
    reason: r.reason,
    cpu_s: r.cpu_s,
    wall_s: r.wall_s,
    max_rss_kb: r.max_rss_kb,
    host: r.host,
    started_at: r.started_at,
    ended_at: r.ended_at,
    request: r.request as JobRequest | null,
    file_count: r.file_count,
    updated_at: r.updated_at,
  };
}

/** Rows per batched job UPDATE: one JSON parameter each, so only memory bounds it. */
export const UPDATE_CHUNK = 5000;

const FINISHED = sql.join(['completed', 'failed', 'cancelled'].map((s) => sql.lit(s)));

/** True on SQLite, false on PostgreSQL: the two spell "rows of a JSON parameter" differently. */
export function onSqlite(db: Kysely<Database> | Transaction<Database>): boolean {
  return db.getExecutor().adapter instanceof SqliteAdapter;
}

/**
 * The rows of a JSON array of objects as a table with the given columns. One short statement
 * whatever the row count: a VALUES list of thousands of rows costs more to prepare than to run.
 */
export function jsonRows(
  sqlite: boolean,
  rows: readonly object[],
  columns: readonly (readonly [name: string, type: 'text' | 'integer' | 'double precision'])[],
): RawBuilder<unknown> {
  const json = JSON.stringify(rows);
  if (sqlite) {
    const picks = sql.join(
      columns.map(([name]) => sql`value ->> ${sql.lit(name)} as ${sql.ref(name)}`),
    );
    return sql`(select ${picks} from json_each(${json}))`;
  }
  const types = sql.join(columns.map(([name, type]) => sql`${sql.ref(name)} ${sql.raw(type)}`));
  return sql`json_to_recordset(cast(${json} as json)) as v(${types})`;
}

const UPDATE_COLUMNS = [
  ['submission_id', 'text'],
  ['idx', 'integer'],
  ['state', 'text'],
  ['exit_code', 'integer'],
  ['signal', 'text'],
  ['reason', 'text'],
  ['cpu_s', 'double precision'],
  ['wall_s', 'double precision'],
  ['max_rss_kb', 'double precision'],
  ['host', 'text'],
  ['started_at', 'text'],
  ['ended_at', 'text'],
] as const;

/**
 * Applies engine reports to their job rows in one statement (the reports as a table joined to
 * the jobs by key; every key at most once) and returns the submission of each row it changed.
 */
export async function updateJobRows(
  db: Kysely<Database> | Transaction<Database>,
  updates: readonly JobUpdate[],
  now: string,
): Promise<string[]> {
  if (updates.length === 0) return [];
  const sqlite = onSqlite(db);
  const rows = updates.map((u) => ({
    submission_id: u.submissionId,
    idx: u.index,
    state: u.state,
    exit_code: u.exit_code ?? null,
    signal: u.signal ?? null,
    reason: u.reason ?? null,
    cpu_s: u.cpu_s ?? null,
    wall_s: u.wall_s ?? null,
    max_rss_kb: u.max_rss_kb ?? null,
    host: u.host ?? null,
    started_at: u.started_at ?? null,
    ended_at: u.ended_at ?? null,
  }));
  const source = jsonRows(sqlite, rows, UPDATE_COLUMNS);
  const result = await sql<{ submission_id: string }>`
    update jobs set state = v.state, exit_code = v.exit_code, signal = v.signal,
      reason = v.reason, cpu_s = v.cpu_s, wall_s = v.wall_s, max_rss_kb = v.max_rss_kb,
      host = v.host, started_at = v.started_at, ended_at = v.ended_at, updated_at = ${now}
    from ${sqlite ? sql`${source} as v` : source}
    where jobs.submission_id = v.submission_id and jobs.idx = v.idx
      and jobs.state not in (${FINISHED})
    returning jobs.submission_id`.execute(db);
  // The condition on state: a finished job stays finished, a late or repeated report cannot
  // revive it.
  return result.rows.map((r) => r.submission_id);
}

/**
 * Splits updates into rounds where each job appears at most once, keeping the given order: the
 * second report of a job is applied after the first, as separate statements would.
 */
export function rounds(updates: readonly JobUpdate[]): JobUpdate[][] {
  const out: JobUpdate[][] = [];
  const seen = new Map<string, number>();
  for (const u of updates) {
    const key = `${u.submissionId}\u0000${u.index}`;
    const round = seen.get(key) ?? 0;
    seen.set(key, round + 1);
    (out[round] ??= []).push(u);
  }
  return out;
}
