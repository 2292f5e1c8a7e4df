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

describe('poms watch/unwatch/watches on a server', () => {
  const watchesOf = async (user: string) =>
    (await server.store.watches.watches(user, 'demo')).map((w) => w.stage).sort();

  it('watches a stage and the campaign, lists them, and stops watching', async () => {
    const stage = await runPoms('watch', 'rc', 'make');
    assert.equal(stage.code, 0, stage.err);
    assert.match(stage.out, /^watching stage rc\/make \(since \d{4}-\d\d-\d\dT.+\)$/);
    const campaign = await runPoms('watch', 'rc', '--json');
    assert.equal(campaign.code, 0, campaign.err);
    const record = JSON.parse(campaign.out) as Record<string, unknown>;
    assert.deepEqual([record.campaign, record.stage, record.experiment], ['rc', null, 'demo']);
    // Watching again keeps the one watch.
    assert.equal((await runPoms('watch', 'rc/make')).code, 0);
    assert.deepEqual(await watchesOf('admin'), ['make', null].sort());

    const listed = await runPoms('watches');
    assert.equal(listed.code, 0, listed.err);
    const rows = listed.out.split('\n');
    assert.match(rows[0] ?? '', /^CAMPAIGN\s+STAGE\s+SINCE$/);
    assert.deepEqual(
      rows.slice(1).map((r) => r.split(/\s+/).slice(0, 2)),
      [
        ['rc', '(all)'],
        ['rc', 'make'],
      ],
    );
    const paged = await runPoms('watches', '--json', '--limit', '1', '--offset', '1');
    assert.equal(paged.code, 0, paged.err);
    const page = JSON.parse(paged.out) as {
      items: { campaign: string; stage: string }[];
      total: number;
    };
    assert.equal(page.total, 2);
    assert.deepEqual(
      page.items.map((w) => [w.campaign, w.stage]),
      [['rc', 'make']],
    );

    // Watches are the token user's own: pete watches nothing.
    process.env.POMS_TOKEN = pete;
    try {
      const petes = await runPoms('watches', '--server', server.url);
      assert.equal(petes.code, 0, petes.err);
      assert.equal(petes.out, 'watching nothing in demo');
    } finally {
      delete process.env.POMS_TOKEN;
    }

    const stopped = await runPoms('unwatch', 'rc/make');
    assert.equal(stopped.code, 0, stopped.err);
    assert.equal(stopped.out, 'stopped watching stage rc/make');
    assert.deepEqual(await watchesOf('admin'), [null]);
    const again = await runPoms('unwatch', 'rc', 'make', '--json');
    assert.equal(again.code, 0, again.err);
    assert.deepEqual(JSON.parse(again.out), { removed: false });
    assert.equal((await runPoms('unwatch', 'rc')).out, 'stopped watching campaign rc');
    assert.deepEqual(await watchesOf('admin'), []);
  });

  it('refuses an unknown stage (exit 1, the server code) and bad arguments (exit 2)', async () => {
    const unknown = await runPoms('watch', 'rc', 'nope');
    assert.equal(unknown.code, 1);
    assert.match(unknown.err, /^poms: error launch\.unknown-stage: .*nope/);
    const noCampaign = await runPoms('watch', 'no_such_campaign');
    assert.equal(noCampaign.code, 1);
    assert.match(noCampaign.err, /^poms: error [a-z]+\.not-found: /);
    assert.equal((await runPoms('watch', 'rc/make', 'proc')).code, 2);
    assert.equal((await runPoms('watches', '--limit', '0')).code, 2);
    assert.deepEqual(await watchesOf('admin'), []);
  });
});

