// Every list route over real HTTP answers a page `{items, total}`: `limit` (1..1000, default 50)
// and `offset` slice it in a stable order, `total` counts what matches the filters over all pages,
// each route's filters narrow it, and a bad `limit` or `offset` is a 400 naming the field.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startServer, type RunningServer } from '../../main.ts';
import { type Answer, apiCaller, apiToken, errorCode } from './api-testing.ts';

const ADMIN_PASSWORD = 'correct horse battery staple';

interface Page {
  items: Record<string, unknown>[];
  total: number;
}

describe('list routes: pages and filters', () => {
  let server: RunningServer;
  const call = apiCaller(() => server.url);
  let admin = '';
  let bob = '';

  /** A 200 page answer, its shape checked. */
  const page = async (path: string, token = admin): Promise<Page> => {
    const answer = await call('GET', path, { token });
    assert.equal(answer.status, 200, `${path}: ${JSON.stringify(answer.body)}`);
    assert.deepEqual(Object.keys(answer.body).sort(), ['items', 'total'], path);
    assert.ok(Array.isArray(answer.body.items), path);
    assert.equal(typeof answer.body.total, 'number', path);
    return answer.body as unknown as Page;
  };
  /** Walks a list one item a page; answers the items and checks every page's total. */
  const onePerPage = async (path: string, total: number): Promise<Record<string, unknown>[]> => {
    const out: Record<string, unknown>[] = [];
    const join = path.includes('?') ? '&' : '?';
    for (let offset = 0; offset < total + 1; offset++) {
      const p = await page(`${path}${join}limit=1&offset=${offset}`);
      assert.equal(p.total, total, `${path} offset ${offset}`);
      assert.equal(p.items.length, offset < total ? 1 : 0, `${path} offset ${offset}`);
      out.push(...p.items);
    }
    return out;
  };
  /**
   * The same list walked a page of one at a time and read whole: the order is stable. `key`
   * picks what to compare (a token's last use moves with every call).
   */
  const checkPaging = async (
    path: string,
    key: (item: Record<string, unknown>) => unknown = (item) => item,
  ): Promise<Page> => {
    const whole = await page(path);
    assert.ok(whole.total >= 2, `${path}: needs two items to show paging`);
    assert.equal(whole.items.length, Math.min(whole.total, 50));
    assert.deepEqual((await onePerPage(path, whole.total)).map(key), whole.items.map(key), path);
    const join = path.includes('?') ? '&' : '?';
    const second = await page(`${path}${join}limit=1&offset=1`);
    assert.deepEqual(second.items.map(key), whole.items.slice(1, 2).map(key));
    return whole;
  };
  const badPaging = async (path: string) => {
    for (const [query, field] of [
      ['limit=0', 'query.limit'],
      ['limit=1001', 'query.limit'],
      ['limit=ten', 'query.limit'],
      ['offset=-1', 'query.offset'],
    ] as const) {
      const answer: Answer = await call('GET', `${path}?${query}`, { token: admin });
      assert.equal(answer.status, 400, `${path}?${query}: ${JSON.stringify(answer.body)}`);
      const error = answer.body.error as { field?: string };
      assert.equal(error.field, field, `${path}?${query}`);
      assert.ok(errorCode(answer), `${path}?${query}`);
    }
  };
  const tokenFor = (username: string, password: string, name = 'test') =>
    apiToken(call, username, password, { name });
  const ok = async (method: string, path: string, body?: unknown) => {
    const answer = await call(method, path, { token: admin, body });
    assert.ok(answer.status < 300, `${method} ${path}: ${JSON.stringify(answer.body)}`);
    return answer;
  };

  const LIST_ROUTES = [
    '/experiments',
    '/experiments/demo/holds',
    '/experiments/demo/held-launches',
    '/experiments/demo/schedules',
    '/experiments/demo/datasets',
    '/experiments/demo/snapshots',
    '/experiments/demo/members',
    '/experiments/demo/watches',
    '/templates',
    '/auth/tokens',
  ];

  before(async () => {
    server = await startServer({
      memory: true,
      port: 0,
      adminPassword: ADMIN_PASSWORD,
      pollIntervalMs: 100,
    });
    const store = server.store;
    await store.experiments.create({ name: 'other', display_name: 'Another experiment' });
    await store.experiments.create({ name: 'dormant', display_name: 'Old data' });
    await store.experiments.setActive('dormant', false);
    const { hashPassword } = await import('../../services/auth/passwords.ts');
    for (const username of ['bob', 'sam', 'pete']) {
      await store.identity.createUser({
        username,
        displayName: username,
        passwordHash: await hashPassword(`${username} has a long password`),
      });
    }
    admin = await tokenFor('admin', ADMIN_PASSWORD, 'ci-admin');
    await tokenFor('admin', ADMIN_PASSWORD, 'laptop');
    await tokenFor('admin', ADMIN_PASSWORD, 'ci-nightly');
    for (const [username, role] of [
      ['bob', 'analysis'],
      ['sam', 'analysis'],
      ['pete', 'production'],
    ] as const) {
      await ok('PUT', `/experiments/demo/members/${username}`, { role });
    }
    await ok('PUT', '/experiments/other/members/bob', { role: 'analysis' });
    bob = await tokenFor('bob', 'bob has a long password');
  });
  after(async () => {
    await server.close();
  });

  it('refuses a bad limit or offset on every list route with 400 and the field', async () => {
    for (const path of LIST_ROUTES) await badPaging(path);
  });

  it('experiments: by name, filtered by active and q', async () => {
    const all = await checkPaging('/experiments');
    assert.deepEqual(
      all.items.map((e) => e.name),
      ['demo', 'dormant', 'other'],
    );
    const active = await page('/experiments?active=true');
    assert.deepEqual(
      active.items.map((e) => e.name),
      ['demo', 'other'],
    );
    assert.equal(active.total, 2);
    assert.deepEqual(
      (await page('/experiments?active=false')).items.map((e) => e.name),
      ['dormant'],
    );
    const q = await page('/experiments?q=ANOTHER');
    assert.deepEqual([q.items.map((e) => e.name), q.total], [['other'], 1]);
    // bob sees only his own, counted as his.
    const mine = await page('/experiments?limit=1', bob);
    assert.deepEqual([mine.items.map((e) => e.name), mine.total], [['demo'], 2]);
    const bad = await call('GET', '/experiments?active=yes', { token: admin });
    assert.equal(bad.status, 400);
    assert.equal((bad.body.error as { field?: string }).field, 'query.active');
  });

  it('members: by username, filtered by role', async () => {
    const all = await checkPaging('/experiments/demo/members');
    const names = all.items.map((m) => String(m.username));
    assert.deepEqual(names, [...names].sort());
    assert.ok(['bob', 'pete', 'sam'].every((n) => names.includes(n)));
    const analysis = await page('/experiments/demo/members?role=analysis&limit=1&offset=1');
    assert.deepEqual([analysis.items.map((m) => m.username), analysis.total], [['sam'], 2]);
    const production = await page('/experiments/demo/members?role=production');
    assert.deepEqual(
      production.items.map((m) => m.username),
      ['pete'],
    );
    const bad = await call('GET', '/experiments/demo/members?role=chief', { token: admin });
    assert.equal(bad.status, 400);
    assert.equal((bad.body.error as { field?: string }).field, 'query.role');
  });

  it('holds and held launches: oldest first, filtered by scope and campaign', async () => {
    await ok('PUT', '/experiments/demo/hold', { reason: 'whole experiment' });
    await ok('PUT', '/experiments/demo/campaigns/toy_z_chain/stages/generate/hold', {});
    await ok('PUT', '/experiments/demo/campaigns/mc_chain/stages/generate/hold', {});
    await ok('PUT', '/experiments/demo/campaigns/mc_chain/stages/simulate/hold', {});
    const all = await checkPaging('/experiments/demo/holds');
    assert.equal(all.total, 4);
    const times = all.items.map((h) => String(h.created_at));
    assert.deepEqual(times, [...times].sort());
    const stages = await page('/experiments/demo/holds?scope=stage');
    assert.equal(stages.total, 3);
    assert.ok(stages.items.every((h) => (h.scope as { kind: string }).kind === 'stage'));
    const experiment = await page('/experiments/demo/holds?scope=experiment');
    assert.deepEqual(
      experiment.items.map((h) => h.reason),
      ['whole experiment'],
    );
    assert.equal((await page('/experiments/demo/holds?scope=global')).total, 0);
    const mc = await page('/experiments/demo/holds?campaign=mc_chain&limit=1');
    assert.equal(mc.total, 2);
    assert.equal((mc.items[0]?.scope as { stage: string }).stage, 'generate');
    const mcSimulate = await page('/experiments/demo/holds?campaign=mc_chain&offset=1');
    assert.equal((mcSimulate.items[0]?.scope as { stage: string }).stage, 'simulate');
    const unknown = await call('GET', '/experiments/demo/holds?campaign=ghost', { token: admin });
    assert.equal(unknown.status, 404);

    for (const stage of ['toy_z_chain/stages/generate', 'mc_chain/stages/generate']) {
      const launch = await ok('POST', `/experiments/demo/campaigns/${stage}/launch`, {});
      assert.equal(launch.body.kind, 'held');
    }
    const queued = await checkPaging('/experiments/demo/held-launches');
    assert.equal(queued.total, 2);
    const toy = await server.store.campaigns.get('demo', 'toy_z_chain');
    const mcRecord = await server.store.campaigns.get('demo', 'mc_chain');
    assert.deepEqual(
      queued.items.map((q) => q.campaign_id),
      [toy.id, mcRecord.id],
    );
    const mcQueued = await page('/experiments/demo/held-launches?campaign=mc_chain');
    assert.deepEqual(
      [mcQueued.items.map((q) => q.campaign_id), mcQueued.total],
      [[mcRecord.id], 1],
    );
    assert.equal((await page('/experiments/demo/held-launches?campaign=keepup_reco')).total, 0);
  });

  it('schedules: by campaign and stage, filtered by campaign', async () => {
    for (const stage of [
      'toy_z_chain/stages/simulate',
      'toy_z_chain/stages/generate',
      'mc_chain/stages/generate',
    ]) {
      await ok('PUT', `/experiments/demo/campaigns/${stage}/schedule`, {
        cron: '0 3 * * *',
        timezone: 'UTC',
      });
    }
    const all = await checkPaging('/experiments/demo/schedules');
    assert.equal(all.total, 3);
    const keys = all.items.map((s) => `${String(s.campaign_id)}/${String(s.stage)}`);
    assert.deepEqual(keys, [...keys].sort());
    const toy = await page('/experiments/demo/schedules?campaign=toy_z_chain');
    assert.deepEqual([toy.items.map((s) => s.stage), toy.total], [['generate', 'simulate'], 2]);
    const toySecond = await page('/experiments/demo/schedules?campaign=toy_z_chain&offset=1');
    assert.deepEqual(
      toySecond.items.map((s) => s.stage),
      ['simulate'],
    );
  });

  it('datasets: by name, paged in the catalog, filtered by q', async () => {
    for (const name of ['reco_pass1', 'Raw_2024', 'raw_2023', 'mc_sim']) {
      await ok('POST', '/experiments/demo/datasets', { name, query: 'data_tier = raw' });
    }
    const all = await checkPaging('/experiments/demo/datasets');
    assert.deepEqual(
      all.items.map((d) => d.name),
      ['Raw_2024', 'mc_sim', 'raw_2023', 'reco_pass1'],
    );
    const raw = await page('/experiments/demo/datasets?q=RAW&limit=1&offset=1');
    assert.deepEqual([raw.items.map((d) => d.name), raw.total], [['raw_2023'], 2]);
    const none = await page('/experiments/demo/datasets?q=nothing');
    assert.deepEqual(none, { items: [], total: 0 });
    assert.equal((await call('GET', '/experiments/nowhere/datasets', { token: bob })).status, 404);
    await ok('POST', '/experiments/demo/datasets', { name: 'picked', kind: 'open' });
    const open = await page('/experiments/demo/datasets?kind=open');
    assert.deepEqual([open.items.map((d) => d.name), open.total], [['picked'], 1]);
    assert.equal((await page('/experiments/demo/datasets?kind=query&limit=1')).total, 4);
  });

  it('snapshots: newest first, paged, filtered by dataset', async () => {
    const made: string[] = [];
    for (const dataset of ['raw_2023', 'mc_sim', 'raw_2023']) {
      made.push(String((await ok('POST', '/experiments/demo/snapshots', { dataset })).body.id));
    }
    const all = await checkPaging('/experiments/demo/snapshots');
    assert.deepEqual(
      all.items.map((s) => s.id),
      [...made].reverse(),
    );
    const raw = await checkPaging('/experiments/demo/snapshots?dataset=raw_2023');
    assert.deepEqual([raw.items.map((s) => s.id), raw.total], [[made[2], made[0]], 2]);
    const none = await page('/experiments/demo/snapshots?dataset=no_such');
    assert.deepEqual(none, { items: [], total: 0 });
  });

  it('watches: the caller’s, by campaign then stage, filtered by campaign', async () => {
    for (const [campaign, body] of [
      ['toy_z_chain', { stage: 'simulate' }],
      ['toy_z_chain', {}],
      ['mc_chain', {}],
    ] as const) {
      const watched = await call('PUT', `/experiments/demo/campaigns/${campaign}/watch`, {
        token: admin,
        body,
      });
      assert.equal(watched.status, 200, JSON.stringify(watched.body));
    }
    const all = await checkPaging('/experiments/demo/watches');
    assert.equal(all.total, 3);
    const toy = await page('/experiments/demo/watches?campaign=toy_z_chain');
    assert.deepEqual([toy.items.map((w) => w.stage), toy.total], [[null, 'simulate'], 2]);
    // Each with its campaign's name, for lists that link to it.
    assert.deepEqual(all.items.map((w) => `${String(w.campaign)}/${String(w.stage)}`).sort(), [
      'mc_chain/null',
      'toy_z_chain/null',
      'toy_z_chain/simulate',
    ]);
    // Someone else's watches are not the caller's.
    assert.deepEqual(await page('/experiments/demo/watches', bob), { items: [], total: 0 });
  });

  it('templates: by file name, filtered by q and tag', async () => {
    const all = await checkPaging('/templates');
    const files = all.items.map((t) => String(t.file));
    assert.deepEqual(files, [...files].sort());
    const withTag = (tag: string) =>
      all.items.filter((t) => (t.tags as string[]).includes(tag)).map((t) => t.file);
    const mc = await page('/templates?tag=mc');
    assert.deepEqual(
      mc.items.map((t) => t.file),
      withTag('mc'),
    );
    assert.ok(mc.total >= 2 && mc.total < all.total);
    const toy = await page('/templates?q=TOY_Z');
    assert.deepEqual(
      toy.items.map((t) => t.campaign),
      ['toy_z_chain'],
    );
    // q also looks in the description (`Monte Carlo` is only in mc_chain's).
    const described = await page('/templates?q=monte carlo');
    assert.deepEqual(
      described.items.map((t) => t.campaign),
      ['mc_chain'],
    );
    assert.equal((await page('/templates?tag=mc&q=nothing')).total, 0);
  });

  it('tokens: the caller’s, newest first, filtered by q', async () => {
    const all = await checkPaging('/auth/tokens', (t) => t.id);
    assert.deepEqual(
      all.items.map((t) => t.name),
      ['ci-nightly', 'laptop', 'ci-admin'],
    );
    const ci = await page('/auth/tokens?q=CI-&limit=1');
    assert.deepEqual([ci.items.map((t) => t.name), ci.total], [['ci-nightly'], 2]);
    assert.equal((await page('/auth/tokens', bob)).total, 1);
  });
});
