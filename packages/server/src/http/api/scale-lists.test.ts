// Lists that must stay small whatever the size behind them, over real HTTP: a submission's jobs a
// page at a time (the details answer counts them instead of listing them), and the campaign list,
// whose items carry what a row shows (tags, role, owner, stages, held stages) without a request
// or a query per campaign.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startServer, type RunningServer } from '../../main.ts';
import type { JobUpdate } from '../../ports/submissions.ts';
import { apiCaller, errorCode } from './api-testing.ts';

const ADMIN_PASSWORD = 'correct horse battery staple';
const JOBS = 2500;

interface JobItem {
  submission_id: string;
  index: number;
  state: string;
  exit_code: number | null;
}

interface CampaignItem {
  id: string;
  name: string;
  tags: string[];
  role: string;
  owner: string;
  stages: string[];
  stage_count: number;
  held_stages: string[];
}

describe('lists at scale: paged jobs, campaign list items', () => {
  let server: RunningServer;
  const call = apiCaller(() => server.url);
  let token = '';
  const ok = async (method: string, path: string, body?: unknown) => {
    const answer = await call(method, path, { token, ...(body === undefined ? {} : { body }) });
    assert.ok(
      answer.status < 300,
      `${method} ${path}: ${answer.status} ${JSON.stringify(answer.body)}`,
    );
    return answer;
  };

  before(async () => {
    server = await startServer({ memory: true, port: 0, adminPassword: ADMIN_PASSWORD });
    const login = await call('POST', '/auth/login', {
      body: { username: 'admin', password: ADMIN_PASSWORD },
    });
    const made = await call('POST', '/auth/tokens', {
      cookie: login.setCookie.split(';')[0] ?? '',
      csrf: String(login.body.csrf),
      body: { name: 'scale', scopes: ['write'] },
    });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    token = String(made.body.secret);
  });
  after(async () => {
    await server.close();
  });

  it(`pages through ${JOBS} jobs by index, filtered by state and by failure`, async () => {
    const campaign = await server.store.campaigns.get('demo', 'toy_z_chain');
    // What launches.ts gives the store for a generator stage, waiting on a person so no worker
    // launches it: every job starts pending, without an engine id.
    const { submission } = await server.store.submissions.create({
      experiment: 'demo',
      campaignId: campaign.id,
      campaign: campaign.name,
      campaignRevision: campaign.current_revision,
      stage: 'generate',
      stageType: 'regular',
      engine: 'local',
      origin: 'manual',
      test: true,
      launcher: 'admin',
      ledger: { none: true },
      filesPerJob: 1,
      jobsWithoutFiles: JOBS,
      config: {},
      tokenHash: (id) => `hash-of-${id}`,
      reason: 'a big generator',
      status: 'Awaiting Approval',
    });
    const id = submission.id;
    assert.equal(submission.job_count, JOBS);
    // Finished states only (the poller leaves finished jobs alone): every 7th failed with exit 1,
    // every 50th cancelled, 3 completed with a non-zero exit, the rest of the first 2000 completed.
    const updates: JobUpdate[] = [];
    for (let index = 0; index < 2000; index++) {
      const base = { submissionId: id, index };
      if (index % 50 === 0) updates.push({ ...base, state: 'cancelled' });
      else if (index % 7 === 0) updates.push({ ...base, state: 'failed', exit_code: 1 });
      else if (index === 1 || index === 2 || index === 1999)
        updates.push({ ...base, state: 'completed', exit_code: 137 });
      else updates.push({ ...base, state: 'completed', exit_code: 0 });
    }
    await server.store.submissions.updateJobs(updates);
    const count = (state: string) => updates.filter((u) => u.state === state).length;
    const failedIndexes = updates
      .filter((u) => u.state !== 'completed' || u.exit_code !== 0)
      .map((u) => u.index);

    const base = `/experiments/demo/submissions/${id}`;
    const details = await ok('GET', base);
    assert.equal('jobs' in details.body, false, 'the details answer lists no job');
    assert.deepEqual(details.body.job_counts, {
      cancelled: count('cancelled'),
      completed: count('completed'),
      failed: count('failed'),
      pending: JOBS - 2000,
    });
    assert.ok(JSON.stringify(details.body).length < 10_000, 'the details answer stays small');

    // Every job once, in index order, a page at a time.
    const seen: number[] = [];
    for (let offset = 0; ; offset += 1000) {
      const page = await ok('GET', `${base}/jobs?limit=1000&offset=${offset}`);
      assert.equal(page.body.total, JOBS);
      const items = page.list as unknown as JobItem[];
      assert.ok(items.every((j) => j.submission_id === id));
      seen.push(...items.map((j) => j.index));
      if (items.length < 1000) break;
    }
    assert.deepEqual(
      seen,
      Array.from({ length: JOBS }, (_, i) => i),
    );
    const first = await ok('GET', `${base}/jobs`);
    assert.equal(first.list.length, 50, 'the default page');

    // The failures: failed, cancelled and non-zero exits, in index order, over pages of 100.
    const failed: JobItem[] = [];
    for (let offset = 0; ; offset += 100) {
      const page = await ok('GET', `${base}/jobs?failed=true&limit=100&offset=${offset}`);
      assert.equal(page.body.total, failedIndexes.length);
      failed.push(...(page.list as unknown as JobItem[]));
      if (page.list.length < 100) break;
    }
    assert.deepEqual(
      failed.map((j) => j.index),
      failedIndexes,
    );
    assert.deepEqual(
      failed.slice(0, 3).map((j) => [j.index, j.state, j.exit_code]),
      [
        [0, 'cancelled', null],
        [1, 'completed', 137],
        [2, 'completed', 137],
      ],
    );
    const succeeded = await ok('GET', `${base}/jobs?failed=false&limit=1`);
    assert.equal(succeeded.body.total, count('completed') - 3 + (JOBS - 2000));

    // One state or several, with the other filters.
    const pending = await ok('GET', `${base}/jobs?state=pending&limit=1000&offset=400`);
    assert.equal(pending.body.total, JOBS - 2000);
    assert.deepEqual(
      (pending.list as unknown as JobItem[]).map((j) => j.index),
      Array.from({ length: JOBS - 2000 - 400 }, (_, i) => 2400 + i),
    );
    const two = await ok('GET', `${base}/jobs?state=cancelled,failed&limit=3&offset=1`);
    assert.equal(two.body.total, count('cancelled') + count('failed'));
    assert.deepEqual(
      (two.list as unknown as JobItem[]).map((j) => [j.index, j.state]),
      [
        [7, 'failed'],
        [14, 'failed'],
        [21, 'failed'],
      ],
    );
    const both = await ok('GET', `${base}/jobs?state=completed&failed=true`);
    assert.deepEqual(
      (both.list as unknown as JobItem[]).map((j) => j.index),
      [1, 2, 1999],
    );

    // Refusals: an unknown state, a page too large, another experiment's submission.
    const bad = await call('GET', `${base}/jobs?state=done`, { token });
    assert.equal(bad.status, 400);
    assert.equal((bad.body.error as { field?: string }).field, 'query.state.0');
    const large = await call('GET', `${base}/jobs?limit=1001`, { token });
    assert.equal(large.status, 400);
    assert.equal((large.body.error as { field?: string }).field, 'query.limit');
    const elsewhere = await call('GET', `/experiments/other/submissions/${id}/jobs`, { token });
    assert.equal(elsewhere.status, 404, JSON.stringify(elsewhere.body));
    assert.equal(errorCode(elsewhere), 'store.not-found');
  });

  it('answers each campaign with its tags, role, owner, stages and held stages', async () => {
    const text = (name: string, stages: string[]) =>
      [
        `campaign: ${name}`,
        'role: analysis',
        'tags: [zeta, alpha]',
        'job_types:',
        '  gen:',
        '    command: /bin/true',
        '    jobs: 1',
        'launch_setups:',
        '  here:',
        '    engine: local',
        'stages:',
        ...stages.flatMap((s) => [
          `  ${s}:`,
          '    type: generator',
          '    job_type: gen',
          '    launch_setup: here',
        ]),
        '',
      ].join('\n');
    const names = Array.from({ length: 30 }, (_, i) => `scan_${String(i).padStart(2, '0')}`);
    for (const [i, name] of names.entries()) {
      const stages = Array.from({ length: 1 + (i % 3) }, (_, s) => `s${s}`);
      await ok('POST', '/experiments/demo/campaigns', { text: text(name, stages) });
    }
    // A later revision by someone else changes no owner; its stages are the page's.
    const saved = await ok('GET', '/experiments/demo/campaigns/scan_01');
    await ok('PUT', '/experiments/demo/campaigns/scan_01', {
      text: text('scan_01', ['s0', 's1', 'extra']),
      expected_revision: saved.body.current_revision,
    });
    await ok('PUT', '/experiments/demo/campaigns/scan_02/stages/s2/hold', {});
    await ok('PUT', '/experiments/demo/campaigns/scan_02/stages/s0/hold', {});

    // Count what the list reads: one batch of facts per page, never a campaign at a time.
    const campaigns = server.store.campaigns;
    const calls = { facts: 0, perCampaign: 0 };
    const facts = campaigns.facts.bind(campaigns);
    const get = campaigns.get.bind(campaigns);
    const getById = campaigns.getById.bind(campaigns);
    const listRevisions = campaigns.listRevisions.bind(campaigns);
    Object.assign(campaigns, {
      facts: (ids: Parameters<typeof facts>[0]) => ((calls.facts += 1), facts(ids)),
      get: (e: string, n: string) => ((calls.perCampaign += 1), get(e, n)),
      getById: (i: Parameters<typeof getById>[0]) => ((calls.perCampaign += 1), getById(i)),
      listRevisions: (...args: Parameters<typeof listRevisions>) => (
        (calls.perCampaign += 1),
        listRevisions(...args)
      ),
    });
    let page;
    try {
      page = await ok('GET', '/experiments/demo/campaigns?name=scan_&limit=25');
    } finally {
      Object.assign(campaigns, { facts, get, getById, listRevisions });
    }
    assert.deepEqual(calls, { facts: 1, perCampaign: 0 });

    const items = page.list as unknown as CampaignItem[];
    assert.equal(page.body.total, 30);
    assert.equal(items.length, 25);
    const byName = new Map(items.map((c) => [c.name, c]));
    for (const c of items) {
      assert.deepEqual(c.tags, ['alpha', 'zeta'], c.name);
      assert.equal(c.role, 'analysis');
      assert.equal(c.owner, 'admin');
      assert.equal(c.stage_count, c.stages.length);
    }
    assert.deepEqual(byName.get('scan_00')?.stages, ['s0']);
    assert.deepEqual(byName.get('scan_01')?.stages, ['s0', 's1', 'extra']);
    assert.deepEqual(byName.get('scan_02')?.stages, ['s0', 's1', 's2']);
    assert.deepEqual([...(byName.get('scan_02')?.held_stages ?? [])].sort(), ['s0', 's2']);
    assert.deepEqual(byName.get('scan_03')?.held_stages, []);
    // The same answer as reading the campaign one by one.
    const one = await ok('GET', '/experiments/demo/campaigns/scan_02');
    assert.equal(one.body.owner, byName.get('scan_02')?.owner);
    assert.equal(one.body.role, byName.get('scan_02')?.role);
    assert.deepEqual([...(one.body.tags as string[])].sort(), byName.get('scan_02')?.tags);

    const rest = await ok(
      'GET',
      `/experiments/demo/campaigns?name=scan_&limit=25&cursor=${encodeURIComponent(String(page.body.next_cursor))}`,
    );
    assert.deepEqual(
      (rest.list as unknown as CampaignItem[]).map((c) => c.name),
      names.slice(25),
    );
    const none = await ok('GET', '/experiments/demo/campaigns?name=no_such_thing');
    assert.deepEqual(none.body, { items: [], next_cursor: null, total: 0 });
  });
});
