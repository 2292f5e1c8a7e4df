// The remote CLI: `poms login`, then every execution command against a real server in-process
// over its HTTP API (a token, no data folder), `campaign push/pull`, and `poms logout`.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type RunningServer } from '@poms/server';
import { runPoms } from './cli-testing.ts';
import { RemoteClient, allPages } from './remote/client.ts';

const PASSWORD = 'a long admin password';
const CAMPAIGN = `campaign: remote_scan
role: analysis
job_types:
  gen:
    command: /bin/true
    jobs: 2
launch_setups:
  here:
    engine: local
stages:
  make:
    type: generator
    job_type: gen
    launch_setup: here
`;

const ENV = [
  'POMS_CONFIG_DIR',
  'POMS_PASSWORD',
  'POMS_URL',
  'POMS_TOKEN',
  'POMS_DATA',
  'POMS_POSTGRES_URL',
  'POMS_WATCH_INTERVAL_MS',
] as const;

let server: RunningServer;
let dir: string;
let file: string;
const saved = new Map<string, string | undefined>();

before(async () => {
  for (const name of ENV) saved.set(name, process.env[name]);
  for (const name of ENV) delete process.env[name];
  dir = mkdtempSync(join(tmpdir(), 'poms-remote-cli-'));
  process.env.POMS_CONFIG_DIR = join(dir, 'config');
  process.env.POMS_PASSWORD = PASSWORD;
  process.env.POMS_WATCH_INTERVAL_MS = '300';
  file = join(dir, 'remote_scan.yaml');
  writeFileSync(file, CAMPAIGN);
  server = await startServer({
    memory: true,
    port: 0,
    adminPassword: PASSWORD,
    pollIntervalMs: 200,
  });
});

after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
  for (const [name, value] of saved) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

const credentials = () => join(process.env.POMS_CONFIG_DIR ?? '', 'credentials.json');

