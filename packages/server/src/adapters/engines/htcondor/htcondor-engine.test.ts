import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { SubmitRequest } from '@poms/core';
import { RunnerPool, type Target } from '../commands/targets.ts';
import { POLL_ATTRIBUTES } from './classads.ts';
import { FixtureRunner, exit, fixture, ok } from './fixture-runner-testing.ts';
import { HTCondorEngine } from './htcondor-engine.ts';

const ATTRS = POLL_ATTRIBUTES.join(',');
const job = (index: number) => ({
  index,
  argv: ['/bin/echo', `job ${index}`],
  env: { N: String(index) },
});
const request: SubmitRequest = {
  submission_id: 'sub_42',
  jobs: [job(0), job(1), job(2)],
  labels: { experiment: 'dune', campaign: 'reco', campaign_id: 'cmp_7', stage: 'reco' },
};

function setup(options: { schedd?: string } = {}) {
  const local = new FixtureRunner();
  const remotes = new Map<string, FixtureRunner>();
  /** The runner of a launch host, made before the engine asks for it so answers can be queued. */
  const remote = (host: string, user = 'dunepro') => {
    const r = remotes.get(host) ?? new FixtureRunner(`${user}@${host}`);
    remotes.set(host, r);
    return r;
  };
  const pool = new RunnerPool(local, (t: Target) => remote(t.host, t.user));
  const engine = new HTCondorEngine({
    runners: pool,
    workRoot: '/var/lib/poms/condor',
    node: '/usr/bin/node',
    now: () => 1_732_900_000_000,
    ...options,
  });
  return { local, remotes, remote, pool, engine };
}

/** No command is a shell line. */
function assertNoShell(runner: FixtureRunner) {
  for (const { argv } of runner.calls) {
    assert.ok(!['sh', 'bash', '/bin/sh', '/bin/bash'].includes(argv[0] ?? ''), argv.join(' '));
    assert.ok(!argv.includes('-c') || argv[0] === 'tail', argv.join(' '));
  }
}

describe('HTCondorEngine.submit', () => {
  it('stages the script and description, submits one cluster, writes the marker', async () => {
    const { local, engine } = setup();
    local
      .on('condor_q', ok(''))
      .on('condor_history', ok(''))
      .on('condor_submit', ok(fixture('condor_submit-terse.txt')));
    const result = await engine.submit(request);
    assert.deepEqual(result.engine_ids, ['4242.0', '4242.1', '4242.2']);
    const dir = '/var/lib/poms/condor/sub_42';
    assert.deepEqual(
      local.calls.map((c) => c.argv),
      [
        ['cat', '--', `${dir}/cluster`],
        [
          'condor_q',
          '-json',
          '-constraint',
          'PomsSubmissionId =?= "sub_42"',
          '-attributes',
          'ClusterId,ProcId,GlobalJobId',
        ],
        [
          'condor_history',
          '-json',
          '-constraint',
          'PomsSubmissionId =?= "sub_42"',
          '-attributes',
          'ClusterId,ProcId,GlobalJobId',
          '-completedsince',
          String(1_732_900_000 - 7 * 24 * 3600),
          '-match',
          '1',
        ],
        ['mkdir', '-p', '--', dir],
        ['dd', `of=${dir}/poms-task`, 'status=none'],
        ['chmod', '0755', '--', `${dir}/poms-task`],
        ['dd', `of=${dir}/job.sub`, 'status=none'],
        ['condor_submit', '-terse', `${dir}/job.sub`],
        ['dd', `of=${dir}/cluster`, 'status=none'],
      ],
    );
    const script = local.calls[4]?.input ?? '';
    assert.ok(script.startsWith('#!/usr/bin/node\n'));
    assert.match(local.calls[6]?.input ?? '', /^queue poms_index from \(\n0\n1\n2\n\)\n$/m);
    assert.equal(local.calls[8]?.input, '4242\n');
    assertNoShell(local);
  });

  it('submits again as nothing new: the marker names the cluster', async () => {
    const { local, engine } = setup();
    local.on('cat', ok('4242\n'));
    const result = await engine.submit(request);
    assert.deepEqual(result.engine_ids, ['4242.0', '4242.1', '4242.2']);
    assert.deepEqual(local.argvOf('condor_submit'), []);
    assert.equal(local.calls.length, 1);
  });

  it('finds a cluster submitted before a crash (no marker) in the queue, and records it', async () => {
    const { local, engine } = setup();
    local.on('condor_q', ok(fixture('condor_q-lookup.json.txt')));
    const result = await engine.submit(request);
    assert.deepEqual(result.engine_ids, ['4242.0', '4242.1', '4242.2']);
    assert.deepEqual(local.argvOf('condor_submit'), []);
    assert.equal(local.calls.at(-1)?.input, '4242\n');
  });

  it('aims every command at the configured schedd', async () => {
    const { local, engine } = setup({ schedd: 'schedd02.example.org' });
    local.on('cat', ok('4242\n')).on('condor_q', ok(''));
    await engine.submit(request);
    await engine.poll(['4242.0']).catch(() => undefined);
    assert.deepEqual(local.argvOf('condor_q')[0]?.slice(0, 3), [
      'condor_q',
      '-name',
      'schedd02.example.org',
    ]);
  });

  it('runs on the launch host and qualifies ids with it', async () => {
    const { local, remote: remoteOf, engine } = setup();
    const placed = {
      ...request,
      placement: { host: 'login.example.org:2222', account: 'dunepro' },
    };
    const remote = remoteOf('login.example.org');
    remote
      .on('condor_q', ok(''))
      .on('condor_history', ok(''))
      .on('condor_submit', ok(fixture('condor_submit-terse.txt')));
    const result = await engine.submit(placed);
    assert.deepEqual(result.engine_ids, [
      'ssh://dunepro@login.example.org:2222/4242.0',
      'ssh://dunepro@login.example.org:2222/4242.1',
      'ssh://dunepro@login.example.org:2222/4242.2',
    ]);
    assert.equal(local.calls.length, 0);
    assertNoShell(remote);

    remote.on('condor_q', ok(fixture('condor_q-active.json.txt')));
    const reports = await engine.poll(result.engine_ids);
    assert.deepEqual(
      reports.map((r) => r.state),
      ['queued', 'running', 'held'],
    );
    assert.deepEqual(remote.argvOf('condor_q').at(-1), [
      'condor_q',
      '-json',
      '-attributes',
      ATTRS,
      '4242',
    ]);
    assert.equal(local.calls.length, 0);
  });

  it('refuses a label with a line break before running anything', async () => {
    const { local, engine } = setup();
    const labels = { experiment: 'dune', campaign: 'a\nqueue 99', campaign_id: 'c', stage: 's' };
    await assert.rejects(engine.submit({ ...request, labels }), /line break/);
    assert.equal(local.calls.length, 0);
  });

  it('fails when condor_submit makes something else than the cluster asked', async () => {
    const { local, engine } = setup();
    local
      .on('condor_q', ok(''))
      .on('condor_history', ok(''))
      .on('condor_submit', ok('4242.0 - 4242.1\n'));
    await assert.rejects(engine.submit(request), /not one cluster of 3 jobs/);
    assert.deepEqual(local.argvOf('dd').length, 2, 'no marker written');
  });
});

