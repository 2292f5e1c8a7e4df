// End to end: a real server with the local engine runs a watched stage; a local SMTP sink gets
// the e-mail and a local receiver verifies the signed webhook. Then: a launch failure reaches the
// outbox, a notifier stopped between detection and delivery loses and repeats nothing, and the
// webhook secret appears in no log and no answer.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { apiCaller } from '../../http/api/api-testing.ts';
import { hashPassword } from '../auth/passwords.ts';
import { EXPERIMENT, harness, type Harness } from '../execution/execution-testing.ts';
import { smtpMailer } from './email.ts';
import { Notifier } from './notifier.ts';
import { smtpSink, webhookReceiver } from './notifications-testing.ts';
import { signWebhook, webhookProblem } from './signing.ts';

const SECRET = 'carol-secret-0123456789abcdef';
const PASSWORD = 'carol has a long password';

async function until<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  ms = 20_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('notifications end to end', () => {
  let h: Harness;
  let sink: Awaited<ReturnType<typeof smtpSink>>;
  let receiver: Awaited<ReturnType<typeof webhookReceiver>>;
  const call = apiCaller(() => h.server.url);
  let token = '';

  before(async () => {
    sink = await smtpSink();
    receiver = await webhookReceiver(SECRET);
    h = await harness({
      server: {
        notifications: {
          smtpUrl: sink.url,
          from: 'poms@test.example',
          publicUrl: 'https://poms.example',
          intervalMs: 100,
          settleMs: 200,
        },
      },
    });
    const carol = await h.server.store.identity.createUser({
      username: 'carol',
      displayName: 'Carol',
      email: 'carol@example.org',
      passwordHash: await hashPassword(PASSWORD),
    });
    await h.server.store.identity.setMembership({
      experiment: EXPERIMENT,
      userId: carol.id,
      role: 'analysis',
      grantedBy: 'admin',
    });
    const login = await call('POST', '/auth/login', {
      body: { username: 'carol', password: PASSWORD },
    });
    assert.equal(login.status, 200, JSON.stringify(login.body));
    const made = await call('POST', '/auth/tokens', {
      cookie: login.setCookie.split(';')[0] ?? '',
      csrf: String(login.body.csrf),
      body: { name: 'test', scopes: ['write'] },
    });
    token = String(made.body.secret);
    await h.campaign(`campaign: note
job_types:
  gen:
    command: ${h.bin}/gen.sh
    jobs: 2
    output_patterns: ["gen_%"]
launch_setups:
  here:
    engine: local
  cluster:
    engine: htcondor
stages:
  make:
    type: generator
    job_type: gen
    launch_setup: here
  away:
    type: generator
    job_type: gen
    launch_setup: cluster
`);
  });

  after(async () => {
    await h.close();
    await sink.close();
    await receiver.close();
  });

  it('keeps settings through the API, the secret write-only', async () => {
    const refused = await call('PUT', '/me/notifications', {
      token,
      body: { webhook_url: 'ftp://example.org/hook' },
    });
    assert.equal(refused.status, 400);
    const plain = await call('PUT', '/me/notifications', {
      token,
      body: { webhook_url: 'http://example.org/hook' },
    });
    assert.equal(plain.status, 400, 'plain http only to loopback');
    const put = await call('PUT', '/me/notifications', {
      token,
      body: { webhook_url: receiver.url, webhook_secret: SECRET, failure_threshold_pct: 5 },
    });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    const got = await call('GET', '/me/notifications', { token });
    assert.deepEqual(
      { ...got.body, updated_at: null },
      {
        email: true,
        email_address: 'carol@example.org',
        webhook_url: receiver.url,
        webhook_secret_set: true,
        webhook_secret_hint: SECRET.slice(-4),
        digest: 'immediate',
        failure_threshold_pct: 5,
        updated_at: null,
      },
    );
    for (const answer of [put, got]) assert.ok(!JSON.stringify(answer.body).includes(SECRET));
    const audit = await h.server.store.audit.list({ action: 'notifications.set' });
    assert.ok(audit.items.length >= 1);
    assert.ok(!JSON.stringify(audit.items).includes(SECRET));
  });

  it('sends a test message to both channels', async () => {
    const before = sink.mails.length;
    const answer = await call('POST', '/me/notifications/test', { token });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.deepEqual(answer.body, { email: 'sent', webhook: 'sent' });
    assert.equal(sink.mails.length, before + 1);
    assert.equal(receiver.hooks.at(-1)?.headers.event, 'test');
  });

  it('a watched stage that is Located sends an e-mail and a signed webhook', async () => {
    const campaign = await h.server.store.campaigns.get(EXPERIMENT, 'note');
    const watched = await call(
      'PUT',
      `/experiments/${EXPERIMENT}/campaigns/${campaign.name}/watch`,
      { token, body: { stage: 'make' } },
    );
    assert.ok(watched.status < 300, JSON.stringify(watched.body));
    const outcome = await h.launch('note', 'make');
    assert.equal(outcome.kind, 'launched');
    await h.settle();
    const mail = await until('the stage-located e-mail', () =>
      sink.mails.find((m) => m.raw.includes('stage located')),
    );
    assert.deepEqual(mail.to, ['carol@example.org']);
    assert.match(mail.raw, /Subject: \[POMS\] stage located: exp\/note\/make/);
    // Quoted-printable: soft line breaks end in "=".
    const text = mail.raw.replace(/=\r\n/g, '');
    assert.match(text, /https:\/\/poms\.example\/e\/exp\/submissions\/sub_\w+/);
    const hook = await until('the stage-located webhook', () =>
      receiver.hooks.find((x) => x.headers.event === 'stage_located'),
    );
    assert.equal(hook.problem, undefined, 'the receiver verified the signature');
    const body = JSON.parse(hook.body) as {
      id: string;
      event: { campaign: string; stage: string };
    };
    assert.equal(body.id, hook.headers.delivery);
    assert.equal(body.event.campaign, 'note');
    assert.equal(body.event.stage, 'make');
    // A forged signature, or a body changed on the way, fails the same check.
    const forged = { timestamp: hook.headers.timestamp, body: hook.body };
    assert.equal(
      webhookProblem(SECRET, { ...forged, signature: 'sha256=' + '0'.repeat(64) }),
      'signature does not match',
    );
    assert.equal(
      webhookProblem(SECRET, {
        ...forged,
        body: hook.body + ' ',
        signature: hook.headers.signature,
      }),
      'signature does not match',
    );
    assert.equal(
      webhookProblem('another secret!!', { ...forged, signature: hook.headers.signature }),
      'signature does not match',
    );
    // The campaign's only launched stage is done: campaign watchers hear it (carol watches a stage).
    await until('the campaign-finished webhook', () =>
      receiver.hooks.find((x) => x.headers.event === 'campaign_finished'),
    );
  });

  it('a launch failure reaches the outbox', async () => {
    const campaign = await h.server.store.campaigns.get(EXPERIMENT, 'note');
    await h.server.store.watches.watch({
      username: 'carol',
      experiment: EXPERIMENT,
      campaignId: campaign.id,
      stage: 'away',
    });
    const outcome = await h.launch('note', 'away');
    assert.equal(outcome.kind, 'launched');
    const rows = await until('the launch-failed rows', async () => {
      const found = (await h.server.store.notifications.outbox({ username: 'carol' })).filter(
        (e) => e.event.kind === 'launch_failed',
      );
      return found.length === 2 ? found : undefined;
    });
    assert.deepEqual(rows.map((r) => r.channel).sort(), ['email', 'webhook']);
    assert.match(rows[0]?.event.summary ?? '', /could not be launched/);
    if (outcome.kind === 'launched') {
      await h.server.execution.control.kill(
        { kind: 'submission', id: outcome.submission.id },
        'alice',
      );
    }
  });

  it('a notifier stopped between detection and delivery: every event once', async () => {
    await h.settle();
    await h.server.notifier.stop();
    const mailsBefore = sink.mails.length;
    const hooksBefore = receiver.hooks.length;
    const outcome = await h.launch('note', 'make');
    assert.equal(outcome.kind, 'launched');
    if (outcome.kind !== 'launched') return;
    await h.settle();
    await new Promise((r) => setTimeout(r, 300)); // past the settle time
    const fresh = (name: string) =>
      new Notifier({
        store: h.server.store,
        now: () => new Date(),
        mailer: smtpMailer(sink.url, `poms@${name}.example`),
        publicUrl: () => 'https://poms.example',
        settleMs: 200,
      });
    const first = fresh('first');
    const added = await first.detect();
    assert.ok(added >= 2, `rows added: ${added}`);
    assert.equal(await first.detect(), 0, 'a second look finds nothing new');
    await first.stop(); // stopped before delivering anything
    const second = fresh('second');
    const sent = await second.deliver();
    assert.equal(sent, added);
    await second.stop();
    const third = fresh('third');
    assert.equal(await third.detect(), 0);
    assert.equal(await third.deliver(), 0);
    await third.stop();
    const mails = sink.mails
      .slice(mailsBefore)
      .filter((m) => m.raw.includes(outcome.submission.id));
    const hooks = receiver.hooks
      .slice(hooksBefore)
      .filter((x) => x.body.includes(outcome.submission.id));
    assert.equal(mails.filter((m) => m.raw.includes('stage located')).length, 1);
    assert.equal(hooks.filter((x) => x.headers.event === 'stage_located').length, 1);
    assert.equal(sink.mails.length - mailsBefore + receiver.hooks.length - hooksBefore, sent);
    assert.ok(hooks.every((x) => x.problem === undefined));
  });

  it('never logs the webhook secret', () => {
    assert.ok(!h.logs.join('\n').includes(SECRET));
  });
});

describe('webhook signatures', () => {
  it('sign and verify', () => {
    const body = '{"id":"ntf_1"}';
    const signature = signWebhook('s3cret-s3cret-s3', 1_700_000_000, body);
    assert.match(signature, /^sha256=[0-9a-f]{64}$/);
    const delivery = { timestamp: '1700000000', signature, body };
    assert.equal(webhookProblem('s3cret-s3cret-s3', delivery, { nowS: 1_700_000_010 }), undefined);
    assert.equal(
      webhookProblem('s3cret-s3cret-s3', delivery, { nowS: 1_700_001_000 }),
      'stale timestamp',
    );
    assert.equal(
      webhookProblem(
        's3cret-s3cret-s3',
        { ...delivery, timestamp: '1700000001' },
        { nowS: 1_700_000_010 },
      ),
      'signature does not match',
    );
    assert.equal(
      webhookProblem('s3cret-s3cret-s3', { ...delivery, signature: undefined }),
      'no signature',
    );
  });
});
