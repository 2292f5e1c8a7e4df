/**
 * SubmissionRepository.stageCounts as tests, on every store (progress.sqlite.test.ts,
 * progress.postgres.test.ts): per-stage counts of submissions by status, ledger rows by state,
 * jobs by state and outputs, the newest submission of each stage (ties broken by id), only the
 * campaign's own, stages in byte order; and SubmissionRepository.stageHistory: a stage's files
 * processed and outputs located over time.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DeclaredFile } from '@poms/core';
import type { Store } from '../../ports/store.ts';
import type { NewSubmission } from '../../ports/submissions.ts';
import { counterIds, manualClock, type OpenFreshStore } from './store.conformance.ts';

const EXP = 'exp';
const FILES: DeclaredFile[] = ['a.root', 'b.root', 'c.root', 'd.root'].map((name) => ({ name }));

function submission(campaignId: string, stage: string, over: Partial<NewSubmission> = {}) {
  return {
    experiment: EXP,
    campaignId,
    campaign: 'camp',
    campaignRevision: 1,
    stage,
    stageType: 'regular',
    engine: 'local',
    origin: 'manual',
    test: false,
    launcher: 'alice',
    ledger: { none: true },
    filesPerJob: 2,
    jobsWithoutFiles: 1,
    config: {},
    tokenHash: (id: string) => `hash-${id}`,
    reason: 'test',
    ...over,
  } satisfies NewSubmission;
}

export function describeProgressConformance(name: string, open: OpenFreshStore): void {
  describe(name, () => {
    async function use(fn: (store: Store, clock: ReturnType<typeof manualClock>) => Promise<void>) {
      const clock = manualClock();
      const store = await open({ clock, ids: counterIds() });
      try {
        await fn(store, clock);
      } finally {
        await store.close();
      }
    }

    it('answers nothing for a campaign without submissions', () =>
      use(async (store) => {
        await store.experiments.create({ name: EXP, display_name: 'Exp' });
        const { campaign } = await store.campaigns.create({
          experiment: EXP,
          name: 'camp',
          text: 'campaign: camp\n',
          model: {},
          author: 'a',
        });
        assert.deepEqual(await store.submissions.stageCounts(EXP, campaign.id), []);
        assert.deepEqual(await store.submissions.stageCounts('nope', campaign.id), []);
      }));

    it('counts statuses, ledger states, jobs and outputs per stage, and finds the newest', () =>
      use(async (store, clock) => {
        await store.experiments.create({ name: EXP, display_name: 'Exp' });
        const made = async (name: string) =>
          (
            await store.campaigns.create({
              experiment: EXP,
              name,
              text: `campaign: ${name}\n`,
              model: {},
              author: 'a',
            })
          ).campaign.id;
        const camp = await made('camp');
        const other = await made('other');
        await store.catalog.declareFiles(EXP, FILES);
        const all = await store.catalog.snapshot(EXP, { type: 'all' }, { queryText: 'all' });
        await store.catalog.declareFiles(EXP, [
          { name: 'a.out', parents: ['a.root'] },
          { name: 'b.out', parents: ['b.root'] },
        ]);
        const create = async (campaignId: string, stage: string, over = {}) =>
          (await store.submissions.create(submission(campaignId, stage, over))).submission;

        // reco: two submissions over the 4 files (2 jobs each), the second newer.
        const r1 = await create(camp, 'reco', { ledger: { snapshot: all.id } });
        clock.advance(1000);
        const r2 = await create(camp, 'reco', { ledger: { snapshot: all.id } });
        // "Zürich" sorts after "reco" in byte order; two created at the same instant.
        clock.advance(1000);
        const z1 = await create(camp, 'Zürich', { jobsWithoutFiles: 3 });
        const z2 = await create(camp, 'Zürich');
        // Another campaign's submissions are not counted.
        await create(other, 'reco', { ledger: { snapshot: all.id } });

        await store.submissions.changeStatus(r1.id, { expected: 'New', to: 'Idle', reason: 't' });
        await store.submissions.changeStatus(r1.id, {
          expected: 'Idle',
          to: 'Running',
          reason: 't',
        });
        await store.submissions.recordBatch(r1.id, 'b1', ['e0', 'e1']);
        await store.submissions.updateJobs([
          { submissionId: r1.id, index: 0, state: 'completed' },
          { submissionId: r1.id, index: 1, state: 'running' },
        ]);
        await store.submissions.reportFiles(r1.id, 0, [
          { name: 'a.root', state: 'consumed' },
          { name: 'b.root', state: 'consumed' },
        ]);
        await store.submissions.reportFiles(r1.id, 1, [{ name: 'c.root', state: 'failed' }]);
        await store.submissions.reportFiles(r2.id, 0, [{ name: 'a.root', state: 'skipped' }]);
        await store.submissions.recordOutputs(r1.id, 0, [
          { name: 'a.out', located: true },
          { name: 'b.out', located: false },
        ]);
        await store.submissions.recordBatch(z1.id, 'b2', ['z0', 'z1', 'z2']);
        await store.submissions.updateJobs([
          { submissionId: z1.id, index: 0, state: 'failed' },
          { submissionId: z1.id, index: 1, state: 'held' },
        ]);

        const counts = await store.submissions.stageCounts(EXP, camp);
        assert.deepEqual(
          counts.map((c) => c.stage),
          ['Zürich', 'reco'].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))),
        );
        const reco = counts.find((c) => c.stage === 'reco');
        const zurich = counts.find((c) => c.stage === 'Zürich');
        assert.deepEqual(reco, {
          stage: 'reco',
          statuses: { Running: 1, New: 1 },
          // r1: a, b consumed, c failed, d delivered; r2: a skipped, b, c, d delivered.
          ledger: { consumed: 2, failed: 1, skipped: 1, delivered: 4 },
          // r1's jobs: one completed, one running; r2's two jobs not given to an engine yet.
          jobs: { completed: 1, running: 1, pending: 2 },
          outputs: 2,
          located_outputs: 1,
          last: { id: r2.id, status: 'New', created_at: r2.created_at },
        });
        assert.deepEqual(zurich, {
          stage: 'Zürich',
          statuses: { New: 2 },
          ledger: {},
          jobs: { failed: 1, held: 1, queued: 1, pending: 1 },
          outputs: 0,
          located_outputs: 0,
          // Same instant: the larger id wins.
          last: { id: z2.id > z1.id ? z2.id : z1.id, status: 'New', created_at: z2.created_at },
        });
        assert.equal(z1.created_at, z2.created_at);
        // The newest follows status changes.
        await store.submissions.changeStatus(r2.id, {
          expected: 'New',
          to: 'Cancelled',
          reason: 't',
        });
        const again = await store.submissions.stageCounts(EXP, camp);
        assert.deepEqual(again.find((c) => c.stage === 'reco')?.last.status, 'Cancelled');
        assert.deepEqual(again.find((c) => c.stage === 'reco')?.statuses, {
          Running: 1,
          Cancelled: 1,
        });
        // The other campaign sees only its own.
        const theirs = await store.submissions.stageCounts(EXP, other);
        assert.deepEqual(
          theirs.map((c) => [c.stage, c.statuses, c.ledger]),
          [['reco', { New: 1 }, { delivered: 4 }]],
        );
      }));

    it("answers a stage's files over time: processed once per file, located from the job's end", () =>
      use(async (store, clock) => {
        await store.experiments.create({ name: EXP, display_name: 'Exp' });
        const { campaign } = await store.campaigns.create({
          experiment: EXP,
          name: 'camp',
          text: 'campaign: camp\n',
          model: {},
          author: 'a',
        });
        const camp = campaign.id;
        assert.deepEqual(await store.submissions.stageHistory(EXP, camp, 'reco', 4), {
          start: null,
          end: null,
          live: 0,
          expected: 0,
          outputs: 0,
          points: [],
        });
        await store.catalog.declareFiles(EXP, FILES);
        const all = await store.catalog.snapshot(EXP, { type: 'all' }, { queryText: 'all' });
        await store.catalog.declareFiles(EXP, [
          { name: 'a.out', parents: ['a.root'] },
          { name: 'b.out', parents: ['b.root'] },
        ]);
        const t0 = clock.now().getTime();
        const at = (s: number) => new Date(t0 + s * 1000).toISOString();
        const create = async (stage: string) =>
          (
            await store.submissions.create(
              submission(camp, stage, { ledger: { snapshot: all.id } }),
            )
          ).submission;
        const r1 = await create('reco');
        await store.submissions.recordBatch(r1.id, 'b1', ['e0', 'e1']);
        clock.advance(10_000);
        await store.submissions.reportFiles(r1.id, 0, [
          { name: 'a.root', state: 'consumed' },
          { name: 'b.root', state: 'consumed' },
        ]);
        await store.submissions.updateJobs([
          { submissionId: r1.id, index: 0, state: 'completed', ended_at: at(10) },
        ]);
        await store.submissions.recordOutputs(r1.id, 0, [
          { name: 'a.out', located: true },
          { name: 'b.out', located: false },
        ]);
        clock.advance(10_000);
        await store.submissions.reportFiles(r1.id, 1, [{ name: 'c.root', state: 'failed' }]);
        // A second submission of the same files: c's later success does not count it again.
        const r2 = await create('reco');
        clock.advance(10_000);
        await store.submissions.reportFiles(r2.id, 1, [{ name: 'c.root', state: 'consumed' }]);
        // Another stage's files are not the stage's.
        const other = await create('other');
        await store.submissions.reportFiles(other.id, 0, [{ name: 'a.root', state: 'failed' }]);
        clock.advance(10_000);

        // Live submissions: the span runs to now.
        const live = await store.submissions.stageHistory(EXP, camp, 'reco', 4);
        assert.deepEqual(live, {
          start: at(0),
          end: at(40),
          live: 2,
          expected: 4,
          outputs: 2,
          points: [
            { at: at(0), processed: 0, located: 0 },
            { at: at(10), processed: 2, located: 1 },
            { at: at(20), processed: 3, located: 1 },
            { at: at(30), processed: 3, located: 1 },
            { at: at(40), processed: 3, located: 1 },
          ],
        });
        // Every stage together: the other stage's first words count too (a counts once).
        const campaignWide = await store.submissions.stageHistory(EXP, camp, undefined, 4);
        assert.equal(campaignWide.live, 3);
        assert.deepEqual(
          campaignWide.points.map((p) => p.processed),
          [0, 2, 3, 3, 3],
        );

        // Nothing live: the span ends at the last change, not now.
        clock.advance(5_000);
        for (const s of [r1, r2, other]) {
          await store.submissions.changeStatus(s.id, {
            expected: 'New',
            to: 'Cancelled',
            reason: 't',
          });
        }
        clock.advance(60_000);
        const over = await store.submissions.stageHistory(EXP, camp, 'reco', 2);
        assert.equal(over.live, 0);
        assert.equal(over.end, at(45));
        assert.deepEqual(
          over.points.map((p) => [p.at, p.processed]),
          [
            [at(0), 0],
            [at(22.5), 3],
            [at(45), 3],
          ],
        );
        assert.deepEqual((await store.submissions.stageHistory(EXP, camp, 'nope', 4)).points, []);
      }));
  });
}
