// The API's other areas over real HTTP: holds and the held-launch queue, job actions on a stage
// or campaign, schedules, the catalog, members and users, and the audit log of every change,
// with the permission edges of each (403 for a forbidden role, 404 for another experiment).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startServer, type RunningServer } from '../../main.ts';
import { type Answer, apiCaller, apiToken, errorCode } from './api-testing.ts';

const ADMIN_PASSWORD = 'correct horse battery staple';

const CAMPAIGN = `campaign: prod_chain
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

describe('the API areas: holds, schedules, catalog, users, audit', () => {
  let server: RunningServer;
  const call = apiCaller(() => server.url);
  const code = errorCode;
  const message = (a: Answer) => (a.body.error as { message?: string } | undefined)?.message ?? '';
  /** Logs in and makes a write token: the way a script gets credentials. */
  const tokenFor = (username: string, password: string) => apiToken(call, username, password);

  let admin = '';
  let bob = ''; // analysis
  let sam = ''; // production-shifter
  let pete = ''; // production

  before(async () => {
    server = await startServer({
      memory: true,
      port: 0,
      adminPassword: ADMIN_PASSWORD,
      pollIntervalMs: 100,
    });
    const store = server.store;
    await store.experiments.create({ name: 'other', display_name: 'Another experiment' });
    const { hashPassword } = await import('../../services/auth/passwords.ts');
    for (const username of ['bob', 'sam', 'pete']) {
      await store.identity.createUser({
        username,
        displayName: username,
        passwordHash: await hashPassword(`${username} has a long password`),
      });
    }
    admin = await tokenFor('admin', ADMIN_PASSWORD);
    bob = await tokenFor('bob', 'bob has a long password');
    sam = await tokenFor('sam', 'sam has a long password');
    pete = await tokenFor('pete', 'pete has a long password');
  });
  after(async () => {
    await server.close();
  });

  it('manages members (experiment superusers) and users (global superusers only)', async () => {
    for (const [username, role] of [
      ['bob', 'analysis'],
      ['sam', 'production-shifter'],
      ['pete', 'production'],
    ] as const) {
      const set = await call('PUT', `/experiments/demo/members/${username}`, {
        token: admin,
        body: { role },
      });
      assert.equal(set.status, 200, JSON.stringify(set.body));
      assert.equal(set.body.role, role);
    }
    const members = await call('GET', '/experiments/demo/members', { token: bob });
    assert.equal(members.status, 200);
    assert.deepEqual(
      members.list.map((m) => [m.username, m.role]).filter(([u]) => u !== 'admin'),
      [
        ['bob', 'analysis'],
        ['pete', 'production'],
        ['sam', 'production-shifter'],
      ],
    );
    const byBob = await call('PUT', '/experiments/demo/members/sam', {
      token: bob,
      body: { role: 'superuser' },
    });
    assert.equal(byBob.status, 403);
    assert.equal(code(byBob), 'auth.forbidden');
    const nobody = await call('PUT', '/experiments/demo/members/nobody', {
      token: admin,
      body: { role: 'analysis' },
    });
    assert.equal(nobody.status, 404, JSON.stringify(nobody.body));
    const elsewhere = await call('GET', '/experiments/other/members', { token: bob });
    assert.equal(elsewhere.status, 404);

    const forbidden = await call('POST', '/users', {
      token: pete,
      body: { username: 'carol', display_name: 'Carol' },
    });
    assert.equal(forbidden.status, 403);
    assert.equal(code(forbidden), 'auth.forbidden');
    assert.equal((await call('GET', '/users', { token: sam })).status, 403);
    const carol = await call('POST', '/users', {
      token: admin,
      body: {
        username: 'carol',
        display_name: 'Carol',
        email: 'carol@example.org',
        password: 'carol has a long password',
      },
    });
    assert.equal(carol.status, 201, JSON.stringify(carol.body));
    assert.equal(carol.body.has_password, true);
    assert.equal(carol.body.must_change_password, true);
    assert.equal(JSON.stringify(carol.body).includes('long password'), false);
    assert.equal(JSON.stringify(carol.body).includes('hash'), false);
    const users = await call('GET', '/users', { token: admin });
    assert.deepEqual(
      (users.body.items as { username: string }[]).map((u) => u.username),
      ['admin', 'bob', 'carol', 'pete', 'sam'],
    );
    const joined = await call('PUT', '/experiments/demo/members/carol', {
      token: admin,
      body: { role: 'analysis' },
    });
    assert.equal(joined.status, 200);
    const removed = await call('DELETE', '/experiments/demo/members/carol', { token: admin });
    assert.deepEqual(removed.body, { removed: true });
    // The user's creation is audited without any secret.
    const audit = await call('GET', '/experiments/demo/audit?action=membership.remove', {
      token: admin,
    });
    assert.equal(audit.body.total, 1);
  });

  it('holds a stage, queues its launch, and launches it on release', async () => {
    const pushed = await call('POST', '/experiments/demo/campaigns', {
      token: pete,
      body: { text: CAMPAIGN },
    });
    assert.equal(pushed.status, 201, JSON.stringify(pushed.body));

    // An analysis member may not hold the experiment; another experiment is not even there.
    const bobHold = await call('PUT', '/experiments/demo/hold', { token: bob, body: {} });
    assert.equal(bobHold.status, 403);
    assert.equal(code(bobHold), 'auth.forbidden');
    const otherHold = await call('PUT', '/experiments/other/hold', { token: bob, body: {} });
    assert.equal(otherHold.status, 404);
    const bobStage = await call('PUT', '/experiments/demo/campaigns/prod_chain/stages/make/hold', {
      token: bob,
      body: {},
    });
    assert.equal(bobStage.status, 403);
    const typo = await call('PUT', '/experiments/demo/campaigns/prod_chain/stages/mkae/hold', {
      token: sam,
      body: {},
    });
    assert.equal(typo.status, 404);
    assert.equal(code(typo), 'launch.unknown-stage');

    // A shifter may hold a production stage (but not schedule it: see below).
    const held = await call('PUT', '/experiments/demo/campaigns/prod_chain/stages/make/hold', {
      token: sam,
      body: { reason: 'tape outage' },
    });
    assert.equal(held.status, 200, JSON.stringify(held.body));
    assert.equal(held.body.by, 'sam');
    assert.equal((held.body.scope as { kind: string }).kind, 'stage');
    const holds = await call('GET', '/experiments/demo/holds', { token: bob });
    assert.deepEqual(
      holds.list.map((h) => [(h.scope as { kind: string }).kind, h.reason]),
      [['stage', 'tape outage']],
    );

    const launch = await call('POST', '/experiments/demo/campaigns/prod_chain/stages/make/launch', {
      token: sam,
      body: {},
    });
    assert.equal(launch.status, 201, JSON.stringify(launch.body));
    assert.equal(launch.body.kind, 'held');
    const queued = await call('GET', '/experiments/demo/held-launches', { token: bob });
    assert.equal(queued.list.length, 1);
    assert.equal(queued.list[0]?.stage, 'make');

    const released = await call(
      'DELETE',
      '/experiments/demo/campaigns/prod_chain/stages/make/hold',
      { token: sam },
    );
    assert.equal(released.status, 200, JSON.stringify(released.body));
    assert.equal(released.body.released, true);
    const launched = released.body.launched as { kind: string; submission: { id: string } }[];
    assert.equal(launched.length, 1);
    assert.equal(launched[0]?.kind, 'launched');
    assert.equal(
      (await call('GET', '/experiments/demo/held-launches', { token: bob })).list.length,
      0,
    );
    assert.equal((await call('GET', '/experiments/demo/holds', { token: bob })).list.length, 0);

    // Job actions over the stage and the whole campaign: shifters yes, analysis no.
    const kill = await call('POST', '/experiments/demo/campaigns/prod_chain/stages/make/kill', {
      token: bob,
    });
    assert.equal(kill.status, 403);
    const holdJobs = await call('POST', '/experiments/demo/campaigns/prod_chain/hold-jobs', {
      token: sam,
    });
    assert.equal(holdJobs.status, 202, JSON.stringify(holdJobs.body));
    assert.ok(Array.isArray(holdJobs.body.submissions));
    const releaseJobs = await call(
      'POST',
      '/experiments/demo/campaigns/prod_chain/stages/make/release-jobs',
      { token: sam },
    );
    assert.equal(releaseJobs.status, 202, JSON.stringify(releaseJobs.body));
    const unknown = await call('POST', '/experiments/demo/campaigns/prod_chain/stages/nope/kill', {
      token: sam,
    });
    assert.equal(unknown.status, 404);
  });

  it('holds and releases the experiment and, for root only, everything', async () => {
    const held = await call('PUT', '/experiments/demo/hold', { token: sam, body: {} });
    assert.equal(held.status, 200, JSON.stringify(held.body));
    const released = await call('DELETE', '/experiments/demo/hold', { token: sam });
    assert.equal(released.status, 200);
    assert.deepEqual(released.body, { released: true, launched: [] });

    const notRoot = await call('PUT', '/holds/global', { token: pete, body: {} });
    assert.equal(notRoot.status, 403);
    assert.equal(code(notRoot), 'auth.forbidden');
    const global = await call('PUT', '/holds/global', {
      token: admin,
      body: { reason: 'site maintenance' },
    });
    assert.equal(global.status, 200, JSON.stringify(global.body));
    const holds = await call('GET', '/experiments/demo/holds', { token: bob });
    assert.deepEqual(
      holds.list.map((h) => (h.scope as { kind: string }).kind),
      ['global'],
    );
    assert.equal((await call('DELETE', '/holds/global', { token: pete })).status, 403);
    const lifted = await call('DELETE', '/holds/global', { token: admin });
    assert.equal(lifted.body.released, true);
  });

  it('schedules a stage (production role), refusing a bad cron', async () => {
    const path = '/experiments/demo/campaigns/prod_chain/stages/make/schedule';
    const shifter = await call('PUT', path, {
      token: sam,
      body: { cron: '0 3 * * *', timezone: 'UTC' },
    });
    assert.equal(shifter.status, 403);
    assert.equal(code(shifter), 'auth.forbidden');
    const bad = await call('PUT', path, {
      token: pete,
      body: { cron: '0 25 * * *', timezone: 'UTC' },
    });
    assert.equal(bad.status, 400);
    assert.equal(code(bad), 'schedule.bad-cron');
    const badZone = await call('PUT', path, {
      token: pete,
      body: { cron: '0 3 * * *', timezone: 'Mars/Olympus' },
    });
    assert.equal(code(badZone), 'schedule.bad-timezone');
    const set = await call('PUT', path, {
      token: pete,
      body: { cron: '0 3 * * *', timezone: 'America/Chicago' },
    });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    assert.equal(set.body.cron, '0 3 * * *');
    assert.equal(typeof set.body.description, 'string');
    assert.ok(String(set.body.description).length > 0);
    assert.equal(typeof set.body.next_run, 'string');
    const list = await call('GET', '/experiments/demo/schedules', { token: bob });
    assert.deepEqual(
      list.list.map((s) => [s.stage, s.timezone]),
      [['make', 'America/Chicago']],
    );
    assert.equal((await call('GET', '/experiments/other/schedules', { token: bob })).status, 404);
    const removed = await call('DELETE', path, { token: pete });
    assert.deepEqual(removed.body, { removed: true });
    assert.equal((await call('GET', '/experiments/demo/schedules', { token: bob })).list.length, 0);
  });

  it('declares files, queries them, shows one, and keeps datasets and snapshots', async () => {
    const files = [
      { name: 'raw_1.root', size: 10, metadata: { run_number: 1, data_tier: 'raw' } },
      { name: 'raw_2.root', size: 20, metadata: { run_number: 2, data_tier: 'raw' } },
      {
        name: 'reco_1.root',
        size: 5,
        metadata: { run_number: 1, data_tier: 'reco' },
        parents: ['raw_1.root'],
        replicas: [{ location: 'tape', path: '/tape/reco_1.root' }],
      },
    ];
    const declared = await call('POST', '/experiments/demo/files', {
      token: bob,
      body: { files },
    });
    assert.equal(declared.status, 200, JSON.stringify(declared.body));
    assert.deepEqual(declared.body, { created: 3, unchanged: 0, updated: 0 });
    const again = await call('POST', '/experiments/demo/files', { token: bob, body: { files } });
    assert.equal(again.body.unchanged, 3);
    const shape = await call('POST', '/experiments/demo/files', {
      token: bob,
      body: { files: [{ name: 'a/b' }] },
    });
    assert.equal(shape.status, 400);
    assert.equal(
      (await call('POST', '/experiments/other/files', { token: bob, body: { files } })).status,
      404,
    );

    const raw = await call(
      'GET',
      `/experiments/demo/files?query=${encodeURIComponent('data_tier = raw')}&limit=1`,
      { token: bob },
    );
    assert.equal(raw.status, 200, JSON.stringify(raw.body));
    assert.deepEqual(
      (raw.body.files as { name: string }[]).map((f) => f.name),
      ['raw_1.root'],
    );
    assert.equal(raw.body.next, 'raw_1.root');
    const next = await call(
      'GET',
      `/experiments/demo/files?query=${encodeURIComponent('data_tier = raw')}&after=raw_1.root`,
      { token: bob },
    );
    assert.deepEqual(
      (next.body.files as { name: string }[]).map((f) => f.name),
      ['raw_2.root'],
    );
    const bad = await call(
      'GET',
      `/experiments/demo/files?query=${encodeURIComponent('run_number = = 5')}`,
      { token: bob },
    );
    assert.equal(bad.status, 400);
    assert.match(String(code(bad)), /^query\./);
    assert.match(message(bad), /:1:14: /, message(bad));
    const count = await call(
      'GET',
      `/experiments/demo/files-count?query=${encodeURIComponent('run_number = 1')}`,
      { token: bob },
    );
    assert.deepEqual(count.body, { count: 2 });
    const missing = await call('GET', '/experiments/demo/files-count', { token: bob });
    assert.equal(missing.status, 400);

    const detail = await call('GET', '/experiments/demo/files/reco_1.root', { token: bob });
    assert.equal(detail.status, 200, JSON.stringify(detail.body));
    assert.deepEqual(detail.body.parents, ['raw_1.root']);
    assert.deepEqual(detail.body.replicas, [{ location: 'tape', path: '/tape/reco_1.root' }]);
    assert.deepEqual((detail.body.metadata as Record<string, unknown>).data_tier, 'reco');
    const parent = await call('GET', '/experiments/demo/files/raw_1.root', { token: bob });
    assert.deepEqual(parent.body.children, ['reco_1.root']);
    assert.equal(
      (await call('GET', '/experiments/demo/files/nope.root', { token: bob })).status,
      404,
    );

    const defined = await call('POST', '/experiments/demo/datasets', {
      token: bob,
      body: { name: 'raw_all', query: 'data_tier = raw' },
    });
    assert.equal(defined.status, 201, JSON.stringify(defined.body));
    assert.equal(defined.body.file_count, 2);
    const badSet = await call('POST', '/experiments/demo/datasets', {
      token: bob,
      body: { name: 'broken', query: 'data_tier = (' },
    });
    assert.equal(badSet.status, 400);
    assert.match(String(code(badSet)), /^query\./);
    const sets = await call('GET', '/experiments/demo/datasets', { token: bob });
    assert.deepEqual(
      sets.list.map((d) => d.name),
      ['raw_all'],
    );
    const one = await call('GET', '/experiments/demo/datasets/raw_all', { token: bob });
    assert.equal(one.body.query, 'data_tier = raw');
    assert.equal(one.body.file_count, 2);

    const snap = await call('POST', '/experiments/demo/snapshots', {
      token: bob,
      body: { dataset: 'raw_all' },
    });
    assert.equal(snap.status, 201, JSON.stringify(snap.body));
    assert.equal(snap.body.file_count, 2);
    assert.equal(snap.body.dataset, 'raw_all');
    const byQuery = await call('POST', '/experiments/demo/snapshots', {
      token: bob,
      body: { query: 'data_tier = reco' },
    });
    assert.equal(byQuery.body.file_count, 1);
    const got = await call('GET', `/experiments/demo/snapshots/${String(snap.body.id)}`, {
      token: bob,
    });
    assert.equal(got.status, 200);
    assert.equal(got.body.id, snap.body.id);
  });

  it('audits every change: who, as which role, what, on which object', async () => {
    const all = await call('GET', '/experiments/demo/audit?limit=1000', { token: bob });
    assert.equal(all.status, 200, JSON.stringify(all.body));
    const entries = all.body.items as {
      actor: string;
      acting_role: string | null;
      action: string;
      object_type: string;
      object_id: string;
      summary: string;
      after: unknown;
    }[];
    const find = (action: string, actor: string) =>
      entries.find((e) => e.action === action && e.actor === actor);
    const push = find('campaign.create', 'pete');
    assert.equal(push?.object_type, 'campaign');
    assert.equal(push.object_id, 'prod_chain');
    assert.equal(push.acting_role, 'production');
    const hold = entries.find((e) => e.action === 'hold.set' && e.object_type === 'stage');
    assert.equal(hold?.actor, 'sam');
    assert.equal(hold.object_id, 'prod_chain/make');
    assert.equal(hold.acting_role, 'production-shifter');
    const queued = find('submission.launch', 'sam');
    assert.equal(queued?.object_type, 'stage');
    assert.match(queued.summary, /queued behind a hold/);
    const release = find('hold.release', 'sam');
    const launchedId = (release?.after as { launched: string[] }).launched[0];
    assert.match(String(launchedId), /./);
    for (const action of [
      'schedule.set',
      'schedule.remove',
      'files.declare',
      'dataset.define',
      'snapshot.create',
      'membership.set',
      'campaign.hold-jobs',
      'stage.release-jobs',
    ]) {
      assert.ok(
        entries.some((e) => e.action === action),
        `${action} in ${entries.map((e) => e.action).join(', ')}`,
      );
    }
    // No secret anywhere in the log.
    assert.equal(JSON.stringify(entries).includes('long password'), false);
    assert.equal(JSON.stringify(entries).includes('poms_'), false);

    const filtered = await call('GET', '/experiments/demo/audit?action=hold.set', { token: bob });
    const holds = filtered.body.items as { action: string; object_type: string }[];
    assert.deepEqual(holds.map((e) => e.object_type).sort(), ['experiment', 'stage']);
    const byActor = await call('GET', '/experiments/demo/audit?actor=pete&object_type=campaign', {
      token: bob,
    });
    assert.equal(byActor.body.total, 1);
    const paged = await call('GET', '/experiments/demo/audit?limit=2&offset=1', { token: bob });
    assert.equal((paged.body.items as unknown[]).length, 2);
    assert.equal(paged.body.total, all.body.total);
    assert.equal((await call('GET', '/experiments/other/audit', { token: bob })).status, 404);
    const since = await call('GET', '/experiments/demo/audit?since=yesterday', { token: bob });
    assert.equal(since.status, 400);

    // A launch that makes a submission is audited on the submission.
    const launch = await call('POST', '/experiments/demo/campaigns/prod_chain/stages/make/launch', {
      token: sam,
      body: { test: true },
    });
    assert.equal(launch.status, 201, JSON.stringify(launch.body));
    const id = (launch.body.submission as { id: string }).id;
    const onIt = await call(
      'GET',
      `/experiments/demo/audit?object_type=submission&object_id=${id}`,
      { token: bob },
    );
    assert.deepEqual(
      (onIt.body.items as { action: string; actor: string }[]).map((e) => [e.actor, e.action]),
      [['sam', 'submission.launch']],
    );
  });
});
