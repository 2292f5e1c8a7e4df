// Failure triage over real HTTP and real jobs: a campaign failing in two ways, with numbers, paths
// and names varying from job to job, makes exactly two groups; recovering one launches its files
// once however often it is asked; someone without the right cannot; and the demo's deliberate
// Geant4 failures, already recovered automatically, form one group with nothing left to recover.
// Grouped by exit code alone, two messages under one exit code make one group listing both
// signatures, and recovering it launches the files of both.
import assert from 'node:assert/strict';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { EXPERIMENT, harness, type Harness } from '../../services/execution/execution-testing.ts';
import { apiCaller, apiToken } from './api-testing.ts';

const ADMIN_PASSWORD = 'correct horse battery staple';

// Fails on names with `oom` (a C++ allocation failure, exit 134) or `io` (a ROOT open error,
// exit 2), each time with other numbers, paths and hex addresses; on `hdr` or `cfg` with two
// different messages and the same exit code 3; copies anything else.
const CRASH = `#!/bin/sh
for a in "$@"; do f=$a; done
b=$(basename "$f")
n=$(echo "$b" | tr -dc 0-9)
case "$b" in
  *oom*)
    echo "processing event $n of $b" >&2
    echo "2025-03-0$n 12:3$n:0$n worker$n: allocating 1$n MB at 0x7ffe$n" >&2
    echo "terminate called after throwing an instance of 'std::bad_alloc'" >&2
    echo "  what():  std::bad_alloc" >&2
    exit 134 ;;
  *io*)
    echo "Error in <TFile::Open>: cannot open /tmp/scratch_$n/run_00$n/$b (errno 5)" >&2
    exit 2 ;;
  *hdr*)
    echo "Error: corrupt header in $b" >&2
    exit 3 ;;
  *cfg*)
    echo "fatal: no calibration for run $n" >&2
    exit 3 ;;
esac
cp "$f" "out_$b"
`;

interface Group {
  signature: string;
  exit_code: number | null;
  title: string;
  tail: string[];
  count: number;
  files: number;
  failed_files: number;
  submissions: number;
  stages: { campaign: string; stage: string; count: number; files: number }[];
  signatures: { signature: string; title: string; count: number; files: number }[];
  examples: { submission_id: string; index: number; excerpt: string[] }[];
}
interface Report {
  group_by: string;
  jobs: number;
  truncated: boolean;
  groups: Group[];
}
interface Launch {
  campaign: string;
  stage: string;
  files: string[];
  outcome: { kind: string; created?: boolean; submission?: { id: string; origin: string } };
}

/** A one-stage campaign whose jobs run crash.sh, one input file each, on the files PREFIX_…. */
function crashCampaign(bin: string, name: string, prefix: string): string {
  return `campaign: ${name}
role: production
defaults:
  launch_setup: here
job_types:
  crash:
    command: ${bin}/crash.sh
    files_per_job: 1
    output_patterns: ["out_%"]
launch_setups:
  here:
    engine: local
stages:
  work:
    input: "file_name like '${prefix}_%%'"
    job_type: crash
`;
}

