// GET /metrics end to end: who may read it, and that the numbers follow a real run (the local
// engine, the job runtime) on a server's own registry.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { harness, type Harness } from '../../services/execution/execution-testing.ts';
import { hashPassword } from '../../services/auth/passwords.ts';
import { apiCaller } from '../api/api-testing.ts';
import { families, samples, scrape, total } from './exposition-testing.ts';
import { UNMATCHED_ROUTE } from './serve-metrics.ts';

const ADMIN_PASSWORD = 'the admin password of the metrics test';
const BOB_PASSWORD = 'bob has a long password';

function campaignText(bin: string): string {
  return `campaign: metered
defaults:
  launch_setup: here
job_types:
  gen:
    command: ${bin}/gen.sh
    jobs: 3
    output_patterns: ["gen_%"]
  proc:
    command: ${bin}/proc.sh
    output_patterns: ["out_%"]
launch_setups:
  here:
    engine: local
  cluster:
    engine: htcondor
stages:
  make:
    type: generator
    job_type: gen
  work:
    needs: [make]
    job_type: proc
    overrides: [["--fail=", "_1.dat"]]
  away:
    type: generator
    job_type: gen
    launch_setup: cluster
`;
}

describe('GET /metrics', () => {
  let h: Harness;
  const call = apiCaller(() => h.server.url);
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  let adminCookie = '';
  let adminToken = '';
  let experimentToken = '';
  let bobToken = '';

  const login = async (username: string, password: string) => {
    const answer = await call('POST', '/auth/login', { body: { username, password } });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    return { cookie: answer.setCookie.split(';')[0] ?? '', csrf: String(answer.body.csrf) };
  };
  const token = async (
    session: { cookie: string; csrf: string },
    body: { scopes: string[]; experiment?: string },
  ) => {
    const made = await call('POST', '/auth/tokens', {
      ...session,
      body: { name: 'scrape', ...body },
    });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    return String(made.body.secret);
  };

  before(async () => {
    h = await harness({ server: { adminPassword: ADMIN_PASSWORD } });
    const admin = await login('admin', ADMIN_PASSWORD);
    adminCookie = admin.cookie;
    adminToken = await token(admin, { scopes: ['read'] });
    experimentToken = await token(admin, { scopes: ['write'], experiment: 'exp' });
    const bob = await h.server.store.identity.createUser({
      username: 'bob',
      displayName: 'Bob',
      passwordHash: await hashPassword(BOB_PASSWORD),
    });
    // The experiment's superuser, yet not a global one: the metrics span every experiment.
    await h.server.store.identity.setMembership({
      experiment: 'exp',
      userId: bob.id,
      role: 'superuser',
      grantedBy: 'admin',
    });
    bobToken = await token(await login('bob', BOB_PASSWORD), { scopes: ['write'] });
  });
  after(async () => {
    await h.close();
  });

  it('answers 401 without valid credentials and 403 to anyone but a global superuser', async () => {
    assert.equal((await scrape(h.server.url)).status, 401);
    assert.equal((await scrape(h.server.url, bearer('poms_not-a-token'))).status, 401);
    assert.equal((await scrape(h.server.url, { cookie: 'poms_session=nope' })).status, 401);
    const bob = await scrape(h.server.url, bearer(bobToken));
    assert.equal(bob.status, 403);
    assert.equal(
      (JSON.parse(bob.text) as { error: { code: string } }).error.code,
      'auth.forbidden',
    );
    assert.equal((await scrape(h.server.url, bearer(experimentToken))).status, 403);
    const lowered = await scrape(h.server.url, {
      ...bearer(adminToken),
      'x-poms-role': 'production',
    });
    assert.equal(lowered.status, 403);
    const ok = await scrape(h.server.url, bearer(adminToken));
    assert.equal(ok.status, 200, ok.text);
    assert.match(ok.contentType, /^text\/plain; version=0\.0\.4/);
    assert.equal((await scrape(h.server.url, { cookie: adminCookie })).status, 200);
  });

  it('exposes every family, the process metrics included', async () => {
    const { text } = await scrape(h.server.url, bearer(adminToken));
    const declared = families(text);
    for (const [name, type] of Object.entries({
      poms_submissions: 'gauge',
      poms_jobs: 'gauge',
      poms_executor_queue_submissions: 'gauge',
      poms_held_launches: 'gauge',
      poms_notification_queue_deliveries: 'gauge',
      poms_log_keeper_queue_tasks: 'gauge',
      poms_files_total: 'counter',
      poms_launch_latency_seconds: 'histogram',
      poms_launch_failures_total: 'counter',
      poms_engine_poll_duration_seconds: 'histogram',
      poms_engine_poll_errors_total: 'counter',
      poms_executor_cycle_seconds: 'histogram',
      poms_jobs_ended_total: 'counter',
      poms_http_request_duration_seconds: 'histogram',
      poms_process_cpu_seconds_total: 'counter',
      poms_nodejs_eventloop_lag_seconds: 'gauge',
    })) {
      assert.equal(declared.get(name), type, `${name} should be a ${type}`);
    }
  });

  it('follows a run: submissions, jobs, files, launches, polls, holds and HTTP answers', async () => {
    await h.campaign(campaignText(h.bin));
    assert.equal((await h.launch('metered', 'make')).kind, 'launched');
    const settled = await h.settle();
    assert.ok(
      settled.some((s) => s.stage === 'work'),
      'the dependent stage ran',
    );
    // A launch held by an experiment hold waits in the queue.
    await h.server.store.control.hold({ kind: 'experiment', experiment: 'exp' }, 'admin');
    assert.equal((await h.launch('metered', 'make')).kind, 'held');
    const listed = await call('GET', `/experiments/exp/submissions/${settled[0]?.id ?? ''}`, {
      token: adminToken,
    });
    assert.equal(listed.status, 200);
    assert.equal((await call('GET', '/no/such/route', { token: adminToken })).status, 404);

    const { text } = await scrape(h.server.url, bearer(adminToken));
    const all = samples(text);
    assert.ok(total(all, 'poms_submissions', { experiment: 'exp', status: 'Located' }) > 0, text);
    assert.equal(
      total(all, 'poms_submissions', { experiment: 'exp' }),
      settled.length,
      'every submission counted once',
    );
    assert.equal(total(all, 'poms_jobs', { experiment: 'exp', engine: 'local' }), 6);
    assert.ok(total(all, 'poms_jobs', { engine: 'local', state: 'completed' }) > 0);
    assert.equal(total(all, 'poms_executor_queue_submissions'), 0);
    assert.equal(total(all, 'poms_held_launches', { experiment: 'exp' }), 1);
    const work = { experiment: 'exp', campaign: 'metered', stage: 'work' };
    assert.equal(total(all, 'poms_files_total', { ...work, state: 'consumed' }), 2);
    assert.equal(total(all, 'poms_files_total', { ...work, state: 'failed' }), 1);
    assert.ok(total(all, 'poms_jobs_ended_total', { engine: 'local' }) >= 6);
    assert.ok(total(all, 'poms_jobs_ended_total', { engine: 'local', state: 'failed' }) >= 1);
    assert.equal(total(all, 'poms_launch_latency_seconds_count', { engine: 'local' }), 2);
    assert.ok(total(all, 'poms_engine_poll_duration_seconds_count', { engine: 'local' }) > 0);
    assert.ok(total(all, 'poms_executor_cycle_seconds_count') > 0);

    const http = all.filter((s) => s.name === 'poms_http_request_duration_seconds_count');
    const routes = new Set(http.map((s) => s.labels.route ?? ''));
    assert.ok(routes.has('/api/v1/experiments/:experiment/submissions/:id'), [...routes].join());
    assert.ok(routes.has('/api/v1/jobs/:submission/:index/files'), [...routes].join());
    // Route patterns only: never a raw URL with ids in it (a new series per request).
    const known = new Set(h.server.app.routes.registered.map((r) => r.url));
    for (const route of routes) {
      assert.ok(route === UNMATCHED_ROUTE || known.has(route), `route label ${route}`);
    }
    assert.ok(
      total(all, 'poms_http_request_duration_seconds_count', {
        method: 'GET',
        route: UNMATCHED_ROUTE,
        status: '4xx',
      }) >= 1,
    );
    assert.ok(total(all, 'poms_http_request_duration_seconds_count', { status: '2xx' }) > 0);
  });

  it("shows the worker queues: unsent notifications by channel, the log keeper's work", async () => {
    // Stopped, the notifier sends nothing: the rows below stay as they are while we look.
    await h.server.notifier.stop();
    const event = {
      kind: 'stage_located' as const,
      experiment: 'exp',
      campaign_id: 'cmp_x',
      campaign: 'metered',
      stage: 'make',
      submission_id: null,
      at: new Date().toISOString(),
      summary: 'metered/make is Located',
    };
    await h.server.store.notifications.enqueue(
      (['webhook', 'webhook', 'email', 'digest'] as const).map((channel, i) => ({
        id: `ntf_metrics_${i}`,
        username: 'bob',
        channel,
        event: { ...event, key: `stage_located:metrics_${i}` },
        state: channel === 'digest' ? 'held' : 'pending',
      })),
    );
    const all = samples((await scrape(h.server.url, bearer(adminToken))).text);
    const queued = (channel: string) =>
      total(all, 'poms_notification_queue_deliveries', { channel });
    assert.deepEqual([queued('webhook'), queued('email'), queued('digest')], [2, 1, 1]);
    // Every state has its series (0 when idle), read from the server's own log keeper.
    const keeper = all.filter((x) => x.name === 'poms_log_keeper_queue_tasks');
    assert.deepEqual(keeper.map((x) => x.labels.state).sort(), ['running', 'waiting']);
    assert.ok(keeper.every((x) => Number.isInteger(x.value) && x.value >= 0));
  });

  it('counts a failed engine poll', async () => {
    // Jobs the HTCondor engine accepted, then its schedd cannot be asked (no condor_q here):
    // each poll of them fails, and leaves them as they are.
    const outcome = await h.launch('metered', 'away', { ignoreHolds: true });
    assert.equal(outcome.kind, 'launched');
    if (outcome.kind !== 'launched') return;
    const errors = async () =>
      total(
        samples((await scrape(h.server.url, bearer(adminToken))).text),
        'poms_engine_poll_errors_total',
        { engine: 'htcondor' },
      );
    assert.equal(await errors(), 0, 'no htcondor job yet, so no poll of it');
    await h.server.store.submissions.recordBatch(outcome.submission.id, 'cluster-1', ['17.0']);
    const deadline = Date.now() + 20_000;
    for (;;) {
      if ((await errors()) >= 1) break;
      assert.ok(Date.now() < deadline, 'no failed poll of htcondor was counted');
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(h.logs.some((line) => /poll of htcondor failed/.test(line)));
  });
});
