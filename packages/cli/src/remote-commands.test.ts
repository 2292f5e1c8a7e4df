// The execution commands' options in remote mode, against a real server in-process: launch with
// --test, --dataset and -O (seen in the submission's frozen config), the global hold (an
// administrator's; another user gets the server's refusal), kill/hold/release of single jobs
// (`sub_ID:N`), and approve/reject of an approval stage's submissions. Every effect is checked
// on the server (its store or its API), not only in what `poms` printed.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type JobRecord, type RunningServer } from '@poms/server';
import { runPoms } from './cli-testing.ts';

const PASSWORD = 'a long admin password';
const PETE_PASSWORD = 'pete has a long password';
const CAMPAIGN = `campaign: rc
role: analysis
job_types:
  gen:
    command: /bin/true
    parameters:
      - ["--events=", "10"]
    jobs: 1
  proc:
    command: /bin/true --input=%(dataset)s
  long:
    command: /bin/sleep 30
    jobs: 3
launch_setups:
  here:
    engine: local
stages:
  make:
    type: generator
    job_type: gen
    launch_setup: here
  proc:
    job_type: proc
    launch_setup: here
    input: raw_files
  long:
    type: generator
    job_type: long
    launch_setup: here
  check:
    type: approval
    input: raw_files
`;

const ENV = [
  'POMS_CONFIG_DIR',
  'POMS_PASSWORD',
  'POMS_URL',
  'POMS_TOKEN',
  'POMS_DATA',
  'POMS_POSTGRES_URL',
  'POMS_EXPERIMENT',
] as const;

let server: RunningServer;
let dir: string;
let admin = '';
let pete = '';
const saved = new Map<string, string | undefined>();

