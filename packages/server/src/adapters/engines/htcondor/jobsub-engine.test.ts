import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { SubmitRequest } from '@poms/core';
import { RunnerPool } from '../commands/targets.ts';
import { POLL_ATTRIBUTES } from './classads.ts';
import { FixtureRunner, exit, fixture, ok } from './fixture-runner-testing.ts';
import { JobsubEngine } from './jobsub-engine.ts';

const ATTRS = POLL_ATTRIBUTES.join(',');
const job = (index: number) => ({ index, argv: ['/bin/echo', String(index)], env: {} });
const request: SubmitRequest = {
  submission_id: 'sub_42',
  jobs: [job(3), job(4), job(9)],
  throttle: 2,
  resources: { memory_mb: 2000, disk_mb: 10000, time_s: 7200, cpus: 1 },
  placement: { group: 'dune', role: 'Production' },
  labels: { experiment: 'dune', campaign: 'reco', campaign_id: 'cmp_7', stage: 'reco' },
};
const IDS = [
  'dune:Production/71234567.0@jobsub03.fnal.gov',
  'dune:Production/71234567.1@jobsub03.fnal.gov',
  'dune:Production/71234567.2@jobsub03.fnal.gov',
];

function setup() {
  const local = new FixtureRunner();
  const engine = new JobsubEngine({
    runners: new RunnerPool(local, undefined),
    workRoot: '/home/dunepro/poms',
  });
  return { local, engine };
}

describe('JobsubEngine.submit', () => {
  it('submits -N jobs with the task script as file:// executable and $(Process) as argument', async () => {
    const { local, engine } = setup();
    local.on('jobsub_q', ok('')).on('jobsub_submit', ok(fixture('jobsub_submit.txt')));
    const result = await engine.submit(request);
    assert.deepEqual(result.engine_ids, IDS);
    assert.deepEqual(local.argvOf('jobsub_submit'), [
      [
        'jobsub_submit',
        '-G',
        'dune',
        '--role',
        'Production',
        '-N',
        '3',
        '--memory=2000MB',
        '--disk=10000MB',
        '--cpu=1',
        '--expected-lifetime=7200s',
        '--timeout=7200s',
        '-l',
        'max_materialize = 2',
        '-l',
        '+PomsSubmissionId = "sub_42"',
        '-l',
        '+PomsCampaignId = "cmp_7"',
        '-l',
        '+PomsCampaign = "reco"',
        '-l',
        '+PomsStage = "reco"',
        '-l',
        '+PomsExperiment = "dune"',
        'file:///home/dunepro/poms/sub_42/poms-task',
        '$(Process)',
      ],
    ]);
    assert.deepEqual(local.argvOf('jobsub_q'), [
      [
        'jobsub_q',
        '-G',
        'dune',
        '--role',
        'Production',
        '-constraint',
        'PomsSubmissionId =?= "sub_42"',
        '-json',
        '-attributes',
        'ClusterId,ProcId,GlobalJobId',
      ],
    ]);
    // The script knows the jobs by position: proc p runs the p-th job.
    const script =
      local.calls.find((c) => c.argv[1] === 'of=/home/dunepro/poms/sub_42/poms-task')?.input ?? '';
    assert.match(script, /\\"index\\":2,/);
    assert.equal(local.calls.at(-1)?.input, '71234567@jobsub03.fnal.gov\n');
    for (const { argv } of local.calls) assert.ok(!argv.includes('-c') && argv[0] !== 'sh');
  });

  it('returns the recorded cluster instead of submitting twice', async () => {
    const { local, engine } = setup();
    local.on('cat', ok('71234567@jobsub03.fnal.gov\n'));
    assert.deepEqual((await engine.submit(request)).engine_ids, IDS);
    assert.deepEqual(local.argvOf('jobsub_submit'), []);
  });

  it('finds a cluster by its PomsSubmissionId when the marker is missing', async () => {
    const { local, engine } = setup();
    local.on('jobsub_q', ok(fixture('jobsub_q-lookup.json.txt')));
    assert.deepEqual((await engine.submit(request)).engine_ids, IDS);
    assert.deepEqual(local.argvOf('jobsub_submit'), []);
  });

  it('refuses a submission without a group, before running anything', async () => {
    const { local, engine } = setup();
    await assert.rejects(
      engine.submit({ ...request, placement: {} }),
      /jobsub needs a group \(-G\)/,
    );
    assert.equal(local.calls.length, 0);
  });
});

