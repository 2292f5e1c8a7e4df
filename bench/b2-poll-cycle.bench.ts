// B2: one executor poll cycle over J tracked jobs (full J = 10^5: 100 submissions × 1000 jobs, all
// Running with engine ids), where the batch system reports 10 % of them changed (every 10th job
// index ended: exit 3 when the index is a multiple of 100, failed; exit 0 otherwise, completed).
// Ours: the time of ONE real `executor.cycle()` — the Executor as createExecution builds it (real
// finisher, scheduler and keep-up hooks) on the real store — which polls the engine, applies the
// states and derives every submission's status; the job and submission counts are checked after.
// Baseline: the same changed rows written by one batched UPDATE in one transaction, on the same
// database after the changed rows are put back to running (untimed): on SQLite one prepared
// UPDATE run per row by better-sqlite3 on its own connection; on PostgreSQL one
// `UPDATE … FROM unnest($1…)` statement. Scaling: J = 10^4, 10^5, 10^6 (× scale) on SQLite.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import type { BatchEngine, JobLogs, JobReport, SubmitRequest, SubmitResult } from '@poms/core';
import { openPostgresStore } from '../packages/server/src/adapters/storage/postgres.ts';
import { openSqliteStore } from '../packages/server/src/adapters/storage/sqlite.ts';
import { systemClock } from '../packages/server/src/adapters/system/system-clock.ts';
import { ulidIdSource } from '../packages/server/src/adapters/system/ulid-ids.ts';
import type { Store } from '../packages/server/src/ports/store.ts';
import { createExecution } from '../packages/server/src/services/execution/index.ts';
import {
  growthExponent,
  scaled,
  since,
  type BenchContext,
  type BenchResult,
  type Benchmark,
  type ScalePoint,
} from './harness.ts';
import { createJobsSubmission } from './fixtures.ts';

const EXPERIMENT = 'bench';
const JOBS_PER_SUBMISSION = 1000;
const ENDED_AT = '2026-01-01T00:00:00.000Z';

/**
 * A stand-in for the batch system (not for our code): it answers polls from a map of engine id to
 * state, as condor_q/squeue would, so the cycle spends its time in POMS, not in a scheduler.
 */
class BenchEngine implements BatchEngine {
  readonly states = new Map<string, JobReport>();
  polled = 0;

  submit(request: SubmitRequest): Promise<SubmitResult> {
    return Promise.resolve({
      engine_ids: request.jobs.map((j) => `${request.submission_id}.${j.index}`),
    });
  }
  poll(engineIds: readonly string[]): Promise<JobReport[]> {
    this.polled += engineIds.length;
    return Promise.resolve(
      engineIds.map((id) => this.states.get(id) ?? { engine_id: id, state: 'running' }),
    );
  }
  cancel(): Promise<void> {
    return Promise.resolve();
  }
  hold(): Promise<void> {
    return Promise.resolve();
  }
  release(): Promise<void> {
    return Promise.resolve();
  }
  logs(): Promise<JobLogs> {
    return Promise.resolve({ stdout: '', stderr: '', truncated: false });
  }
}

/** The report a changed job gets: every 10th index ended, every 100th failed. */
function changedReport(engineId: string, index: number): JobReport | undefined {
  if (index % 10 !== 0) return undefined;
  const failed = index % 100 === 0;
  return {
    engine_id: engineId,
    state: failed ? 'failed' : 'completed',
    exit_code: failed ? 3 : 0,
    wall_s: 120,
    cpu_s: 100,
    host: 'wn001',
    ended_at: ENDED_AT,
  };
}

interface Setup {
  store: Store;
  engine: BenchEngine;
  submissionIds: string[];
  /** (submission id, index) of the changed jobs, in key order. */
  changed: { id: string; index: number; report: JobReport }[];
}

