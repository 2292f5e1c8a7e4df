// Open datasets over real HTTP: create (idempotent), add files, close; the new fields on the
// dataset answers; `defname:` and snapshots of an open dataset; bad input naming the field; the
// permission (catalog.write) and the audit entries.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startServer, type RunningServer } from '../../main.ts';
import { type Answer, apiCaller, apiToken, errorCode } from './api-testing.ts';

const ADMIN_PASSWORD = 'correct horse battery staple';

describe('the API: open datasets', () => {
  let server: RunningServer;
  const call = apiCaller(() => server.url);
  const message = (a: Answer) => (a.body.error as { message?: string } | undefined)?.message ?? '';
  const field = (a: Answer) => (a.body.error as { field?: string } | undefined)?.field;
  let admin = '';
  let bob = '';
  let bobReadOnly = '';

  const tokenFor = (username: string, password: string, scopes: string[]) =>
    apiToken(call, username, password, { name: `test-${scopes.join('-')}`, scopes });

  before(async () => {
    server = await startServer({ memory: true, port: 0, adminPassword: ADMIN_PASSWORD });
    const { hashPassword } = await import('../../services/auth/passwords.ts');
    await server.store.identity.createUser({
      username: 'bob',
      displayName: 'bob',
      passwordHash: await hashPassword('bob has a long password'),
    });
    admin = await tokenFor('admin', ADMIN_PASSWORD, ['write']);
    const member = await call('PUT', '/experiments/demo/members/bob', {
      token: admin,
      body: { role: 'analysis' },
    });
    assert.equal(member.status, 200, JSON.stringify(member.body));
    bob = await tokenFor('bob', 'bob has a long password', ['write']);
    bobReadOnly = await tokenFor('bob', 'bob has a long password', ['read']);
    const declared = await call('POST', '/experiments/demo/files', {
      token: bob,
      body: {
        files: [
          { name: 'raw_1.root', metadata: { run_number: 1, data_tier: 'raw' } },
          { name: 'raw_2.root', metadata: { run_number: 2, data_tier: 'raw' } },
          { name: 'reco_1.root', metadata: { run_number: 1, data_tier: 'reco' } },
        ],
      },
    });
    assert.equal(declared.status, 200, JSON.stringify(declared.body));
  });
  after(async () => {
    await server.close();
  });

  it('creates an open dataset, adds files to it, reads it by defname and closes it', async () => {
    const made = await call('POST', '/experiments/demo/datasets', {
      token: bob,
      body: { name: 'mirror', kind: 'open', description: 'copied from SAM' },
    });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    assert.deepEqual(
      { ...made.body, created_at: undefined },
      {
        name: 'mirror',
        kind: 'open',
        query: '',
        description: 'copied from SAM',
        created_at: undefined,
        closed_at: null,
        file_count: 0,
      },
    );
    const again = await call('POST', '/experiments/demo/datasets', {
      token: bob,
      body: { name: 'mirror', kind: 'open', description: 'something else' },
    });
    assert.equal(again.status, 201, JSON.stringify(again.body));
    assert.deepEqual(again.body, made.body);

    const add = (files: unknown, name = 'mirror', token = bob) =>
      call('POST', `/experiments/demo/datasets/${name}/files`, { token, body: { files } });
    const first = await add(['raw_1.root', 'reco_1.root']);
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.deepEqual(first.body, { added: 2, already: 0 });
    assert.deepEqual((await add(['raw_1.root', 'raw_2.root'])).body, { added: 1, already: 1 });

    const unknown = await add(['raw_1.root', 'ghost.root']);
    assert.equal(unknown.status, 404);
    assert.equal(errorCode(unknown), 'store.not-found');
    assert.match(message(unknown), /ghost\.root/);
    const empty = await add([]);
    assert.equal(empty.status, 400);
    assert.equal(field(empty), 'body.files');
    const notNames = await add([42]);
    assert.equal(notNames.status, 400);
    assert.equal(field(notNames), 'body.files.0');
    assert.equal((await add(['raw_1.root'], 'nothing')).status, 404);

    const one = await call('GET', '/experiments/demo/datasets/mirror', { token: bob });
    assert.equal(one.status, 200);
    assert.equal(one.body.kind, 'open');
    assert.equal(one.body.file_count, 3);
    const query = await call(
      'GET',
      `/experiments/demo/files?query=${encodeURIComponent('defname: mirror and data_tier = raw')}`,
      { token: bob },
    );
    assert.deepEqual(
      (query.body.files as { name: string }[]).map((f) => f.name),
      ['raw_1.root', 'raw_2.root'],
    );

    // A query dataset built on it, and a snapshot of it.
    const reco = await call('POST', '/experiments/demo/datasets', {
      token: bob,
      body: { name: 'mirror_reco', query: 'defname: mirror and data_tier = reco' },
    });
    assert.equal(reco.status, 201, JSON.stringify(reco.body));
    assert.equal(reco.body.kind, 'query');
    assert.equal(reco.body.file_count, 1);
    const snap = await call('POST', '/experiments/demo/snapshots', {
      token: bob,
      body: { dataset: 'mirror' },
    });
    assert.equal(snap.status, 201, JSON.stringify(snap.body));
    assert.equal(snap.body.query, 'defname: mirror');
    assert.equal(snap.body.file_count, 3);

    const closed = await call('POST', '/experiments/demo/datasets/mirror/close', { token: bob });
    assert.equal(closed.status, 200, JSON.stringify(closed.body));
    assert.equal(typeof closed.body.closed_at, 'string');
    assert.equal(closed.body.file_count, 3);
    const closedAgain = await call('POST', '/experiments/demo/datasets/mirror/close', {
      token: bob,
    });
    assert.deepEqual(closedAgain.body, closed.body);
    const late = await add(['raw_2.root']);
    assert.equal(late.status, 409);
    assert.match(message(late), /"mirror" was closed/);

    const list = await call('GET', '/experiments/demo/datasets', { token: bob });
    assert.deepEqual(
      list.list.map((d) => [d.name, d.kind, d.closed_at === null]),
      [
        ['mirror', 'open', false],
        ['mirror_reco', 'query', true],
      ],
    );
  });

  it('refuses bad bodies naming the field, kind conflicts, and callers without catalog.write', async () => {
    const post = (body: unknown, token = bob) =>
      call('POST', '/experiments/demo/datasets', { token, body });
    const noQuery = await post({ name: 'q1' });
    assert.equal(noQuery.status, 400);
    assert.equal(field(noQuery), 'body.query');
    const openWithQuery = await post({ name: 'o1', kind: 'open', query: 'all' });
    assert.equal(openWithQuery.status, 400);
    assert.equal(field(openWithQuery), 'body.query');
    const badKind = await post({ name: 'o1', kind: 'frozen' });
    assert.equal(badKind.status, 400);
    assert.equal(field(badKind), 'body.kind');
    const badName = await post({ name: 'bad name', kind: 'open' });
    assert.equal(badName.status, 400);
    assert.equal(field(badName), 'name');

    assert.equal((await post({ name: 'q1', query: 'all' })).status, 201);
    const clash = await post({ name: 'q1', kind: 'open' });
    assert.equal(clash.status, 409);
    assert.match(message(clash), /"q1" is a saved query/);
    const toQuery = await call('POST', '/experiments/demo/datasets/q1/files', {
      token: bob,
      body: { files: ['raw_1.root'] },
    });
    assert.equal(toQuery.status, 409);
    const closeQuery = await call('POST', '/experiments/demo/datasets/q1/close', { token: bob });
    assert.equal(closeQuery.status, 409);

    assert.equal((await post({ name: 'ro', kind: 'open' }, bobReadOnly)).status, 403);
    assert.equal((await post({ name: 'ro', kind: 'open' })).status, 201);
    const roAdd = await call('POST', '/experiments/demo/datasets/ro/files', {
      token: bobReadOnly,
      body: { files: ['raw_1.root'] },
    });
    assert.equal(roAdd.status, 403);
    const roClose = await call('POST', '/experiments/demo/datasets/ro/close', {
      token: bobReadOnly,
    });
    assert.equal(roClose.status, 403);
  });

  it('audits creating, adding to and closing an open dataset', async () => {
    const audit = await call('GET', '/experiments/demo/audit?limit=1000', { token: admin });
    assert.equal(audit.status, 200, JSON.stringify(audit.body));
    const entries = audit.body.items as { action: string; object_id: string; actor: string }[];
    const count = (action: string, id: string) =>
      entries.filter((e) => e.action === action && e.object_id === id).length;
    // Idempotent repeats change nothing and record nothing; refused changes record nothing.
    assert.equal(count('dataset.open', 'mirror'), 1);
    assert.equal(count('dataset.add-files', 'mirror'), 2);
    assert.equal(count('dataset.close', 'mirror'), 1);
    assert.equal(count('dataset.open', 'ro'), 1);
    for (const e of entries.filter((e) => /^dataset\.(open|add-files|close)$/.test(e.action))) {
      assert.equal(e.actor, 'bob');
    }
  });
});