describe('poms notify settings on a server', () => {
  it('changes the settings, shows them, keeps the secret out of every answer, and refuses bad values', async () => {
    const secret = 'a webhook secret of the test, never printed';
    const secretFile = join(dir, 'hook-secret');
    writeFileSync(secretFile, `${secret}\n`);
    const changed = await runPoms(
      'notify',
      'settings',
      '--webhook',
      'http://127.0.0.1:9/hook',
      '--webhook-secret-from',
      secretFile,
      '--digest',
      'daily',
      '--threshold',
      '12.5%',
      '--email',
      'off',
    );
    assert.equal(changed.code, 0, changed.err);
    assert.match(changed.out, /^webhook: {3}http:\/\/127\.0\.0\.1:9\/hook$/m);
    assert.match(changed.out, /^secret: {4}set \(….+\)$/m);
    assert.match(changed.out, /^digest: {4}daily$/m);
    assert.match(changed.out, /^threshold: 12\.5 % failed files$/m);
    assert.match(changed.out, /^e-mail: {4}off/m);
    const stored = await server.store.notifications.settings('admin');
    assert.equal(stored?.webhook_url, 'http://127.0.0.1:9/hook');
    assert.equal(stored?.digest, 'daily');
    assert.equal(stored?.failure_threshold, 0.125);
    assert.equal(stored?.email_enabled, false);

    const shown = await runPoms('notify', 'settings', '--json');
    assert.equal(shown.code, 0, shown.err);
    assert.equal(
      (JSON.parse(shown.out) as { webhook_secret_set: boolean }).webhook_secret_set,
      true,
    );
    for (const output of [changed.out, changed.err, shown.out, shown.err]) {
      assert.ok(!output.includes(secret), 'the secret is never printed');
    }

    const removed = await runPoms(
      'notify',
      'settings',
      '--webhook',
      'none',
      '--digest',
      'immediate',
    );
    assert.match(removed.out, /^webhook: {3}none$/m);
    assert.equal((await server.store.notifications.settings('admin'))?.webhook_url, null);

    for (const bad of [
      ['--email', 'maybe'],
      ['--digest', 'weekly'],
      ['--threshold', '101'],
    ]) {
      const refused = await runPoms('notify', 'settings', ...bad);
      assert.equal(refused.code, 2, `${bad.join(' ')} is refused`);
    }
    assert.equal((await server.store.notifications.settings('admin'))?.digest, 'immediate');
  });
});