/** J Running jobs through the store's own write path: create, recordBatch, updateJobs, statuses. */
async function fill(store: Store, jobs: number, context: BenchContext): Promise<Setup> {
  await store.experiments.create({ name: EXPERIMENT, display_name: 'Bench' });
  const { campaign } = await store.campaigns.create({
    experiment: EXPERIMENT,
    name: 'camp',
    text: 'campaign: camp\nstages: {}\n',
    model: {},
    author: 'bench',
  });
  const engine = new BenchEngine();
  const perSubmission = Math.min(JOBS_PER_SUBMISSION, jobs);
  const count = Math.ceil(jobs / perSubmission);
  const submissionIds: string[] = [];
  const changed: Setup['changed'] = [];
  const started = performance.now();
  for (let s = 0; s < count; s++) {
    const n = Math.min(perSubmission, jobs - s * perSubmission);
    const submission = await createJobsSubmission(store, {
      experiment: EXPERIMENT,
      campaignId: campaign.id,
      engine: 'local',
      jobs: n,
    });
    const engineIds = Array.from({ length: n }, (_, i) => `${submission.id}.${i}`);
    await store.submissions.recordBatch(submission.id, `local:${submission.id}`, engineIds);
    await store.submissions.updateJobs(
      engineIds.map((_, index) => ({ submissionId: submission.id, index, state: 'running' })),
    );
    await store.submissions.changeStatus(submission.id, {
      expected: 'New',
      to: 'Idle',
      reason: 'bench: launched',
    });
    await store.submissions.changeStatus(submission.id, {
      expected: 'Idle',
      to: 'Running',
      reason: 'bench: running',
    });
    submissionIds.push(submission.id);
    for (const [index, engineId] of engineIds.entries()) {
      const report = changedReport(engineId, index);
      if (report === undefined) continue;
      engine.states.set(engineId, report);
      changed.push({ id: submission.id, index, report });
    }
    if ((s + 1) % 100 === 0) context.log(`  B2 setup: ${(s + 1) * perSubmission} jobs`);
  }
  // The cycle settles New submissions first: none here, every one is Running.
  changed.sort((a, b) => (a.id === b.id ? a.index - b.index : a.id < b.id ? -1 : 1));
  context.log(`  B2 setup: ${jobs} Running jobs in ${(since(started) / 1000).toFixed(1)} s`);
  return { store, engine, submissionIds, changed };
}

/** One real executor cycle over the store, timed; throws when it did not do the work. */
async function ourCycle(setup: Setup, outputDir: string): Promise<number> {
  const execution = createExecution({
    store: setup.store,
    engines: { local: setup.engine },
    runtime: { argv: ['true'], url: () => 'http://127.0.0.1:1', baseEnv: {} },
    jobSecret: randomBytes(32),
    outputDir: () => outputDir,
    location: 'bench',
  });
  const started = performance.now();
  await execution.executor.cycle();
  const took = since(started);
  await verify(setup);
  return took;
}

/** The jobs the engine reported changed are so in the store, and no other job moved. */
async function verify(setup: Setup): Promise<void> {
  const totals: Record<string, number> = {};
  for (const id of setup.submissionIds) {
    for (const [state, n] of Object.entries(await setup.store.submissions.jobCounts(id))) {
      totals[state] = (totals[state] ?? 0) + (n ?? 0);
    }
  }
  const failed = setup.changed.filter((c) => c.report.state === 'failed').length;
  const completed = setup.changed.length - failed;
  if (totals.completed !== completed || totals.failed !== failed) {
    throw new Error(
      `B2: the cycle left ${JSON.stringify(totals)}; expected ${completed} completed, ${failed} failed`,
    );
  }
  const statuses = new Set<string>();
  for (const id of setup.submissionIds)
    statuses.add((await setup.store.submissions.get(id)).status);
  // 10 % ended per submission: every submission still has running jobs, so each stays Running.
  if (statuses.size !== 1 || !statuses.has('Running')) {
    throw new Error(`B2: submissions ended as ${[...statuses].join(', ')}; expected Running`);
  }
}

