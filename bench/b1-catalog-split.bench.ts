// B1: declare N files with metadata into the catalog in calls of 10^4, then split them all with
// `nfiles(1000)` over a dataset definition, slice by slice as launches take them (SplitService:
// the next slice, recorded with its snapshot and the cursor), until the split is exhausted. The
// baseline is the machine's limit for the same rows: one prepared INSERT per row into an
// equivalent table, in one transaction. Ratio = our files/s (declare + split) ÷ baseline files/s.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import { parseSplitSpec, type SplitSpec } from '@poms/core';
import { openSqliteStore } from '../packages/server/src/adapters/storage/sqlite.ts';
import { openPostgresStore } from '../packages/server/src/adapters/storage/postgres.ts';
import { systemClock } from '../packages/server/src/adapters/system/system-clock.ts';
import { ulidIdSource } from '../packages/server/src/adapters/system/ulid-ids.ts';
import type { Store } from '../packages/server/src/ports/store.ts';
import { SplitService } from '../packages/server/src/services/splits.ts';
import {
  growthExponent,
  scaled,
  since,
  type BenchContext,
  type BenchResult,
  type Benchmark,
  type ScalePoint,
} from './harness.ts';
import { benchFile, benchFileRow } from './fixtures.ts';

const EXPERIMENT = 'bench';
const PER_CALL = 10_000;
const SLICE = 1000;
const GOAL = 0.5;
const DATASET = 'bench_all';

const file = (i: number) => benchFile(i);

/** The baseline's row of file i: what our `files` row holds, as bound values. */
function rawRow(i: number): unknown[] {
  return benchFileRow(EXPERIMENT, file(i));
}

const RAW_COLUMNS =
  'experiment, name, size, checksum, run_number, subrun_number, data_tier, event_count, end_time, metadata';

function nfiles(): SplitSpec {
  const parsed = parseSplitSpec(`nfiles(${SLICE})`);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.spec;
}

interface Run {
  declare_ms: number;
  split_ms: number;
  slices: number;
  baseline_ms: number;
}

/** Declare + split on a fresh store; the file count delivered must be exactly n. */
async function ours(store: Store, n: number, log: (line: string) => void): Promise<Run> {
  await store.experiments.create({ name: EXPERIMENT, display_name: 'Benchmark' });
  const declareStart = performance.now();
  for (let start = 0; start < n; start += PER_CALL) {
    const batch = Array.from({ length: Math.min(PER_CALL, n - start) }, (_, k) => file(start + k));
    const result = await store.catalog.declareFiles(EXPERIMENT, batch);
    if (result.created !== batch.length) throw new Error(`declared ${JSON.stringify(result)}`);
  }
  const declare_ms = since(declareStart);
  log(`  declared ${n} files in ${(declare_ms / 1000).toFixed(1)} s`);

  await store.catalog.defineDataset(EXPERIMENT, DATASET, 'data_tier in (raw, reco)');
  const splits = new SplitService(store.catalog, EXPERIMENT);
  const spec = nfiles();
  const input = { input: { type: 'defname' as const, name: DATASET }, now: 1_800_000_000 };
  const splitStart = performance.now();
  let delivered = 0;
  let slices = 0;
  for (;;) {
    const taken = await splits.take('bench/split', spec, input);
    if (taken.status !== 'slice') break;
    delivered += taken.record.file_count;
    slices += 1;
  }
  const split_ms = since(splitStart);
  if (delivered !== n) throw new Error(`nfiles(${SLICE}) delivered ${delivered} of ${n} files`);
  log(`  split into ${slices} slices in ${(split_ms / 1000).toFixed(1)} s`);
  return { declare_ms, split_ms, slices, baseline_ms: 0 };
}

