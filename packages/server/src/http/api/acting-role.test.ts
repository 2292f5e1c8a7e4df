// Acting in one role at a time (POMS-REFERENCE §9): the x-poms-role header lowers what a caller
// may do, never raises it, and the audit log records the role acted as.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startServer, type RunningServer } from '../../main.ts';
import { sha256Hex } from '../../services/auth/secrets.ts';

const PASSWORD = 'an admin password for roles';

describe('acting as a role', () => {
  let server: RunningServer;
  let token = '';
  let bobToken = '';

  const call = async (method: string, path: string, key: string, role?: string, body?: unknown) => {
    const answer = await fetch(`${server.url}/api/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(role === undefined ? {} : { 'x-poms-role': role }),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: answer.status, body: (await answer.json()) as Record<string, unknown> };
  };

  before(async () => {
    server = await startServer({ memory: true, port: 0, adminPassword: PASSWORD, execute: false });
    const login = await fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: PASSWORD }),
    });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const { csrf } = (await login.json()) as { csrf: string };
    const created = await fetch(`${server.url}/api/v1/auth/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrf },
      body: JSON.stringify({ name: 'roles', scopes: ['write'] }),
    });
    token = ((await created.json()) as { secret: string }).secret;
    assert.equal(
      (
        await call('POST', '/users', token, undefined, {
          username: 'bob',
          display_name: 'Bob',
          password: 'bob has a long password',
        })
      ).status,
      201,
    );
    assert.equal(
      (await call('PUT', '/experiments/demo/members/bob', token, undefined, { role: 'analysis' }))
        .status,
      200,
    );
    // Bob's token straight into the store: a known secret, its hash kept as the server keeps it.
    bobToken = 'poms_' + 'b'.repeat(43);
    await server.store.identity.createToken({
      userId: (await server.store.identity.getUser('bob')).id,
      name: 'bob',
      tokenHash: sha256Hex(bobToken),
      scopes: ['write'],
      experiment: null,
      expiresAt: null,
    });
  });

  after(async () => {
    await server.close();
  });

  const hold = '/experiments/demo/campaigns/toy_z_chain/stages/generate/hold';

  it('lowers a superuser to the role chosen, everywhere', async () => {
    const me = await call('GET', '/auth/me', token, 'analysis');
    assert.equal(me.body.acting_role, 'analysis');
    assert.equal(me.body.root, true, 'the account is still a superuser');
    const refused = await call('PUT', hold, token, 'analysis', {});
    assert.equal(refused.status, 403);
    const experiment = await call('POST', '/experiments', token, 'production', {
      name: 'x1',
      display_name: 'X',
    });
    assert.equal(experiment.status, 403);
    assert.equal((await call('PUT', hold, token, 'production-shifter', {})).status, 200);
    assert.equal((await call('DELETE', hold, token, 'superuser')).status, 200);
    const audit = await call('GET', '/experiments/demo/audit?action=hold.set', token);
    const entries = audit.body.items as { acting_role: string | null }[];
    assert.equal(entries[0]?.acting_role, 'production-shifter');
  });

  it('never raises a member above their role', async () => {
    const me = await call('GET', '/auth/me', bobToken, 'superuser');
    assert.deepEqual(me.body.memberships, [{ experiment: 'demo', role: 'analysis' }]);
    assert.equal((await call('PUT', hold, bobToken, 'superuser', {})).status, 403);
  });

  it('refuses a role that does not exist, naming the header', async () => {
    const bad = await call('GET', '/experiments', token, 'emperor');
    assert.equal(bad.status, 400);
    assert.equal((bad.body.error as { field: string }).field, 'header.x-poms-role');
  });
});
