// The store failing right after the engine took a launch's jobs (its database restarting; found
// by test/faults/postgres-restart.test.ts): the jobs run, so this is no failed launch. The
// submission stays New, and the next cycle — not one 30 s later — submits again (the engine's
// submit is idempotent) and records the batch. The fault is injected into the real store: its
// recordBatch throws once, as a lost connection does, then works.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { harness, type Harness } from './execution-testing.ts';

describe('the store lost between the engine submit and the record', () => {
  let h: Harness;
  before(async () => {
    h = await harness({ server: { execute: false } });
  });
  after(() => h.close());

  it('leaves the submission New and records it at the next cycle, jobs started once', async () => {
    await h.campaign(`campaign: outage
job_types:
  gen:
    command: ${h.bin}/gen.sh
    jobs: 2
    output_patterns: ["gen_%"]
launch_setups:
  here:
    engine: local
stages:
  make:
    type: generator
    job_type: gen
    launch_setup: here
`);
    const outcome = await h.launch('outage', 'make');
    assert.equal(outcome.kind, 'launched');
    const submissions = h.server.store.submissions;
    const recordBatch = submissions.recordBatch.bind(submissions);
    let failures = 0;
    submissions.recordBatch = () => {
      failures++;
      return Promise.reject(new Error('Connection terminated unexpectedly'));
    };
    await h.server.execution.executor.cycle();
    submissions.recordBatch = recordBatch;
    assert.equal(failures, 1);
    const [first] = await h.submissions('make');
    assert.equal(first?.status, 'New', 'not LaunchFailed: the engine has the jobs');

    await h.server.execution.executor.cycle();
    const [second] = await h.submissions('make');
    assert.notEqual(second?.status, 'New');
    assert.notEqual(second?.status, 'LaunchFailed');
    const jobs = await submissions.jobs(second?.id ?? '');
    assert.ok(jobs.every((j) => j.engine_id !== null));
    // One job folder per job: the second submit started nothing twice.
    const folders = readdirSync(join(h.server.dataDir, 'jobs', second?.id ?? ''));
    assert.deepEqual(folders.sort(), ['0', '1']);
  });
});
