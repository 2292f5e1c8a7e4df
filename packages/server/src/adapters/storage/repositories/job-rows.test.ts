// The batched job writes on a real (in-memory SQLite) store: engine ids recorded and reports
// applied in one statement per chunk, the same job twice in one call, and active jobs read in
// keyset pages. PostgreSQL runs the same statements through the execution conformance suite.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Store } from '../../../ports/store.ts';
import { openSqliteStore } from '../sqlite.ts';
import { counterIds, manualClock } from '../store.conformance.ts';
import { rounds } from './job-rows.ts';

async function storeWithJobs(jobs: number): Promise<{ store: Store; id: string }> {
  const store = await openSqliteStore({
    file: ':memory:',
    clock: manualClock(),
    ids: counterIds(),
  });
  await store.experiments.create({ name: 'exp', display_name: 'Exp' });
  const { campaign } = await store.campaigns.create({
    experiment: 'exp',
    name: 'camp',
    text: 'campaign: x\nstages: {}\n',
    model: {},
    author: 'a',
  });
  const { submission } = await store.submissions.create({
    experiment: 'exp',
    campaignId: campaign.id,
    campaign: 'camp',
    campaignRevision: 1,
    stage: 'reco',
    stageType: 'regular',
    engine: 'local',
    origin: 'manual',
    test: false,
    launcher: 'alice',
    ledger: { none: true },
    filesPerJob: 1,
    jobsWithoutFiles: jobs,
    config: {},
    tokenHash: (id) => `hash-${id}`,
    reason: 'test',
  });
  return { store, id: submission.id };
}

describe('batched job rows', () => {
  it('splits updates into rounds that name each job once, in the given order', () => {
    const a0 = { submissionId: 'a', index: 0, state: 'running' as const };
    const a0done = { submissionId: 'a', index: 0, state: 'completed' as const };
    const a1 = { submissionId: 'a', index: 1, state: 'failed' as const };
    assert.deepEqual(rounds([a0, a1, a0done]), [[a0, a1], [a0done]]);
    assert.deepEqual(rounds([]), []);
  });

  it('records engine ids of pending jobs only, and applies reports a job at a time in order', async () => {
    const { store, id } = await storeWithJobs(3);
    try {
      await store.submissions.updateJobs([{ submissionId: id, index: 2, state: 'cancelled' }]);
      await store.submissions.recordBatch(id, 'b', ['e0', 'e1', 'e2']);
      const jobs = await store.submissions.jobs(id);
      assert.deepEqual(
        jobs.map((j) => [j.engine_id, j.state]),
        [
          ['e0', 'queued'],
          ['e1', 'queued'],
          [null, 'cancelled'],
        ],
      );
      // Job 0 twice: running, then completed with its figures; the cancelled job stays so.
      const touched = await store.submissions.updateJobs([
        { submissionId: id, index: 0, state: 'running' },
        { submissionId: id, index: 0, state: 'completed', exit_code: 0, cpu_s: 1.5, host: 'h' },
        { submissionId: id, index: 2, state: 'running' },
      ]);
      assert.deepEqual(touched, [id]);
      const [first, , third] = await store.submissions.jobs(id);
      assert.equal(first?.state, 'completed');
      assert.equal(first?.exit_code, 0);
      assert.equal(first?.cpu_s, 1.5);
      assert.equal(first?.host, 'h');
      assert.equal(third?.state, 'cancelled');
      // A report for a finished job changes nothing and touches no submission.
      assert.deepEqual(
        await store.submissions.updateJobs([{ submissionId: id, index: 0, state: 'failed' }]),
        [],
      );
    } finally {
      await store.close();
    }
  });

  it('reads active jobs in keyset pages that together cover every job once', async () => {
    const { store, id } = await storeWithJobs(7);
    try {
      await store.submissions.recordBatch(
        id,
        'b',
        Array.from({ length: 7 }, (_, i) => `e${i}`),
      );
      await store.submissions.updateJobs([{ submissionId: id, index: 3, state: 'completed' }]);
      const seen: number[] = [];
      let after: { submissionId: string; index: number } | undefined;
      for (;;) {
        const page = await store.submissions.activeJobs(2, after);
        seen.push(...page.map((j) => j.index));
        if (page.length < 2) break;
        const last = page[page.length - 1]!;
        after = { submissionId: last.submission_id, index: last.index };
      }
      assert.deepEqual(seen, [0, 1, 2, 4, 5, 6]);
    } finally {
      await store.close();
    }
  });
});