/** Baseline on SQLite: the changed rows back to running (untimed), then one prepared UPDATE. */
function sqliteBaseline(file: string, setup: Setup): number {
  const db = new SqliteDatabase(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    const reset = db.prepare(
      `update jobs set state = 'running', exit_code = null, ended_at = null
       where submission_id = ? and idx = ?`,
    );
    db.transaction(() => {
      for (const c of setup.changed) reset.run(c.id, c.index);
    })();
    const update = db.prepare(
      `update jobs set state = ?, exit_code = ?, cpu_s = ?, wall_s = ?, host = ?, ended_at = ?,
       updated_at = ? where submission_id = ? and idx = ?`,
    );
    const now = new Date().toISOString();
    const started = performance.now();
    db.transaction(() => {
      for (const { id, index, report: r } of setup.changed) {
        update.run(r.state, r.exit_code, r.cpu_s, r.wall_s, r.host, r.ended_at, now, id, index);
      }
    })();
    return since(started);
  } finally {
    db.close();
  }
}

/** Baseline on PostgreSQL: the rows back to running (untimed), then one UPDATE … FROM unnest. */
async function postgresBaseline(url: string, schema: string, setup: Setup): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`set search_path to ${schema}`);
    const ids = setup.changed.map((c) => c.id);
    const idx = setup.changed.map((c) => c.index);
    await client.query(
      `update jobs j set state = 'running', exit_code = null, ended_at = null
       from unnest($1::text[], $2::int[]) as v(id, idx) where j.submission_id = v.id and j.idx = v.idx`,
      [ids, idx],
    );
    const col = <T>(pick: (r: JobReport) => T) => setup.changed.map((c) => pick(c.report));
    const started = performance.now();
    await client.query('begin');
    await client.query(
      `update jobs j set state = v.state, exit_code = v.exit_code, cpu_s = v.cpu_s,
         wall_s = v.wall_s, host = v.host, ended_at = v.ended_at, updated_at = $9
       from unnest($1::text[], $2::int[], $3::text[], $4::int[], $5::float8[], $6::float8[],
         $7::text[], $8::text[]) as v(id, idx, state, exit_code, cpu_s, wall_s, host, ended_at)
       where j.submission_id = v.id and j.idx = v.idx`,
      [
        ids,
        idx,
        col((r) => r.state),
        col((r) => r.exit_code),
        col((r) => r.cpu_s),
        col((r) => r.wall_s),
        col((r) => r.host),
        col((r) => r.ended_at),
        new Date().toISOString(),
      ],
    );
    await client.query('commit');
    return since(started);
  } finally {
    await client.end();
  }
}

interface Point {
  jobs: number;
  ours_ms: number;
  baseline_ms: number;
  setup_s: number;
  polled: number;
}

/** Fills the store, times one cycle and the baseline on it. */
async function measure(
  store: Store,
  jobs: number,
  dir: string,
  label: string,
  context: BenchContext,
  baselineOf: (setup: Setup) => number | Promise<number>,
): Promise<Point> {
  const started = performance.now();
  const setup = await fill(store, jobs, context);
  const setupS = since(started) / 1000;
  const ours = await ourCycle(setup, dir);
  const baseline = await baselineOf(setup);
  context.log(
    `  B2 ${label} J=${jobs}: cycle ${ours.toFixed(0)} ms, baseline ${baseline.toFixed(0)} ms`,
  );
  return {
    jobs,
    ours_ms: ours,
    baseline_ms: baseline,
    setup_s: setupS,
    polled: setup.engine.polled,
  };
}

