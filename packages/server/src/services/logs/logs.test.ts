// Durable logs end to end: real jobs on the local engine, their logs kept by the server, read
// through Execution and the API after the jobs' working folders are gone; the launch log without
// secret values; the start-up sweep; and ids that try to leave the logs folder.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { apiCaller } from '../../http/api/api-testing.ts';
import { EXPERIMENT, harness, type Harness } from '../execution/execution-testing.ts';
import { keptLogsOf, LogKeeper } from './index.ts';

const ADMIN_PASSWORD = 'the admin has a long password';
const SECRET_VALUE = 'do-not-print-this-0451';

async function waitFor(what: string, check: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('durable job logs', () => {
  let h: Harness;
  let token = '';
  let id = '';
  const call = apiCaller(() => h.server.url);
  const logsDir = () => join(h.server.dataDir, 'logs', EXPERIMENT);

  before(async () => {
    h = await harness({ server: { adminPassword: ADMIN_PASSWORD } });
    writeFileSync(
      join(h.bin, 'talk.sh'),
      '#!/bin/sh\necho "hello from job $POMS_JOB_INDEX"\necho "warning from job $POMS_JOB_INDEX" >&2\n',
    );
    chmodSync(join(h.bin, 'talk.sh'), 0o755);
    await h.campaign(`campaign: chatty
job_types:
  talk:
    command: ${h.bin}/talk.sh
    jobs: 2
launch_setups:
  here:
    engine: local
    environment:
      MY_TOKEN: ${SECRET_VALUE}
      COLOUR: blue
stages:
  make:
    type: generator
    job_type: talk
    launch_setup: here
`);
    const outcome = await h.launch('chatty', 'make');
    assert.equal(outcome.kind, 'launched');
    await h.settle();
    id = (await h.submissions('make'))[0]?.id ?? '';
    await waitFor('kept logs', () =>
      [0, 1].every((i) => existsSync(join(logsDir(), id, `${i}.stdout`))),
    );
    const login = await call('POST', '/auth/login', {
      body: { username: 'admin', password: ADMIN_PASSWORD },
    });
    const made = await call('POST', '/auth/tokens', {
      cookie: login.setCookie.split(';')[0] ?? '',
      csrf: String(login.body.csrf),
      body: { name: 'test', scopes: ['write'] },
    });
    token = String(made.body.secret);
  });
  after(async () => {
    await h.close();
  });

  it('keeps every job log, readable after the job working folder is gone', async () => {
    // The local engine keeps each job under <dataDir>/jobs/<submission>/<index>/.
    rmSync(join(h.server.dataDir, 'jobs', id), { recursive: true, force: true });
    const direct = await h.server.execution.logs(id, 1);
    assert.equal(direct.source, 'kept');
    assert.equal(direct.stdout, 'hello from job 1\n');
    // The job runtime's own lines are on stderr too.
    assert.match(direct.stderr, /^warning from job 1$/m);

    const base = `/experiments/${EXPERIMENT}/submissions/${id}`;
    const both = await call('GET', `${base}/jobs/0/logs`, { token });
    assert.equal(both.status, 200);
    assert.equal(both.body.stdout, 'hello from job 0\n');
    assert.match(String(both.body.stderr), /^warning from job 0$/m);
    assert.deepEqual([both.body.truncated, both.body.source], [false, 'kept']);
    const piece = await call('GET', `${base}/jobs/0/logs?stream=stdout&offset=6`, { token });
    assert.deepEqual(piece.body, {
      stream: 'stdout',
      offset: 6,
      next_offset: 17,
      size: 17,
      text: 'from job 0\n',
      source: 'kept',
      final: true,
    });

    const download = await fetch(
      `${h.server.url}/api/v1${base}/jobs/0/logs/download?stream=stderr`,
      {
        headers: { authorization: `Bearer ${token}` },
      },
    );
    assert.equal(download.status, 200);
    assert.match(download.headers.get('content-type') ?? '', /^text\/plain/);
    assert.match(download.headers.get('content-disposition') ?? '', /^attachment; filename="/);
    const stderr = readFileSync(join(logsDir(), id, '0.stderr'), 'utf8');
    assert.equal(await download.text(), stderr);

    const size = (i: number) => statSync(join(logsDir(), id, `${i}.stderr`)).size;
    const sizes = await call('GET', `${base}/logs`, { token });
    assert.deepEqual(sizes.body.jobs, [
      { index: 0, state: 'completed', exit_code: 0, stdout_bytes: 17, stderr_bytes: size(0) },
      { index: 1, state: 'completed', exit_code: 0, stdout_bytes: 17, stderr_bytes: size(1) },
    ]);
  });

  it('keeps a launch log with the command and environment names, never a secret value', async () => {
    await waitFor('the launch log', () => existsSync(join(logsDir(), id, 'launch.log')));
    const text = readFileSync(join(logsDir(), id, 'launch.log'), 'utf8');
    assert.ok(text.includes(`${h.bin}/talk.sh`), text);
    assert.match(text, /submitted: batch local:/);
    assert.match(text, /MY_TOKEN=\(hidden\)/);
    assert.match(text, /COLOUR=blue/);
    assert.ok(!text.includes(SECRET_VALUE));
    const answer = await call('GET', `/experiments/${EXPERIMENT}/submissions/${id}/launch-log`, {
      token,
    });
    assert.equal(answer.status, 200);
    assert.equal(answer.body.kept, true);
    assert.equal(answer.body.text, text);
  });

  it('answers 404 or 400 to ids that try to leave the logs folder', async () => {
    const bad = [
      `/experiments/${EXPERIMENT}/submissions/..%2F..%2Fetc/jobs/0/logs`,
      `/experiments/${EXPERIMENT}/submissions/..%2Fx/launch-log`,
      `/experiments/..%2F..%2Fx/submissions/${id}/jobs/0/logs/download`,
      `/experiments/${EXPERIMENT}/submissions/${id}/jobs/-1/logs`,
      `/experiments/${EXPERIMENT}/submissions/${id}/jobs/..%2F0/logs`,
      `/experiments/${EXPERIMENT}/submissions/${id}/jobs/7/logs?stream=stdout`,
    ];
    for (const path of bad) {
      const answer = await call('GET', path, { token });
      assert.ok([400, 403, 404].includes(answer.status), `${path}: ${answer.status}`);
    }
  });

  it('keeps, after a restart, logs of jobs that ended while nobody kept them', async () => {
    rmSync(join(logsDir(), id), { recursive: true, force: true });
    // The engine's copy is gone too (deleted above) for this submission: launch a new one.
    await h.launch('chatty', 'make');
    await h.settle();
    const again = (await h.submissions('make'))[1]?.id ?? '';
    await waitFor('kept logs', () => existsSync(join(logsDir(), again, '1.stdout')));
    rmSync(join(logsDir(), again), { recursive: true, force: true });
    const keeper = new LogKeeper({
      store: h.server.store,
      engines: { local: undefined },
      kept: keptLogsOf(h.server.dataDir),
    });
    // Without the engine: a note, so the job is not fetched forever.
    await keeper.sweepUnkept();
    await keeper.idle();
    assert.match(readFileSync(join(logsDir(), id, '0.stdout'), 'utf8'), /could not be read/);
    assert.ok(existsSync(join(logsDir(), id, 'launch.log')));
    await keeper.stop();
  });

  it('keeps the end of a long log with a marker, retries a failing engine, fetches once', async () => {
    rmSync(join(logsDir(), id), { recursive: true, force: true });
    let calls = 0;
    const engine = {
      logs: () => {
        calls++;
        if (calls < 3) return Promise.reject(new Error('engine busy'));
        return Promise.resolve({
          stdout: 'x'.repeat(500) + 'LAST LINE\n',
          stderr: '',
          truncated: false,
        });
      },
    };
    const keeper = new LogKeeper({
      store: h.server.store,
      engines: { local: engine as never },
      kept: keptLogsOf(h.server.dataDir),
      capBytes: 100,
      backoffMs: 1,
    });
    const job = { submission_id: id, index: 0, engine: 'local' as const, engine_id: 'e0' };
    keeper.keepJob(job);
    await keeper.idle();
    const kept = readFileSync(join(logsDir(), id, '0.stdout'), 'utf8');
    assert.equal(calls, 3);
    assert.match(
      kept,
      /^\[poms: 410 bytes cut from the start of this log; the last 100 bytes are kept\]\n/,
    );
    assert.ok(kept.endsWith('LAST LINE\n'));
    keeper.keepJob(job);
    await keeper.idle();
    assert.equal(calls, 3, 'a kept job is not fetched again');
    await keeper.stop();
  });

  it('says how much work waits and runs (the metrics queue gauge)', async () => {
    rmSync(join(logsDir(), id), { recursive: true, force: true });
    let open = () => undefined as void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const engine = {
      logs: async () => {
        await gate;
        return { stdout: 'out\n', stderr: '', truncated: false };
      },
    };
    const keeper = new LogKeeper({
      store: h.server.store,
      engines: { local: engine as never },
      kept: keptLogsOf(h.server.dataDir),
      concurrency: 1,
    });
    assert.deepEqual(keeper.queueDepth, { waiting: 0, running: 0 });
    for (const index of [0, 1]) {
      keeper.keepJob({ submission_id: id, index, engine: 'local', engine_id: `e${index}` });
    }
    assert.deepEqual(keeper.queueDepth, { waiting: 1, running: 1 });
    open();
    await keeper.idle();
    assert.deepEqual(keeper.queueDepth, { waiting: 0, running: 0 });
    assert.ok(existsSync(join(logsDir(), id, '1.stdout')));
    await keeper.stop();
  });

  it('deletes logs of submissions not updated within the retention period, keeps the others', async () => {
    assert.ok(existsSync(join(logsDir(), id)));
    const at = (days: number) => {
      const now = new Date(Date.now() + days * 24 * 3600 * 1000);
      return new LogKeeper({
        store: h.server.store,
        engines: {},
        kept: keptLogsOf(h.server.dataDir),
        retentionDays: 30,
        now: () => now,
      });
    };
    assert.equal(await at(29).sweepRetention(), 0);
    assert.ok(existsSync(join(logsDir(), id)));
    // A folder the store does not know goes by its own age: a fresh one stays.
    writeFileSync(join(logsDir(), 'stray.txt'), 'not a folder: ignored');
    assert.ok((await at(31).sweepRetention()) >= 1);
    assert.ok(!existsSync(join(logsDir(), id)));
    assert.ok(existsSync(join(logsDir(), 'stray.txt')));
  });
});
