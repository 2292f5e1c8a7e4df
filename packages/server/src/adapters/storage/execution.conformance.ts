/**
 * The execution side of the Store contract as tests: submissions with history, config and token
 * hash, jobs, the file ledger and outputs (ports/submissions.ts), holds, held launches and
 * schedules (ports/control.ts), and Store.transaction. Run on every store by
 * execution.sqlite.test.ts and execution.postgres.test.ts, with an injected clock and ids.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { START_CURSOR, type DeclaredFile } from '@poms/core';
import { InvalidArgumentError, NotFoundError } from '../../ports/errors.ts';
import type { HoldScope } from '../../ports/control.ts';
import type { Store } from '../../ports/store.ts';
import type { NewSubmission, SubmissionRecord } from '../../ports/submissions.ts';
import { counterIds, manualClock, type OpenFreshStore } from './store.conformance.ts';

const EXP = 'exp';
const OTHER = 'other';
const NAMES = ['a.root', 'b.root', 'c.root', 'd.root', 'e.root', 'f.root'];
// Declared out of order: every order the store gives must come from the names.
const FILES: DeclaredFile[] = ['d.root', 'a.root', 'f.root', 'c.root', 'e.root', 'b.root'].map(
  (name) => ({ name, replicas: [{ location: 'local', path: `/data/${name}` }] }),
);

type Clock = ReturnType<typeof manualClock>;

interface Fixture {
  store: Store;
  clock: Clock;
  /** Campaign `camp` of EXP. */
  campaignId: string;
  /** Campaign `camp2` of EXP. */
  campaign2Id: string;
  /** Campaign `camp` of OTHER. */
  otherCampaignId: string;
  /** A snapshot of all of EXP's files (NAMES). */
  snapshotId: string;
  now(): string;
  submission(overrides?: Partial<NewSubmission>): Promise<SubmissionRecord>;
}

const CAMPAIGN_TEXT = 'campaign: x\nstages: {}\n';

async function campaign(store: Store, experiment: string, name: string): Promise<string> {
  const { campaign } = await store.campaigns.create({
    experiment,
    name,
    text: CAMPAIGN_TEXT,
    model: {},
    author: 'a',
  });
  return campaign.id;
}

function baseSubmission(campaignId: string): NewSubmission {
  return {
    experiment: EXP,
    campaignId,
    campaign: 'camp',
    campaignRevision: 1,
    stage: 'reco',
    stageType: 'regular',
    engine: 'local',
    origin: 'manual',
    test: false,
    launcher: 'alice',
    ledger: { none: true },
    filesPerJob: 2,
    jobsWithoutFiles: 1,
    config: { revision: 1, stage: { name: 'reco', n: [1, 2.5, 'ü🚀'] }, nothing: null },
    tokenHash: (id) => `hash-of-${id}`,
    reason: 'launched by alice',
  };
}

async function fixture(open: OpenFreshStore): Promise<Fixture> {
  const clock = manualClock();
  const store = await open({ clock, ids: counterIds() });
  await store.experiments.create({ name: EXP, display_name: 'Exp' });
  await store.experiments.create({ name: OTHER, display_name: 'Other' });
  const campaignId = await campaign(store, EXP, 'camp');
  const campaign2Id = await campaign(store, EXP, 'camp2');
  const otherCampaignId = await campaign(store, OTHER, 'camp');
  await store.catalog.declareFiles(EXP, FILES);
  const snapshot = await store.catalog.snapshot(EXP, { type: 'all' }, { queryText: 'all' });
  return {
    store,
    clock,
    campaignId,
    campaign2Id,
    otherCampaignId,
    snapshotId: snapshot.id,
    now: () => clock.now().toISOString(),
    async submission(overrides = {}) {
      const { submission } = await store.submissions.create({
        ...baseSubmission(campaignId),
        ...overrides,
      });
      return submission;
    },
  };
}

async function rejectsWith(
  promise: Promise<unknown>,
  kind: typeof NotFoundError | typeof InvalidArgumentError,
  check?: (err: Error) => void,
): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof kind, `expected ${kind.name}, got ${String(err)}`);
    check?.(err);
    return true;
  });
}

const invalid = (promise: Promise<unknown>, field: string) =>
  rejectsWith(promise, InvalidArgumentError, (err) => {
    assert.equal((err as InvalidArgumentError).field, field);
  });

/** UTF-8 byte order, which is the stores' name order. */
function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