describe('HTCondorEngine.poll', () => {
  it('asks the queue by cluster, then the history for the rest, one report per id in order', async () => {
    const { local, engine } = setup();
    local
      .on('condor_q', ok(fixture('condor_q-active.json.txt')))
      .on('condor_history', ok(fixture('condor_history-finished.json.txt')));
    const ids = [
      '4242.3',
      '4243.1',
      '4242.0',
      '4242.5',
      '4242.1',
      '4242.2',
      '4243.0',
      '4242.4',
      '4242.6',
      '4242.7',
    ];
    const reports = await engine.poll(ids);
    assert.deepEqual(
      local.calls.map((c) => c.argv),
      [
        ['condor_q', '-json', '-attributes', ATTRS, '4242', '4243'],
        [
          'condor_history',
          '-json',
          '-attributes',
          ATTRS,
          '4242.3',
          '4242.5',
          '4242.4',
          '4242.6',
          '4242.7',
        ],
      ],
    );
    assert.deepEqual(
      reports.map((r) => [r.engine_id, r.state]),
      [
        ['4242.3', 'completed'],
        ['4243.1', 'running'],
        ['4242.0', 'queued'],
        ['4242.5', 'failed'],
        ['4242.1', 'running'],
        ['4242.2', 'held'],
        ['4243.0', 'held'],
        ['4242.4', 'failed'],
        ['4242.6', 'cancelled'],
        ['4242.7', 'failed'],
      ],
    );
  });

  it('batches commands by pollBatch', async () => {
    const local = new FixtureRunner();
    const engine = new HTCondorEngine({
      runners: new RunnerPool(local, undefined),
      workRoot: '/w',
      pollBatch: 2,
    });
    local.on('condor_q', ok(''), ok('')).on('condor_history', ok(''), ok(''));
    await engine.poll(['1.0', '2.0', '3.0']);
    assert.deepEqual(
      local.calls.map((c) => c.argv.slice(4)),
      [['1', '2'], ['3'], ['1.0', '2.0'], ['3.0']],
    );
  });

  it('says unknown, with why, for jobs in neither queue nor history', async () => {
    const { local, engine } = setup();
    local.on('condor_q', ok(fixture('condor_q-empty.txt'))).on('condor_history', ok(''));
    const [report] = await engine.poll(['999.0']);
    assert.deepEqual(report, {
      engine_id: '999.0',
      state: 'unknown',
      reason: 'in neither the queue nor the history of the schedd',
    });
  });

  it('says queued for jobs the throttle has not materialized yet', async () => {
    const { local, engine } = setup();
    local.on('condor_q', ok(fixture('condor_q-active.json.txt'))).on('condor_history', ok(''));
    const [report] = await engine.poll(['4242.9']);
    assert.equal(report?.state, 'queued');
  });

  it('rejects the poll when condor_q fails: jobs stay as they were, never failed', async () => {
    const { local, engine } = setup();
    local.on('condor_q', exit(1, '', fixture('condor_q-schedd-down.stderr.txt')));
    await assert.rejects(
      engine.poll(['4242.0']),
      /condor_q on this machine failed: -- Failed to fetch ads/,
    );
    assert.deepEqual(local.argvOf('condor_history'), []);
  });

  it('leaves jobs unknown when only the history fails', async () => {
    const { local, engine } = setup();
    local.on('condor_q', ok('')).on('condor_history', exit(1, '', 'history file unreadable'));
    const [report] = await engine.poll(['4242.3']);
    assert.equal(report?.state, 'unknown');
    assert.match(report?.reason ?? '', /history file unreadable/);
  });

  it('says unknown for ids that are not HTCondor job ids, without asking', async () => {
    const { local, engine } = setup();
    const [report] = await engine.poll(['4242_7']);
    assert.equal(report?.state, 'unknown');
    assert.equal(local.calls.length, 0);
  });
});

