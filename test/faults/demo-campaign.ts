// The demo campaign (demo/toy_z_chain: generate → simulate → reconstruct → analyse, one injected
// failure and its recovery) as the fault tests run it on an in-process server: launched as
// `poms start` launches it on a first start, waited for, and checked for what an uninterrupted
// run ends with — whatever fault was injected in the middle.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { RunningServer } from '../../packages/server/src/main.ts';
import type { Store } from '../../packages/server/src/ports/store.ts';
import type { SubmissionRecord } from '../../packages/server/src/ports/submissions.ts';

export const DEMO_STAGES = ['generate', 'simulate', 'reconstruct', 'analyse'];

export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => done(port));
    });
  });
}

/** Polls `probe` (its errors count as "not yet") until it gives a value or the deadline passes. */
export async function until<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | undefined>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Kills the local engine's jobs still running in a data folder (after a failed test: they would
 * go on retrying their reports to a server that is gone). A job runs in its own process group,
 * named in its poms-state.json; one with poms-exit.json has ended.
 */
export function killJobsLeft(dataDir: string): void {
  const root = join(dataDir, 'jobs');
  if (!existsSync(root)) return;
  for (const submission of readdirSync(root)) {
    for (const index of readdirSync(join(root, submission))) {
      const dir = join(root, submission, index);
      try {
        if (existsSync(join(dir, 'poms-exit.json'))) continue;
        const state = JSON.parse(readFileSync(join(dir, 'poms-state.json'), 'utf8')) as {
          phase?: string;
          pgid?: number;
        };
        if (state.phase === 'started' && state.pgid !== undefined)
          process.kill(-state.pgid, 'SIGKILL');
      } catch {
        // Not started, or already gone.
      }
    }
  }
}

export async function launchDemo(server: RunningServer): Promise<void> {
  const outcome = await server.execution.launches.launch({
    experiment: 'demo',
    campaign: 'toy_z_chain',
    stage: 'generate',
    launcher: 'demo',
    reason: 'fault test: the demo campaign',
  });
  assert.equal(outcome.kind, 'launched');
}

export async function demoSubmissions(store: Store): Promise<SubmissionRecord[]> {
  const page = await store.submissions.list({ experiment: 'demo', limit: 1000 });
  return page.items.filter((s) => s.campaign === 'toy_z_chain').reverse();
}

/** Waits until every stage has a Located submission and nothing is unfinished; `seen` for errors. */
export async function demoFinished(
  store: Store,
  timeoutMs: number,
  seen: { last: string },
): Promise<SubmissionRecord[]> {
  return until('the demo campaign to finish', timeoutMs, async () => {
    const all = await demoSubmissions(store);
    const open = await store.submissions.unfinished();
    seen.last = `${all.map((s) => `${s.stage}:${s.status}`).join(' ')}; open: ${open.length}`;
    const done = DEMO_STAGES.every((stage) =>
      all.some((s) => s.stage === stage && s.status === 'Located'),
    );
    return done && open.length === 0 ? all : undefined;
  });
}

/**
 * What an uninterrupted run ends with: one submission per stage plus simulate's one recovery,
 * no launch twice, none ever LaunchFailed, every submission Located with a consistent ledger and finished jobs, no file
 * delivered twice within a stage but by its recovery, and reconstruct given the 4 generated files.
 */
export async function assertDemoIntact(store: Store, subs: SubmissionRecord[]): Promise<void> {
  assert.deepEqual(
    DEMO_STAGES.map((stage) => subs.filter((s) => s.stage === stage).length),
    [1, 2, 1, 1],
    'submissions per stage',
  );
  const keys = subs.flatMap((s) => (s.launch_key === null ? [] : [s.launch_key]));
  assert.equal(new Set(keys).size, keys.length, 'no automatic launch twice');
  for (const s of subs) {
    assert.equal(s.status, 'Located', `${s.stage} ${s.id}`);
    const stats = await store.submissions.statistics(s.id);
    assert.equal(stats.unknown, 0, `${s.id}: every delivered file was reported`);
    assert.equal(stats.consumed + stats.failed + stats.skipped, stats.submitted);
    const history = await store.submissions.history(s.id);
    assert.ok(
      history.every((h) => h.status !== 'LaunchFailed'),
      `${s.id} was taken for a failed launch: ${history.map((h) => h.status).join(' → ')}`,
    );
    const jobs = await store.submissions.jobs(s.id);
    assert.equal(jobs.length, s.job_count);
    assert.ok(
      jobs.every((j) => j.state === 'completed' || j.state === 'failed'),
      `${s.id} jobs: ${jobs.map((j) => j.state).join(',')}`,
    );
  }
  for (const stage of DEMO_STAGES) {
    const roots = subs.filter((s) => s.stage === stage && s.recovery_step === null);
    const names: string[] = [];
    for (const root of roots) {
      const ledger = await store.submissions.ledger(root.id);
      names.push(...ledger.items.map((e) => e.file));
    }
    assert.equal(new Set(names).size, names.length, `${stage}: a file delivered twice`);
  }
  const [reco] = subs.filter((s) => s.stage === 'reconstruct');
  assert.equal(reco?.file_count, 4);
}