describe('poms against a server', () => {
  let id = '';
  let token = '';

  it('logs in: saves a token 0600 and prints no secret', async () => {
    const result = await runPoms('login', server.url, '--username', 'admin');
    assert.equal(result.code, 0, result.err);
    assert.equal(result.out, `logged in to ${server.url} as admin`);
    assert.ok(existsSync(credentials()));
    assert.equal(statSync(credentials()).mode & 0o777, 0o600);
    assert.equal(statSync(process.env.POMS_CONFIG_DIR ?? '').mode & 0o777, 0o700);
    const kept = JSON.parse(readFileSync(credentials(), 'utf8')) as { token: string };
    token = kept.token;
    assert.match(token, /^poms_/);
    assert.ok(!result.out.includes(token) && !result.err.includes(token));
    assert.ok(!result.out.includes(PASSWORD) && !result.err.includes(PASSWORD));
  });

  it('pushes a campaign (create, then a new revision) and pulls it back', async () => {
    const first = await runPoms('campaign', 'push', file);
    assert.equal(first.code, 0, first.err);
    assert.equal(first.out, 'pushed remote_scan revision 1');
    const second = await runPoms('campaign', 'push', file, '--message', 'again');
    assert.equal(second.code, 0, second.err);
    assert.equal(second.out, 'pushed remote_scan revision 2');
    const pulled = await runPoms('campaign', 'pull', 'remote_scan');
    assert.equal(pulled.code, 0, pulled.err);
    assert.equal(pulled.out, CAMPAIGN);
    const out = join(dir, 'pulled.yaml');
    assert.equal((await runPoms('campaign', 'pull', 'remote_scan', '-o', out)).code, 0);
    assert.equal(readFileSync(out, 'utf8'), CAMPAIGN);
  });

  it('launches a stage, and watches the submission until Located', async () => {
    const dry = await runPoms('launch', 'remote_scan/make', '--dry-run');
    assert.equal(dry.code, 0, dry.err);
    assert.match(dry.out, /remote_scan\/make would launch 2 jobs/);
    const result = await runPoms('launch', 'remote_scan/make');
    assert.equal(result.code, 0, result.err);
    assert.match(result.out, /^launched sub_\w+ \(make, 2 jobs, 0 files\): \w+$/);
    id = /launched (sub_\w+)/.exec(result.out)?.[1] ?? '';
    const watched = await runPoms('submission', id, '--watch');
    assert.equal(watched.code, 0, watched.err + watched.out);
    assert.match(watched.out, new RegExp(`^${id}: remote_scan/make Located$`, 'm'));
  });

  it('lists and shows submissions in the local formats', async () => {
    const json = await runPoms('submissions', 'remote_scan', '--json');
    assert.equal(json.code, 0, json.err);
    const page = JSON.parse(json.out) as { items: { id: string }[]; total: number };
    assert.equal(page.total, 1);
    assert.equal(page.items[0]?.id, id);
    const table = await runPoms('submissions', 'remote_scan/make', '--status', 'located');
    assert.equal(table.code, 0, table.err);
    assert.match(table.out, /^ID +CAMPAIGN +STAGE +STATUS/);
    assert.match(table.out, /^1-1 of 1 submissions$/m);
    const one = await runPoms('submission', id, '--files');
    assert.equal(one.code, 0, one.err);
    assert.match(one.out, new RegExp(`^${id}: remote_scan/make Located$`, 'm'));
    assert.match(one.out, /^ {2}launcher: +admin$/m);
    assert.match(one.out, /^jobs$/m);
    // The jobs come from the paged jobs route: both rows, as the local table prints them.
    assert.match(one.out, /^ {2}INDEX +STATE +EXIT +WALL/m);
    assert.match(one.out, /^ {2}0 +completed +0 /m);
    assert.match(one.out, /^ {2}1 +completed +0 /m);
    const shown = await runPoms('submission', id, '--json');
    assert.equal(shown.code, 0, shown.err);
    const detail = JSON.parse(shown.out) as { jobs: { index: number; state: string }[] };
    assert.deepEqual(
      detail.jobs.map((j) => [j.index, j.state]),
      [
        [0, 'completed'],
        [1, 'completed'],
      ],
    );
  });

  it('recover says there is nothing to recover; kill of a finished submission is harmless', async () => {
    const recovered = await runPoms('recover', id);
    assert.equal(recovered.code, 1);
    // The stage has no recovery recipe: refused with the reason (nothing to recover).
    assert.match(recovered.err, /^poms: (nothing launched: |error launch\.[a-z-]+: ).+/);
    const killed = await runPoms('kill', id);
    assert.equal(killed.code, 0, killed.err);
    assert.match(killed.out, /^kill (requested for 0 jobs of|: no live submissions)/);
    const after = await runPoms('submission', id);
    assert.match(after.out, new RegExp(`^${id}: remote_scan/make Located$`, 'm'));
  });

  it('says the server error codes, refuses --as and a server with --data', async () => {
    const unknown = await runPoms('launch', 'remote_scan/nope');
    assert.equal(unknown.code, 1);
    assert.match(unknown.err, /^poms: error launch\.unknown-stage: /);
    const missing = await runPoms('submission', 'sub_nope');
    assert.equal(missing.code, 1);
    assert.match(missing.err, /^poms: error [a-z]+\.[a-z-]+: /);
    const as = await runPoms('submissions', '--as', 'mallory');
    assert.equal(as.code, 2);
    assert.match(as.err, /--as is for a data folder/);
    const both = await runPoms('submissions', '--server', server.url, '--data', dir);
    assert.equal(both.code, 2);
    const nowhere = await runPoms('submissions', '--server', 'http://127.0.0.1:59999');
    assert.equal(nowhere.code, 2);
    assert.match(nowhere.err, /no token for http:\/\/127\.0\.0\.1:59999/);
    process.env.POMS_TOKEN = token;
    try {
      const refused = await runPoms('submissions', '--server', 'http://127.0.0.1:59999');
      assert.equal(refused.code, 2);
      assert.match(refused.err, /cannot reach the server at http:\/\/127\.0\.0\.1:59999/);
    } finally {
      delete process.env.POMS_TOKEN;
    }
  });

  it('holds and releases a stage, and shows the status', async () => {
    const held = await runPoms('hold', 'remote_scan/make', '--reason', 'checking');
    assert.equal(held.code, 0, held.err);
    assert.match(held.out, /^held: launches of remote_scan\/make \(by admin since .+: checking\)$/);
    const status = await runPoms('status', 'remote_scan');
    assert.equal(status.code, 0, status.err);
    assert.match(status.out, new RegExp(`^server: ${server.url} \\(as admin\\)$`, 'm'));
    assert.match(status.out, /^ {2}make +Located 1 +sub_\w+ Located$/m);
    assert.match(status.out, /^ {2}hold: make held by admin/m);
    const released = await runPoms('release', 'remote_scan/make');
    assert.equal(released.code, 0, released.err);
    assert.equal(released.out, 'released: launches of remote_scan/make');
  });

  it('sets, lists and deletes a schedule', async () => {
    const set = await runPoms('schedule', 'remote_scan/make', '0 3 * * *', '--tz', 'UTC');
    assert.equal(set.code, 0, set.err);
    assert.match(set.out, /^schedule remote_scan\/make: 0 3 \* \* \* \(UTC\)$/m);
    const list = await runPoms('schedule', '--list');
    assert.equal(list.code, 0, list.err);
    assert.match(list.out, /^remote_scan\/make +0 3 \* \* \*/m);
    const deleted = await runPoms('schedule', 'remote_scan/make', '--delete');
    assert.equal(deleted.code, 0, deleted.err);
    assert.equal(deleted.out, 'deleted the schedule of remote_scan/make');
  });

  it('follows the pages of a list route to the end, filters kept', async () => {
    const client = new RemoteClient(server.url, token);
    const whole = await client.call<{ items: { file: string }[]; total: number }>(
      'GET',
      '/templates',
      { query: { limit: 1000 } },
    );
    assert.ok(whole.total > 3, 'more templates than one page of 3');
    const followed = await allPages<{ file: string }>(client, '/templates', {}, 3);
    assert.deepEqual(
      followed.map((t) => t.file),
      whole.items.map((t) => t.file),
    );
    const tagged = await allPages<{ tags: string[] }>(client, '/templates', { tag: 'mc' }, 1);
    assert.ok(tagged.length >= 2);
    assert.ok(tagged.every((t) => t.tags.includes('mc')));
    assert.deepEqual(await allPages(client, '/experiments/demo/held-launches'), []);
  });

  it('logs out: the file is gone and the token no longer works', async () => {
    const result = await runPoms('logout');
    assert.equal(result.code, 0, result.err);
    assert.equal(result.out, `logged out of ${server.url}`);
    assert.ok(!existsSync(credentials()));
    const me = await fetch(`${server.url}/api/v1/auth/me`, {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(me.status, 401);
    // No login, no server: the data folder again (and push needs a server).
    const push = await runPoms('campaign', 'push', file);
    assert.equal(push.code, 2);
    assert.match(push.err, /campaign push needs a server/);
  });
});