describe('failure triage', () => {
  let h: Harness;
  const call = apiCaller(() => h.server.url);
  let admin = '';
  let bob = '';

  const tokenFor = (username: string, password: string) => apiToken(call, username, password);
  const ok = async (method: string, path: string, body?: unknown, token = admin) => {
    const answer = await call(method, path, { token, body });
    assert.ok(
      answer.status < 300,
      `${method} ${path}: ${answer.status} ${JSON.stringify(answer.body)}`,
    );
    return answer;
  };

  before(async () => {
    h = await harness({ server: { adminPassword: ADMIN_PASSWORD, demo: true } });
    writeFileSync(join(h.bin, 'crash.sh'), CRASH);
    chmodSync(join(h.bin, 'crash.sh'), 0o755);
    const { hashPassword } = await import('../../services/auth/passwords.ts');
    await h.server.store.identity.createUser({
      username: 'bob',
      displayName: 'Bob',
      passwordHash: await hashPassword('bob has a long password'),
    });
    admin = await tokenFor('admin', ADMIN_PASSWORD);
    await ok('PUT', `/experiments/${EXPERIMENT}/members/bob`, { role: 'analysis' });
    bob = await tokenFor('bob', 'bob has a long password');
  });
  after(async () => {
    await h.close();
  });

  it('groups two kinds of failure, recovers one group once, and checks the right', async () => {
    await h.declareInputs([
      't_oom_1.dat',
      't_oom_2.dat',
      't_oom_3.dat',
      't_io_4.dat',
      't_io_5.dat',
      't_ok_6.dat',
      't_ok_7.dat',
    ]);
    await h.campaign(crashCampaign(h.bin, 'crashy', 't'));
    await h.launch('crashy', 'work');
    const [first] = await h.settle(60_000);
    assert.ok(first);

    const report = (await ok('GET', `/experiments/${EXPERIMENT}/triage?campaign=crashy`))
      .body as unknown as Report;
    assert.equal(report.jobs, 5);
    assert.equal(report.truncated, false);
    assert.deepEqual(
      report.groups.map((g) => [g.exit_code, g.count, g.files, g.failed_files, g.submissions]),
      [
        [134, 3, 3, 3, 1],
        [2, 2, 2, 2, 1],
      ],
    );
    const [oom, io] = report.groups as [Group, Group];
    assert.match(oom.signature, /^exit134-[0-9a-f]{12}$/);
    // No line reads like an error (no such word): the last line is the title.
    assert.equal(oom.title, 'what(): std::bad_alloc');
    assert.equal(io.title, 'Error in <TFile::Open>: cannot open PATH (errno N)');
    assert.ok(oom.tail.includes('T workerN: allocating N MB at X'), oom.tail.join('\n'));
    assert.deepEqual(oom.stages, [{ campaign: 'crashy', stage: 'work', count: 3, files: 3 }]);
    assert.equal(oom.examples.length, 3);
    assert.ok(oom.examples.every((e) => e.submission_id === first.id));
    assert.ok(
      oom.examples.some((e) => e.excerpt.some((l) => l.includes('std::bad_alloc'))),
      JSON.stringify(oom.examples),
    );

    // Someone who may see but not launch production work is refused, and launches nothing.
    const seen = await call('GET', `/experiments/${EXPERIMENT}/triage`, { token: bob });
    assert.equal(seen.status, 200);
    const refused = await call(
      'POST',
      `/experiments/${EXPERIMENT}/triage/${oom.signature}/recover`,
      {
        token: bob,
        body: {},
      },
    );
    assert.equal(refused.status, 403, JSON.stringify(refused.body));
    const stranger = await call('GET', '/experiments/demo/triage', { token: bob });
    assert.ok([403, 404].includes(stranger.status), String(stranger.status));
    assert.equal((await h.submissions()).filter((s) => s.campaign === 'crashy').length, 1);

    const recover = async () =>
      (await ok('POST', `/experiments/${EXPERIMENT}/triage/${oom.signature}/recover`, {}))
        .body as unknown as { launches: Launch[] };
    const once = await recover();
    assert.equal(once.launches.length, 1);
    const launch = once.launches[0] as Launch;
    assert.deepEqual(launch.files, ['t_oom_1.dat', 't_oom_2.dat', 't_oom_3.dat']);
    assert.equal(launch.outcome.kind, 'launched');
    assert.equal(launch.outcome.created, true);
    assert.equal(launch.outcome.submission?.origin, 'recovery');
    const id = launch.outcome.submission?.id ?? '';
    const ledger = await h.server.store.submissions.ledger(id);
    assert.deepEqual(
      ledger.items.map((e) => e.file),
      ['t_oom_1.dat', 't_oom_2.dat', 't_oom_3.dat'],
    );
    // A second click finds the same launch.
    const twice = await recover();
    assert.equal(twice.launches[0]?.outcome.kind, 'launched');
    assert.equal(twice.launches[0]?.outcome.created, false);
    assert.equal(twice.launches[0]?.outcome.submission?.id, id);
    assert.equal((await h.submissions()).filter((s) => s.campaign === 'crashy').length, 2);

    const unknown = await call(
      'POST',
      `/experiments/${EXPERIMENT}/triage/exit1-000000000000/recover`,
      {
        token: admin,
        body: {},
      },
    );
    assert.equal(unknown.status, 404);
    const bad = await call('GET', `/experiments/${EXPERIMENT}/triage?since=yesterday`, {
      token: admin,
    });
    assert.equal(bad.status, 400);
  });

  it('groups by exit code alone: one group, its signatures listed, recovered as one', async () => {
    await h.declareInputs(['x_hdr_1.dat', 'x_hdr_2.dat', 'x_cfg_3.dat', 'x_ok_4.dat']);
    await h.campaign(crashCampaign(h.bin, 'exity', 'x'));
    await h.launch('exity', 'work');
    await h.settle(60_000);
    const get = async (query: string) =>
      (await ok('GET', `/experiments/${EXPERIMENT}/triage?campaign=exity${query}`))
        .body as unknown as Report;

    const bySignature = await get('');
    assert.equal(bySignature.group_by, 'signature');
    assert.deepEqual(
      bySignature.groups.map((g) => [g.exit_code, g.count, g.signatures.length]),
      [
        [3, 2, 1],
        [3, 1, 1],
      ],
    );
    const [hdr, cfg] = bySignature.groups as [Group, Group];
    assert.deepEqual(hdr.signatures[0]?.signature, hdr.signature);

    const byExit = await get('&group_by=exit_code');
    assert.equal(byExit.group_by, 'exit_code');
    assert.equal(byExit.jobs, 3);
    assert.equal(byExit.groups.length, 1, JSON.stringify(byExit.groups));
    const exit3 = byExit.groups[0] as Group;
    assert.equal(exit3.signature, 'exit3');
    assert.equal(exit3.exit_code, 3);
    assert.deepEqual(
      [exit3.count, exit3.files, exit3.failed_files, exit3.submissions],
      [3, 3, 3, 1],
    );
    // Told by its commonest signature; both listed, most jobs first.
    assert.equal(exit3.title, hdr.title);
    assert.equal(exit3.title, 'Error: corrupt header in FILE');
    assert.deepEqual(
      exit3.signatures.map((s) => [s.signature, s.title, s.count, s.files]),
      [
        [hdr.signature, hdr.title, 2, 2],
        [cfg.signature, 'fatal: no calibration for run N', 1, 1],
      ],
    );
    assert.deepEqual(exit3.stages, [{ campaign: 'exity', stage: 'work', count: 3, files: 3 }]);
    assert.equal(exit3.examples.length, 3);
    const unknownView = await call(
      'GET',
      `/experiments/${EXPERIMENT}/triage?group_by=exit_status`,
      { token: admin },
    );
    assert.equal(unknownView.status, 400);

    // Recovering the exit code's group relaunches the files of both signatures, once.
    const recover = async () =>
      (
        await ok('POST', `/experiments/${EXPERIMENT}/triage/exit3/recover`, {
          campaign: 'exity',
        })
      ).body as unknown as { signature: string; launches: Launch[] };
    const once = await recover();
    assert.equal(once.signature, 'exit3');
    assert.deepEqual(
      once.launches.map((l) => [l.campaign, l.stage, l.files, l.outcome.kind, l.outcome.created]),
      [['exity', 'work', ['x_cfg_3.dat', 'x_hdr_1.dat', 'x_hdr_2.dat'], 'launched', true]],
    );
    const id = once.launches[0]?.outcome.submission?.id ?? '';
    const twice = await recover();
    assert.equal(twice.launches[0]?.outcome.submission?.id, id);
    assert.equal(twice.launches[0]?.outcome.created, false);
    assert.equal((await h.submissions()).filter((s) => s.campaign === 'exity').length, 2);
    const none = await call('POST', `/experiments/${EXPERIMENT}/triage/exit77/recover`, {
      token: admin,
      body: {},
    });
    assert.equal(none.status, 404);
  });

  it("groups the demo's injected failures into one signature", async () => {
    await ok('POST', '/experiments/demo/campaigns/toy_z_chain/launch', {});
    await h.settle(60_000);
    const report = (await ok('GET', '/experiments/demo/triage')).body as unknown as Report;
    assert.equal(report.groups.length, 1, JSON.stringify(report.groups.map((g) => g.tail)));
    const group = report.groups[0] as Group;
    assert.equal(group.exit_code, 65);
    assert.ok(group.count >= 1);
    assert.equal(group.title, '*** Fatal Exception *** core dump ***');
    assert.ok(group.tail.includes('G4Exception: track stuck in volume ID while processing FILE'));
    assert.deepEqual(
      group.stages.map((s) => [s.campaign, s.stage]),
      [['toy_z_chain', 'simulate']],
    );
    // The automatic recovery consumed them since: nothing is left to relaunch.
    assert.equal(group.files, 0);
    const byExit = (await ok('GET', '/experiments/demo/triage?group_by=exit_code'))
      .body as unknown as Report;
    assert.deepEqual(
      byExit.groups.map((g) => [g.signature, g.count, g.signatures.map((s) => s.signature)]),
      [['exit65', group.count, [group.signature]]],
    );
  });
});
