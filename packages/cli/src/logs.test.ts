// `poms logs` on a data folder: a server ran a launch and kept its logs, then stopped; the CLI
// reads the launch log, the jobs' kept sizes and one job's logs without any server. Then on a
// running server (remote mode): `--follow` on a job still running prints each line as the job
// writes it and stops when the job ends, and the overview and a job's logs come over the API.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startServer, type RunningServer } from '@poms/server';
import { runPoms } from './cli-testing.ts';
import { main } from './main.ts';

let dir: string;
let id = '';

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'poms-logs-cli-'));
  const server = await startServer({ dataDir: dir, port: 0, pollIntervalMs: 100 });
  try {
    const outcome = await server.execution.launches.launch({
      experiment: 'demo',
      campaign: 'toy_z_chain',
      stage: 'generate',
      launcher: 'alice',
    });
    assert.equal(outcome.kind, 'launched');
    id = outcome.kind === 'launched' ? outcome.submission.id : '';
    const deadline = Date.now() + 30_000;
    while (!existsSync(join(dir, 'logs', 'demo', id, '0.stdout'))) {
      if (Date.now() > deadline) throw new Error('the job logs were never kept');
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await server.close();
  }
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('poms logs', () => {
  it('prints the launch log and the jobs with their kept log sizes', async () => {
    const result = await runPoms('logs', id, '--data', dir);
    assert.equal(result.code, 0, result.err);
    assert.match(result.out, new RegExp(`# Launch log of ${id}`));
    assert.match(result.out, /## Command/);
    assert.match(result.out, /JOB +STATE +EXIT +STDOUT BYTES +STDERR BYTES/);
    assert.match(result.out, /^0 +\w+/m);
  });

  it("prints one job's kept stdout then stderr, one stream, or follows it to its end", async () => {
    const both = await runPoms('logs', id, '0', '--data', dir);
    assert.equal(both.code, 0, both.err);
    assert.match(both.out, /==> job 0 stdout \(kept\) <==/);
    assert.match(both.out, /==> job 0 stderr \(kept\) <==\npoms-job:/);
    const stderr = await runPoms('logs', id, '0', '--stream', 'stderr', '--data', dir);
    assert.match(stderr.out, /^poms-job:/);
    const followed = await runPoms(
      'logs',
      id,
      '0',
      '--stream',
      'stderr',
      '--follow',
      '--data',
      dir,
    );
    assert.equal(followed.code, 0, followed.err);
    assert.equal(followed.out, stderr.out);
  });

  it('refuses a bad stream, --follow without a job, and an unknown submission', async () => {
    assert.equal((await runPoms('logs', id, '0', '--stream', 'both', '--data', dir)).code, 2);
    assert.equal((await runPoms('logs', id, '--follow', '--data', dir)).code, 2);
    assert.notEqual((await runPoms('logs', 'sub_nope', '--data', dir)).code, 0);
  });
});

describe('poms logs on a server', () => {
  const PASSWORD = 'the admin of the logs test';
  const ENV = ['POMS_CONFIG_DIR', 'POMS_TOKEN', 'POMS_URL', 'POMS_WATCH_INTERVAL_MS'] as const;
  const saved = new Map<string, string | undefined>();
  let server: RunningServer;
  let folder = '';
  let sub = '';
  /**
   * The job writes a line, waits for `gate1`, writes a line and the start of the last one, waits
   * for `gate2`, ends the last line.
   */
  const gate = (name: string) => writeFileSync(join(folder, name), '');

  before(async () => {
    for (const name of ENV) saved.set(name, process.env[name]);
    folder = mkdtempSync(join(tmpdir(), 'poms-logs-remote-'));
    process.env.POMS_CONFIG_DIR = join(folder, 'config');
    process.env.POMS_WATCH_INTERVAL_MS = '100';
    delete process.env.POMS_URL;
    const script = join(folder, 'slow.sh');
    writeFileSync(
      script,
      `#!/bin/sh
echo "first line"
while [ ! -e ${folder}/gate1 ]; do sleep 0.05; done
echo "second line"
printf "last "
while [ ! -e ${folder}/gate2 ]; do sleep 0.05; done
echo "line"
`,
    );
    chmodSync(script, 0o755);
    writeFileSync(
      join(folder, 'slow.yaml'),
      `campaign: slow
job_types:
  talk:
    command: ${script}
    jobs: 1
launch_setups:
  here:
    engine: local
stages:
  make:
    type: generator
    job_type: talk
    launch_setup: here
`,
    );
    server = await startServer({
      memory: true,
      port: 0,
      adminPassword: PASSWORD,
      pollIntervalMs: 100,
    });
    const login = await fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: PASSWORD }),
    });
    assert.equal(login.status, 200);
    const { csrf } = (await login.json()) as { csrf: string };
    const made = await fetch(`${server.url}/api/v1/auth/tokens`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        cookie: (login.headers.getSetCookie()[0] ?? '').split(';')[0] ?? '',
        'x-csrf-token': csrf,
      },
      body: JSON.stringify({ name: 'logs test', scopes: ['write'] }),
    });
    assert.equal(made.status, 201);
    process.env.POMS_TOKEN = ((await made.json()) as { secret: string }).secret;
    const pushed = await runPoms(
      'campaign',
      'push',
      join(folder, 'slow.yaml'),
      '--server',
      server.url,
    );
    assert.equal(pushed.code, 0, pushed.err);
  });

  after(async () => {
    // A job left waiting by a failed test ends now; the server's jobs die with it anyway.
    gate('gate1');
    gate('gate2');
    await server.close();
    rmSync(folder, { recursive: true, force: true });
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it("--follow prints a running job's lines as they come and stops when the job ends", async () => {
    const launched = await runPoms('launch', 'slow/make', '--server', server.url);
    assert.equal(launched.code, 0, launched.err);
    sub = /\b(sub_\w+)\b/.exec(launched.out)?.[1] ?? '';
    assert.ok(sub, launched.out);
    // What the follow is answered: to know it has read the unfinished last line.
    const answers: string[] = [];
    const realFetch = globalThis.fetch;
    globalThis.fetch = async (input, init) => {
      const answer = await realFetch(input, init);
      const url = input instanceof Request ? input.url : input instanceof URL ? input.href : input;
      if (url.includes(`/submissions/${sub}/jobs/0/logs`)) {
        answers.push(await answer.clone().text());
      }
      return answer;
    };
    const out: string[] = [];
    let ended = false;
    try {
      // As on a terminal: every print ends a line.
      const following = main(['logs', sub, '0', '--follow', '--server', server.url], {
        out: (t) => out.push(t.endsWith('\n') ? t : `${t}\n`),
        err: (t) => out.push(`ERR ${t}`),
      }).finally(() => (ended = true));
      const printed = () => out.join('');
      const until = async (what: string, ok: () => boolean) => {
        const deadline = Date.now() + 20_000;
        while (!ok()) {
          if (ended) assert.fail(`follow ended before ${what}: ${printed()}`);
          if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}: ${printed()}`);
          await new Promise((r) => setTimeout(r, 50));
        }
      };
      await until('the first line', () => printed().includes('first line'));
      assert.ok(!printed().includes('second line'));
      gate('gate1');
      await until('the second line', () => printed().includes('second line'));
      // Printed while the job is still running (it waits for gate2): the follow goes on.
      const [job] = await server.store.submissions.jobs(sub);
      assert.ok(job && !['completed', 'failed', 'cancelled'].includes(job.state), job?.state);
      assert.equal(ended, false, 'the follow goes on while the job runs');
      // The follow has read "last " (and asked again since): an unfinished line is held back.
      await until('the follow to read the unfinished line', () =>
        answers.some((a) => a.includes('last ')),
      );
      const seen = answers.findIndex((a) => a.includes('last '));
      await until('its next look', () => answers.length > seen + 1);
      assert.equal(printed(), 'first line\nsecond line\n', 'an unfinished line is held back');
      gate('gate2');
      const stopped = new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error('the follow never stopped')), 20_000).unref(),
      );
      assert.equal(await Promise.race([following, stopped]), 0, printed());
      assert.equal(printed(), 'first line\nsecond line\nlast line\n');
      const [done] = await server.store.submissions.jobs(sub);
      assert.equal(done?.state, 'completed');
    } finally {
      globalThis.fetch = realFetch;
    }
  });

  it("prints the launch log, the jobs and one job's kept logs from the server", async () => {
    // The server keeps a job's logs just after it ended, in the background: wait for that.
    const whole = 'first line\nsecond line\nlast line\n';
    const deadline = Date.now() + 20_000;
    for (;;) {
      const json = await runPoms('logs', sub, '--server', server.url, '--json');
      assert.equal(json.code, 0, json.err);
      const { jobs } = JSON.parse(json.out) as { jobs: { stdout_bytes: number | null }[] };
      const kept = jobs[0]?.stdout_bytes;
      if (kept !== null && kept !== undefined) {
        assert.equal(kept, whole.length);
        break;
      }
      assert.ok(Date.now() < deadline, 'the job logs were never kept');
      await new Promise((r) => setTimeout(r, 100));
    }
    const overview = await runPoms('logs', sub, '--server', server.url);
    assert.equal(overview.code, 0, overview.err);
    assert.match(overview.out, new RegExp(`# Launch log of ${sub}`));
    assert.match(overview.out, /shell form: .*slow\.sh/);
    assert.match(overview.out, new RegExp(`^0 +completed +0 +${whole.length} +\\d+$`, 'm'));
    const one = await runPoms('logs', sub, '0', '--server', server.url);
    assert.equal(one.code, 0, one.err);
    assert.match(one.out, /^==> job 0 stdout \(kept\) <==\nfirst line\nsecond line\nlast line\n/);
    const missing = await runPoms('logs', 'sub_nope', '--server', server.url);
    assert.equal(missing.code, 1);
    assert.match(missing.err, /^poms: error /);
  });
});