async function sqliteRun(n: number, log: (line: string) => void): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), 'poms-b1-'));
  try {
    const raw = new SqliteDatabase(join(dir, 'baseline.db'));
    raw.pragma('journal_mode = WAL');
    raw.pragma('synchronous = NORMAL');
    raw.exec(`create table files (id integer primary key, experiment text, name text, size real,
      checksum text, run_number real, subrun_number real, data_tier text, event_count real,
      end_time real, metadata text, unique (experiment, name))`);
    const insert = raw.prepare(`insert into files (${RAW_COLUMNS}) values (?,?,?,?,?,?,?,?,?,?)`);
    const baselineStart = performance.now();
    raw.transaction(() => {
      for (let i = 0; i < n; i++) insert.run(...rawRow(i));
    })();
    const baseline_ms = since(baselineStart);
    raw.close();
    log(`  baseline: ${n} rows in ${(baseline_ms / 1000).toFixed(2)} s`);

    const store = await openSqliteStore({
      file: join(dir, 'catalog.db'),
      clock: systemClock,
      ids: ulidIdSource(),
    });
    try {
      return { ...(await ours(store, n, log)), baseline_ms };
    } finally {
      await store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function postgresRun(url: string, n: number, log: (line: string) => void): Promise<Run> {
  const run = `${process.pid.toString(36)}_${randomBytes(3).toString('hex')}`;
  const schema = `poms_b1_${run}`;
  const rawSchema = `poms_b1raw_${run}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`create schema ${rawSchema}`);
    await admin.query(`create table ${rawSchema}.files (id bigserial primary key, experiment text,
      name text, size double precision, checksum text, run_number double precision,
      subrun_number double precision, data_tier text, event_count double precision,
      end_time double precision, metadata jsonb, unique (experiment, name))`);
    const text = `insert into ${rawSchema}.files (${RAW_COLUMNS}) values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)`;
    const baselineStart = performance.now();
    await admin.query('begin');
    for (let i = 0; i < n; i++) {
      await admin.query({ name: 'b1_insert', text, values: rawRow(i) });
    }
    await admin.query('commit');
    const baseline_ms = since(baselineStart);
    log(`  baseline: ${n} rows in ${(baseline_ms / 1000).toFixed(2)} s`);

    const store = await openPostgresStore({
      connectionString: url,
      schema,
      clock: systemClock,
      ids: ulidIdSource(),
    });
    try {
      return { ...(await ours(store, n, log)), baseline_ms };
    } finally {
      await store.close();
    }
  } finally {
    await admin.query(`drop schema if exists ${schema} cascade`);
    await admin.query(`drop schema if exists ${rawSchema} cascade`);
    await admin.end();
  }
}

function result(store: string, n: number, run: Run, scaling?: ScalePoint[]): BenchResult {
  const oursMs = run.declare_ms + run.split_ms;
  const oursRate = n / (oursMs / 1000);
  const baseRate = n / (run.baseline_ms / 1000);
  const ratio = oursRate / baseRate;
  const met = ratio >= GOAL;
  const details = [
    { label: 'files', value: n, unit: 'files' },
    { label: 'declare', value: n / (run.declare_ms / 1000), unit: 'files/s' },
    { label: 'declare time', value: run.declare_ms, unit: 'ms' },
    { label: `split nfiles(${SLICE})`, value: n / (run.split_ms / 1000), unit: 'files/s' },
    { label: 'split time', value: run.split_ms, unit: 'ms' },
    { label: 'slices', value: run.slices, unit: 'slices' },
  ];
  if (scaling !== undefined) {
    details.push(
      { label: 'growth exponent (ours)', value: growthExponent(scaling), unit: 'n^k' },
      {
        label: 'growth exponent (baseline)',
        value: growthExponent(scaling, 'baseline_ms'),
        unit: 'n^k',
      },
    );
  }
  const notes = [
    'ours: declareFiles in calls of 10^4 (metadata, experiment fields, replica, parent for odd files), then SplitService.take of nfiles(1000) over a dataset definition until exhausted, every slice frozen as a snapshot',
    'baseline: the files rows alone, one prepared INSERT per row in one transaction, into an equivalent table (no metadata rows, replicas, parents or splitting)',
  ];
  if (!met) {
    const share = run.declare_ms / (run.declare_ms + run.split_ms);
    notes.push(
      `below goal: declare is ${(share * 100).toFixed(0)} % of our time; declaring writes four tables (files, file_metadata, replicas, file_parents) with their indexes where the baseline writes one`,
    );
  }
  return {
    id: 'B1',
    title: 'catalog: declare files with metadata, then split with nfiles(1000)',
    store,
    ours: { label: 'declare + split', value: oursRate, unit: 'files/s' },
    baseline: { label: 'prepared INSERT, one transaction', value: baseRate, unit: 'files/s' },
    ratio,
    goal: `ratio ≥ ${GOAL}`,
    met,
    details,
    ...(scaling === undefined ? {} : { scaling }),
    notes,
  };
}

export const benchmark: Benchmark = {
  id: 'B1',
  title: 'catalog: declare files with metadata, then split with nfiles(1000)',
  async run(context: BenchContext): Promise<BenchResult[]> {
    const sizes = [10_000, 100_000, 1_000_000].map((n) => scaled(context, n, 2 * SLICE));
    const scaling: ScalePoint[] = [];
    let last: Run | undefined;
    for (const n of sizes) {
      context.log(`B1 SQLite: ${n} files`);
      last = await sqliteRun(n, (line) => context.log(line));
      scaling.push({ n, ours_ms: last.declare_ms + last.split_ms, baseline_ms: last.baseline_ms });
    }
    const full = sizes[sizes.length - 1] ?? 0;
    const results = [result('SQLite (file, WAL)', full, last as Run, scaling)];
    if (context.pgUrl !== undefined) {
      const n = scaled(context, 100_000, 2 * SLICE);
      context.log(`B1 PostgreSQL: ${n} files`);
      const run = await postgresRun(context.pgUrl, n, (line) => context.log(line));
      const pgResult = result(`PostgreSQL 15 (N = ${n})`, n, run);
      pgResult.notes.push(
        'PostgreSQL baseline: one named prepared INSERT per row over one connection, in one transaction (round trip per row, as the issue words it; no COPY, no multi-row insert)',
      );
      results.push(pgResult);
    }
    return results;
  },
};
