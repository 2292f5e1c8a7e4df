// Single sign-on through a trusted proxy only, login rate limiting over HTTP, and no secret in
// the server's logs (passwords, API tokens, session cookies, job tokens).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startServer, type RunningServer } from '../../main.ts';

const PASSWORD = 'the admin password is long';

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}

describe('API security', () => {
  const logs: string[] = [];
  let trusting: RunningServer;
  let strict: RunningServer;
  before(async () => {
    trusting = await startServer({
      memory: true,
      port: 0,
      adminPassword: PASSWORD,
      trustedProxies: ['127.0.0.1'],
      logger: { write: (line) => logs.push(line) },
    });
    strict = await startServer({ memory: true, port: 0, adminPassword: PASSWORD, demo: false });
  });
  after(async () => {
    await trusting.close();
    await strict.close();
  });

  it('believes a user header only from a trusted proxy address', async () => {
    const headers = { 'x-remote-user': 'admin' };
    const me = await fetch(`${trusting.url}/api/v1/auth/me`, { headers });
    assert.equal(me.status, 200);
    assert.equal(((await me.json()) as { via: string }).via, 'proxy');
    const unknown = await fetch(`${trusting.url}/api/v1/auth/me`, {
      headers: { 'x-remote-user': 'nobody' },
    });
    assert.equal(unknown.status, 401);
    const untrusted = await fetch(`${strict.url}/api/v1/auth/me`, { headers });
    assert.equal(untrusted.status, 401);
  });

  it('rate-limits failed logins and says when to try again', async () => {
    const url = `${strict.url}/api/v1/auth/login`;
    for (let i = 0; i < 5; i++) {
      assert.equal((await post(url, { username: 'admin', password: `wrong ${i}` })).status, 401);
    }
    const limited = await post(url, { username: 'admin', password: PASSWORD });
    assert.equal(limited.status, 429);
    assert.equal((limited.body.error as { code: string }).code, 'auth.rate-limited');
  });

  it('writes no password, token, cookie or job token to its logs', async () => {
    const login = await post(`${trusting.url}/api/v1/auth/login`, {
      username: 'admin',
      password: PASSWORD,
    });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const csrf = String(login.body.csrf);
    const token = await post(
      `${trusting.url}/api/v1/auth/tokens`,
      { name: 'logs', scopes: ['write'] },
      { cookie, 'x-csrf-token': csrf },
    );
    const secret = String(token.body.secret);
    assert.match(secret, /^poms_/);
    const launched = await post(
      `${trusting.url}/api/v1/experiments/demo/campaigns/toy_z_chain/stages/generate/launch`,
      {},
      { authorization: `Bearer ${secret}` },
    );
    assert.equal(launched.status, 201);
    const { jobToken } = await import('../../services/execution/tokens.ts');
    const id = (launched.body.submission as { id: string }).id;
    const jobSecret = (
      trusting.execution.executor as unknown as { options: { jobSecret: Uint8Array } }
    ).options.jobSecret;
    const jt = jobToken(jobSecret, id);
    const spec = await fetch(`${trusting.url}/api/v1/jobs/${id}/0/spec`, {
      headers: { authorization: `Bearer ${jt}` },
    });
    assert.equal(spec.status, 200);
    await trusting.execution.control.kill({ kind: 'submission', id }, 'admin');
    const text = logs.join('');
    assert.ok(logs.length > 5, 'requests were logged');
    for (const [what, value] of [
      ['password', PASSWORD],
      ['API token', secret],
      ['session cookie', cookie.split('=')[1] ?? 'missing'],
      ['CSRF token', csrf],
      ['job token', jt],
    ] as const) {
      assert.equal(text.includes(value), false, `the ${what} is in the logs`);
    }
    assert.equal(
      /Bearer|authorization|cookie/i.test(text),
      false,
      'credential headers are in the logs',
    );
  });
});