describe('HTCondorEngine cancel / hold / release', () => {
  it('runs condor_rm, condor_hold, condor_release on the ids, grouped by target', async () => {
    const { local, remotes, remote, engine } = setup();
    remote('login.example.org').on('condor_rm', ok('Job 77.0 marked for removal\n'));
    local
      .on('condor_rm', ok(fixture('condor_rm-ok.txt')))
      .on('condor_hold', exit(1, fixture('condor_hold-partial.txt')))
      .on('condor_release', exit(1, fixture('condor_release-partial.txt')));
    const remoteId = 'ssh://dunepro@login.example.org/77.0';
    await engine.cancel(['4242.0', remoteId, '4242.1']);
    await engine.hold(['4242.0', '4242.3']);
    await engine.release(['4242.0', '4242.1']);
    assert.deepEqual(
      local.calls.map((c) => c.argv),
      [
        ['condor_rm', '4242.0', '4242.1'],
        ['condor_hold', '4242.0', '4242.3'],
        ['condor_release', '4242.0', '4242.1'],
      ],
    );
    assert.deepEqual(
      remotes.get('login.example.org')?.calls.map((c) => c.argv),
      [['condor_rm', '77.0']],
    );
  });

  it('tolerates jobs already gone ("not found")', async () => {
    const { local, engine } = setup();
    local.on('condor_rm', exit(1, fixture('condor_rm-partial.txt')));
    await engine.cancel(['4242.0', '4242.3']);
  });

  it('throws when the schedd cannot be reached', async () => {
    const { local, engine } = setup();
    local.on('condor_rm', exit(1, '', fixture('condor_rm-schedd-down.stderr.txt')));
    await assert.rejects(engine.cancel(['4242.0']), /Can't find address of schedd/);
  });
});

describe('HTCondorEngine.logs', () => {
  it("tails the job's output files, found from its ad", async () => {
    const { local, engine } = setup();
    local
      .on('condor_q', ok(fixture('condor_q-output-paths.json.txt')))
      .on('tail', ok('0123456789'), ok('err\n'));
    const logs = await engine.logs('4242.1', 8);
    assert.deepEqual(logs, { stdout: '23456789', stderr: 'err\n', truncated: true });
    assert.deepEqual(
      local.calls.map((c) => c.argv),
      [
        ['condor_q', '-json', '-attributes', 'ClusterId,ProcId,Out,Err', '4242.1'],
        ['tail', '-c', '9', '--', '/var/lib/poms/condor/sub_42/job-7.out'],
        ['tail', '-c', '9', '--', '/var/lib/poms/condor/sub_42/job-7.err'],
      ],
    );
  });

  it('looks in the history for finished jobs', async () => {
    const { local, engine } = setup();
    local
      .on('condor_q', ok(''))
      .on('condor_history', ok(fixture('condor_q-output-paths.json.txt')))
      .on('tail', ok('out'), exit(1, '', 'tail: cannot open: No such file or directory'));
    const logs = await engine.logs('4242.1');
    assert.deepEqual(logs, { stdout: 'out', stderr: '', truncated: false });
    assert.deepEqual(local.argvOf('condor_history'), [
      [
        'condor_history',
        '-json',
        '-attributes',
        'ClusterId,ProcId,Out,Err',
        '-match',
        '1',
        '4242.1',
      ],
    ]);
  });
});
