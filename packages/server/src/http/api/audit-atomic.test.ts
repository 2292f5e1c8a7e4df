// A change and its audit entry commit together or not at all: with the audit table made to refuse
// every insert (a trigger in the real SQLite store, as a full disk or a broken table would), each
// kind of change over the API fails with a 5xx and leaves nothing behind; once the table accepts
// entries again the same calls succeed and each leaves exactly one entry.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { killProcessesUsing } from '../../leftover-processes-testing.ts';
import { startServer, type RunningServer } from '../../main.ts';
import { apiCaller } from './api-testing.ts';

const PASSWORD = 'an admin password for this test';
const CAMPAIGN = `campaign: audited
role: production
job_types:
  gen:
    command: /bin/true
    jobs: 1
launch_setups:
  here:
    engine: local
stages:
  make:
    type: generator
    job_type: gen
    launch_setup: here
`;

describe('audit entries and their changes', () => {
  let server: RunningServer;
  let dir: string;
  let db: Database.Database;
  let token = '';
  const call = apiCaller(() => server.url);
  const as = (method: string, path: string, body?: unknown) =>
    call(method, path, { token, ...(body === undefined ? {} : { body }) });

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'poms-audit-atomic-'));
    server = await startServer({ dataDir: dir, port: 0, adminPassword: PASSWORD });
    const login = await call('POST', '/auth/login', {
      body: { username: 'admin', password: PASSWORD },
    });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const created = await call('POST', '/auth/tokens', {
      cookie,
      csrf: String(login.body.csrf),
      body: { name: 'audit-test', scopes: ['write'] },
    });
    token = String(created.body.secret);
    db = new Database(join(dir, 'poms.sqlite'));
  });

  after(async () => {
    db.close();
    await server.close();
    // The local engine's jobs outlive a server on purpose; this test's must not outlive it.
    killProcessesUsing(dir);
    rmSync(dir, { recursive: true, force: true });
  });

  const entries = async () => (await as('GET', '/experiments/demo/audit?limit=1000')).list;

  it('rolls every kind of change back when its entry cannot be written', async () => {
    const auditBefore = (await entries()).length;
    db.exec(
      `CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'audit refused'); END`,
    );
    try {
      const create = await as('POST', '/experiments/demo/campaigns', { text: CAMPAIGN });
      assert.equal(create.status, 500, JSON.stringify(create.body));
      assert.equal((await as('GET', '/experiments/demo/campaigns/audited')).status, 404);

      const hold = await as('PUT', '/experiments/demo/hold', { reason: 'maintenance' });
      assert.equal(hold.status, 500);
      assert.equal((await as('GET', '/experiments/demo/holds')).list.length, 0);

      const files = await as('POST', '/experiments/demo/files', {
        files: [{ name: 'audit_test_1.root', size: 10 }],
      });
      assert.equal(files.status, 500, JSON.stringify(files.body));
      assert.equal((await as('GET', '/experiments/demo/files/audit_test_1.root')).status, 404);

      const tokenAnswer = await as('POST', '/auth/tokens', { name: 'second', scopes: ['read'] });
      assert.equal(tokenAnswer.status, 500);
      assert.equal((await as('GET', '/auth/tokens')).list.length, 1);
    } finally {
      db.exec('DROP TRIGGER refuse_audit');
    }
    assert.equal((await entries()).length, auditBefore);
  });

  it('commits each change with exactly one entry', async () => {
    const auditBefore = (await entries()).length;
    assert.equal((await as('POST', '/experiments/demo/campaigns', { text: CAMPAIGN })).status, 201);
    const launched = await as('POST', '/experiments/demo/campaigns/audited/stages/make/launch', {});
    assert.equal(launched.status, 201, JSON.stringify(launched.body));
    assert.equal((await as('PUT', '/experiments/demo/hold', { reason: 'x' })).status, 200);
    assert.equal((await as('DELETE', '/experiments/demo/hold')).status, 200);
    const actions = (await entries())
      .slice(0, -auditBefore || undefined)
      .map((e) => e.action)
      .reverse();
    assert.deepEqual(actions, ['campaign.create', 'submission.launch', 'hold.set', 'hold.release']);
  });

  it('takes a queued launch that cannot happen any more out of the queue, with its reason', async () => {
    assert.equal((await as('PUT', '/experiments/demo/hold', {})).status, 200);
    const queued = await as('POST', '/experiments/demo/campaigns/audited/stages/make/launch', {});
    assert.equal(queued.body.kind, 'held', JSON.stringify(queued.body));
    // The stage is renamed while the launch waits: releasing must not fail on it, nor keep it.
    const current = await as('GET', '/experiments/demo/campaigns/audited');
    const saved = await as('PUT', '/experiments/demo/campaigns/audited', {
      text: CAMPAIGN.replace('  make:', '  build:'),
      expected_revision: current.body.current_revision,
    });
    assert.equal(saved.status, 200, JSON.stringify(saved.body));
    const released = await as('DELETE', '/experiments/demo/hold');
    assert.equal(released.status, 200, JSON.stringify(released.body));
    const launched = released.body.launched as { kind: string; reason?: string }[];
    assert.equal(launched.length, 1);
    assert.equal(launched[0]?.kind, 'nothing');
    assert.match(launched[0]?.reason ?? '', /make/);
    assert.equal((await as('GET', '/experiments/demo/held-launches')).list.length, 0);
  });
});