/** A JSON call to the server's API with a token: the test's own view of what happened. */
async function api(method: string, path: string, token: string, body?: unknown): Promise<unknown> {
  const answer = await fetch(`${server.url}/api/v1${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await answer.text();
  assert.ok(answer.ok, `${method} ${path}: ${answer.status} ${text}`);
  return text === '' ? undefined : (JSON.parse(text) as unknown);
}

/** Logs in over the API and makes a write token (for a second user). */
async function tokenFor(username: string, password: string): Promise<string> {
  const login = await fetch(`${server.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  assert.equal(login.status, 200, await login.clone().text());
  const { csrf } = (await login.json()) as { csrf: string };
  const cookie = (login.headers.getSetCookie()[0] ?? '').split(';')[0] ?? '';
  const made = await fetch(`${server.url}/api/v1/auth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrf },
    body: JSON.stringify({ name: 'test', scopes: ['write'] }),
  });
  assert.equal(made.status, 201, await made.clone().text());
  return ((await made.json()) as { secret: string }).secret;
}

async function launched(...argv: string[]): Promise<string> {
  const result = await runPoms('launch', ...argv);
  assert.equal(result.code, 0, result.err);
  const id = /^launched (sub_\w+) /.exec(result.out)?.[1];
  assert.ok(id, result.out);
  return id;
}

/** Waits (at most 10 s) until the submission's jobs satisfy `ok`; returns them. */
async function jobsUntil(id: string, ok: (jobs: JobRecord[]) => boolean): Promise<JobRecord[]> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const jobs = await server.store.submissions.jobs(id);
    if (ok(jobs)) return jobs;
    if (Date.now() > deadline) {
      assert.fail(`jobs of ${id}: ${JSON.stringify(jobs.map((j) => [j.index, j.state]))}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

const stateOf = (jobs: JobRecord[], index: number) => jobs.find((j) => j.index === index)?.state;

before(async () => {
  for (const name of ENV) saved.set(name, process.env[name]);
  for (const name of ENV) delete process.env[name];
  dir = mkdtempSync(join(tmpdir(), 'poms-remote-commands-'));
  process.env.POMS_CONFIG_DIR = join(dir, 'config');
  process.env.POMS_PASSWORD = PASSWORD;
  server = await startServer({
    memory: true,
    port: 0,
    adminPassword: PASSWORD,
    pollIntervalMs: 100,
    localSlots: 4,
  });
  await server.store.catalog.declareFiles('demo', [
    { name: 'rc_a.root', metadata: { data_tier: 'rc-raw' } },
    { name: 'rc_b.root', metadata: { data_tier: 'rc-raw' } },
  ]);
  await server.store.catalog.defineDataset('demo', 'raw_files', "data_tier = 'rc-raw'");
  const login = await runPoms('login', server.url, '--username', 'admin');
  assert.equal(login.code, 0, login.err);
  admin = await tokenFor('admin', PASSWORD);
  // pete: a production member of the experiment, but no global superuser.
  await api('POST', '/users', admin, {
    username: 'pete',
    display_name: 'Pete',
    password: PETE_PASSWORD,
  });
  await api('PUT', '/experiments/demo/members/pete', admin, { role: 'production' });
  pete = await tokenFor('pete', PETE_PASSWORD);
  const file = join(dir, 'rc.yaml');
  writeFileSync(file, CAMPAIGN);
  const pushed = await runPoms('campaign', 'push', file);
  assert.equal(pushed.code, 0, pushed.err);
});

after(async () => {
  // No sleeping job outlives the test.
  for (const s of (await server.store.submissions.list({ experiment: 'demo' })).items) {
    if (s.stage === 'long') await runPoms('kill', s.id);
  }
  await server.close();
  rmSync(dir, { recursive: true, force: true });
  for (const [name, value] of saved) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

interface FrozenConfig {
  launch: { test: boolean; command_text: string; params: [string, string][] };
  values: Record<string, string>;
}

describe('poms launch on a server: --test, --dataset, -O', () => {
  it('a plain launch: not a test, the campaign parameters', async () => {
    const id = await launched('rc/make');
    const config = (await api(
      'GET',
      `/experiments/demo/submissions/${id}/config`,
      admin,
    )) as FrozenConfig;
    assert.equal(config.launch.test, false);
    assert.deepEqual(config.launch.params, [['--events=', '10']]);
    assert.equal((await server.store.submissions.get(id)).test, false);
  });

  it('--test and -O: a test submission with the override in its frozen config', async () => {
    const id = await launched('rc/make', '--test', '-O', '--events=5', '-O', '--seed=7 8');
    const submission = await server.store.submissions.get(id);
    assert.equal(submission.test, true);
    assert.equal(submission.launcher, 'admin');
    const config = (await api(
      'GET',
      `/experiments/demo/submissions/${id}/config`,
      admin,
    )) as FrozenConfig;
    assert.equal(config.launch.test, true);
    assert.deepEqual(config.launch.params, [
      ['--events=', '5'],
      ['--seed=', '7 8'],
    ]);
    assert.match(config.launch.command_text, /--events=5/);
    assert.doesNotMatch(config.launch.command_text, /--events=10/);
    // -O without `=` is a usage error before anything reaches the server.
    const bad = await runPoms('launch', 'rc/make', '-O', 'novalue');
    assert.equal(bad.code, 2);
    assert.match(bad.err, /--override takes KEY=VALUE/);
  });

  it('--dataset: the submission takes that dataset as its input', async () => {
    const id = await launched('rc/proc', '--dataset', 'raw_files');
    const submission = await server.store.submissions.get(id);
    assert.equal(submission.parameter, 'raw_files');
    assert.match(submission.input_query ?? '', /raw_files/);
    assert.equal(submission.file_count, 2);
    const config = (await api(
      'GET',
      `/experiments/demo/submissions/${id}/config`,
      admin,
    )) as FrozenConfig;
    assert.equal(config.values.dataset, 'raw_files');
    assert.match(config.launch.command_text, /--input=raw_files/);
    const unknown = await runPoms('launch', 'rc/proc', '--dataset', 'no_such_dataset');
    assert.equal(unknown.code, 1);
    assert.match(unknown.err, /^poms: (error [a-z]+\.[a-z-]+|nothing launched): /);
  });
});

describe('poms hold --global on a server', () => {
  type Hold = { scope: { kind: string } };
  const globalHolds = async () => {
    // A list, or (paged) {items, total}.
    const answer = (await api('GET', '/experiments/demo/holds', admin)) as
      Hold[] | { items: Hold[] };
    return (Array.isArray(answer) ? answer : answer.items).filter((h) => h.scope.kind === 'global');
  };
  after(async () => {
    // A failed test leaves no global hold behind for the others.
    await fetch(`${server.url}/api/v1/holds/global`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${admin}` },
    });
  });

  it('an administrator holds every launch (a launch queues) and releases it', async () => {
    const held = await runPoms('hold', '--global', '--reason', 'maintenance');
    assert.equal(held.code, 0, held.err);
    assert.match(held.out, /^held: every launch \(by admin since .+: maintenance\)$/);
    const holds = await globalHolds();
    assert.equal(holds.length, 1);
    const queued = await runPoms('launch', 'rc/make');
    assert.equal(queued.code, 0, queued.err);
    assert.match(queued.out, /^held: .+ queued as hld_\w+/);
    const released = await runPoms('release', '--global');
    assert.equal(released.code, 0, released.err);
    const lines = released.out.split('\n');
    assert.equal(lines[0], 'released: every launch');
    assert.match(released.out, /^launched sub_\w+ \(make, 1 job/m);
    assert.deepEqual(await globalHolds(), []);
    const again = await runPoms('release', '--global');
    assert.equal(again.out, 'not held: every launch');
  });

  it('another user gets auth.forbidden, exit 1, and nothing is held', async () => {
    process.env.POMS_TOKEN = pete;
    try {
      const refused = await runPoms('hold', '--global', '--server', server.url);
      assert.equal(refused.code, 1);
      assert.match(refused.err, /^poms: error auth\.forbidden: /);
      assert.equal(refused.out, '');
      assert.deepEqual(await globalHolds(), []);
      // $POMS_TOKEN wins over the saved (admin) login on its server too.
      const viaLogin = await runPoms('hold', '--global');
      assert.equal(viaLogin.code, 1);
      assert.match(viaLogin.err, /^poms: error auth\.forbidden: /);
      // The administrator's hold cannot be lifted by pete either.
      delete process.env.POMS_TOKEN;
      assert.equal((await runPoms('hold', '--global')).code, 0);
      process.env.POMS_TOKEN = pete;
      const release = await runPoms('release', '--global', '--server', server.url);
      assert.equal(release.code, 1);
      assert.match(release.err, /^poms: error auth\.forbidden: /);
      assert.equal((await globalHolds()).length, 1);
    } finally {
      delete process.env.POMS_TOKEN;
    }
    assert.equal((await runPoms('release', '--global')).code, 0);
    assert.deepEqual(await globalHolds(), []);
  });
});

describe('poms kill/hold/release of single jobs on a server (sub_ID:N)', () => {
  it('acts on the named job only', async () => {
    const id = await launched('rc/long');
    await jobsUntil(id, (jobs) => jobs.length === 3 && jobs.every((j) => j.state === 'running'));

    const killed = await runPoms('kill', `${id}:1`);
    assert.equal(killed.code, 0, killed.err);
    assert.equal(killed.out, `kill requested for 1 job of 1 submission (jobs 1 of ${id}): ${id}`);
    let jobs = await jobsUntil(id, (js) => stateOf(js, 1) === 'cancelled');
    assert.equal(stateOf(jobs, 0), 'running');
    assert.equal(stateOf(jobs, 2), 'running');

    const held = await runPoms('hold', `${id}:0`);
    assert.equal(held.code, 0, held.err);
    assert.equal(held.out, `hold requested for 1 job of 1 submission (jobs 0 of ${id}): ${id}`);
    jobs = await jobsUntil(id, (js) => stateOf(js, 0) === 'held');
    assert.equal(stateOf(jobs, 2), 'running');

    const released = await runPoms('release', `${id}:0`);
    assert.equal(released.code, 0, released.err);
    assert.equal(
      released.out,
      `release requested for 1 job of 1 submission (jobs 0 of ${id}): ${id}`,
    );
    jobs = await jobsUntil(id, (js) => stateOf(js, 0) === 'running');
    assert.equal(stateOf(jobs, 1), 'cancelled');

    const bad = await runPoms('kill', `${id}:x`);
    assert.equal(bad.code, 2);
    // The rest: the whole submission is Cancelled.
    const all = await runPoms('kill', id);
    assert.equal(all.code, 0, all.err);
    await jobsUntil(id, (js) => js.every((j) => j.state === 'cancelled'));
    assert.equal((await server.store.submissions.get(id)).status, 'Cancelled');
  });
});

describe('poms approve/reject on a server', () => {
  it('approves one submission awaiting approval and rejects another', async () => {
    const first = await launched('rc/check');
    const second = await launched('rc/check');
    for (const id of [first, second]) {
      assert.equal((await server.store.submissions.get(id)).status, 'Awaiting Approval');
    }
    const approved = await runPoms('approve', first);
    assert.equal(approved.code, 0, approved.err);
    assert.match(approved.out, new RegExp(`^${first}: (Completed|Located)$`));
    assert.match((await server.store.submissions.get(first)).status, /^(Completed|Located)$/);
    const rejected = await runPoms('reject', second);
    assert.equal(rejected.code, 0, rejected.err);
    assert.equal(rejected.out, `${second}: Removed`);
    assert.equal((await server.store.submissions.get(second)).status, 'Removed');
    const history = await server.store.submissions.history(second);
    assert.equal(history.at(-1)?.by, 'admin');
    // Decided already: the server refuses.
    const twice = await runPoms('approve', second);
    assert.equal(twice.code, 1);
    assert.match(twice.err, /^poms: error submission\.bad-state: /);
  });
});