export function describeExecutionConformance(name: string, open: OpenFreshStore): void {
  async function use(fn: (f: Fixture) => Promise<void>): Promise<void> {
    const f = await fixture(open);
    try {
      await fn(f);
    } finally {
      await f.store.close();
    }
  }

  async function countSubmissions(store: Store, experiment = EXP): Promise<number> {
    return (await store.submissions.list({ experiment })).total;
  }

  describe(name, () => {
    describe('creating submissions', () => {
      it('numbers a snapshot files to jobs in name order, with history, config and token', () =>
        use(async (f) => {
          const { store } = f;
          const created = await store.submissions.create({
            ...baseSubmission(f.campaignId),
            ledger: { snapshot: f.snapshotId },
            inputSnapshotId: f.snapshotId,
            filesPerJob: 4,
          });
          assert.equal(created.created, true);
          const s = created.submission;
          assert.equal(s.job_count, 2); // ceil(6 / 4)
          assert.equal(s.file_count, 6);
          assert.equal(s.status, 'New');
          assert.equal(s.experiment, EXP);
          assert.equal(s.campaign_id, f.campaignId);
          assert.equal(s.stage, 'reco');
          assert.equal(s.engine, 'local');
          assert.equal(s.held_by_person, false);
          assert.equal(s.test, false);
          assert.equal(s.launch_key, null);
          assert.equal(s.parent_id, null);
          assert.equal(s.chain_root_id, s.id, 'a first submission is its own chain root');
          assert.deepEqual(s.upstream_ids, []);
          assert.equal(s.input_snapshot_id, f.snapshotId);
          assert.equal(s.batch_id, null);
          assert.equal(s.progressed, false);
          assert.equal(s.chain_done_at, null);
          assert.equal(s.created_at, f.now());
          assert.equal(s.updated_at, f.now());
          assert.equal(s.status_at, f.now());
          assert.deepEqual(await store.submissions.get(s.id), s);

          const jobs = await store.submissions.jobs(s.id);
          assert.deepEqual(
            jobs.map((j) => [j.index, j.file_count, j.state, j.engine_id, j.request]),
            [
              [0, 4, 'pending', null, null],
              [1, 2, 'pending', null, null],
            ],
          );

          const ledger = await store.submissions.ledger(s.id);
          assert.equal(ledger.total, 6);
          assert.deepEqual(
            ledger.items.map((e) => [e.file, e.job_index, e.state, e.reason]),
            NAMES.map((n, rank) => [n, Math.floor(rank / 4), 'delivered', null]),
          );

          const history = await store.submissions.history(s.id);
          assert.deepEqual(history, [
            {
              submission_id: s.id,
              seq: 1,
              status: 'New',
              reason: 'launched by alice',
              by: null,
              at: f.now(),
            },
          ]);
          assert.deepEqual(await store.submissions.config(s.id), baseSubmission('x').config);
          assert.equal(await store.submissions.tokenHash(s.id), `hash-of-${s.id}`);
          await rejectsWith(store.submissions.get('sub_nope'), NotFoundError);
        }));

      it('starts an approval stage at Awaiting Approval and keeps the chain fields given', () =>
        use(async (f) => {
          const root = await f.submission();
          const s = await f.submission({
            status: 'Awaiting Approval',
            stageType: 'approval',
            origin: 'recovery',
            parentId: root.id,
            chainRootId: root.id,
            upstreamIds: ['sub_u1', 'sub_u2'],
            recoveryStep: 1,
            recoveryType: 'added_files',
            test: true,
          });
          assert.equal(s.status, 'Awaiting Approval');
          assert.equal(s.parent_id, root.id);
          assert.equal(s.chain_root_id, root.id);
          assert.deepEqual(s.upstream_ids, ['sub_u1', 'sub_u2']);
          assert.equal(s.recovery_step, 1);
          assert.equal(s.recovery_type, 'added_files');
          assert.equal(s.test, true);
          assert.equal((await f.store.submissions.history(s.id))[0]?.status, 'Awaiting Approval');
        }));

      it('gives a generator (no files) its jobsWithoutFiles jobs and no ledger', () =>
        use(async (f) => {
          const s = await f.submission({ ledger: { none: true }, jobsWithoutFiles: 3 });
          assert.equal(s.job_count, 3);
          assert.equal(s.file_count, 0);
          assert.deepEqual(
            (await f.store.submissions.jobs(s.id)).map((j) => [j.index, j.file_count, j.state]),
            [
              [0, 0, 'pending'],
              [1, 0, 'pending'],
              [2, 0, 'pending'],
            ],
          );
          assert.deepEqual(await f.store.submissions.ledger(s.id), { items: [], total: 0 });
          assert.equal((await f.store.submissions.statistics(s.id)).submitted, 0);
        }));

      it('delivers files named explicitly, numbered to jobs in name order', () =>
        use(async (f) => {
          const s = await f.submission({
            ledger: { files: ['e.root', 'a.root', 'c.root'] },
            filesPerJob: 2,
          });
          assert.equal(s.job_count, 2);
          assert.equal(s.file_count, 3);
          assert.deepEqual(
            (await f.store.submissions.ledger(s.id)).items.map((e) => [e.file, e.job_index]),
            [
              ['a.root', 0],
              ['c.root', 0],
              ['e.root', 1],
            ],
          );
          assert.deepEqual(
            (await f.store.submissions.jobs(s.id)).map((j) => j.file_count),
            [2, 1],
          );
        }));

      it('numbers files in the same (byte) name order whichever way they are given', () =>
        use(async (f) => {
          // U+FF5A sorts before U+1F600 in UTF-8 bytes (the stores' order) but after it in
          // UTF-16 code units (JavaScript's default sort).
          const names = ['u-\u{1F600}.root', 'u-\uFF5A.root', 'u-a.root'];
          await f.store.catalog.declareFiles(
            OTHER,
            names.map((name) => ({ name })),
          );
          const snapshot = await f.store.catalog.snapshot(
            OTHER,
            { type: 'all' },
            { queryText: 'all' },
          );
          const base = {
            ...baseSubmission(f.otherCampaignId),
            experiment: OTHER,
            filesPerJob: 1,
          };
          const fromFiles = await f.store.submissions.create({
            ...base,
            ledger: { files: [...names].reverse() },
          });
          const fromSnapshot = await f.store.submissions.create({
            ...base,
            ledger: { snapshot: snapshot.id },
          });
          const expected = [...names].sort(byteOrder).map((n, rank) => [n, rank]);
          for (const { submission } of [fromFiles, fromSnapshot]) {
            const ledger = await f.store.submissions.ledger(submission.id);
            assert.deepEqual(
              ledger.items.map((e) => [e.file, e.job_index]),
              expected,
              submission.id,
            );
            for (const [n, rank] of expected) {
              assert.deepEqual(
                (await f.store.submissions.jobFiles(submission.id, rank as number, 'local')).map(
                  (x) => x.name,
                ),
                [n],
              );
            }
          }
        }));

      it('refuses a file that is not in the catalog and writes nothing', () =>
        use(async (f) => {
          await f.submission();
          const before = await countSubmissions(f.store);
          await rejectsWith(
            f.store.submissions.create({
              ...baseSubmission(f.campaignId),
              ledger: { files: ['a.root', 'nope.root', 'b.root'] },
            }),
            NotFoundError,
          );
          assert.equal(await countSubmissions(f.store), before);
          assert.deepEqual(await f.store.submissions.unfinished().then((u) => u.length), before);
          // A file of another experiment is not this experiment's.
          await rejectsWith(
            f.store.submissions.create({
              ...baseSubmission(f.otherCampaignId),
              experiment: OTHER,
              ledger: { files: ['a.root'] },
            }),
            NotFoundError,
          );
          assert.equal(await countSubmissions(f.store, OTHER), 0);
        }));
    });

    describe('launch keys', () => {
      it('creates once per (experiment, key): a second create returns the first, writing nothing', () =>
        use(async (f) => {
          const first = await f.store.submissions.create({
            ...baseSubmission(f.campaignId),
            ledger: { snapshot: f.snapshotId },
            launchKey: 'tick-1',
          });
          assert.equal(first.created, true);
          assert.equal(first.submission.launch_key, 'tick-1');
          f.clock.advance(1000);
          const second = await f.store.submissions.create({
            ...baseSubmission(f.campaignId),
            ledger: { files: ['a.root'] },
            filesPerJob: 1,
            launchKey: 'tick-1',
            reason: 'again',
          });
          assert.equal(second.created, false);
          assert.deepEqual(second.submission, first.submission);
          assert.equal(await countSubmissions(f.store), 1);
          assert.equal((await f.store.submissions.ledger(first.submission.id)).total, 6);
          assert.equal((await f.store.submissions.history(first.submission.id)).length, 1);

          assert.deepEqual(
            await f.store.submissions.findByLaunchKey(EXP, 'tick-1'),
            first.submission,
          );
          assert.equal(await f.store.submissions.findByLaunchKey(EXP, 'tick-2'), undefined);
          assert.equal(await f.store.submissions.findByLaunchKey(OTHER, 'tick-1'), undefined);

          // The same key in another experiment is another launch; no key never collides.
          const elsewhere = await f.store.submissions.create({
            ...baseSubmission(f.otherCampaignId),
            experiment: OTHER,
            launchKey: 'tick-1',
          });
          assert.equal(elsewhere.created, true);
          await f.submission();
          await f.submission();
          assert.equal(await countSubmissions(f.store), 3);
        }));

      it('creates once when two creates with the same key race', () =>
        use(async (f) => {
          const input = {
            ...baseSubmission(f.campaignId),
            ledger: { snapshot: f.snapshotId },
            launchKey: 'race',
          };
          const results = await Promise.all([
            f.store.submissions.create(input),
            f.store.submissions.create(input),
            f.store.submissions.create(input),
          ]);
          assert.equal(results.filter((r) => r.created).length, 1);
          assert.equal(new Set(results.map((r) => r.submission.id)).size, 1);
          assert.equal(await countSubmissions(f.store), 1);
        }));
    });

    describe('status', () => {
      it('changes status compare-and-set, one history entry per change', () =>
        use(async (f) => {
          const s = await f.submission();
          const created = f.now();
          f.clock.advance(60_000);
          const moved = await f.store.submissions.changeStatus(s.id, {
            expected: 'New',
            to: 'Idle',
            reason: 'submitted',
            by: 'bob',
          });
          assert.ok(moved);
          assert.equal(moved.status, 'Idle');
          assert.equal(moved.created_at, created);
          assert.equal(moved.status_at, f.now());
          assert.equal(moved.updated_at, f.now());
          assert.notEqual(moved.status_at, s.status_at);
          assert.deepEqual(await f.store.submissions.get(s.id), moved);

          f.clock.advance(1000);
          const stale = await f.store.submissions.changeStatus(s.id, {
            expected: 'New',
            to: 'Running',
            reason: 'stale',
          });
          assert.equal(stale, undefined);
          const after = await f.store.submissions.get(s.id);
          assert.equal(after.status, 'Idle');
          assert.equal(after.status_at, moved.status_at);

          const held = await f.store.submissions.changeStatus(s.id, {
            expected: 'Idle',
            to: 'Held',
            reason: 'held by carol',
            by: 'carol',
            heldByPerson: true,
          });
          assert.equal(held?.held_by_person, true);
          const released = await f.store.submissions.changeStatus(s.id, {
            expected: 'Held',
            to: 'Idle',
            reason: 'released',
          });
          assert.equal(released?.held_by_person, false);

          const history = await f.store.submissions.history(s.id);
          assert.deepEqual(
            history.map((h) => [h.seq, h.status, h.reason, h.by]),
            [
              [1, 'New', 'launched by alice', null],
              [2, 'Idle', 'submitted', 'bob'],
              [3, 'Held', 'held by carol', 'carol'],
              [4, 'Idle', 'released', null],
            ],
          );
          assert.equal(history[1]?.at, moved.status_at);
        }));

      it('lets exactly one of two racing changes from the same status win', () =>
        use(async (f) => {
          const s = await f.submission();
          const results = await Promise.all(
            (['Idle', 'Cancelled', 'LaunchFailed'] as const).map((to) =>
              f.store.submissions.changeStatus(s.id, { expected: 'New', to, reason: to }),
            ),
          );
          const won = results.filter((r) => r !== undefined);
          assert.equal(won.length, 1);
          assert.equal((await f.store.submissions.get(s.id)).status, won[0]?.status);
          assert.equal((await f.store.submissions.history(s.id)).length, 2);
        }));
    });

    describe('jobs', () => {
      it('records the batch, lists active jobs, applies reports; a finished job stays finished', () =>
        use(async (f) => {
          const { store } = f;
          const s = await f.submission({ ledger: { snapshot: f.snapshotId }, filesPerJob: 2 });
          const g = await f.submission({ engine: 'slurm', jobsWithoutFiles: 2 });
          assert.deepEqual(await store.submissions.activeJobs(100), []);

          f.clock.advance(1000);
          await store.submissions.recordBatch(s.id, 'batch-1', ['e0', 'e1', 'e2']);
          assert.equal((await store.submissions.get(s.id)).batch_id, 'batch-1');
          assert.deepEqual(
            (await store.submissions.jobs(s.id)).map((j) => [j.engine_id, j.state, j.updated_at]),
            [
              ['e0', 'queued', f.now()],
              ['e1', 'queued', f.now()],
              ['e2', 'queued', f.now()],
            ],
          );
          // Only the first engine id of the generator is known yet.
          await store.submissions.recordBatch(g.id, 'batch-2', ['g0']);
          assert.deepEqual(
            (await store.submissions.jobs(g.id)).map((j) => [j.engine_id, j.state]),
            [
              ['g0', 'queued'],
              [null, 'pending'],
            ],
          );

          const key = (j: { submission_id: string; index: number }) =>
            `${j.submission_id}/${String(j.index).padStart(3, '0')}`;
          const active = async () =>
            (await store.submissions.activeJobs(100))
              .map((j) => ({ ...j }))
              .sort((a, b) => (key(a) < key(b) ? -1 : 1));
          assert.deepEqual(
            await active(),
            [
              { submission_id: s.id, index: 0, engine: 'local', engine_id: 'e0' },
              { submission_id: s.id, index: 1, engine: 'local', engine_id: 'e1' },
              { submission_id: s.id, index: 2, engine: 'local', engine_id: 'e2' },
              { submission_id: g.id, index: 0, engine: 'slurm', engine_id: 'g0' },
            ]
              .map((j) => ({ ...j, state: 'queued', request: null }))
              .sort((a, b) => (key(a) < key(b) ? -1 : 1)),
          );
          assert.equal((await store.submissions.activeJobs(2)).length, 2);

          // A second batch record does not touch jobs the engine already has.
          await store.submissions.updateJobs([{ submissionId: s.id, index: 1, state: 'running' }]);
          await store.submissions.recordBatch(s.id, 'batch-1', ['x0', 'x1', 'x2']);
          assert.deepEqual(
            (await store.submissions.jobs(s.id)).map((j) => [j.engine_id, j.state]),
            [
              ['e0', 'queued'],
              ['e1', 'running'],
              ['e2', 'queued'],
            ],
          );

          f.clock.advance(1000);
          const touched = await store.submissions.updateJobs([
            {
              submissionId: s.id,
              index: 2,
              state: 'completed',
              exit_code: 0,
              cpu_s: 1.5,
              wall_s: 2.25,
              max_rss_kb: 1024,
              host: 'node1',
              started_at: '2030-01-01T00:00:00.000Z',
              ended_at: '2030-01-01T00:01:00.000Z',
            },
            { submissionId: g.id, index: 0, state: 'failed', exit_code: 3, reason: 'oom' },
            { submissionId: s.id, index: 0, state: 'running', host: 'node2' },
          ]);
          assert.deepEqual(touched, [s.id, g.id].sort());
          const [j0, , j2] = await store.submissions.jobs(s.id);
          assert.deepEqual([j0?.state, j0?.host, j0?.updated_at], ['running', 'node2', f.now()]);
          assert.deepEqual(
            j2 && {
              state: j2.state,
              exit_code: j2.exit_code,
              signal: j2.signal,
              cpu_s: j2.cpu_s,
              wall_s: j2.wall_s,
              max_rss_kb: j2.max_rss_kb,
              host: j2.host,
              started_at: j2.started_at,
              ended_at: j2.ended_at,
            },
            {
              state: 'completed',
              exit_code: 0,
              signal: null,
              cpu_s: 1.5,
              wall_s: 2.25,
              max_rss_kb: 1024,
              host: 'node1',
              started_at: '2030-01-01T00:00:00.000Z',
              ended_at: '2030-01-01T00:01:00.000Z',
            },
          );
          const g0 = (await store.submissions.jobs(g.id))[0];
          assert.deepEqual([g0?.state, g0?.exit_code, g0?.reason], ['failed', 3, 'oom']);

          // Late or repeated reports of finished jobs change nothing.
          f.clock.advance(1000);
          assert.deepEqual(
            await store.submissions.updateJobs([
              { submissionId: s.id, index: 2, state: 'running' },
              { submissionId: g.id, index: 0, state: 'completed', exit_code: 0 },
              { submissionId: 'sub_nope', index: 0, state: 'running' },
            ]),
            [],
          );
          const j2again = (await store.submissions.jobs(s.id))[2];
          assert.deepEqual(j2again, j2);
          assert.equal((await store.submissions.jobs(g.id))[0]?.state, 'failed');
          assert.deepEqual(await store.submissions.updateJobs([]), []);

          // Finished jobs leave the poller's list...
          assert.deepEqual(
            (await active()).map((j) => [j.submission_id, j.index, j.state]),
            [
              [s.id, 0, 'running'],
              [s.id, 1, 'running'],
            ],
          );
          // ...unless they still carry a request.
          assert.equal(await store.submissions.requestJobs(s.id, 'cancel', [1]), 1);
          await store.submissions.updateJobs([
            { submissionId: s.id, index: 1, state: 'cancelled' },
          ]);
          assert.deepEqual(
            (await active()).map((j) => [j.index, j.state, j.request]),
            [
              [0, 'running', null],
              [1, 'cancelled', 'cancel'],
            ],
          );
          await store.submissions.clearRequests([{ submissionId: s.id, index: 1 }]);
          assert.deepEqual(
            (await active()).map((j) => j.index),
            [0],
          );
        }));

      it('asks for engine actions on all or some unfinished jobs, and clears them', () =>
        use(async (f) => {
          const { store } = f;
          const s = await f.submission({ ledger: { snapshot: f.snapshotId }, filesPerJob: 2 });
          await store.submissions.recordBatch(s.id, 'b', ['e0', 'e1', 'e2']);
          await store.submissions.updateJobs([
            { submissionId: s.id, index: 2, state: 'completed', exit_code: 0 },
          ]);
          const requests = async () => (await store.submissions.jobs(s.id)).map((j) => j.request);

          assert.equal(await store.submissions.requestJobs(s.id, 'hold'), 2);
          assert.deepEqual(await requests(), ['hold', 'hold', null]);
          assert.equal(await store.submissions.requestJobs(s.id, 'release', [1, 2]), 1);
          assert.deepEqual(await requests(), ['hold', 'release', null]);
          assert.equal(await store.submissions.requestJobs(s.id, 'cancel', []), 0);
          assert.equal(await store.submissions.requestJobs(s.id, 'cancel', [7]), 0);
          assert.deepEqual(await requests(), ['hold', 'release', null]);
          assert.deepEqual(
            (await store.submissions.activeJobs(100)).map((j) => [j.index, j.request]).sort(),
            [
              [0, 'hold'],
              [1, 'release'],
            ],
          );

          await store.submissions.clearRequests([
            { submissionId: s.id, index: 0 },
            { submissionId: s.id, index: 1 },
          ]);
          assert.deepEqual(await requests(), [null, null, null]);
          await store.submissions.clearRequests([]);
        }));

      it('pages jobs by index, filtered by states and by failure, and counts them by state', () =>
        use(async (f) => {
          const { store } = f;
          // 1203 jobs, more than one statement chunk and a few pages.
          const s = await f.submission({ jobsWithoutFiles: 1203 });
          const other = await f.submission({ jobsWithoutFiles: 3 });
          assert.equal(s.job_count, 1203);
          await store.submissions.recordBatch(
            s.id,
            'b',
            Array.from({ length: 1203 }, (_, i) => `e${i}`),
          );
          // Every 10th job failed (exit 3), every 100th was killed (cancelled, no exit code), job 7
          // completed with a non-zero exit, job 8 is running, jobs 1000.. completed, the rest queued.
          const updates = [];
          for (let i = 0; i < 1203; i++) {
            if (i % 100 === 0)
              updates.push({ submissionId: s.id, index: i, state: 'cancelled' as const });
            else if (i % 10 === 0)
              updates.push({
                submissionId: s.id,
                index: i,
                state: 'failed' as const,
                exit_code: 3,
              });
            else if (i === 7)
              updates.push({
                submissionId: s.id,
                index: i,
                state: 'completed' as const,
                exit_code: 2,
              });
            else if (i === 8)
              updates.push({ submissionId: s.id, index: i, state: 'running' as const });
            else if (i >= 1000)
              updates.push({
                submissionId: s.id,
                index: i,
                state: 'completed' as const,
                exit_code: 0,
              });
          }
          await store.submissions.updateJobs(updates);
          const cancelled = 13; // 0, 100, …, 1200
          const failed = 121 - cancelled; // multiples of 10 below 1203, less the cancelled
          const completed = 203 - 21 + 1; // 1000..1202 less the multiples of 10, plus job 7
          assert.deepEqual(await store.submissions.jobCounts(s.id), {
            cancelled,
            completed,
            failed,
            queued: 1203 - cancelled - failed - completed - 1,
            running: 1,
          });
          assert.deepEqual(await store.submissions.jobCounts(other.id), { pending: 3 });

          // Every job once, in index order, over pages.
          const seen: number[] = [];
          for (let offset = 0; ; offset += 500) {
            const page = await store.submissions.jobPage(s.id, { limit: 500, offset });
            assert.equal(page.total, 1203);
            seen.push(...page.items.map((j) => j.index));
            if (page.items.length < 500) break;
          }
          assert.deepEqual(
            seen,
            Array.from({ length: 1203 }, (_, i) => i),
          );
          const first = await store.submissions.jobPage(s.id);
          assert.equal(first.items.length, 50, 'the default page');
          assert.deepEqual(first.items[8] && [first.items[8].state, first.items[8].engine_id], [
            'running',
            'e8',
          ]);

          const bad = await store.submissions.jobPage(s.id, { failed: true, limit: 1000 });
          assert.equal(bad.total, cancelled + failed + 1);
          assert.deepEqual(
            bad.items.slice(0, 4).map((j) => [j.index, j.state, j.exit_code]),
            [
              [0, 'cancelled', null],
              [7, 'completed', 2],
              [10, 'failed', 3],
              [20, 'failed', 3],
            ],
          );
          assert.ok(bad.items.every((j, i) => i === 0 || j.index > (bad.items[i - 1]?.index ?? 0)));
          const good = await store.submissions.jobPage(s.id, { failed: false, limit: 1 });
          assert.equal(good.total, 1203 - bad.total);
          assert.equal(good.items[0]?.index, 1);

          const states = await store.submissions.jobPage(s.id, {
            states: ['cancelled', 'running'],
            limit: 3,
            offset: 1,
          });
          assert.equal(states.total, cancelled + 1);
          assert.deepEqual(
            states.items.map((j) => [j.index, j.state]),
            [
              [8, 'running'],
              [100, 'cancelled'],
              [200, 'cancelled'],
            ],
          );
          const both = await store.submissions.jobPage(s.id, {
            states: ['completed'],
            failed: true,
          });
          assert.deepEqual(
            both.items.map((j) => j.index),
            [7],
          );
          assert.deepEqual(await store.submissions.jobPage(s.id, { states: [] }), {
            items: [],
            total: 0,
          });
          assert.deepEqual(await store.submissions.jobPage(s.id, { offset: 5000 }), {
            items: [],
            total: 1203,
          });
          await invalid(store.submissions.jobPage(s.id, { limit: 0 }), 'limit');
          await invalid(store.submissions.jobPage(s.id, { limit: 1001 }), 'limit');
          await invalid(store.submissions.jobPage(s.id, { offset: -1 }), 'offset');
          await rejectsWith(store.submissions.jobPage('nope'), NotFoundError);
          await rejectsWith(store.submissions.jobCounts('nope'), NotFoundError);
        }));
    });

    describe('file ledger', () => {
      it('records what a job did with its files: once, first word wins, others are unknown', () =>
        use(async (f) => {
          const { store } = f;
          // x.root has no replica at `local`, only on tape.
          await store.catalog.declareFiles(EXP, [
            { name: 'x.root', replicas: [{ location: 'tape', path: '/tape/x.root' }] },
          ]);
          const s = await f.submission({ ledger: { snapshot: f.snapshotId }, filesPerJob: 2 });
          // job 0: a, b; job 1: c, d; job 2: e, f
          f.clock.advance(1000);
          assert.deepEqual(
            await store.submissions.reportFiles(s.id, 0, [
              { name: 'a.root', state: 'consumed' },
              { name: 'b.root', state: 'failed', reason: 'corrupt' },
            ]),
            { changed: 2, unknown: [] },
          );
          const reported = f.now();
          f.clock.advance(1000);
          assert.deepEqual(
            await store.submissions.reportFiles(s.id, 0, [
              { name: 'a.root', state: 'consumed' },
              { name: 'b.root', state: 'failed', reason: 'corrupt' },
            ]),
            { changed: 0, unknown: [] },
          );
          assert.deepEqual(
            await store.submissions.reportFiles(s.id, 0, [
              { name: 'a.root', state: 'failed', reason: 'late' },
              { name: 'b.root', state: 'skipped' },
            ]),
            { changed: 0, unknown: [] },
          );
          const result = await store.submissions.reportFiles(s.id, 1, [
            { name: 'c.root', state: 'skipped' },
            { name: 'a.root', state: 'failed' },
            { name: 'zzz.root', state: 'consumed' },
          ]);
          assert.equal(result.changed, 1);
          assert.deepEqual([...result.unknown].sort(), ['a.root', 'zzz.root']);

          const ledger = await store.submissions.ledger(s.id);
          assert.deepEqual(
            ledger.items.map((e) => [e.file, e.job_index, e.state, e.reason]),
            [
              ['a.root', 0, 'consumed', null],
              ['b.root', 0, 'failed', 'corrupt'],
              ['c.root', 1, 'skipped', null],
              ['d.root', 1, 'delivered', null],
              ['e.root', 2, 'delivered', null],
              ['f.root', 2, 'delivered', null],
            ],
          );
          assert.equal(ledger.items[0]?.updated_at, reported);
          assert.deepEqual(
            (await store.submissions.ledger(s.id, { state: 'delivered' })).items.map((e) => e.file),
            ['d.root', 'e.root', 'f.root'],
          );
          const job1 = await store.submissions.ledger(s.id, { jobIndex: 1 });
          assert.deepEqual([job1.total, job1.items.map((e) => e.file)], [2, ['c.root', 'd.root']]);
          const page = await store.submissions.ledger(s.id, { limit: 2, offset: 2 });
          assert.deepEqual([page.total, page.items.map((e) => e.file)], [6, ['c.root', 'd.root']]);

          assert.deepEqual(await store.submissions.jobFiles(s.id, 0, 'local'), [
            { name: 'a.root', path: '/data/a.root' },
            { name: 'b.root', path: '/data/b.root' },
          ]);
          assert.deepEqual(await store.submissions.jobFiles(s.id, 2, 'local'), [
            { name: 'e.root', path: '/data/e.root' },
            { name: 'f.root', path: '/data/f.root' },
          ]);
          assert.deepEqual(await store.submissions.jobFiles(s.id, 9, 'local'), []);
          const u = await f.submission({ ledger: { files: ['x.root', 'd.root'] } });
          assert.deepEqual(await store.submissions.jobFiles(u.id, 0, 'local'), [
            { name: 'd.root', path: '/data/d.root' },
            { name: 'x.root', path: null },
          ]);
          assert.deepEqual(await store.submissions.jobFiles(u.id, 0, 'tape'), [
            { name: 'd.root', path: null },
            { name: 'x.root', path: '/tape/x.root' },
          ]);
        }));

      it('keeps one publication record per submission, replaced whole, rules as written', () =>
        use(async (f) => {
          const { store } = f;
          const s = await f.submission();
          assert.equal(await store.publications.get(s.id), null);
          const first = {
            submission_id: s.id,
            state: 'retrying' as const,
            declared: 0,
            registered: 0,
            rucio_dataset: null,
            rules: [],
            at_location: 0,
            outputs: 3,
            detail: 'Rucio: HTTP 500 «ü»',
            failures: 1,
          };
          assert.deepEqual(await store.publications.save(first), {
            ...first,
            updated_at: f.now(),
          });
          const rule = {
            id: 'r1',
            copies: 2,
            rse_expression: 'type=TAPE',
            state: 'REPLICATING',
            locks_ok: 1,
            locks_replicating: 2,
            locks_stuck: 0,
          };
          const second = {
            ...first,
            state: 'waiting' as const,
            declared: 3,
            registered: 3,
            rucio_dataset: 'dune:poms.camp.reco.x',
            rules: [rule],
            detail: 'rule r1 is REPLICATING',
            failures: 0,
          };
          await store.publications.save(second);
          assert.deepEqual(await store.publications.get(s.id), {
            ...second,
            updated_at: f.now(),
          });
        }));

      it('records outputs idempotently and counts POMS file statistics', () =>
        use(async (f) => {
          const { store } = f;
          await store.catalog.declareFiles(EXP, [
            { name: 'a.out', parents: ['a.root'] },
            { name: 'a2.out', parents: ['a.root'] },
            { name: 'b.out', parents: ['b.root'] },
            { name: 'd.log', parents: ['d.root'] },
          ]);
          const s = await f.submission({ ledger: { snapshot: f.snapshotId }, filesPerJob: 2 });
          // Another submission over the same files: its outputs are not s's.
          const t = await f.submission({ ledger: { snapshot: f.snapshotId }, filesPerJob: 2 });
          await store.submissions.reportFiles(s.id, 0, [
            { name: 'a.root', state: 'consumed' },
            { name: 'b.root', state: 'consumed' },
          ]);
          await store.submissions.reportFiles(s.id, 1, [
            { name: 'c.root', state: 'consumed' },
            { name: 'd.root', state: 'failed' },
          ]);
          await store.submissions.reportFiles(s.id, 2, [{ name: 'e.root', state: 'skipped' }]);

          const job0 = [
            { name: 'a.out', located: true },
            { name: 'a2.out', located: false },
            { name: 'b.out', located: false },
          ];
          await store.submissions.recordOutputs(s.id, 0, job0);
          await store.submissions.recordOutputs(s.id, 1, [{ name: 'd.log', located: true }]);
          await store.submissions.recordOutputs(s.id, 0, job0);
          await store.submissions.recordOutputs(s.id, 0, []);
          const outputs = [
            { file: 'a.out', job_index: 0, located: true },
            { file: 'a2.out', job_index: 0, located: false },
            { file: 'b.out', job_index: 0, located: false },
            { file: 'd.log', job_index: 1, located: true },
          ];
          assert.deepEqual(await store.submissions.outputs(s.id), outputs);
          await rejectsWith(
            store.submissions.recordOutputs(s.id, 0, [{ name: 'ghost.out', located: true }]),
            NotFoundError,
          );
          assert.deepEqual(await store.submissions.outputs(s.id), outputs);

          assert.deepEqual(await store.submissions.statistics(s.id), {
            submitted: 6,
            delivered: 6,
            consumed: 3,
            failed: 1,
            skipped: 1,
            unknown: 1, // f.root
            with_outputs: 3, // a, b, d
            with_located_outputs: 2, // a, d
            pending: 1, // c: consumed, no output
            outputs: 4,
            located_outputs: 2,
          });
          assert.deepEqual(await store.submissions.outputs(t.id), []);
          assert.deepEqual(await store.submissions.statistics(t.id), {
            submitted: 6,
            delivered: 6,
            consumed: 0,
            failed: 0,
            skipped: 0,
            unknown: 6,
            with_outputs: 0,
            with_located_outputs: 0,
            pending: 0,
            outputs: 0,
            located_outputs: 0,
          });
          await rejectsWith(store.submissions.statistics('sub_nope'), NotFoundError);
        }));
    });

    describe('lists', () => {
      it('lists newest first with filters, pages and a total', () =>
        use(async (f) => {
          const { store } = f;
          const s1 = await f.submission();
          f.clock.advance(1000);
          const s2 = await f.submission({ parentId: s1.id, chainRootId: s1.id });
          f.clock.advance(1000);
          const s3 = await f.submission({ stage: 'sim' });
          f.clock.advance(1000);
          const s4 = await f.submission({ campaignId: f.campaign2Id, campaign: 'camp2' });
          await store.submissions.changeStatus(s3.id, {
            expected: 'New',
            to: 'Idle',
            reason: 'x',
          });
          await f.store.submissions.create({
            ...baseSubmission(f.otherCampaignId),
            experiment: OTHER,
          });

          const ids = async (options: Partial<Parameters<Store['submissions']['list']>[0]>) => {
            const page = await store.submissions.list({ experiment: EXP, ...options });
            return [page.items.map((s) => s.id), page.total];
          };
          assert.deepEqual(await ids({}), [[s4.id, s3.id, s2.id, s1.id], 4]);
          assert.deepEqual(await ids({ campaignId: f.campaignId }), [[s3.id, s2.id, s1.id], 3]);
          assert.deepEqual(await ids({ stage: 'reco' }), [[s4.id, s2.id, s1.id], 3]);
          assert.deepEqual(await ids({ statuses: ['Idle'] }), [[s3.id], 1]);
          assert.deepEqual(await ids({ statuses: ['New', 'Idle'] }), [
            [s4.id, s3.id, s2.id, s1.id],
            4,
          ]);
          assert.deepEqual(await ids({ statuses: [] }), [[], 0]);
          assert.deepEqual(await ids({ chainRootId: s1.id }), [[s2.id, s1.id], 2]);
          assert.deepEqual(
            await ids({ campaignId: f.campaignId, stage: 'reco', statuses: ['New'] }),
            [[s2.id, s1.id], 2],
          );
          assert.deepEqual(await ids({ limit: 2, offset: 1 }), [[s3.id, s2.id], 4]);
          assert.deepEqual(await ids({ limit: 1000, offset: 10 }), [[], 4]);
          assert.equal((await store.submissions.list({ experiment: OTHER })).total, 1);
          assert.equal((await store.submissions.list({ experiment: 'ghost' })).total, 0);

          await invalid(store.submissions.list({ experiment: EXP, limit: 0 }), 'limit');
          await invalid(store.submissions.list({ experiment: EXP, limit: 1001 }), 'limit');
          await invalid(store.submissions.list({ experiment: EXP, limit: 1.5 }), 'limit');
          await invalid(store.submissions.list({ experiment: EXP, offset: -1 }), 'offset');
          await invalid(store.submissions.list({ experiment: EXP, offset: 0.5 }), 'offset');
        }));

      it('finds unfinished work: not progressed, or a chain root whose chain is not done', () =>
        use(async (f) => {
          const { store } = f;
          const a = await f.submission();
          f.clock.advance(1000);
          const root = await f.submission();
          f.clock.advance(1000);
          const child = await f.submission({ parentId: root.id, chainRootId: root.id });
          f.clock.advance(1000);
          const done = await f.submission();
          const unfinished = async () => (await store.submissions.unfinished()).map((s) => s.id);
          assert.deepEqual(await unfinished(), [a.id, root.id, child.id, done.id]);

          await store.submissions.setProgressed(done.id);
          await store.submissions.setChainDone(done.id);
          assert.equal((await store.submissions.get(done.id)).progressed, true);
          // A progressed recovery is finished; its root stays until its chain is done.
          await store.submissions.setProgressed(root.id);
          await store.submissions.setProgressed(child.id);
          assert.deepEqual(await unfinished(), [a.id, root.id]);

          f.clock.advance(1000);
          await store.submissions.setChainDone(root.id);
          const doneAt = f.now();
          assert.equal((await store.submissions.get(root.id)).chain_done_at, doneAt);
          assert.deepEqual(await unfinished(), [a.id]);
          f.clock.advance(1000);
          await store.submissions.setChainDone(root.id);
          assert.equal((await store.submissions.get(root.id)).chain_done_at, doneAt);
          assert.deepEqual(await unfinished(), [a.id]);
        }));
    });

    describe('transactions', () => {
      const slice = {
        spec: 'nfiles(1)',
        expectedSlices: 0,
        query: { type: 'all' as const },
        queryText: 'q',
        label: 'l',
        cursor: { ...START_CURSOR },
      };

      it('rolls back a submission and a split slice together', () =>
        use(async (f) => {
          const { store } = f;
          let created: string | undefined;
          await assert.rejects(
            store.transaction(async (tx) => {
              const { submission } = await tx.submissions.create({
                ...baseSubmission(f.campaignId),
                ledger: { snapshot: f.snapshotId },
                launchKey: 'in-tx',
              });
              created = submission.id;
              await tx.catalog.recordSlice(EXP, 'owner', slice);
              assert.equal((await tx.submissions.get(submission.id)).file_count, 6);
              assert.equal((await tx.catalog.splitSlices(EXP, 'owner')).length, 1);
              throw new Error('boom');
            }),
            /boom/,
          );
          assert.ok(created);
          await rejectsWith(store.submissions.get(created), NotFoundError);
          assert.equal(await countSubmissions(store), 0);
          assert.equal(await store.submissions.findByLaunchKey(EXP, 'in-tx'), undefined);
          assert.deepEqual(await store.catalog.splitSlices(EXP, 'owner'), []);
          assert.equal((await store.catalog.splitState(EXP, 'owner')).slices, 0);
        }));

      it('commits a submission and a split slice together', () =>
        use(async (f) => {
          const { store } = f;
          const id = await store.transaction(async (tx) => {
            const { submission } = await tx.submissions.create({
              ...baseSubmission(f.campaignId),
              ledger: { snapshot: f.snapshotId },
              launchKey: 'in-tx',
            });
            await tx.catalog.recordSlice(EXP, 'owner', slice);
            return submission.id;
          });
          assert.equal((await store.submissions.get(id)).file_count, 6);
          assert.equal((await store.submissions.ledger(id)).total, 6);
          assert.equal((await store.submissions.findByLaunchKey(EXP, 'in-tx'))?.id, id);
          assert.equal((await store.catalog.splitSlices(EXP, 'owner')).length, 1);
          assert.equal((await store.catalog.splitState(EXP, 'owner')).slices, 1);
        }));
    });

    describe('control', () => {
      it('holds globally, per experiment and per stage; holdFor finds the widest', () =>
        use(async (f) => {
          const { control } = f.store;
          const stage: HoldScope = {
            kind: 'stage',
            experiment: EXP,
            campaignId: f.campaignId,
            stage: 'reco',
          };
          assert.equal(await control.holdFor(EXP, f.campaignId, 'reco'), undefined);
          assert.deepEqual(await control.holds(), []);

          const first = await control.hold(stage, 'carol', 'checking');
          assert.deepEqual(first, {
            scope: stage,
            by: 'carol',
            reason: 'checking',
            created_at: f.now(),
          });
          f.clock.advance(1000);
          assert.deepEqual(await control.hold(stage, 'dave', 'other'), first);
          assert.deepEqual(await control.holdFor(EXP, f.campaignId, 'reco'), first);
          assert.equal(await control.holdFor(EXP, f.campaignId, 'sim'), undefined);
          assert.equal(await control.holdFor(EXP, f.campaign2Id, 'reco'), undefined);
          assert.equal(await control.holdFor(OTHER, f.campaignId, 'reco'), undefined);

          const experiment = await control.hold({ kind: 'experiment', experiment: EXP }, 'erin');
          assert.equal(experiment.reason, null);
          assert.deepEqual(experiment.scope, { kind: 'experiment', experiment: EXP });
          assert.deepEqual(await control.holdFor(EXP, f.campaignId, 'reco'), experiment);
          assert.deepEqual(await control.holdFor(EXP, f.campaign2Id, 'sim'), experiment);
          assert.equal(await control.holdFor(OTHER, f.otherCampaignId, 'reco'), undefined);

          f.clock.advance(1000);
          const global = await control.hold({ kind: 'global' }, 'root', 'maintenance');
          assert.deepEqual(global.scope, { kind: 'global' });
          assert.deepEqual(await control.holdFor(EXP, f.campaignId, 'reco'), global);
          assert.deepEqual(await control.holdFor(OTHER, f.otherCampaignId, 'reco'), global);
          const otherHold = await control.hold({ kind: 'experiment', experiment: OTHER }, 'x');

          const sortKey = (h: { scope: HoldScope }) => JSON.stringify(h.scope);
          const sorted = <T extends { scope: HoldScope }>(hs: T[]) =>
            [...hs].sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : 1));
          assert.deepEqual(sorted(await control.holds(EXP)), sorted([first, experiment, global]));
          assert.deepEqual(sorted(await control.holds(OTHER)), sorted([global, otherHold]));
          assert.deepEqual(
            sorted(await control.holds()),
            sorted([first, experiment, global, otherHold]),
          );

          assert.equal(await control.release(stage), true);
          assert.equal(await control.release(stage), false);
          assert.equal(await control.release({ kind: 'global' }), true);
          assert.deepEqual(await control.holdFor(EXP, f.campaignId, 'reco'), experiment);
          assert.equal(await control.release({ kind: 'experiment', experiment: EXP }), true);
          assert.equal(await control.holdFor(EXP, f.campaignId, 'reco'), undefined);
          assert.deepEqual(await control.holds(), [otherHold]);
        }));

      it('queues held launches once per key, oldest first, each taken once', () =>
        use(async (f) => {
          const { control } = f.store;
          const launch = {
            experiment: EXP,
            campaignId: f.campaignId,
            stage: 'reco',
            request: { stage: 'reco', parameter: 'ü', n: [1, 2] },
            by: 'bob',
          };
          const q1 = await control.queueLaunch({ ...launch, launchKey: 'k' });
          assert.equal(q1.created, true);
          assert.deepEqual(q1.entry, {
            id: q1.entry.id,
            experiment: EXP,
            campaign_id: f.campaignId,
            stage: 'reco',
            request: launch.request,
            launch_key: 'k',
            by: 'bob',
            created_at: f.now(),
            released_at: null,
            outcome: null,
          });
          f.clock.advance(1000);
          const again = await control.queueLaunch({ ...launch, launchKey: 'k', request: 'x' });
          assert.deepEqual(again, { entry: q1.entry, created: false });
          f.clock.advance(1000);
          const q2 = await control.queueLaunch(launch);
          f.clock.advance(1000);
          const q3 = await control.queueLaunch({
            ...launch,
            experiment: OTHER,
            campaignId: f.otherCampaignId,
            launchKey: 'k',
          });
          assert.equal(q3.created, true);
          f.clock.advance(1000);
          const q4 = await control.queueLaunch(launch);
          assert.equal(q4.created, true);

          const ids = async (experiment?: string) =>
            (await control.heldLaunches(experiment)).map((e) => e.id);
          assert.deepEqual(await ids(EXP), [q1.entry.id, q2.entry.id, q4.entry.id]);
          assert.deepEqual(await ids(OTHER), [q3.entry.id]);
          assert.deepEqual(await ids(), [q1.entry.id, q2.entry.id, q3.entry.id, q4.entry.id]);
          assert.deepEqual((await control.heldLaunches(EXP))[0], q1.entry);

          assert.equal(await control.takeHeldLaunch(q1.entry.id, 'launched'), true);
          assert.equal(await control.takeHeldLaunch(q1.entry.id, 'dropped'), false);
          assert.equal(await control.takeHeldLaunch('hld_nope', 'launched'), false);
          assert.deepEqual(await ids(EXP), [q2.entry.id, q4.entry.id]);
        }));

      it('keeps one schedule per stage; due ones advance compare-and-set', () =>
        use(async (f) => {
          const { control } = f.store;
          const T1 = '2030-01-01T01:00:00.000Z';
          const T2 = '2030-01-01T02:00:00.000Z';
          const T3 = '2030-01-01T03:00:00.000Z';
          const FAR = '2099-01-01T00:00:00.000Z';
          const base = {
            experiment: EXP,
            campaignId: f.campaignId,
            stage: 'reco',
            cron: '0 * * * *',
            timezone: 'UTC',
            nextRun: T1,
            by: 'bob',
          };
          const created = await control.setSchedule(base);
          assert.deepEqual(created, {
            id: created.id,
            experiment: EXP,
            campaign_id: f.campaignId,
            stage: 'reco',
            cron: '0 * * * *',
            timezone: 'UTC',
            enabled: true,
            next_run: T1,
            last_run: null,
            by: 'bob',
            created_at: f.now(),
            updated_at: f.now(),
          });
          f.clock.advance(1000);
          const replaced = await control.setSchedule({
            ...base,
            cron: '*/5 * * * *',
            timezone: 'Europe/Zurich',
            nextRun: T2,
            by: 'carol',
          });
          assert.equal(replaced.id, created.id);
          assert.deepEqual(
            [replaced.cron, replaced.timezone, replaced.next_run, replaced.by],
            ['*/5 * * * *', 'Europe/Zurich', T2, 'carol'],
          );
          assert.equal(replaced.created_at, created.created_at);
          assert.equal(replaced.updated_at, f.now());
          assert.deepEqual(await control.schedules(EXP), [replaced]);

          const sim = await control.setSchedule({ ...base, stage: 'sim', nextRun: T3 });
          const never = await control.setSchedule({ ...base, stage: 'zzz', nextRun: null });
          const later = await control.setSchedule({
            ...base,
            campaignId: f.campaign2Id,
            nextRun: FAR,
          });
          const other = await control.setSchedule({
            ...base,
            experiment: OTHER,
            campaignId: f.otherCampaignId,
            nextRun: T1,
          });
          assert.equal((await control.schedules(EXP)).length, 4);
          assert.equal((await control.schedules()).length, 5);
          assert.deepEqual(
            (await control.schedules(OTHER)).map((s) => s.id),
            [other.id],
          );

          const due = async (now: string) =>
            (await control.dueSchedules(now)).map((s) => s.id).sort();
          assert.deepEqual(await due('2030-01-01T00:59:59.999Z'), []);
          assert.deepEqual(await due(T2), [replaced.id, other.id].sort());
          assert.deepEqual(await due(T3), [replaced.id, sim.id, other.id].sort());
          assert.ok(!(await due(FAR)).includes(never.id));
          assert.ok((await due(FAR)).includes(later.id));

          f.clock.advance(1000);
          assert.equal(await control.advanceSchedule(replaced.id, T2, T3), true);
          assert.equal(await control.advanceSchedule(replaced.id, T2, FAR), false);
          const advanced = (await control.schedules(EXP)).find((s) => s.id === replaced.id);
          assert.deepEqual(
            [advanced?.next_run, advanced?.last_run, advanced?.updated_at],
            [T3, T2, f.now()],
          );
          assert.deepEqual(await due(T2), [other.id]);
          assert.equal(await control.advanceSchedule(replaced.id, T3, null), true);
          assert.ok(!(await due(FAR)).includes(replaced.id));

          assert.equal(await control.deleteSchedule(EXP, f.campaignId, 'reco'), true);
          assert.equal(await control.deleteSchedule(EXP, f.campaignId, 'reco'), false);
          assert.deepEqual((await control.schedules(EXP)).map((s) => s.stage).sort(), [
            'reco',
            'sim',
            'zzz',
          ]);
          assert.equal(await control.advanceSchedule(replaced.id, T3, null), false);
        }));
    });

    describe('ended jobs for log keeping', () => {
      it('lists final jobs with an engine id of recently updated submissions, newest first, bounded', () =>
        use(async (f) => {
          const { store } = f;
          const old = await f.submission({ jobsWithoutFiles: 2 });
          await store.submissions.recordBatch(old.id, 'b-old', ['o0', 'o1']);
          await store.submissions.updateJobs([{ submissionId: old.id, index: 0, state: 'failed' }]);
          f.clock.advance(60_000);
          const since = f.now();
          const s = await f.submission({ jobsWithoutFiles: 3 });
          await store.submissions.recordBatch(s.id, 'b', ['e0', 'e1', 'e2']);
          await store.submissions.updateJobs([
            { submissionId: s.id, index: 0, state: 'completed', exit_code: 0 },
            { submissionId: s.id, index: 1, state: 'running' },
            { submissionId: s.id, index: 2, state: 'cancelled' },
          ]);
          const never = await f.submission({ jobsWithoutFiles: 1 });
          await store.submissions.updateJobs([
            { submissionId: never.id, index: 0, state: 'cancelled' },
          ]);
          const ended = await store.submissions.endedJobsSince(since, 10);
          assert.deepEqual(
            ended.map((j) => [
              j.submission_id,
              j.experiment,
              j.index,
              j.engine,
              j.engine_id,
              j.state,
            ]),
            [
              [s.id, EXP, 0, 'local', 'e0', 'completed'],
              [s.id, EXP, 2, 'local', 'e2', 'cancelled'],
            ],
          );
          assert.equal(
            ended[0]?.submission_updated_at,
            (await store.submissions.get(s.id)).updated_at,
          );
          assert.equal((await store.submissions.endedJobsSince(since, 1)).length, 1);
          const all = await store.submissions.endedJobsSince('2000-01-01T00:00:00.000Z', 10);
          assert.deepEqual(
            all.map((j) => j.engine_id),
            ['e0', 'e2', 'o0'],
          );
          await invalid(store.submissions.endedJobsSince(since, 0), 'limit');
        }));

      it('counts submissions, jobs, the executor queue, held launches and unsent notifications for metrics', () =>
        use(async (f) => {
          const { store } = f;
          assert.deepEqual(await store.metrics.counts(), {
            submissions: [],
            jobs: [],
            unfinished: 0,
            heldLaunches: [],
            notificationQueue: [],
          });
          // 3 local jobs, 1 slurm job, 1 local job in the other experiment.
          const a = await f.submission({
            ledger: { snapshot: f.snapshotId },
            inputSnapshotId: f.snapshotId,
          });
          const b = await f.submission({ engine: 'slurm' });
          await f.submission({ experiment: OTHER, campaignId: f.otherCampaignId });
          await store.submissions.recordBatch(a.id, 'batch-a', ['e0', 'e1', 'e2']);
          await store.submissions.updateJobs([
            { submissionId: a.id, index: 0, state: 'completed' },
          ]);
          await store.submissions.changeStatus(a.id, {
            expected: 'New',
            to: 'Running',
            reason: 'r',
          });
          // Final, progressed and its chain done: the executor has nothing left to do with b.
          await store.submissions.changeStatus(b.id, {
            expected: 'New',
            to: 'Located',
            reason: 'l',
          });
          await store.submissions.setProgressed(b.id);
          await store.submissions.setChainDone(b.id);
          const launch = { campaignId: f.campaignId, stage: 'reco', request: {}, by: 'bob' };
          const taken = await store.control.queueLaunch({ ...launch, experiment: EXP });
          await store.control.queueLaunch({ ...launch, experiment: EXP, launchKey: 'k2' });
          await store.control.queueLaunch({
            ...launch,
            experiment: OTHER,
            campaignId: f.otherCampaignId,
          });
          await store.control.takeHeldLaunch(taken.entry.id, 'launched');
          // The notification outbox: two webhooks (one sent since), an e-mail, a digest row.
          const event = {
            key: 'k',
            kind: 'stage_located' as const,
            experiment: EXP,
            campaign_id: f.campaignId,
            campaign: 'c',
            stage: 'reco',
            submission_id: null,
            at: f.now(),
            summary: 's',
          };
          const row = (id: string, channel: 'email' | 'webhook' | 'digest') => ({
            id,
            username: 'bob',
            channel,
            event,
            state: channel === 'digest' ? ('held' as const) : ('pending' as const),
          });
          await store.notifications.enqueue([
            row('n1', 'webhook'),
            row('n2', 'webhook'),
            row('n3', 'email'),
            row('n4', 'digest'),
          ]);
          const sent = (await store.notifications.outbox()).find((r) => r.id === 'n1');
          assert.ok(sent && (await store.notifications.claim('n1', sent.next_at, sent.next_at)));
          await store.notifications.markSent('n1');

          const counts = await store.metrics.counts();
          const sorted = (rows: readonly object[]) => rows.map((r) => JSON.stringify(r)).sort();
          assert.deepEqual(
            sorted(counts.submissions),
            sorted([
              { experiment: EXP, status: 'Located', count: 1 },
              { experiment: EXP, status: 'Running', count: 1 },
              { experiment: OTHER, status: 'New', count: 1 },
            ]),
          );
          assert.deepEqual(
            sorted(counts.jobs),
            sorted([
              { experiment: EXP, engine: 'local', state: 'completed', count: 1 },
              { experiment: EXP, engine: 'local', state: 'queued', count: 2 },
              { experiment: EXP, engine: 'slurm', state: 'pending', count: 1 },
              { experiment: OTHER, engine: 'local', state: 'pending', count: 1 },
            ]),
          );
          assert.equal(counts.unfinished, 2);
          assert.equal(counts.unfinished, (await store.submissions.unfinished()).length);
          assert.deepEqual(
            sorted(counts.heldLaunches),
            sorted([
              { experiment: EXP, count: 1 },
              { experiment: OTHER, count: 1 },
            ]),
          );
          assert.deepEqual(
            sorted(counts.notificationQueue),
            sorted([
              { channel: 'webhook', count: 1 },
              { channel: 'email', count: 1 },
              { channel: 'digest', count: 1 },
            ]),
          );
        }));

      it('lists failed jobs across submissions for triage, with their open files', () =>
        use(async (f) => {
          const { store } = f;
          const since = f.now();
          // Two jobs of two files: job 0 fails (exit 3), job 1 exits 0 but fails one file.
          const a = await f.submission({
            ledger: { files: ['a.root', 'b.root', 'c.root', 'd.root'] },
            filesPerJob: 2,
          });
          await store.submissions.updateJobs([
            { submissionId: a.id, index: 0, state: 'failed', exit_code: 3, ended_at: f.now() },
            { submissionId: a.id, index: 1, state: 'completed', exit_code: 0, ended_at: f.now() },
          ]);
          await store.submissions.reportFiles(a.id, 0, [{ name: 'a.root', state: 'failed' }]);
          await store.submissions.reportFiles(a.id, 1, [
            { name: 'c.root', state: 'consumed' },
            { name: 'd.root', state: 'failed' },
          ]);
          // A clean job, a cancelled one, and a failed job of another stage and experiment.
          const clean = await f.submission({ ledger: { files: ['e.root'] } });
          await store.submissions.updateJobs([
            { submissionId: clean.id, index: 0, state: 'completed', exit_code: 0 },
          ]);
          const killed = await f.submission({ stage: 'other' });
          await store.submissions.updateJobs([
            { submissionId: killed.id, index: 0, state: 'cancelled', exit_code: 137 },
          ]);
          const other = await f.submission({ experiment: OTHER, campaignId: f.otherCampaignId });
          await store.submissions.updateJobs([
            { submissionId: other.id, index: 0, state: 'failed', exit_code: 1 },
          ]);
          const failed = await store.submissions.failedJobs({ experiment: EXP, since, limit: 10 });
          assert.deepEqual(
            failed
              .map((j) => [j.submission_id, j.index, j.exit_code, j.failed_files, j.open_files])
              .sort(),
            [
              [a.id, 0, 3, 1, 2],
              [a.id, 1, 0, 1, 1],
            ],
          );
          assert.equal(failed[0]?.campaign, 'camp');
          assert.equal(failed[0]?.stage, 'reco');
          assert.equal(
            (await store.submissions.failedJobs({ experiment: EXP, since, limit: 1 })).length,
            1,
          );
          assert.deepEqual(
            await store.submissions.failedJobs({ experiment: EXP, since, limit: 10, stage: 'x' }),
            [],
          );
          assert.deepEqual(
            await store.submissions.failedJobs({
              experiment: EXP,
              since: '2999-01-01T00:00:00.000Z',
              limit: 10,
            }),
            [],
          );
          const jobs = [
            { submissionId: a.id, index: 0 },
            { submissionId: a.id, index: 1 },
          ];
          assert.deepEqual(
            (await store.submissions.openFiles(jobs)).map((o) => [o.file, o.job_index]),
            [
              ['a.root', 0],
              ['b.root', 0],
              ['d.root', 1],
            ],
          );
          // A later submission of the stage consumed b.root: it is not open any more.
          const later = await f.submission({ ledger: { files: ['b.root'] } });
          await store.submissions.reportFiles(later.id, 0, [{ name: 'b.root', state: 'consumed' }]);
          assert.deepEqual(
            (await store.submissions.openFiles(jobs)).map((o) => o.file),
            ['a.root', 'd.root'],
          );
          await invalid(
            store.submissions.failedJobs({ experiment: EXP, since, limit: 0 }),
            'limit',
          );
        }));
    });
  });
}
