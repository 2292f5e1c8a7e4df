// `poms triage` against a real server in-process (remote mode): a campaign whose jobs fail with
// one exit code but two different messages shows two groups by signature and one with
// --group-by exit_code (its two signatures counted); `poms triage recover EXIT` relaunches the
// files of both, once; a wrong --group-by is a usage error.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startServer, type RunningServer, type TriageReport } from '@poms/server';
import { runPoms } from './cli-testing.ts';

const PASSWORD = 'the admin of the triage test';
const ENV = ['POMS_CONFIG_DIR', 'POMS_PASSWORD', 'POMS_URL', 'POMS_TOKEN'] as const;
// Exit 3 on `hdr` and `cfg` files, each with its own message; copies anything else.
const SCRIPT = `#!/bin/sh
for a in "$@"; do f=$a; done
b=$(basename "$f")
case "$b" in
  *hdr*) echo "Error: corrupt header in $b" >&2; exit 3 ;;
  *cfg*) echo "fatal: no calibration for $b" >&2; exit 3 ;;
esac
cp "$f" "out_$b"
`;

describe('poms triage on a server', () => {
  const saved = new Map<string, string | undefined>();
  let server: RunningServer;
  let dir = '';
  const poms = (...argv: string[]) => runPoms(...argv, '--server', server.url);

  before(async () => {
    for (const name of ENV) saved.set(name, process.env[name]);
    for (const name of ENV) delete process.env[name];
    dir = mkdtempSync(join(tmpdir(), 'poms-triage-cli-'));
    process.env.POMS_CONFIG_DIR = join(dir, 'config');
    process.env.POMS_PASSWORD = PASSWORD;
    const script = join(dir, 'fail.sh');
    writeFileSync(script, SCRIPT);
    chmodSync(script, 0o755);
    server = await startServer({
      memory: true,
      port: 0,
      adminPassword: PASSWORD,
      pollIntervalMs: 100,
    });
    const inputs = join(dir, 'inputs');
    mkdirSync(inputs);
    const names = ['q_hdr_1.dat', 'q_hdr_2.dat', 'q_cfg_3.dat', 'q_ok_4.dat'];
    for (const name of names) writeFileSync(join(inputs, name), `input ${name}\n`);
    await server.store.catalog.declareFiles(
      'demo',
      names.map((name) => ({ name, replicas: [{ location: 'local', path: join(inputs, name) }] })),
    );
    const file = join(dir, 'q.yaml');
    writeFileSync(
      file,
      `campaign: q
job_types:
  work:
    command: ${script}
    files_per_job: 1
    output_patterns: ["out_%"]
launch_setups:
  here:
    engine: local
stages:
  work:
    input: "file_name like 'q_%%'"
    job_type: work
    launch_setup: here
`,
    );
    const login = await runPoms('login', server.url, '--username', 'admin');
    assert.equal(login.code, 0, login.err);
    const pushed = await poms('campaign', 'push', file);
    assert.equal(pushed.code, 0, pushed.err);
    const launched = await poms('launch', 'q/work');
    assert.equal(launched.code, 0, launched.err);
    const deadline = Date.now() + 30_000;
    while ((await server.store.submissions.unfinished()).length > 0) {
      assert.ok(Date.now() < deadline, 'the launch did not end in time');
      await new Promise((r) => setTimeout(r, 100));
    }
  });

  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it('groups by signature, or by exit code with the signatures counted', async () => {
    const bySignature = await poms('triage', '--campaign', 'q', '--json');
    assert.equal(bySignature.code, 0, bySignature.err);
    const report = JSON.parse(bySignature.out) as TriageReport;
    assert.equal(report.group_by, 'signature');
    assert.deepEqual(
      report.groups.map((g) => [g.exit_code, g.count, g.files]),
      [
        [3, 2, 2],
        [3, 1, 1],
      ],
    );

    const byExit = await poms('triage', '--campaign', 'q', '--group-by', 'exit_code', '--json');
    assert.equal(byExit.code, 0, byExit.err);
    const exit = JSON.parse(byExit.out) as TriageReport;
    assert.equal(exit.group_by, 'exit_code');
    assert.deepEqual(
      exit.groups.map((g) => [g.signature, g.count, g.files, g.signatures.length]),
      [['exit3', 3, 3, 2]],
    );
    assert.deepEqual(
      exit.groups[0]?.signatures.map((s) => s.signature),
      report.groups.map((g) => g.signature),
    );

    const text = await poms('triage', '--campaign', 'q', '--group-by', 'exit_code');
    assert.equal(text.code, 0, text.err);
    assert.match(text.out, /^EXIT +JOBS +FILES +SIGNATURES +LAST SEEN +STAGES +TITLE$/m);
    assert.match(text.out, /^exit3 +3 +3 +2 +.+ q\/work +Error: corrupt header in FILE$/m);
    assert.match(text.out, /recover a group: poms triage recover EXIT/);

    const wrong = await poms('triage', '--group-by', 'exit_status');
    assert.equal(wrong.code, 2);
    assert.match(wrong.err, /--group-by must be signature or exit_code, not 'exit_status'/);
  });

  it("recovers an exit code's group: the files of all its signatures, once", async () => {
    const once = await poms('triage', 'recover', 'exit3', '--campaign', 'q', '--json');
    assert.equal(once.code, 0, once.err);
    const answer = JSON.parse(once.out) as {
      signature: string;
      launches: { files: string[]; outcome: { kind: string; submission: { id: string } } }[];
    };
    assert.equal(answer.signature, 'exit3');
    assert.deepEqual(
      answer.launches.map((l) => [l.files, l.outcome.kind]),
      [[['q_cfg_3.dat', 'q_hdr_1.dat', 'q_hdr_2.dat'], 'launched']],
    );
    const id = answer.launches[0]?.outcome.submission.id ?? '';
    assert.deepEqual(
      (await server.store.submissions.ledger(id)).items.map((e) => e.file),
      ['q_cfg_3.dat', 'q_hdr_1.dat', 'q_hdr_2.dat'],
    );
    const twice = await poms('triage', 'recover', 'exit3', '--campaign', 'q');
    assert.equal(twice.code, 0, twice.err);
    assert.match(twice.out, new RegExp(`q/work \\(3 file\\(s\\)\\): already launched as ${id}`));
  });
});
