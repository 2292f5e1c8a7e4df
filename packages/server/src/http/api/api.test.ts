// The API over real HTTP: credentials on every route, sessions with CSRF, tokens with scopes and
// experiments, experiment isolation (404), role checks (403), a campaign pushed, launched and
// watched, and the OpenAPI document against the routes the server really has.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { startServer, type RunningServer } from '../../main.ts';
import { openApiPath } from '../openapi.ts';
import { apiCaller, errorCode } from './api-testing.ts';

const ADMIN_PASSWORD = 'correct horse battery staple';

describe('the API', () => {
  let server: RunningServer;
  const call = apiCaller(() => server.url);
  const code = errorCode;

  let adminToken = '';
  let bobToken = '';

  before(async () => {
    server = await startServer({
      memory: true,
      port: 0,
      adminPassword: ADMIN_PASSWORD,
      pollIntervalMs: 200,
    });
    const store = server.store;
    await store.experiments.create({ name: 'other', display_name: 'Another experiment' });
    const { hashPassword } = await import('../../services/auth/passwords.ts');
    const bob = await store.identity.createUser({
      username: 'bob',
      displayName: 'Bob',
      passwordHash: await hashPassword('bob has a long password'),
    });
    await store.identity.setMembership({
      experiment: 'demo',
      userId: bob.id,
      role: 'analysis',
      grantedBy: 'admin',
    });
  });
  after(async () => {
    await server.close();
  });

  it('answers 401 on every route but health and login without credentials', async () => {
    const closed = server.app.routes.routes.filter((r) => r.auth !== false);
    assert.ok(closed.length > 15, `${closed.length} routes`);
    for (const route of closed) {
      const path = route.url.replace(/:([a-z_]+)/gi, 'x');
      const answer = await call(route.method, path, route.body ? { body: {} } : {});
      assert.equal(
        answer.status,
        401,
        `${route.method} ${route.url}: ${JSON.stringify(answer.body)}`,
      );
      assert.equal(code(answer), 'auth.required');
    }
    assert.equal((await call('GET', '/reference')).status, 401);
    // The event streams are not in the declarations (not JSON): closed all the same.
    const events = await call('GET', '/experiments/demo/campaigns/toy_z_chain/events');
    assert.equal(events.status, 401);
    assert.equal(code(events), 'auth.required');
    assert.equal((await call('GET', '/health')).status, 200);
    const bad = await call('GET', '/auth/me', {
      token: 'poms_not-a-real-token-at-all-000000000000',
    });
    assert.equal(bad.status, 401);
  });

  it('logs in with a session cookie and refuses unsafe requests without the CSRF token', async () => {
    const wrong = await call('POST', '/auth/login', {
      body: { username: 'admin', password: 'not the password' },
    });
    assert.equal(wrong.status, 401);
    assert.equal(code(wrong), 'auth.invalid-credentials');
    const login = await call('POST', '/auth/login', {
      body: { username: 'admin', password: ADMIN_PASSWORD },
    });
    assert.equal(login.status, 200);
    const setCookie = login.headers.get('set-cookie') ?? '';
    assert.match(setCookie, /^poms_session=poms_[^;]+; Path=\/; HttpOnly; SameSite=Strict/);
    const cookie = setCookie.split(';')[0] ?? '';
    const csrf = String(login.body.csrf);
    const me = await call('GET', '/auth/me', { cookie });
    assert.equal(me.status, 200);
    assert.equal(me.body.username, 'admin');
    assert.equal(me.body.root, true);
    // A reloaded page gets the session's CSRF token back; it is the one login gave.
    assert.equal(me.body.csrf, csrf);
    const noCsrf = await call('POST', '/auth/tokens', {
      cookie,
      body: { name: 'ci', scopes: ['write'] },
    });
    assert.equal(noCsrf.status, 403);
    assert.equal(code(noCsrf), 'auth.csrf');
    const token = await call('POST', '/auth/tokens', {
      cookie,
      csrf,
      body: { name: 'ci', scopes: ['write'] },
    });
    assert.equal(token.status, 201);
    adminToken = String(token.body.secret);
    assert.match(adminToken, /^poms_/);
    const listed = await call('GET', '/auth/tokens', { token: adminToken });
    assert.equal(JSON.stringify(listed.body).includes(adminToken), false, 'secrets shown once');
    assert.ok(listed.headers.get('x-content-type-options') === 'nosniff');
    assert.equal((await call('GET', '/auth/me', { token: adminToken })).body.csrf, undefined);
  });

  it('keeps experiments apart and applies roles and token scopes', async () => {
    const bobLogin = await call('POST', '/auth/login', {
      body: { username: 'bob', password: 'bob has a long password' },
    });
    const cookie = (bobLogin.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const made = await call('POST', '/auth/tokens', {
      cookie,
      csrf: String(bobLogin.body.csrf),
      body: { name: 'bob', scopes: ['write'] },
    });
    bobToken = String(made.body.secret);
    const experiments = await call('GET', '/experiments', { token: bobToken });
    assert.deepEqual(
      (experiments.list as unknown as { name: string; role: string }[]).map((e) => [
        e.name,
        e.role,
      ]),
      [['demo', 'analysis']],
    );
    const hidden = await call('GET', '/experiments/other/campaigns', { token: bobToken });
    assert.equal(hidden.status, 404);
    assert.equal(code(hidden), 'auth.not-found');
    const visible = await call('GET', '/experiments/demo/campaigns', { token: bobToken });
    assert.equal(visible.status, 200);
    // toy_z_chain is a production campaign: an analysis member may see it, not launch it.
    const forbidden = await call(
      'POST',
      '/experiments/demo/campaigns/toy_z_chain/stages/generate/launch',
      {
        token: bobToken,
        body: {},
      },
    );
    assert.equal(forbidden.status, 403);
    assert.equal(code(forbidden), 'auth.forbidden');
    const dry = await call(
      'POST',
      '/experiments/demo/campaigns/toy_z_chain/stages/generate/dry-run',
      {
        token: bobToken,
        body: {},
      },
    );
    assert.equal(dry.status, 200);
    assert.equal(dry.body.outcome, 'would-launch');
    // A read-only token of the admin cannot launch, whatever the admin may do.
    const readOnly = await call('POST', '/auth/tokens', {
      token: adminToken,
      body: { name: 'ro', scopes: ['read'], experiment: 'demo' },
    });
    const ro = String(readOnly.body.secret);
    const refused = await call('POST', '/experiments/demo/campaigns/toy_z_chain/launch', {
      token: ro,
      body: {},
    });
    assert.equal(refused.status, 403);
    assert.match(String((refused.body.error as { message: string }).message), /scopes \(read\)/);
    assert.equal((await call('GET', '/experiments/other/campaigns', { token: ro })).status, 404);
  });

  it('pushes, launches and watches an analysis campaign of its owner', async () => {
    const text = `campaign: bobs_scan
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
    const bad = await call('POST', '/experiments/demo/campaigns', {
      token: bobToken,
      body: { text: 'campaign: [' },
    });
    assert.equal(bad.status, 400);
    assert.equal(code(bad), 'campaign.invalid');
    assert.ok(Array.isArray((bad.body.error as { details?: unknown }).details));
    const shape = await call('POST', '/experiments/demo/campaigns', {
      token: bobToken,
      body: { txt: text },
    });
    assert.equal(shape.status, 400);
    assert.equal((shape.body.error as { field?: string }).field, 'body.text');

    const pushed = await call('POST', '/experiments/demo/campaigns', {
      token: bobToken,
      body: { text },
    });
    assert.equal(pushed.status, 201, JSON.stringify(pushed.body));
    const detail = await call('GET', '/experiments/demo/campaigns/bobs_scan', { token: bobToken });
    assert.equal(detail.body.owner, 'bob');
    assert.equal(detail.body.role, 'analysis');
    const stale = await call('PUT', '/experiments/demo/campaigns/bobs_scan', {
      token: bobToken,
      body: { text, expected_revision: 7 },
    });
    assert.equal(stale.status, 409);
    assert.equal(code(stale), 'store.stale-revision');

    const launched = await call(
      'POST',
      '/experiments/demo/campaigns/bobs_scan/stages/make/launch',
      {
        token: bobToken,
        body: {},
      },
    );
    assert.equal(launched.status, 201, JSON.stringify(launched.body));
    const id = String((launched.body.submission as { id: string }).id);
    let status = '';
    for (let i = 0; i < 100 && status !== 'Located'; i++) {
      const watched = await call('GET', `/experiments/demo/submissions/${id}`, { token: bobToken });
      status = String((watched.body.submission as { status: string }).status);
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(status, 'Located');
    const list = await call(
      'GET',
      '/experiments/demo/submissions?campaign=bobs_scan&status=Located',
      {
        token: bobToken,
      },
    );
    assert.equal(list.body.total, 1);
    // The same submission through another experiment's path is not found.
    const elsewhere = await call('GET', `/experiments/other/submissions/${id}`, {
      token: adminToken,
    });
    assert.equal(elsewhere.status, 404);
    const badStatus = await call('GET', '/experiments/demo/submissions?status=Sleeping', {
      token: bobToken,
    });
    assert.equal(badStatus.status, 400);
    assert.equal((badStatus.body.error as { field?: string }).field, 'query.status.0');
  });

  it('describes exactly the routes it has in its OpenAPI document', async () => {
    const doc = await call('GET', '/openapi.json', { token: bobToken });
    assert.equal(doc.status, 200);
    assert.equal(doc.body.openapi, '3.1.0');
    // Valid against the official OpenAPI 3.1 meta-schema (and its JSON Schema dialect), so the
    // generators and viewers people point at it accept it.
    const validator = new Validator();
    const verdict = await validator.validate(structuredClone(doc.body));
    assert.deepEqual(verdict.errors ?? [], [], JSON.stringify(verdict.errors, null, 1));
    assert.equal(verdict.valid, true);
    assert.equal(validator.version, '3.1');
    // The meta-schema leaves schema objects open; check each against JSON Schema 2020-12 itself.
    const ajv = new Ajv2020({ strict: false });
    const components = (doc.body.components as { schemas: Record<string, unknown> }).schemas;
    const schemas = [
      ...collectSchemas(doc.body.paths, '#/paths'),
      ...Object.entries(components).map(([name, schema]) => ({ where: name, schema })),
    ];
    assert.ok(schemas.length > 100, `only ${schemas.length} schemas found`);
    for (const { where, schema } of schemas) {
      assert.ok(ajv.validateSchema(schema as object), `${where}: ${ajv.errorsText(ajv.errors)}`);
    }
    const paths = doc.body.paths as Record<
      string,
      Record<string, { operationId: string; parameters: { name: string; in: string }[] }>
    >;
    const documented = new Set(
      Object.entries(paths).flatMap(([path, ops]) =>
        Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
      ),
    );
    // Every route the server has under /api/v1 is documented, except the page that shows the
    // document, the job runtime's endpoints (documented in docs/execution.md), the server-sent
    // event streams (text/event-stream, documented in docs/api.md) and HEAD twins.
    const served = new Set(
      server.app.routes.registered
        .filter((r) => r.url.startsWith('/api/v1/') && r.method !== 'HEAD')
        .filter((r) => !r.url.startsWith('/api/v1/jobs/') && r.url !== '/api/v1/reference')
        .filter((r) => r.url !== '/api/v1/health')
        .filter((r) => r.url !== '/api/v1/experiments/:experiment/campaigns/:campaign/events')
        .map((r) => `${r.method} ${openApiPath(r.url)}`),
    );
    assert.deepEqual([...served].sort(), [...documented].sort());
    // Structure: unique operation ids; every {param} of a path is declared as a path parameter.
    const ids = new Set<string>();
    for (const [path, ops] of Object.entries(paths)) {
      for (const op of Object.values(ops)) {
        assert.ok(!ids.has(op.operationId), op.operationId);
        ids.add(op.operationId);
        const declared = op.parameters
          .filter((p) => p.in === 'path')
          .map((p) => p.name)
          .sort();
        const inPath = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).sort();
        assert.deepEqual(declared, inPath, path);
      }
    }
    const page = await fetch(`${server.url}/api/v1/reference`, {
      headers: { authorization: `Bearer ${bobToken}` },
    });
    assert.equal(page.status, 200);
    assert.match(await page.text(), /\/api\/v1\/experiments\/\{experiment\}\/campaigns/);
  });

  it('creates experiments, clones templates, diffs and restores revisions, and shows job logs', async () => {
    const created = await call('POST', '/experiments', {
      token: adminToken,
      body: { name: 'lab', display_name: 'Lab' },
    });
    assert.equal(created.status, 201);
    assert.equal(
      (
        await call('POST', '/experiments', {
          token: bobToken,
          body: { name: 'x2', display_name: 'X' },
        })
      ).status,
      403,
    );

    const templates = await call('GET', '/templates', { token: bobToken });
    const names = (templates.list as unknown as { campaign: string }[]).map((t) => t.campaign);
    assert.ok(names.includes('toy_z_chain'));
    const clone = await call('POST', '/experiments/lab/campaigns/from-template', {
      token: adminToken,
      body: {
        template: 'toy_z_chain',
        name: 'my_chain',
        replace: [{ from: '"400"', to: '"200"' }],
      },
    });
    assert.equal(clone.status, 201, JSON.stringify(clone.body));
    const detail = await call('GET', '/experiments/lab/campaigns/my_chain', { token: adminToken });
    assert.match(String(detail.body.text), /^campaign: my_chain$/m);
    assert.match(String(detail.body.text), /nevents: "200"/);

    const text = String(detail.body.text).replace('nevents: "200"', 'nevents: "300"');
    const saved = await call('PUT', '/experiments/lab/campaigns/my_chain', {
      token: adminToken,
      body: { text, expected_revision: 1 },
    });
    assert.equal(saved.status, 200);
    const diff = await call('GET', '/experiments/lab/campaigns/my_chain/diff?from=1&to=2', {
      token: adminToken,
    });
    assert.ok(
      (diff.body.changes as string[]).some((line) => line.includes('nevents')),
      JSON.stringify(diff.body),
    );
    const restored = await call('POST', '/experiments/lab/campaigns/my_chain/restore', {
      token: adminToken,
      body: { revision: 1, expected_revision: 2 },
    });
    assert.equal(restored.status, 200);
    const again = await call('GET', '/experiments/lab/campaigns/my_chain', { token: adminToken });
    assert.equal(again.body.current_revision, 3);
    assert.match(String(again.body.text), /nevents: "200"/);

    const subs = await call('GET', '/experiments/demo/submissions?campaign=bobs_scan', {
      token: bobToken,
    });
    const id = (subs.body.items as { id: string }[])[0]?.id ?? '';
    const logs = await call('GET', `/experiments/demo/submissions/${id}/jobs/0/logs`, {
      token: bobToken,
    });
    assert.equal(logs.status, 200);
    assert.match(String(logs.body.stderr), /poms-job:/);
    assert.equal(
      (await call('GET', `/experiments/demo/submissions/${id}/jobs/9/logs`, { token: bobToken }))
        .status,
      404,
    );
  });

  it("clones a campaign and walks a file's provenance", async () => {
    const clone = await call('POST', '/experiments/demo/campaigns/bobs_scan/clone', {
      token: bobToken,
      body: { name: 'bobs_scan_v2', replace: [{ from: 'jobs: 2', to: 'jobs: 3' }] },
    });
    assert.equal(clone.status, 201, JSON.stringify(clone.body));
    const copy = await call('GET', '/experiments/demo/campaigns/bobs_scan_v2', { token: bobToken });
    assert.match(String(copy.body.text), /jobs: 3/);
    assert.equal(copy.body.owner, 'bob');
    const declared = await call('POST', '/experiments/demo/files', {
      token: bobToken,
      body: {
        files: [
          { name: 'pv_raw' },
          { name: 'pv_reco', parents: ['pv_raw'] },
          { name: 'pv_ana', parents: ['pv_reco'] },
        ],
      },
    });
    assert.equal(declared.status, 200, JSON.stringify(declared.body));
    const up = await call('GET', '/experiments/demo/files/pv_ana/provenance?direction=ancestors', {
      token: bobToken,
    });
    assert.deepEqual(
      (up.body.nodes as { name: string; depth: number }[]).map((f) => [f.name, f.depth]),
      [
        ['pv_ana', 0],
        ['pv_reco', 1],
        ['pv_raw', 2],
      ],
    );
    assert.equal(up.body.truncated, false);
    const down = await call(
      'GET',
      '/experiments/demo/files/pv_raw/provenance?direction=descendants&depth=1',
      { token: bobToken },
    );
    assert.deepEqual(
      (down.body.nodes as { name: string }[]).map((f) => f.name),
      ['pv_raw', 'pv_reco'],
    );
    assert.equal(down.body.truncated, true, 'pv_ana lies beyond depth 1');
  });

  it("checks declarations against the experiment's metadata fields", async () => {
    const defined = await call('PUT', '/experiments/demo/metadata-fields/detector', {
      token: bobToken,
      body: { type: 'text', required: true, values: ['near', 'far'] },
    });
    assert.equal(defined.status, 200, JSON.stringify(defined.body));
    const listed = await call('GET', '/experiments/demo/metadata-fields', { token: bobToken });
    assert.deepEqual(
      (listed.body.items as { name: string }[]).map((f) => f.name),
      ['detector'],
    );
    const bad = await call('POST', '/experiments/demo/files', {
      token: bobToken,
      body: { files: [{ name: 'md_bad', metadata: { detector: 'middle' } }] },
    });
    assert.equal(bad.status, 400, JSON.stringify(bad.body));
    const error = bad.body.error as { field: string; message: string };
    assert.equal(error.field, 'files[0].metadata.detector');
    assert.match(error.message, /md_bad.*"middle" is not one of "near", "far"/);
    const dropped = await call('DELETE', '/experiments/demo/metadata-fields/detector', {
      token: bobToken,
    });
    assert.equal(dropped.status, 200);
    const audit = await call('GET', '/experiments/demo/audit?action=metadata-field.define', {
      token: bobToken,
    });
    assert.equal(audit.status, 200, JSON.stringify(audit.body));
    assert.equal((audit.body.items as unknown[]).length, 1, JSON.stringify(audit.body));
  });

  it('filters campaigns by tag and keeps watch lists', async () => {
    const tagged = await call('GET', '/experiments/demo/campaigns?tag=demo', { token: bobToken });
    assert.deepEqual(
      (tagged.body.items as { name: string }[]).map((c) => c.name),
      ['toy_z_chain'],
    );
    const templates = await call('GET', '/experiments/demo/campaigns?tag=template&limit=1000', {
      token: bobToken,
    });
    assert.ok(Number(templates.body.total) >= 7);
    const detail = await call('GET', '/experiments/demo/campaigns/toy_z_chain', {
      token: bobToken,
    });
    assert.deepEqual(detail.body.tags, ['demo', 'template']);

    const watched = await call('PUT', '/experiments/demo/campaigns/toy_z_chain/watch', {
      token: bobToken,
      body: { stage: 'simulate' },
    });
    assert.equal(watched.status, 200, JSON.stringify(watched.body));
    await call('PUT', '/experiments/demo/campaigns/mc_chain/watch', { token: bobToken, body: {} });
    const mine = await call('GET', '/experiments/demo/watches', { token: bobToken });
    assert.deepEqual(new Set(mine.list.map((w) => w.stage)), new Set([null, 'simulate']));
    assert.equal(mine.list.length, 2);
    const record = await server.store.campaigns.get('demo', 'toy_z_chain');
    assert.deepEqual(await server.store.watches.watchers(record.id, 'simulate'), ['bob']);
    assert.deepEqual(await server.store.watches.watchers(record.id, 'analyse'), []);
    const typo = await call('PUT', '/experiments/demo/campaigns/toy_z_chain/watch', {
      token: bobToken,
      body: { stage: 'nope' },
    });
    assert.equal(typo.status, 404);
    const removed = await call(
      'DELETE',
      '/experiments/demo/campaigns/toy_z_chain/watch?stage=simulate',
      {
        token: bobToken,
      },
    );
    assert.equal(removed.body.removed, true);
    assert.equal(
      (await call('GET', '/experiments/demo/watches', { token: bobToken })).list.length,
      1,
    );
  });
});

/** Every `schema` object in an OpenAPI document, with a JSON-pointer-like place for messages. */
function collectSchemas(node: unknown, where = '#'): { where: string; schema: unknown }[] {
  if (node === null || typeof node !== 'object') return [];
  const found: { where: string; schema: unknown }[] = [];
  for (const [key, value] of Object.entries(node)) {
    if (key === 'schema' && value !== null && typeof value === 'object') {
      found.push({ where: `${where}/schema`, schema: value });
    } else {
      found.push(...collectSchemas(value, `${where}/${key}`));
    }
  }
  return found;
}