async function sqlitePoint(jobs: number, context: BenchContext): Promise<Point> {
  const dir = mkdtempSync(join(tmpdir(), 'poms-b2-'));
  const file = join(dir, 'store.db');
  const store = await openSqliteStore({ file, clock: systemClock, ids: ulidIdSource() });
  try {
    return await measure(store, jobs, dir, 'SQLite', context, (setup) =>
      sqliteBaseline(file, setup),
    );
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function postgresPoint(url: string, jobs: number, context: BenchContext): Promise<Point> {
  const schema = `poms_bench_b2_${randomBytes(4).toString('hex')}`;
  const store = await openPostgresStore({
    connectionString: url,
    schema,
    clock: systemClock,
    ids: ulidIdSource(),
  });
  const dir = mkdtempSync(join(tmpdir(), 'poms-b2-'));
  try {
    return await measure(store, jobs, dir, 'PostgreSQL', context, (setup) =>
      postgresBaseline(url, schema, setup),
    );
  } finally {
    await store.close();
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`drop schema if exists ${schema} cascade`);
    await admin.end();
    rmSync(dir, { recursive: true, force: true });
  }
}

function result(store: string, point: Point, scaling?: ScalePoint[]): BenchResult {
  const ratio = point.ours_ms / point.baseline_ms;
  const under = point.ours_ms < 1000;
  const sqlite = store.startsWith('SQLite');
  const met = ratio <= 2 && (!sqlite || under);
  const notes = [
    `${point.jobs} Running jobs in submissions of ${JOBS_PER_SUBMISSION}; the engine (an in-process stand-in for the batch system) reports every 10th ended (10 %), every 100th failed.`,
    'ours: one executor.cycle() (poll, apply, derive statuses of every unfinished submission); baseline: the changed rows written by one prepared UPDATE in one transaction (PostgreSQL: one UPDATE … FROM unnest).',
  ];
  if (point.polled < point.jobs) {
    notes.push(`the cycle polled only ${point.polled} of ${point.jobs} active jobs`);
  }
  if (!met) {
    notes.push(
      ratio > 2
        ? `cycle is ${ratio.toFixed(1)}× the raw write: per-row statements and per-submission status reads dominate`
        : `cycle over 1 s at J=${point.jobs}`,
    );
  }
  if (scaling !== undefined && scaling.length > 1) {
    notes.push(`growth exponent (ours) ${growthExponent(scaling).toFixed(2)} (1 = linear)`);
  }
  return {
    id: 'B2',
    title: 'One poll cycle over tracked jobs (10 % changed)',
    store,
    ours: { label: 'one executor cycle', value: point.ours_ms, unit: 'ms' },
    baseline: {
      label: 'one batched UPDATE of the changed rows',
      value: point.baseline_ms,
      unit: 'ms',
    },
    ratio,
    goal: sqlite ? 'ratio ≤ 2 and cycle < 1 s' : 'ratio ≤ 2',
    met,
    details: [
      { label: 'tracked jobs', value: point.jobs, unit: 'jobs' },
      { label: 'jobs changed', value: Math.round(point.jobs / 10), unit: 'jobs' },
      { label: 'jobs polled in the cycle', value: point.polled, unit: 'jobs' },
      { label: 'setup through the store', value: point.setup_s, unit: 's' },
    ],
    ...(scaling === undefined ? {} : { scaling }),
    notes,
  };
}

export const benchmark: Benchmark = {
  id: 'B2',
  title: 'One poll cycle over 10^5 tracked jobs',
  async run(context) {
    const sizes = [10_000, 100_000, 1_000_000].map((n) => scaled(context, n, 100));
    const points: Point[] = [];
    for (const jobs of sizes) points.push(await sqlitePoint(jobs, context));
    const scaling = points.map((p) => ({
      n: p.jobs,
      ours_ms: p.ours_ms,
      baseline_ms: p.baseline_ms,
    }));
    const main = points[1] ?? points[0]!;
    const results = [result('SQLite (file, WAL)', main, scaling)];
    if (context.pgUrl !== undefined) {
      results.push(result('PostgreSQL', await postgresPoint(context.pgUrl, sizes[1]!, context)));
    }
    return results;
  },
};
