// kill -9 at exact points (services/crash-points.ts): one demo campaign is run through a series of
// server crashes, each at a named point inside the most dangerous windows of a launch, a poll
// cycle and a recovery decision, the server started again on the same data folder after each.
// A random kill rarely lands inside these windows; a crash point always does, and the test checks
// that it did (the process died by SIGKILL, and the store shows the half-done step). Then the
// campaign must finish exactly as an uninterrupted run does: no submission lost or duplicated,
// one engine job per job row, no file delivered twice, ledger counts as the demo expects, one
// recovery.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { openStore, type Store, type SubmissionRecord } from '@poms/server';
import { faultTally } from './fault-tally.ts';
import {
  STAGES,
  demoFinished,
  demoProgress,
  demoSubmissions,
  freePort,
  jobFolders,
  killProcessesUsing,
  processesUsing,
  startPoms,
  until,
  type PomsProcess,
} from '../restart/demo-process.ts';

interface Crash {
  point: string;
  /** What the store must show after the crash: the step was cut in its window. */
  cutShows: (store: Store, dataDir: string) => Promise<string | undefined>;
}

/** Job folders the local engine made for a submission: the engine was asked for its jobs. */
function engineFolders(dataDir: string, submissionId: string): number {
  const dir = join(dataDir, 'jobs', submissionId);
  return existsSync(dir) ? readdirSync(dir).length : 0;
}

/** A New submission whose jobs are all unknown to the store's engine-id column. */
async function unsubmitted(store: Store): Promise<{ s: SubmissionRecord; jobs: number }[]> {
  const out = [];
  for (const s of await demoSubmissions(store)) {
    if (s.status !== 'New') continue;
    const jobs = await store.submissions.jobs(s.id);
    if (jobs.length > 0 && jobs.every((j) => j.engine_id === null && j.state === 'pending')) {
      out.push({ s, jobs: jobs.length });
    }
  }
  return out;
}

// In the order the campaign reaches them; each server is started with the next one armed.
const CRASHES: Crash[] = [
  {
    // generate's jobs: the engine runs them, the store has no engine ids (duplicate window).
    point: 'launch.engine-submitted',
    cutShows: async (store, dataDir) => {
      const cut = (await unsubmitted(store)).find(
        ({ s, jobs }) => engineFolders(dataDir, s.id) === jobs,
      );
      return cut && `${cut.s.stage} ${cut.s.id}: engine has ${cut.jobs} jobs, store none`;
    },
  },
  {
    // simulate's launch: recorded with its ledger, the engine not asked.
    point: 'launch.recorded',
    cutShows: async (store, dataDir) => {
      const cut = (await unsubmitted(store)).find(({ s }) => engineFolders(dataDir, s.id) === 0);
      return cut && `${cut.s.stage} ${cut.s.id}: recorded, ${cut.jobs} jobs never submitted`;
    },
  },
  {
    // simulate's jobs change state; the statuses they imply are not derived yet.
    point: 'poll.applied',
    cutShows: async (store) => {
      const subs = await demoSubmissions(store);
      const simulate = subs.find((s) => s.stage === 'simulate');
      if (simulate === undefined) return undefined;
      const jobs = await store.submissions.jobs(simulate.id);
      const moved = jobs.filter((j) => j.state !== 'pending' && j.state !== 'queued');
      // Idle is what the jobs said when they were all queued: the new states are not derived.
      return simulate.status === 'Idle' && moved.length > 0
        ? `simulate ${simulate.status}, jobs ${jobs.map((j) => j.state).join(',')}`
        : undefined;
    },
  },
  {
    // simulate's recovery: launched, but simulate not yet marked as decided (progressed).
    point: 'recovery.decided',
    cutShows: async (store) => {
      const subs = await demoSubmissions(store);
      const recovery = subs.find((s) => s.recovery_step !== null);
      const parent = subs.find((s) => s.id === recovery?.parent_id);
      return recovery && parent && !parent.progressed
        ? `recovery ${recovery.id} recorded, ${parent.id} not progressed`
        : undefined;
    },
  },
];

/** The demo's uninterrupted run: jobs and files per submission, by stage (recovery second). */
const EXPECTED_JOBS: Record<string, number[]> = {
  generate: [4],
  simulate: [4, 2],
  reconstruct: [2],
  analyse: [1],
};
const CONSUMED_PER_STAGE: Record<string, number> = {
  generate: 0,
  simulate: 4,
  reconstruct: 4,
  analyse: 4,
};