describe('JobsubEngine.poll', () => {
  it('asks jobsub_q by cluster, then jobsub_history per cluster for the rest', async () => {
    const { local, engine } = setup();
    local
      .on('jobsub_q', ok(fixture('jobsub_q.json.txt')))
      .on('jobsub_history', ok(fixture('jobsub_history.json.txt')));
    const reports = await engine.poll([IDS[1] ?? '', IDS[0] ?? '', IDS[2] ?? '']);
    assert.deepEqual(
      local.calls.map((c) => c.argv),
      [
        [
          'jobsub_q',
          '-G',
          'dune',
          '--role',
          'Production',
          '--jobid',
          '71234567@jobsub03.fnal.gov',
          '-json',
          '-attributes',
          ATTRS,
        ],
        [
          'jobsub_history',
          '-G',
          'dune',
          '--role',
          'Production',
          '--jobid',
          '71234567@jobsub03.fnal.gov',
          '-json',
          '-attributes',
          ATTRS,
        ],
      ],
    );
    assert.deepEqual(
      reports.map((r) => r.state),
      ['completed', 'running', 'queued'],
    );
    assert.equal(reports[0]?.wall_s, 3600);
    assert.equal(reports[1]?.host, 'fnpc7001.fnal.gov');
  });

  it('rejects the poll when jobsub_q fails', async () => {
    const { local, engine } = setup();
    local.on('jobsub_q', exit(1, '', 'Error: no schedds answered'));
    await assert.rejects(engine.poll(IDS), /jobsub_q on this machine failed/);
  });
});

describe('JobsubEngine cancel / hold / release / logs', () => {
  it('runs jobsub_rm / _hold / _release with -G, --role and the jobsub ids', async () => {
    const { local, engine } = setup();
    local
      .on('jobsub_rm', exit(1, fixture('jobsub_rm-partial.txt')))
      .on('jobsub_hold', ok('Job 71234567.0 held\n'))
      .on('jobsub_release', ok('Job 71234567.0 released\n'));
    await engine.cancel([IDS[0] ?? '', IDS[1] ?? '']);
    await engine.hold([IDS[0] ?? '']);
    await engine.release([IDS[0] ?? '']);
    assert.deepEqual(
      local.calls.map((c) => c.argv),
      [
        [
          'jobsub_rm',
          '-G',
          'dune',
          '--role',
          'Production',
          '--jobid',
          '71234567.0@jobsub03.fnal.gov,71234567.1@jobsub03.fnal.gov',
        ],
        [
          'jobsub_hold',
          '-G',
          'dune',
          '--role',
          'Production',
          '--jobid',
          '71234567.0@jobsub03.fnal.gov',
        ],
        [
          'jobsub_release',
          '-G',
          'dune',
          '--role',
          'Production',
          '--jobid',
          '71234567.0@jobsub03.fnal.gov',
        ],
      ],
    );
  });

  it('fetches the sandbox with jobsub_fetchlog and tails its .out and .err', async () => {
    const { local, engine } = setup();
    const folder = '/home/dunepro/poms/fetchlog/71234567.1@jobsub03.fnal.gov';
    local
      .on('jobsub_fetchlog', ok(''))
      .on(
        'find',
        ok(
          `${folder}/poms-task_20241129_090000_abc-cluster.71234567.1.out\n${folder}/poms-task_20241129_090000_abc-cluster.71234567.1.err\n`,
        ),
      )
      .on('tail', ok('hello\n'), ok(''));
    const logs = await engine.logs(IDS[1] ?? '');
    assert.deepEqual(logs, { stdout: 'hello\n', stderr: '', truncated: false });
    assert.deepEqual(local.argvOf('jobsub_fetchlog'), [
      [
        'jobsub_fetchlog',
        '-G',
        'dune',
        '--role',
        'Production',
        '--jobid',
        '71234567.1@jobsub03.fnal.gov',
        '--destdir',
        folder,
      ],
    ]);
  });
});
