// Scenarios of the execution core, run on each store (execution.sqlite.test.ts,
// execution.postgres.test.ts) with the local engine and the real job runtime.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { SubmissionRecord } from '../../ports/submissions.ts';
import { EXPERIMENT, type Harness } from './execution-testing.ts';

/** A campaign file with the harness's programs; `stages` is YAML indented by two spaces. */
function campaign(
  name: string,
  bin: string,
  stages: string,
  extraJobTypes = '',
  setup = '',
): string {
  return `campaign: ${name}
defaults:
  launch_setup: here
job_types:
  gen:
    command: ${bin}/gen.sh
    jobs: 3
    output_patterns: ["gen_%"]
  proc:
    command: ${bin}/proc.sh
    output_patterns: ["out_%", "all_%"]
${extraJobTypes}
launch_setups:
  here:
    engine: local
${setup}
stages:
${stages}
`;
}

function byStage(all: readonly SubmissionRecord[], stage: string): SubmissionRecord[] {
  return all.filter((s) => s.stage === stage);
}

async function ledgerStates(h: Harness, id: string): Promise<Record<string, string>> {
  const page = await h.server.store.submissions.ledger(id);
  return Object.fromEntries(page.items.map((e) => [e.file, e.state]));
}

export function describeExecutionScenarios(name: string, open: () => Promise<Harness>): void {
  describe(name, () => {
    let h: Harness;
    before(async () => {
      h = await open();
    });
    after(async () => {
      await h.close();
    });

    it('runs a generator, hands its outputs on, recovers failed files and feeds the next stage', async () => {
      await h.campaign(
        campaign(
          'chain',
          h.bin,
          `  make:
    type: generator
    job_type: gen
  work:
    needs: [make]
    job_type: proc
    overrides: [["--fail=", "_1.dat"]]
  merge:
    needs: [work]
    job_type: merger`,
          `    recovery:
      - type: consumed_status
        overrides: [["--fail=", ""]]
  merger:
    command: ${h.bin}/merge.sh
    invoke: once
    files_per_job: 100
    output_patterns: ["merged_%"]`,
        ),
      );
      const outcome = await h.launch('chain', 'make');
      assert.equal(outcome.kind, 'launched');
      const all = await h.settle();
      const [make] = byStage(all, 'make');
      const work = byStage(all, 'work');
      const [merge] = byStage(all, 'merge');
      assert.ok(make && merge);
      assert.equal(make.status, 'Located');
      assert.equal(make.job_count, 3);
      // The first pass fails the file of job 1; the recovery relaunches exactly that file.
      assert.equal(work.length, 2);
      const [first, recovery] = work;
      assert.ok(first && recovery);
      assert.equal(first.status, 'Located');
      assert.equal(recovery.recovery_type, 'consumed_status');
      assert.equal(recovery.parent_id, first.id);
      assert.equal(recovery.chain_root_id, first.id);
      assert.equal(recovery.file_count, 1);
      const firstStats = await h.server.store.submissions.statistics(first.id);
      assert.deepEqual(
        [firstStats.submitted, firstStats.consumed, firstStats.failed, firstStats.unknown],
        [3, 2, 1, 0],
      );
      const [failedFile] = Object.entries(await ledgerStates(h, first.id)).find(
        ([, state]) => state === 'failed',
      ) ?? [''];
      assert.deepEqual(Object.keys(await ledgerStates(h, recovery.id)), [failedFile]);
      // Downstream waits for the whole chain and gets the outputs of both passes.
      assert.equal(merge.status, 'Located');
      assert.equal(merge.file_count, 3);
      assert.deepEqual(merge.upstream_ids, [first.id]);
      const merged = await h.server.store.submissions.outputs(merge.id);
      assert.equal(merged.length, 1);
      const file = await h.server.store.catalog.getFile(EXPERIMENT, merged[0]?.file ?? '');
      assert.equal(file.parents.length, 3);
      assert.equal(file.metadata['poms.stage'], 'merge');
      assert.match(file.checksum ?? '', /^adler32:[0-9a-f]{8}$/);
      // Provenance: the merged file back to the generator's jobs and the campaign revision.
      const walked = await h.server.store.catalog.provenance(EXPERIMENT, file.name, {
        direction: 'ancestors',
      });
      const producers = walked.nodes.map((n) => n.produced_by);
      assert.deepEqual([...new Set(producers.map((p) => p?.stage))].sort(), [
        'make',
        'merge',
        'work',
      ]);
      assert.ok(producers.every((p) => p?.campaign === 'chain' && p.campaign_revision === 1));
      assert.deepEqual(
        walked.nodes
          .filter((n) => n.produced_by?.stage === 'make')
          .map((n) => n.produced_by?.job_index)
          .sort(),
        [0, 1, 2],
      );
      // And forwards: what the campaign's revision 1 produced, per stage.
      const record = await h.server.store.campaigns.get(EXPERIMENT, 'chain');
      const produced = await h.server.store.catalog.producedFiles(EXPERIMENT, {
        campaign_id: record.id,
        revision: 1,
        stage: 'make',
      });
      assert.equal(produced.total, 3);
      assert.ok(produced.items.every((p) => p.located && p.produced_by.submission_id === make.id));
      const none = await h.server.store.catalog.producedFiles(EXPERIMENT, {
        campaign_id: record.id,
        revision: 2,
      });
      assert.equal(none.total, 0);
      // History: New → Idle → (Running) → Completed → Located, never backwards.
      const history = (await h.server.store.submissions.history(first.id)).map((e) => e.status);
      assert.equal(history[0], 'New');
      assert.equal(history.at(-1), 'Located');
      assert.ok(history.includes('Completed'));
    });

    it('process_status relaunches the files of failed jobs, consumed ones included', async () => {
      await h.declareInputs(['ps_a', 'ps_b', 'ps_c', 'ps_d']);
      await h.campaign(
        campaign(
          'procstatus',
          h.bin,
          `  work:
    input: "file_name like 'ps_%%'"
    job_type: pairs
    overrides: [["--fail=", "ps_b"]]`,
          `  pairs:
    command: ${h.bin}/proc.sh
    files_per_job: 2
    output_patterns: ["out_%"]
    recovery:
      - type: process_status
        overrides: [["--fail=", ""]]`,
        ),
      );
      await h.launch('procstatus', 'work');
      const all = await h.settle();
      const [first, recovery] = byStage(all, 'work').filter((s) => s.campaign === 'procstatus');
      assert.ok(first && recovery);
      // Job 0 had ps_a (consumed) and ps_b (failed): both go again; job 1 was fine.
      assert.deepEqual(Object.keys(await ledgerStates(h, recovery.id)).sort(), ['ps_a', 'ps_b']);
      assert.equal(recovery.status, 'Located');
    });

    it('delivered_not_consumed relaunches files a dead job never reported', async () => {
      await h.declareInputs(['dn_a', 'dn_b']);
      await h.campaign(
        campaign(
          'dnc',
          h.bin,
          `  work:
    input: "file_name like 'dn_%%'"
    job_type: dies
    overrides: [["--die=", "dn_b"]]`,
          `  dies:
    command: ${h.bin}/proc.sh
    output_patterns: ["out_%"]
    recovery:
      - type: delivered_not_consumed
        overrides: [["--die=", ""]]`,
        ),
      );
      await h.launch('dnc', 'work');
      const all = (await h.settle()).filter((s) => s.campaign === 'dnc');
      const [first, recovery] = all;
      assert.ok(first && recovery);
      assert.deepEqual(await ledgerStates(h, first.id), { dn_a: 'consumed', dn_b: 'delivered' });
      assert.deepEqual(Object.keys(await ledgerStates(h, recovery.id)), ['dn_b']);
      assert.deepEqual(await ledgerStates(h, recovery.id), { dn_b: 'consumed' });
    });

    it('pending_files relaunches inputs consumed without any output', async () => {
      await h.declareInputs(['pf_a', 'pf_b']);
      await h.campaign(
        campaign(
          'pending',
          h.bin,
          `  work:
    input: "file_name like 'pf_%%'"
    job_type: quiet
    overrides: [["--quiet=", "pf_a"]]`,
          `  quiet:
    command: ${h.bin}/proc.sh
    output_patterns: ["out_%"]
    recovery:
      - type: consumed_status
      - type: pending_files
        overrides: [["--quiet=", ""]]`,
        ),
      );
      await h.launch('pending', 'work');
      const all = (await h.settle()).filter((s) => s.campaign === 'pending');
      assert.equal(all.length, 2);
      const [first, recovery] = all;
      assert.ok(first && recovery);
      // consumed_status found nothing (both consumed); pending_files found pf_a.
      assert.equal(recovery.recovery_type, 'pending_files');
      assert.equal(recovery.recovery_step, 1);
      assert.deepEqual(Object.keys(await ledgerStates(h, recovery.id)), ['pf_a']);
      const stats = await h.server.store.submissions.statistics(first.id);
      assert.equal(stats.pending, 1);
    });

    it('keep-up launches as the dataset grows, and never delivers a file twice', async () => {
      await h.declareInputs(['ku_1', 'ku_2', 'ku_3'], { data_tier: 'raw_ku' });
      await h.campaign(
        campaign(
          'keepup',
          h.bin,
          `  work:
    input: "data_tier = raw_ku"
    split: drainingn(10)
    job_type: proc
    keep_up: {files: 3}`,
        ),
      );
      const keepUp = h.server.execution.keepUp;
      const mine = async () =>
        (await h.settle()).filter((s) => s.campaign === 'keepup' && s.recovery_type === null);
      assert.equal((await keepUp.runDue(true)).length, 1, 'three new files: a launch');
      assert.equal((await mine()).length, 1);
      assert.equal((await keepUp.runDue(true)).length, 0, 'nothing new: no launch');
      await h.declareInputs(['ku_4', 'ku_5'], { data_tier: 'raw_ku' });
      assert.equal((await keepUp.runDue(true)).length, 0, 'two new files are not yet three');
      await h.declareInputs(['ku_6'], { data_tier: 'raw_ku' });
      const second = await keepUp.runDue(true);
      assert.equal(second.length, 1);
      assert.equal((await keepUp.runDue(true)).length, 0, 'the files the slice took are not new');
      const launched = await mine();
      assert.equal(launched.length, 2);
      assert.ok(launched.every((s) => s.origin === 'keep-up' && s.status === 'Located'));
      // Every file delivered exactly once over both launches.
      const delivered = (
        await Promise.all(launched.map(async (s) => Object.keys(await ledgerStates(h, s.id))))
      ).flat();
      assert.deepEqual(delivered.sort(), ['ku_1', 'ku_2', 'ku_3', 'ku_4', 'ku_5', 'ku_6']);
    });

    it('keep-up after a while launches on fewer files than asked', async () => {
      await h.declareInputs(['kt_1'], { data_tier: 'raw_kt' });
      await h.campaign(
        campaign(
          'keepup_after',
          h.bin,
          `  work:
    input: "data_tier = raw_kt"
    split: draining
    job_type: proc
    keep_up: {files: 100, after: 1s}`,
        ),
      );
      const keepUp = h.server.execution.keepUp;
      assert.equal((await keepUp.runDue(true)).length, 0, 'one file, and the wait begins');
      await new Promise((r) => setTimeout(r, 1200));
      assert.equal((await keepUp.runDue(true)).length, 1, 'one file after the wait: a launch');
      const done = (await h.settle()).filter((s) => s.campaign === 'keepup_after');
      assert.equal(done.length, 1);
      assert.deepEqual(Object.keys(await ledgerStates(h, done[0]?.id ?? '')), ['kt_1']);
      assert.equal((await keepUp.runDue(true)).length, 0, 'nothing new since');
    });

    it('added_files recovers files added to the dataset after the launch', async () => {
      await h.declareInputs(['af_1', 'af_2'], { data_tier: 'raw_af' });
      await h.campaign(
        campaign(
          'added',
          h.bin,
          `  work:
    input: "data_tier = raw_af"
    job_type: grows`,
          `  grows:
    command: ${h.bin}/proc.sh
    output_patterns: ["out_%"]
    recovery:
      - type: added_files`,
        ),
      );
      await h.launch('added', 'work');
      let all = (await h.settle()).filter((s) => s.campaign === 'added');
      assert.equal(all.length, 1, 'nothing was added yet: no recovery');
      await h.declareInputs(['af_3'], { data_tier: 'raw_af' });
      const [first] = all;
      assert.ok(first);
      const outcome = await h.server.execution.control.recover(first.id, 'bob', 'added_files');
      assert.equal(outcome.kind, 'launched');
      all = (await h.settle()).filter((s) => s.campaign === 'added');
      const recovery = all[1];
      assert.ok(recovery);
      assert.deepEqual(Object.keys(await ledgerStates(h, recovery.id)), ['af_3']);
      assert.equal(recovery.launcher, 'bob');
    });

    it('a self-edge walks the whole split, one slice after the other', async () => {
      await h.declareInputs(['se_1', 'se_2', 'se_3', 'se_4', 'se_5']);
      await h.campaign(
        campaign(
          'selfedge',
          h.bin,
          `  walk:
    needs: [walk]
    input: "file_name like 'se_%%'"
    split: nfiles(2)
    job_type: proc`,
        ),
      );
      await h.launch('selfedge', 'walk');
      const all = (await h.settle()).filter((s) => s.campaign === 'selfedge');
      assert.deepEqual(
        all.map((s) => [s.split_seq, s.file_count, s.origin, s.status]),
        [
          [1, 2, 'manual', 'Located'],
          [2, 2, 'next-slice', 'Located'],
          [3, 1, 'next-slice', 'Located'],
        ],
      );
      assert.ok(h.logs.some((l) => l.includes('next slice of walk: nothing')));
    });

    it('fan-in: wait each launches per parent, wait all once with every parent', async () => {
      await h.campaign(
        campaign(
          'fanin',
          h.bin,
          `  left:
    type: generator
    job_type: gen
  right:
    type: generator
    job_type: gen
  each:
    needs: [left, right]
    job_type: proc
  every:
    needs: [left, right]
    wait: all
    job_type: proc
    overrides: [["--prefix=", "all"]]`,
        ),
      );
      await h.launch('fanin', 'left');
      let all = (await h.settle()).filter((s) => s.campaign === 'fanin');
      assert.equal(byStage(all, 'each').length, 1);
      assert.equal(byStage(all, 'every').length, 0, 'right is not done yet');
      await h.launch('fanin', 'right');
      all = (await h.settle()).filter((s) => s.campaign === 'fanin');
      const each = byStage(all, 'each');
      const every = byStage(all, 'every');
      assert.equal(each.length, 2);
      assert.deepEqual(
        each.map((s) => s.file_count),
        [3, 3],
      );
      assert.equal(every.length, 1);
      assert.equal(every[0]?.file_count, 6);
      assert.equal(every[0]?.upstream_ids.length, 2);
    });

    it('approval waits for a person; approve passes the input on, reject removes', async () => {
      await h.campaign(
        campaign(
          'gate',
          h.bin,
          `  make:
    type: generator
    job_type: gen
  check:
    type: approval
    needs: [make]
  publish:
    needs: [check]
    job_type: proc`,
        ),
      );
      await h.launch('gate', 'make');
      let all = (await h.settle()).filter((s) => s.campaign === 'gate');
      const [check] = byStage(all, 'check');
      assert.equal(check?.status, 'Awaiting Approval');
      assert.equal(check?.job_count, 0);
      assert.equal(byStage(all, 'publish').length, 0);
      await h.server.execution.control.approve(check.id, 'carol');
      all = (await h.settle()).filter((s) => s.campaign === 'gate');
      const [publish] = byStage(all, 'publish');
      assert.equal(publish?.file_count, 3, 'the generator outputs, passed through the gate');
      assert.equal(publish?.status, 'Located');
      const approved = await h.server.store.submissions.history(check.id);
      assert.ok(approved.some((e) => e.status === 'Completed' && e.by === 'carol'));

      await h.launch('gate', 'make');
      all = (await h.settle()).filter((s) => s.campaign === 'gate');
      const second = byStage(all, 'check')[1];
      assert.ok(second);
      const removed = await h.server.execution.control.reject(second.id, 'carol');
      assert.equal(removed.status, 'Removed');
      all = (await h.settle()).filter((s) => s.campaign === 'gate');
      assert.equal(byStage(all, 'publish').length, 1, 'a rejected gate launches nothing');
      await assert.rejects(h.server.execution.control.approve(second.id, 'carol'), {
        code: 'submission.bad-state',
      });
    });

    it('a data-transfer stage runs its job and passes its input through', async () => {
      await h.campaign(
        campaign(
          'transfer',
          h.bin,
          `  make:
    type: generator
    job_type: gen
  copy:
    type: datatransfer
    needs: [make]
    job_type: proc
    overrides: [["--prefix=", "copy"]]
  use:
    needs: [copy]
    job_type: proc`,
        ),
      );
      await h.launch('transfer', 'make');
      const all = (await h.settle()).filter((s) => s.campaign === 'transfer');
      const [make] = byStage(all, 'make');
      const [use] = byStage(all, 'use');
      assert.ok(make && use);
      const usedFiles = Object.keys(await ledgerStates(h, use.id));
      assert.equal(usedFiles.length, 3);
      assert.ok(
        usedFiles.every((f) => f.startsWith('gen_')),
        'the input, not the copies',
      );
    });

    it('holds queue launches (manual and automatic) and release drains the queue', async () => {
      await h.campaign(
        campaign(
          'held',
          h.bin,
          `  make:
    type: generator
    job_type: gen
  after:
    needs: [make]
    job_type: proc`,
        ),
      );
      const record = await h.server.store.campaigns.get(EXPERIMENT, 'held');
      const stageScope = {
        kind: 'stage' as const,
        experiment: EXPERIMENT,
        campaignId: record.id,
        stage: 'after',
      };
      await h.server.execution.control.hold({ kind: 'experiment', experiment: EXPERIMENT }, 'dave');
      await h.server.execution.control.hold(stageScope, 'dave');
      const queued = await h.launch('held', 'make');
      assert.equal(queued.kind, 'held');
      assert.equal((await h.submissions()).filter((s) => s.campaign === 'held').length, 0);
      // Releasing the experiment launches make; its dependent is still held at its stage.
      const released = await h.server.execution.control.release(
        { kind: 'experiment', experiment: EXPERIMENT },
        'dave',
      );
      assert.deepEqual(
        released.launched.map((o) => o.kind),
        ['launched'],
      );
      let all = (await h.settle()).filter((s) => s.campaign === 'held');
      assert.deepEqual(
        all.map((s) => s.stage),
        ['make'],
      );
      const waiting = await h.server.execution.control.heldLaunches(EXPERIMENT);
      assert.equal(waiting.length, 1);
      assert.equal(waiting[0]?.stage, 'after');
      await h.server.execution.control.release(stageScope, 'dave');
      all = (await h.settle()).filter((s) => s.campaign === 'held');
      assert.deepEqual(
        all.map((s) => s.stage),
        ['make', 'after'],
      );
      assert.equal((await h.server.execution.control.heldLaunches(EXPERIMENT)).length, 0);
    });

    it('kill cancels a running submission and its jobs', async () => {
      await h.campaign(
        campaign(
          'long',
          h.bin,
          `  nap:
    type: generator
    job_type: sleeper`,
          `  sleeper:
    command: ${h.bin}/sleep.sh
    jobs: 2`,
        ),
      );
      const outcome = await h.launch('long', 'nap');
      assert.equal(outcome.kind, 'launched');
      if (outcome.kind !== 'launched') return;
      const id = outcome.submission.id;
      for (let i = 0; i < 100; i++) {
        const jobs = await h.server.store.submissions.jobs(id);
        if (jobs.every((j) => j.state === 'running')) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const result = await h.server.execution.control.kill({ kind: 'submission', id }, 'erin');
      assert.equal(result.jobs, 2);
      await h.settle();
      const killed = await h.server.store.submissions.get(id);
      assert.equal(killed.status, 'Cancelled');
      const jobs = await h.server.store.submissions.jobs(id);
      assert.deepEqual(
        jobs.map((j) => j.state),
        ['cancelled', 'cancelled'],
      );
    });

    it('a dry run shows every job and changes nothing', async () => {
      await h.declareInputs(['dr_1', 'dr_2', 'dr_3']);
      await h.campaign(
        campaign(
          'dry',
          h.bin,
          `  walk:
    input: "file_name like 'dr_%%'"
    split: nfiles(2)
    job_type: proc
    overrides: [["--prefix=", "%(experiment)s"]]`,
        ),
      );
      const record = await h.server.store.campaigns.get(EXPERIMENT, 'dry');
      const owner = `${record.id}/walk`;
      const before = {
        state: await h.server.store.catalog.splitState(EXPERIMENT, owner),
        submissions: (await h.submissions()).length,
      };
      const request = { experiment: EXPERIMENT, campaign: 'dry', stage: 'walk', launcher: 'alice' };
      const first = await h.server.execution.dryRun(request);
      const second = await h.server.execution.dryRun(request);
      assert.deepEqual(first, second, 'the same answer twice: nothing moved');
      assert.equal(first.outcome, 'would-launch');
      if (first.outcome !== 'would-launch') return;
      assert.equal(first.jobs_total, 2);
      assert.deepEqual(
        first.jobs.map((j) => j.files),
        [['dr_1'], ['dr_2']],
      );
      assert.deepEqual(first.jobs[0]?.runs[0]?.argv.slice(0, 2), [
        `${h.bin}/proc.sh`,
        '--prefix=exp',
      ]);
      assert.match(first.jobs[0]?.runs[0]?.argv[2] ?? '', /inputs\/dr_1$/);
      assert.equal(first.jobs[1]?.env.POMS_JOB_INDEX, '1');
      assert.equal(first.jobs[0]?.env.POMS4_CAMPAIGN_NAME, 'dry');
      assert.deepEqual(first.split, { spec: 'nfiles(2)', slice: 1, label: first.split?.label });
      assert.deepEqual(
        {
          state: await h.server.store.catalog.splitState(EXPERIMENT, owner),
          submissions: (await h.submissions()).length,
        },
        before,
      );
    });

    it('a test launch uses the test split and overrides, and its dependents are tests too', async () => {
      await h.declareInputs(['tl_1', 'tl_2', 'tl_3']);
      await h.campaign(
        campaign(
          'testing',
          h.bin,
          `  first:
    input: "file_name like 'tl_%%'"
    test_split: limitn(1)
    job_type: tproc
    test_overrides: [["--prefix=", "t"]]
  second:
    needs: [first]
    job_type: tproc`,
          `  tproc:
    command: ${h.bin}/proc.sh
    output_patterns: ["out_%", "t_%"]`,
        ),
      );
      const outcome = await h.launch('testing', 'first', { test: true });
      assert.equal(outcome.kind, 'launched');
      const all = (await h.settle()).filter((s) => s.campaign === 'testing');
      assert.deepEqual(
        all.map((s) => [s.stage, s.test, s.file_count, s.status]),
        [
          ['first', true, 1, 'Located'],
          ['second', true, 1, 'Located'],
        ],
      );
      const outputs = await h.server.store.submissions.outputs(all[0]?.id ?? '');
      assert.match(outputs[0]?.file ?? '', /^t_tl_1$/);
      // The test launch took its own cursor: production's split has not moved.
      const record = await h.server.store.campaigns.get(EXPERIMENT, 'testing');
      const production = await h.server.store.catalog.splitState(EXPERIMENT, `${record.id}/first`);
      assert.equal(production.slices, 0);
    });

    it('a multiparam generator gets one value per launch as %(dataset)s, walking its self-edge', async () => {
      await h.campaign(
        campaign(
          'scan',
          h.bin,
          `  points:
    type: generator
    needs: [points]
    input: [["1", "2"], ["a"]]
    split: multiparam
    job_type: gen
    overrides: [["--point=", "%(dataset)s"]]`,
        ),
      );
      await h.launch('scan', 'points');
      const all = (await h.settle()).filter((s) => s.campaign === 'scan');
      assert.deepEqual(
        all.map((s) => [s.parameter, s.job_count, s.status]),
        [
          ['1_a', 3, 'Located'],
          ['2_a', 3, 'Located'],
        ],
      );
      const config = (await h.server.store.submissions.config(all[1]?.id ?? '')) as {
        launch: { command: string[] };
      };
      assert.ok(config.launch.command.includes('--point=2_a'));
    });

    it('holds and releases jobs, and kills one job of a submission', async () => {
      await h.campaign(
        campaign(
          'pausing',
          h.bin,
          `  nap:
    type: generator
    job_type: sleeper`,
          `  sleeper:
    command: ${h.bin}/sleep.sh
    jobs: 2`,
        ),
      );
      const outcome = await h.launch('pausing', 'nap');
      assert.equal(outcome.kind, 'launched');
      if (outcome.kind !== 'launched') return;
      const id = outcome.submission.id;
      const jobStates = async () => (await h.server.store.submissions.jobs(id)).map((j) => j.state);
      const waitFor = async (want: (states: string[]) => boolean, what: string) => {
        for (let i = 0; i < 100; i++) {
          const states = await jobStates();
          if (want(states)) return states;
          await new Promise((r) => setTimeout(r, 100));
        }
        assert.fail(`jobs never ${what}: ${(await jobStates()).join(',')}`);
      };
      // The job rows move first (the poll), the submission's status later in the same cycle.
      const statusBecomes = async (want: string) => {
        for (let i = 0; i < 100; i++) {
          if ((await h.server.store.submissions.get(id)).status === want) return;
          await new Promise((r) => setTimeout(r, 50));
        }
        assert.equal((await h.server.store.submissions.get(id)).status, want);
      };
      await waitFor((s) => s.every((x) => x === 'running'), 'ran');
      await h.server.execution.control.holdJobs({ kind: 'submission', id }, 'frank');
      await waitFor((s) => s.every((x) => x === 'held'), 'were held');
      await statusBecomes('Held');
      await h.server.execution.control.releaseJobs({ kind: 'submission', id }, 'frank');
      await waitFor((s) => s.every((x) => x === 'running'), 'ran again');
      await statusBecomes('Running');
      // One job only: the submission goes on with the other.
      await h.server.execution.control.kill({ kind: 'submission', id, indexes: [0] }, 'frank');
      await waitFor((s) => s[0] === 'cancelled' && s[1] === 'running', 'lost job 0 only');
      assert.equal((await h.server.store.submissions.get(id)).status, 'Running');
      await h.server.execution.control.kill(
        { kind: 'stage', experiment: EXPERIMENT, campaign: 'pausing', stage: 'nap' },
        'frank',
      );
      await h.settle();
      assert.equal((await h.server.store.submissions.get(id)).status, 'Cancelled');
      await assert.rejects(
        h.server.execution.control.kill(
          { kind: 'stage', experiment: EXPERIMENT, campaign: 'pausing', stage: 'nope' },
          'frank',
        ),
        { code: 'launch.unknown-stage' },
      );
    });

    it('a launch its engine cannot take is LaunchFailed, with the reason, not lost', async () => {
      await h.campaign(
        `campaign: elsewhere
job_types:
  gen:
    command: ${h.bin}/gen.sh
launch_setups:
  cluster:
    engine: htcondor
stages:
  make:
    type: generator
    job_type: gen
    launch_setup: cluster
`,
      );
      const outcome = await h.launch('elsewhere', 'make');
      assert.equal(outcome.kind, 'launched');
      if (outcome.kind !== 'launched') return;
      for (let i = 0; i < 50; i++) {
        if ((await h.server.store.submissions.get(outcome.submission.id)).status !== 'New') break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const failed = await h.server.store.submissions.get(outcome.submission.id);
      assert.equal(failed.status, 'LaunchFailed');
      const history = await h.server.store.submissions.history(failed.id);
      // HTCondor cannot be installed here: its submit command is missing, and the reason says so.
      assert.match(history.at(-1)?.reason ?? '', /condor_\w+: not found on this machine/);
      await h.server.execution.control.kill({ kind: 'submission', id: failed.id }, 'alice');
    });

    it("job endpoints answer only their own submission's token, and keep outputs in place", async () => {
      await h.campaign(
        campaign(
          'tokens',
          h.bin,
          `  nap:
    type: generator
    job_type: sleeper`,
          `  sleeper:
    command: ${h.bin}/sleep.sh
    jobs: 1`,
        ),
      );
      const a = await h.launch('tokens', 'nap');
      const b = await h.launch('tokens', 'nap');
      assert.ok(a.kind === 'launched' && b.kind === 'launched');
      const { jobToken } = await import('./tokens.ts');
      const secret = (
        h.server.execution.executor as unknown as { options: { jobSecret: Uint8Array } }
      ).options.jobSecret;
      const tokenA = jobToken(secret, a.submission.id);
      const call = (id: string, path: string, token: string, body?: unknown) =>
        fetch(`${h.server.url}/api/v1/jobs/${id}/0/${path}`, {
          method: body === undefined ? 'GET' : 'POST',
          headers: {
            authorization: `Bearer ${token}`,
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
      assert.equal((await call(a.submission.id, 'spec', tokenA)).status, 200);
      assert.equal((await call(b.submission.id, 'spec', tokenA)).status, 401);
      assert.equal((await call(a.submission.id, 'spec', 'wrong')).status, 401);
      assert.equal((await call('sub_nosuchthing00000000000000', 'spec', tokenA)).status, 401);
      const outside = await call(a.submission.id, 'outputs', tokenA, {
        files: [{ name: 'passwd', path: '/etc/passwd' }],
      });
      assert.equal(outside.status, 400);
      assert.equal(
        ((await outside.json()) as { error: { code: string } }).error.code,
        'job.bad-report',
      );
      const bad = await call(a.submission.id, 'files', tokenA, {
        files: [{ name: 'x', state: 'eaten' }],
      });
      assert.equal(bad.status, 400);
      const index = await fetch(`${h.server.url}/api/v1/jobs/${a.submission.id}/7/spec`, {
        headers: { authorization: `Bearer ${tokenA}` },
      });
      assert.equal(index.status, 404);
      await h.server.execution.control.kill(
        { kind: 'campaign', experiment: EXPERIMENT, campaign: 'tokens' },
        'alice',
      );
      await h.settle();
    });

    it('launching a campaign launches its lead stages; a stage relaunches with a given dataset', async () => {
      await h.campaign(
        campaign(
          'whole',
          h.bin,
          `  a:
    type: generator
    job_type: gen
  b:
    type: generator
    needs: [b]
    split: multiparam
    input: [["x"]]
    job_type: gen
  c:
    needs: [a, b]
    wait: all
    job_type: proc`,
        ),
      );
      const launched = await h.server.execution.launches.launchCampaign({
        experiment: EXPERIMENT,
        campaign: 'whole',
        launcher: 'alice',
      });
      assert.deepEqual(
        launched.map((l) => [l.stage, l.outcome.kind]),
        [
          ['a', 'launched'],
          ['b', 'launched'],
        ],
      );
      let all = (await h.settle()).filter((s) => s.campaign === 'whole');
      assert.deepEqual(
        all.map((s) => s.stage),
        ['a', 'b', 'c'],
      );
      await h.declareInputs(['rd_1', 'rd_2']);
      const again = await h.launch('whole', 'c', { dataset: "file_name like 'rd_%'" });
      assert.equal(again.kind, 'launched');
      all = (await h.settle()).filter((s) => s.campaign === 'whole');
      const last = all.at(-1);
      assert.equal(last?.stage, 'c');
      assert.equal(last?.file_count, 2);
      assert.equal(last?.parameter, "file_name like 'rd_%'");
      await assert.rejects(h.launch('whole', 'c', { dataset: 'run_number >' }), {
        code: 'launch.bad-input',
      });
    });
  });
}
