// The demo campaign (demo/toy_z_chain: generate → simulate → reconstruct → analyse, one injected
// failure and its recovery) as the fault tests run it on an in-process server: launched as
// `poms start` launches it on a first start, waited for, and checked for what an uninterrupted
// run ends with — whatever fault was injected in the middle.
import assert from 'node:assert/strict';
import type { RunningServer } from '../../packages/server/src/main.ts';
import type { Store } from '../../packages/server/src/ports/store.ts';
import type { SubmissionRecord } from '../../packages/server/src/ports/submissions.ts';
import { STAGES as DEMO_STAGES, demoSubmissions, until } from '../restart/demo-process.ts';

// What the fault tests use of the process-based demo helpers, from one place.
export {
  STAGES as DEMO_STAGES,
  demoSubmissions,
  freePort,
  killProcessesUsing,
  until,
} from '../restart/demo-process.ts';

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