describe('kill -9 at crash points, then restart: the demo campaign finishes intact', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'poms-crash-'));
  const servers: PomsProcess[] = [];
  const tally = faultTally('crash points');
  after(() => {
    for (const server of servers) server.child.kill('SIGKILL');
    killProcessesUsing(dataDir);
    rmSync(dataDir, { recursive: true, force: true });
    console.log(tally.summary());
  });

  it('survives every crash with nothing lost or duplicated', { timeout: 300_000 }, async () => {
    const port = await freePort();
    const log: string[] = [];
    const faults: string[] = [];
    let seen = '';
    try {
      for (const [i, crash] of CRASHES.entries()) {
        const runLog: string[] = [];
        const server = startPoms(dataDir, port, runLog, { POMS_CRASH_AT: crash.point });
        servers.push(server);
        const ended = await Promise.race([
          server.exited,
          new Promise<undefined>((r) => setTimeout(() => r(undefined), 60_000).unref()),
        ]);
        log.push(...runLog);
        assert.ok(ended, `the server never reached ${crash.point}`);
        assert.equal(ended.signal, 'SIGKILL', `${crash.point}: ended ${JSON.stringify(ended)}`);
        assert.match(
          runLog.join(''),
          new RegExp(`crash point ${crash.point.replaceAll('.', '\\.')} `),
        );
        const store = await openStore({ dataDir });
        try {
          const cut = await crash.cutShows(store, dataDir);
          seen = await demoProgress(store);
          assert.ok(cut, `${crash.point}: the store does not show the cut step (${seen})`);
          const fault = `${i + 1}:${crash.point} (${cut})`;
          faults.push(fault);
          tally.injected(fault);
        } finally {
          await store.close();
        }
      }

      // Nothing armed: the campaign must finish from where the last crash left it.
      const last = startPoms(dataDir, port, log);
      servers.push(last);
      const store = await openStore({ dataDir });
      try {
        await until('the campaign to finish', 120_000, async () => {
          seen = await demoProgress(store);
          return (await demoFinished(store)) ? true : undefined;
        });
        await checkIntact(store, dataDir);
      } finally {
        await store.close();
      }
      // No job process of any killed server is left: each ended and was settled.
      let stopped = false;
      void last.exited.then(() => (stopped = true));
      last.child.kill('SIGTERM');
      await until('the last server to stop', 30_000, () =>
        Promise.resolve(stopped ? true : undefined),
      );
      await until('every job process to end', 30_000, () =>
        Promise.resolve(processesUsing(dataDir).length === 0 ? true : undefined),
      );
      for (const fault of faults) tally.survived(fault);
    } catch (error) {
      throw new Error(
        `${String(error)}\nlast seen: ${seen}\nserver log:\n${log.join('')}\njobs:\n${jobFolders(dataDir)}`,
      );
    }
  });
});

async function checkIntact(store: Store, dataDir: string): Promise<void> {
  const subs = await demoSubmissions(store);
  // Exactly the submissions of an uninterrupted run: none lost, none launched twice.
  assert.deepEqual(
    Object.fromEntries(
      STAGES.map((stage) => [stage, subs.filter((s) => s.stage === stage).map((s) => s.job_count)]),
    ),
    EXPECTED_JOBS,
  );
  const keys = subs.flatMap((s) => (s.launch_key === null ? [] : [s.launch_key]));
  assert.equal(new Set(keys).size, keys.length, `a launch key used twice: ${keys.join(' ')}`);
  const slices = subs.flatMap((s) => (s.split_seq === null ? [] : [`${s.stage}#${s.split_seq}`]));
  assert.equal(new Set(slices).size, slices.length, `a slice launched twice: ${slices.join(' ')}`);

  // Recovery happened exactly once, for simulate's injected failures, with exactly those files.
  const recoveries = subs.filter((s) => s.recovery_step !== null);
  assert.equal(recoveries.length, 1, 'one recovery');
  const [recovery] = recoveries;
  const parent = subs.find((s) => s.id === recovery?.parent_id);
  assert.equal(parent?.stage, 'simulate');
  assert.equal(recovery?.launch_key, `recovery:${parent.id}`);
  const failed = (await store.submissions.ledger(parent.id, { state: 'failed' })).items;
  const redelivered = (await store.submissions.ledger(recovery.id)).items;
  assert.deepEqual(
    redelivered.map((e) => e.file),
    failed.map((e) => e.file),
    'the recovery relaunched exactly the failed files',
  );

  // One engine job per job row: every index once, every engine id once, folders as many as jobs.
  const engineIds: string[] = [];
  for (const s of subs) {
    assert.equal(s.status, 'Located', `${s.stage} ${s.id}`);
    assert.ok(s.progressed, `${s.id}: decided`);
    assert.ok(s.batch_id !== null, `${s.id}: batch recorded`);
    const jobs = await store.submissions.jobs(s.id);
    assert.deepEqual(
      jobs.map((j) => j.index).sort((a, b) => a - b),
      Array.from({ length: s.job_count }, (_, i) => i),
      `${s.id}: job indexes`,
    );
    assert.ok(
      jobs.every((j) => j.state === 'completed' || j.state === 'failed'),
      `${s.id} jobs: ${jobs.map((j) => j.state).join(',')}`,
    );
    engineIds.push(...jobs.map((j) => j.engine_id ?? `none:${s.id}:${j.index}`));
    assert.equal(readdirSync(join(dataDir, 'jobs', s.id)).length, s.job_count, `${s.id} folders`);
    const stats = await store.submissions.statistics(s.id);
    assert.equal(stats.unknown, 0, `${s.id}: every delivered file was reported`);
    assert.equal(stats.consumed + stats.failed + stats.skipped, stats.submitted, s.id);
  }
  assert.equal(new Set(engineIds).size, engineIds.length, 'an engine id used twice');

  // No file delivered twice within a stage (its recovery aside), none consumed twice, and as
  // many consumed as the demo has files.
  for (const stage of STAGES) {
    const delivered: string[] = [];
    const consumed: string[] = [];
    for (const s of subs.filter((x) => x.stage === stage)) {
      const ledger = (await store.submissions.ledger(s.id)).items;
      if (s.recovery_step === null) delivered.push(...ledger.map((e) => e.file));
      consumed.push(...ledger.filter((e) => e.state === 'consumed').map((e) => e.file));
    }
    assert.equal(new Set(delivered).size, delivered.length, `${stage}: a file delivered twice`);
    assert.equal(new Set(consumed).size, consumed.length, `${stage}: a file consumed twice`);
    assert.equal(consumed.length, CONSUMED_PER_STAGE[stage], `${stage}: files consumed`);
  }
  const generate = subs.find((s) => s.stage === 'generate');
  const outputs = generate === undefined ? [] : await store.submissions.outputs(generate.id);
  assert.equal(outputs.length, 4, 'one generated file per generator job');
}
