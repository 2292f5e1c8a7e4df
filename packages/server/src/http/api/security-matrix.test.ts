// The permission matrix over every declared route, not a sample: each route is called with real
// parameters (a real campaign, stage, submission, job and file of the demo experiment) by someone
// who is not a member, by a read-only token, by a session without its CSRF token, and by an
// analysis member on production campaigns; then expired tokens and job tokens of another
// submission. No answer may be a 5xx, and none of the refused callers may get a 2xx.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Clock } from '@poms/core';
import { startServer, type RunningServer } from '../../main.ts';
import { jobToken } from '../../services/execution/tokens.ts';
import { apiCaller, apiToken, errorCode, type Answer } from './api-testing.ts';

const ADMIN_PASSWORD = 'the matrix admin password';
const PASSWORD = 'a long enough password for tests';
const SECRET = randomBytes(32);
process.env.POMS_JOB_SECRET = SECRET.toString('hex');

/** A clock the test moves forward, to let tokens expire. */
class MovableClock implements Clock {
  offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
}

describe('security matrix over every route', () => {
  let server: RunningServer;
  const clock = new MovableClock();
  const call = apiCaller(() => server.url);
  const values: Record<string, string> = {
    experiment: 'demo',
    campaign: 'toy_z_chain',
    stage: 'generate',
    revision: '1',
    index: '0',
    name: 'matrix_file.root',
    username: 'viewer',
    signature: 'x0',
  };
  const tokens: Record<'outsider' | 'viewer' | 'readOnly' | 'admin', string> = {
    outsider: '',
    viewer: '',
    readOnly: '',
    admin: '',
  };
  let adminCookie = '';
  let otherSubmission = '';

  before(async () => {
    server = await startServer({
      memory: true,
      port: 0,
      adminPassword: ADMIN_PASSWORD,
      pollIntervalMs: 200,
      clock,
    });
    const { store } = server;
    await store.experiments.create({ name: 'other', display_name: 'Another experiment' });
    const { hashPassword } = await import('../../services/auth/passwords.ts');
    for (const [username, experiment, role] of [
      ['outsider', 'other', 'production'],
      ['viewer', 'demo', 'analysis'],
    ] as const) {
      const user = await store.identity.createUser({
        username,
        displayName: username,
        passwordHash: await hashPassword(PASSWORD),
      });
      await store.identity.setMembership({ experiment, userId: user.id, role, grantedBy: 'admin' });
    }
    tokens.outsider = await apiToken(call, 'outsider', PASSWORD);
    tokens.viewer = await apiToken(call, 'viewer', PASSWORD);
    tokens.admin = await apiToken(call, 'admin', ADMIN_PASSWORD);
    tokens.readOnly = await apiToken(call, 'admin', ADMIN_PASSWORD, { scopes: ['read'] });
    const login = await call('POST', '/auth/login', {
      body: { username: 'admin', password: ADMIN_PASSWORD },
    });
    adminCookie = login.setCookie.split(';')[0] ?? '';
    await store.catalog.declareFiles('demo', [{ name: values.name!, size: 1 }]);
    for (const stage of ['generate', 'generate']) {
      const launched = await server.execution.launches.launch({
        experiment: 'demo',
        campaign: 'toy_z_chain',
        stage,
        launcher: 'admin',
        reason: 'security matrix',
      });
      assert.equal(launched.kind, 'launched', JSON.stringify(launched));
      if (launched.kind !== 'launched') return;
      if (values.id === undefined) values.id = launched.submission.id;
      else otherSubmission = launched.submission.id;
    }
  });
  after(async () => {
    await server.close();
  });

  const closedRoutes = () => server.app.routes.routes.filter((r) => r.auth !== false);
  const pathOf = (url: string) =>
    url.replace(/:([a-z_]+)/gi, (_, name: string) => encodeURIComponent(values[name] ?? 'x'));
  const bodyOf = (route: { body?: unknown }) => (route.body === undefined ? {} : { body: {} });
  const describeAnswer = (method: string, url: string, answer: Answer) =>
    `${method} ${url}: ${answer.status} ${JSON.stringify(answer.body).slice(0, 300)}`;

  it('hides every experiment route from someone who is not a member', async () => {
    const routes = closedRoutes().filter((r) => r.url.startsWith('/experiments/:experiment'));
    assert.ok(routes.length > 60, `${routes.length} routes`);
    const wrong: string[] = [];
    for (const route of routes) {
      const answer = await call(route.method, pathOf(route.url), {
        token: tokens.outsider,
        ...bodyOf(route),
      });
      // A body that does not fit the route's (public) schema is refused first, the same for
      // every experiment: it tells nothing about this one.
      const hidden = answer.status === 404 && errorCode(answer) === 'auth.not-found';
      const shape = answer.status === 400 && errorCode(answer) === 'http.invalid';
      if (!hidden && !shape) wrong.push(describeAnswer(route.method, route.url, answer));
    }
    assert.deepEqual(wrong, []);
  });

  it('refuses every change to a read-only token', async () => {
    // Routes marked `changes: false` (a dry run, logging out, revoking one's own token) are
    // open to read tokens on purpose.
    const unsafe = closedRoutes().filter((r) => r.method !== 'GET' && r.changes !== false);
    assert.ok(unsafe.length > 40, `${unsafe.length} routes`);
    const wrong: string[] = [];
    for (const route of unsafe) {
      const answer = await call(route.method, pathOf(route.url), {
        token: tokens.readOnly,
        ...bodyOf(route),
      });
      if (answer.status !== 403) wrong.push(describeAnswer(route.method, route.url, answer));
    }
    assert.deepEqual(wrong, []);
  });

  it('refuses every change from a session without its CSRF token', async () => {
    for (const route of closedRoutes().filter((r) => r.method !== 'GET')) {
      const answer = await call(route.method, pathOf(route.url), {
        cookie: adminCookie,
        ...bodyOf(route),
      });
      assert.equal(answer.status, 403, describeAnswer(route.method, route.url, answer));
      assert.equal(errorCode(answer), 'auth.csrf', describeAnswer(route.method, route.url, answer));
    }
  });

  it("refuses an analysis member every change to a production campaign's stages and submissions", async () => {
    // What an analysis member may do (docs/permissions.md): see, dry-run, declare files and
    // datasets, watch, and act on their own analysis campaigns.
    const allowed = /\/(dry-run|watch|split)$|\/files(-count)?$|\/datasets|\/metadata-fields$/;
    const routes = closedRoutes().filter(
      (r) =>
        r.method !== 'GET' &&
        /^\/experiments\/:experiment\/(campaigns\/:campaign|submissions\/:id)/.test(r.url) &&
        !allowed.test(r.url),
    );
    assert.ok(routes.length > 15, `${routes.length} routes`);
    const wrong: string[] = [];
    for (const route of routes) {
      const answer = await call(route.method, pathOf(route.url), {
        token: tokens.viewer,
        ...bodyOf(route),
      });
      const refused = answer.status === 403 || errorCode(answer) === 'http.invalid';
      if (!refused) wrong.push(describeAnswer(route.method, route.url, answer));
    }
    assert.deepEqual(wrong, []);
  });

  it('lets a token make only tokens no stronger than itself', async () => {
    const mint = (token: string, body: Record<string, unknown>) =>
      call('POST', '/auth/tokens', { token, body: { name: 'minted', ...body } });
    const fromRead = await mint(tokens.readOnly, { scopes: ['write'] });
    assert.equal(fromRead.status, 403, JSON.stringify(fromRead.body));
    const launch = await mint(tokens.admin, { scopes: ['launch'], experiment: 'demo' });
    assert.equal(launch.status, 201);
    const launchToken = String(launch.body.secret);
    const stronger = await mint(launchToken, { scopes: ['write'], experiment: 'demo' });
    assert.equal(stronger.status, 403);
    assert.match(JSON.stringify(stronger.body), /stronger than itself/);
    const wider = await mint(launchToken, { scopes: ['read'], experiment: 'other' });
    assert.equal(wider.status, 403);
    // Within its limits it may: the new token is kept to the same experiment by default.
    const weaker = await mint(launchToken, { scopes: ['read'] });
    assert.equal(weaker.status, 201, JSON.stringify(weaker.body));
    assert.equal((weaker.body.token as { experiment: string }).experiment, 'demo');
  });

  it('refuses a token after it expires', async () => {
    const made = await call('POST', '/auth/tokens', {
      token: tokens.admin,
      body: { name: 'short', scopes: ['read'], expires_in_days: 1 },
    });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    const secret = String(made.body.secret);
    assert.equal((await call('GET', '/auth/me', { token: secret })).status, 200);
    clock.offsetMs = 2 * 24 * 3600 * 1000;
    try {
      const expired = await call('GET', '/experiments/demo/campaigns', { token: secret });
      assert.equal(expired.status, 401, JSON.stringify(expired.body));
      assert.equal(errorCode(expired), 'auth.required');
    } finally {
      clock.offsetMs = 0;
    }
  });

  it("keeps a job's token to its own submission", async () => {
    const own = jobToken(SECRET, values.id!);
    const jobs = (submission: string, path: string) => `/jobs/${submission}/0/${path}`;
    const spec = await call('GET', jobs(values.id!, 'spec'), { token: own });
    assert.equal(spec.status, 200, JSON.stringify(spec.body));
    for (const [method, path, body] of [
      ['GET', 'spec', undefined],
      ['POST', 'files', { files: [] }],
      ['POST', 'outputs', { outputs: [] }],
      ['POST', 'end', { exit_code: 0 }],
    ] as const) {
      const answer = await call(method, jobs(otherSubmission, path), {
        token: own,
        ...(body === undefined ? {} : { body }),
      });
      assert.equal(answer.status, 401, describeAnswer(method, path, answer));
    }
    // The job token is no API token, and an API token is no job token.
    assert.equal((await call('GET', '/experiments/demo/campaigns', { token: own })).status, 401);
    assert.equal(
      (await call('GET', jobs(values.id!, 'spec'), { token: tokens.admin })).status,
      401,
    );
  });
});