describe('poms files, datasets and snapshots on a server', () => {
  type Page<T> = { items: T[]; total: number };
  type Output = { name: string; produced_by: { submission_id: string; campaign_revision: number } };

  it('declares, queries, shows, walks provenance: the same records as the server has', async () => {
    const file = join(dir, 'declare.json');
    writeFileSync(
      file,
      JSON.stringify([
        { name: 'fc_raw.root', size: 3, metadata: { data_tier: 'fc-raw', run_number: 7 } },
        { name: 'fc_reco.root', metadata: { data_tier: 'fc-reco' }, parents: ['fc_raw.root'] },
      ]),
    );
    const declared = await runPoms('files', 'declare', file, '--json');
    assert.equal(declared.code, 0, declared.err);
    assert.deepEqual(JSON.parse(declared.out), { created: 2, unchanged: 0, updated: 0 });
    assert.equal(
      (await server.store.catalog.getFile('demo', 'fc_reco.root')).parents[0],
      'fc_raw.root',
    );

    const queried = await runPoms('files', 'query', "data_tier in ('fc-raw', 'fc-reco')");
    assert.equal(queried.code, 0, queried.err);
    assert.deepEqual(queried.out.split('\n'), ['fc_raw.root', 'fc_reco.root']);
    const counted = await runPoms('files', 'query', 'run_number = 7', '--count', '--json');
    assert.deepEqual(JSON.parse(counted.out), { count: 1 });
    const bad = await runPoms('files', 'query', 'run_number = ');
    assert.equal(bad.code, 1);
    assert.match(bad.err, /^poms: error query\.syntax: /);

    const shown = await runPoms('files', 'show', 'fc_reco.root', '--json');
    assert.equal(shown.code, 0, shown.err);
    assert.deepEqual(
      JSON.parse(shown.out),
      await server.store.catalog.getFile('demo', 'fc_reco.root'),
    );
    const text = await runPoms('files', 'show', 'fc_reco.root');
    assert.match(text.out, /^ {2}parents: fc_raw\.root$/m);

    const walked = await runPoms('files', 'provenance', 'fc_raw.root', '--descendants', '--json');
    assert.equal(walked.code, 0, walked.err);
    assert.deepEqual(
      (JSON.parse(walked.out) as { nodes: { name: string }[] }).nodes.map((n) => n.name),
      ['fc_raw.root', 'fc_reco.root'],
    );
    const missing = await runPoms('files', 'show', 'fc_none.root');
    assert.equal(missing.code, 1);
    assert.match(missing.err, /^poms: error store\.not-found: /);
  });

  it('locates a declared file over the API: idempotent, audited once; never declares one', async () => {
    const located = await runPoms('files', 'locate', 'fc_raw.root', 'tape', '/pnfs/fc_raw.root');
    assert.equal(located.code, 0, located.err);
    assert.equal(located.out, 'fc_raw.root: tape:/pnfs/fc_raw.root');
    const again = await runPoms(
      'files',
      'locate',
      'fc_raw.root',
      'tape',
      '/pnfs/fc_raw.root',
      '--json',
    );
    assert.equal((JSON.parse(again.out) as { added: boolean }).added, false);
    assert.deepEqual((await server.store.catalog.getFile('demo', 'fc_raw.root')).replicas, [
      { location: 'tape', path: '/pnfs/fc_raw.root' },
    ]);
    const audit = (await api(
      'GET',
      '/experiments/demo/audit?action=file.locate&object_id=fc_raw.root',
      admin,
    )) as Page<{ actor: string; summary: string }>;
    assert.equal(audit.total, 1);
    assert.match(audit.items[0]?.summary ?? '', /located fc_raw\.root at tape/);

    const unknown = await runPoms('files', 'locate', 'fc_ghost.root', 'tape', '/pnfs/x');
    assert.equal(unknown.code, 1);
    assert.match(unknown.err, /^poms: error store\.not-found: .*fc_ghost\.root/);
    await assert.rejects(server.store.catalog.getFile('demo', 'fc_ghost.root'));
    // Nobody unauthenticated may record one (the security matrix checks read tokens and roles).
    const anonymous = await fetch(
      `${server.url}/api/v1/experiments/demo/files/fc_raw.root/replicas`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ location: 'disk', path: '/d' }),
      },
    );
    assert.equal(anonymous.status, 401);
  });

  it('defines, lists, shows and snapshots datasets; lists and shows snapshots', async () => {
    const defined = await runPoms('datasets', 'define', 'fc_files', "data_tier like 'fc-%'");
    assert.equal(defined.code, 0, defined.err);
    assert.equal(defined.out, 'dataset fc_files: 2 files now');
    const listed = await runPoms('files', 'datasets', '--kind', 'query');
    assert.equal(listed.code, 0, listed.err);
    assert.deepEqual(listed.out.split('\n'), [
      "fc_files  query  data_tier like 'fc-%'",
      "raw_files  query  data_tier = 'rc-raw'",
    ]);
    const none = await runPoms('datasets', 'list', '--kind', 'open', '--json');
    assert.deepEqual(JSON.parse(none.out), { datasets: [], total: 0 });

    const snap = await runPoms('datasets', 'snapshot', 'fc_files', '--json');
    assert.equal(snap.code, 0, snap.err);
    const snapshot = JSON.parse(snap.out) as { id: string; file_count: number };
    assert.equal(snapshot.file_count, 2);
    const shown = await runPoms('datasets', 'show', 'fc_files');
    assert.equal(shown.code, 0, shown.err);
    assert.match(shown.out, /^ {2}files: 2 now$/m);
    assert.match(shown.out, new RegExp(`^ {2}snapshots: 1\\n {4}${snapshot.id} {2}2 files `, 'm'));
    const snaps = await runPoms('datasets', 'snapshots', 'fc_files', '--json');
    assert.deepEqual(
      (JSON.parse(snaps.out) as Page<{ id: string }>).items.map((s) => s.id),
      [snapshot.id],
    );
    const apiList = (await api(
      'GET',
      '/experiments/demo/snapshots?dataset=fc_files',
      admin,
    )) as Page<{
      id: string;
    }>;
    assert.deepEqual([apiList.items.map((s) => s.id), apiList.total], [[snapshot.id], 1]);
    const files = await runPoms('snapshots', 'show', snapshot.id, '--files', '--json');
    assert.equal(files.code, 0, files.err);
    assert.deepEqual((JSON.parse(files.out) as { files: string[] }).files, [
      'fc_raw.root',
      'fc_reco.root',
    ]);
    const all = await runPoms('snapshots', 'list', '--json');
    assert.ok(
      (JSON.parse(all.out) as Page<{ id: string }>).items.some((s) => s.id === snapshot.id),
    );
  });

  it('opens, fills and closes a dataset, and defines a field, on the server', async () => {
    const opened = await runPoms('datasets', 'open', 'fc_picked', '--description', 'by hand');
    assert.equal(opened.code, 0, opened.err);
    assert.equal(opened.out, 'fc_picked  open  by hand: 0 files');
    const added = await runPoms('datasets', 'add', 'fc_picked', 'fc_raw.root', 'fc_reco.root');
    assert.equal(added.out, 'dataset fc_picked: 2 added, 0 already in it');
    const closed = await runPoms('datasets', 'close', 'fc_picked', '--json');
    assert.equal((JSON.parse(closed.out) as { file_count: number }).file_count, 2);
    assert.notEqual((await server.store.catalog.getDataset('demo', 'fc_picked')).closed_at, null);
    const late = await runPoms('datasets', 'add', 'fc_picked', 'rc_a.root');
    assert.equal(late.code, 1);
    assert.match(late.err, /^poms: error store\.conflict: /);
    const open = await runPoms('files', 'datasets', '--kind', 'open', '--json');
    assert.deepEqual(
      (JSON.parse(open.out) as { datasets: { name: string }[] }).datasets.map((d) => d.name),
      ['fc_picked'],
    );

    const field = await runPoms(
      'files',
      'field',
      'fc_detector',
      '--type',
      'text',
      '--values',
      'near,far',
    );
    assert.equal(field.code, 0, field.err);
    assert.equal((await runPoms('files', 'fields')).out, 'fc_detector  text one of near, far');
    assert.equal(
      (await runPoms('files', 'field', 'fc_detector', '--drop')).out,
      'dropped field fc_detector',
    );
    assert.deepEqual(await server.store.catalog.metadataFields('demo'), []);
  });

  it('outputs of a campaign by config revision: the API ?revision= and poms files outputs', async () => {
    const first = await launched('rc/make');
    const file = join(dir, 'rc2.yaml');
    writeFileSync(file, CAMPAIGN.replace('["--events=", "10"]', '["--events=", "20"]'));
    const pushed = await runPoms('campaign', 'push', file);
    assert.equal(pushed.code, 0, pushed.err);
    const second = await launched('rc/make');
    const revisions = [first, second].map(
      async (id) => (await server.store.submissions.get(id)).campaign_revision,
    );
    const [r1, r2] = await Promise.all(revisions);
    assert.ok(r1 !== undefined && r2 !== undefined && r2 > r1, `${r1} then ${r2}`);
    await server.store.catalog.declareFiles('demo', [
      { name: 'out_r1.root' },
      { name: 'out_r2.root' },
    ]);
    await server.store.submissions.recordOutputs(first, 0, [
      { name: 'out_r1.root', located: true },
    ]);
    await server.store.submissions.recordOutputs(second, 0, [
      { name: 'out_r2.root', located: false },
    ]);

    const outputsOf = async (revision: number) =>
      (
        (await api(
          'GET',
          `/experiments/demo/campaigns/rc/outputs?revision=${revision}`,
          admin,
        )) as Page<Output>
      ).items.map((o) => [o.name, o.produced_by.submission_id, o.produced_by.campaign_revision]);
    assert.deepEqual(await outputsOf(r1), [['out_r1.root', first, r1]]);
    assert.deepEqual(await outputsOf(r2), [['out_r2.root', second, r2]]);
    const both = (await api(
      'GET',
      '/experiments/demo/campaigns/rc/outputs',
      admin,
    )) as Page<Output>;
    assert.deepEqual(
      both.items.map((o) => o.name),
      ['out_r1.root', 'out_r2.root'],
    );

    const cli = await runPoms('files', 'outputs', 'rc', '--revision', String(r2));
    assert.equal(cli.code, 0, cli.err);
    assert.deepEqual(cli.out.split('\n'), [
      'FILE         REVISION  STAGE  SUBMISSION' + ' '.repeat(second.length - 8) + 'JOB  LOCATED',
      `out_r2.root  ${String(r2).padEnd(8)}  make   ${second}  0    no`,
      '1-1 of 1 outputs of campaign rc',
    ]);
    const json = await runPoms(
      'files',
      'outputs',
      'rc',
      '--stage',
      'make',
      '--json',
      '--limit',
      '1',
    );
    const page = JSON.parse(json.out) as Page<Output>;
    assert.deepEqual([page.items.map((o) => o.name), page.total], [['out_r1.root'], 2]);
    const bySubmission = await runPoms('files', 'outputs', 'rc', '--submission', first, '--json');
    assert.deepEqual(
      (JSON.parse(bySubmission.out) as Page<Output>).items.map((o) => o.name),
      ['out_r1.root'],
    );
  });
});
