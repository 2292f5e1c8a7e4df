// End to end: a real server with the local engine runs watched stages; a local SMTP sink gets
// the e-mails and a local receiver verifies the signed webhooks. Each event kind is made to
// happen through the product (a launch stopped by a hold, a stage whose jobs partly fail until no
// recovery is left, a launch the engine refuses) and is checked where users get it, with what
// they need in it; a failure rate under a user's threshold sends them nothing, and a daily-digest
// user gets one e-mail after midnight (the notifier's injected clock). Then: a notifier stopped
// between detection and delivery loses and repeats nothing, and the webhook secret appears in no
// log and no answer.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { apiCaller } from '../../http/api/api-testing.ts';
import { hashPassword } from '../auth/passwords.ts';
import { EXPERIMENT, harness, type Harness } from '../execution/execution-testing.ts';
import { smtpMailer } from './email.ts';
import { Notifier } from './notifier.ts';
import { plain, smtpSink, webhookReceiver } from './notifications-testing.ts';
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

interface HookEvent {
  kind: string;
  campaign: string;
  stage: string | null;
  submission_id: string | null;
  summary: string;
  failure_rate?: number;
}

describe('notifications end to end', () => {
  let h: Harness;
  let sink: Awaited<ReturnType<typeof smtpSink>>;
  let receiver: Awaited<ReturnType<typeof webhookReceiver>>;
  const call = apiCaller(() => h.server.url);
  let token = '';
  /** dave watches a stage of `alarm` by e-mail, erin the same stage in a daily digest. */
  let daveToken = '';
  let erinToken = '';

  /** A member of the experiment with an account, an e-mail address and a write token. */
  const member = async (username: string): Promise<string> => {
    const user = await h.server.store.identity.createUser({
      username,
      displayName: username,
      email: `${username}@example.org`,
      passwordHash: await hashPassword(PASSWORD),
    });
    await h.server.store.identity.setMembership({
      experiment: EXPERIMENT,
      userId: user.id,
      role: 'analysis',
      grantedBy: 'admin',
    });
    const login = await call('POST', '/auth/login', { body: { username, password: PASSWORD } });
    assert.equal(login.status, 200, JSON.stringify(login.body));
    const made = await call('POST', '/auth/tokens', {
      cookie: login.setCookie.split(';')[0] ?? '',
      csrf: String(login.body.csrf),
      body: { name: 'test', scopes: ['write'] },
    });
    return String(made.body.secret);
  };
  /** Waits until every outbox row made so far has been sent (none is pending). */
  const allSent = () =>
    until('every pending notification sent', async () => {
      const pending = (await h.server.store.notifications.outbox()).filter(
        (r) => r.state === 'pending',
      );
      return pending.length === 0 ? true : undefined;
    });
  const mailsTo = (username: string) =>
    sink.mails.filter((m) => m.to.includes(`${username}@example.org`));
  /** Verified webhooks (all carol's) of one kind, with their parsed event. */
  const hooksOf = (kind: string) =>
    receiver.hooks
      .filter((x) => x.headers.event === kind)
      .map((x) => ({ ...x, event: (JSON.parse(x.body) as { event: HookEvent }).event }));

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
    token = await member('carol');
    daveToken = await member('dave');
    erinToken = await member('erin');
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
    // part: one file in four fails every time, and the recovery's one step retries it in vain.
    await h.declareInputs(['fr_a', 'fr_b', 'fr_c', 'fr_d']);
    await h.campaign(`campaign: alarm
job_types:
  gen:
    command: ${h.bin}/gen.sh
    jobs: 1
    output_patterns: ["gen_%"]
  proc:
    command: ${h.bin}/proc.sh
    output_patterns: ["out_%"]
    recovery:
      - type: consumed_status
launch_setups:
  here:
    engine: local
stages:
  part:
    input: "file_name like 'fr_%%'"
    job_type: proc
    launch_setup: here
    overrides: [["--fail=", "fr_b"]]
  gate:
    type: generator
    job_type: gen
    launch_setup: here
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
      sink.mails.find((m) => plain(m).includes('stage located')),
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

  it('a launch stopped by a hold and queued is told by e-mail and webhook', async () => {
    const alarm = await h.server.store.campaigns.get(EXPERIMENT, 'alarm');
    const watched = await call('PUT', `/experiments/${EXPERIMENT}/campaigns/alarm/watch`, {
      token,
      body: {},
    });
    assert.ok(watched.status < 300, JSON.stringify(watched.body));
    await h.server.execution.control.hold(
      { kind: 'stage', experiment: EXPERIMENT, campaignId: alarm.id, stage: 'gate' },
      'admin',
      'disk full at the site',
    );
    const outcome = await h.launch('alarm', 'gate');
    assert.equal(outcome.kind, 'held');
    if (outcome.kind !== 'held') return;
    const queued = outcome.entry.id;
    const mail = await until('the held-launch e-mail', () =>
      mailsTo('carol').find((m) => plain(m).includes(queued)),
    );
    const text = plain(mail);
    assert.match(text, /Subject: \[POMS\] launch held: exp\/alarm\/gate/);
    assert.match(text, /alarm\/gate: a launch by alice is held and queued/);
    assert.match(text, /https:\/\/poms\.example\/e\/exp\/campaigns\/alarm\/stages\/gate/);
    const [hook, ...more] = await until('the held-launch webhook', () => {
      const found = hooksOf('held_launch_queued');
      return found.length > 0 ? found : undefined;
    });
    assert.ok(hook);
    assert.equal(more.length, 0, 'one queued launch, one message');
    assert.equal(hook.problem, undefined, 'the receiver verified the signature');
    assert.deepEqual(
      { campaign: hook.event.campaign, stage: hook.event.stage },
      { campaign: 'alarm', stage: 'gate' },
    );
    assert.match(hook.event.summary, new RegExp(queued));
  });

  it('a stage whose files keep failing: failure rate by each threshold, then recovery exhausted', async () => {
    // carol (campaign, 5 %, e-mail and webhook) and dave (the stage, 50 %, e-mail) hear it;
    // erin (the stage, daily digest) gets it held for the digest.
    for (const [who, body] of [
      [daveToken, { failure_threshold_pct: 50 }],
      [erinToken, { digest: 'daily' }],
    ] as const) {
      const set = await call('PUT', '/me/notifications', { token: who, body });
      assert.equal(set.status, 200, JSON.stringify(set.body));
      const watched = await call('PUT', `/experiments/${EXPERIMENT}/campaigns/alarm/watch`, {
        token: who,
        body: { stage: 'part' },
      });
      assert.ok(watched.status < 300, JSON.stringify(watched.body));
    }
    assert.equal((await h.launch('alarm', 'part')).kind, 'launched');
    await h.settle();
    const part = await h.submissions('part');
    const first = part.find((s) => s.parent_id === null);
    const recovery = part.find((s) => s.parent_id !== null);
    assert.ok(first && recovery, part.map((s) => `${s.id}:${s.status}`).join(' '));
    assert.equal(part.length, 2, 'one recovery step, so one recovery');
    const exhausted = await until('the recovery-exhausted webhook', () =>
      hooksOf('recovery_exhausted').find((x) => x.event.campaign === 'alarm'),
    );
    // Seen after every other event of the run (its history entry is the last one): then sent.
    await until('the campaign-finished webhook', () =>
      hooksOf('campaign_finished').find((x) => x.event.campaign === 'alarm'),
    );
    await allSent();

    // Failure rate: 1 of 4 files (25 %) in the first pass, 1 of 1 in the recovery.
    const rates = hooksOf('failure_rate').filter((x) => x.event.campaign === 'alarm');
    assert.deepEqual(
      rates.map((x) => [x.event.submission_id, x.event.failure_rate, x.problem]).sort(),
      [
        [first.id, 0.25, undefined],
        [recovery.id, 1, undefined],
      ].sort(),
    );
    assert.match(
      rates.find((x) => x.event.submission_id === first.id)?.event.summary ?? '',
      /alarm\/part: 1 of 4 file\(s\) failed \(25\.0 %\)/,
    );
    const carolRate = await until("carol's failure-rate e-mail", () =>
      mailsTo('carol').find(
        (m) => plain(m).includes('failure rate') && plain(m).includes(first.id),
      ),
    );
    const text = plain(carolRate);
    assert.match(text, /Subject: \[POMS\] failure rate above threshold: exp\/alarm\/part/);
    assert.match(text, /1 of 4 file\(s\) failed \(25\.0 %\)/);
    assert.match(text, new RegExp(`submission: ${first.id}`));
    assert.match(text, new RegExp(`https://poms\\.example/e/exp/submissions/${first.id}`));
    // dave's threshold is 50 %: the recovery's 100 % reaches him, the first pass's 25 % does not.
    await until("dave's failure-rate e-mail for the recovery", () =>
      mailsTo('dave').find(
        (m) => plain(m).includes('failure rate') && plain(m).includes(recovery.id),
      ),
    );
    await until("dave's recovery-exhausted e-mail", () =>
      mailsTo('dave').find((m) => plain(m).includes('recovery exhausted')),
    );
    assert.equal(
      mailsTo('dave').filter(
        (m) => plain(m).includes('failure rate') && plain(m).includes(first.id),
      ).length,
      0,
      'below the threshold: no e-mail',
    );
    const daveRows = await h.server.store.notifications.outbox({ username: 'dave' });
    assert.deepEqual(
      daveRows.filter((r) => r.event.kind === 'failure_rate').map((r) => r.event.submission_id),
      [recovery.id],
      'below the threshold: not even queued',
    );

    // Recovery exhausted: once, for the recovery that had no step left, not for the first pass.
    const allExhausted = hooksOf('recovery_exhausted').filter((x) => x.event.campaign === 'alarm');
    assert.equal(allExhausted.length, 1);
    assert.equal(exhausted.problem, undefined);
    assert.equal(exhausted.event.stage, 'part');
    assert.equal(exhausted.event.submission_id, recovery.id);
    assert.match(exhausted.event.summary, /no recovery left after .* 1 file\(s\) still failed/);
    const daveExhausted = plain(
      mailsTo('dave').find((m) => plain(m).includes('recovery exhausted')) ?? { to: [], raw: '' },
    );
    assert.match(daveExhausted, /Subject: \[POMS\] recovery exhausted: exp\/alarm\/part/);
    assert.match(
      daveExhausted,
      new RegExp(`https://poms\\.example/e/exp/submissions/${recovery.id}`),
    );
    // erin asked for a digest: nothing yet.
    assert.equal(mailsTo('erin').length, 0);
  });

  it('a daily-digest user gets the held events in one e-mail after midnight', async () => {
    const held = (await h.server.store.notifications.outbox({ username: 'erin' })).filter(
      (r) => r.state === 'held',
    );
    const kinds = new Set<string>(held.map((r) => r.event.kind));
    for (const kind of [
      'stage_located',
      'failure_rate',
      'recovery_exhausted',
      'campaign_finished',
    ]) {
      assert.ok(kinds.has(kind), `held ${kind}: ${[...kinds].join()}`);
    }
    // The notifier as it runs the first time after midnight UTC (its clock is injected).
    const today = new Date();
    const tomorrow = new Date(
      Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() + 1, 0, 5),
    );
    const notifier = new Notifier({
      store: h.server.store,
      now: () => tomorrow,
      mailer: smtpMailer(sink.url, 'poms@test.example'),
      publicUrl: () => 'https://poms.example',
      settleMs: 200,
    });
    try {
      await notifier.tick();
      const digest = await until('the digest e-mail', () => mailsTo('erin')[0]);
      const text = plain(digest);
      assert.match(
        text,
        new RegExp(`Subject: \\[POMS\\] daily digest: ${held.length} event\\(s\\)`),
      );
      for (const row of held) {
        assert.ok(text.includes(row.event.summary), `the digest lists: ${row.event.summary}`);
      }
      assert.match(text, /failure rate above threshold: alarm\/part: 1 of 4 file\(s\) failed/);
      assert.match(text, /https:\/\/poms\.example\/e\/exp\/submissions\/sub_\w+/);
      await notifier.tick();
    } finally {
      await notifier.stop();
    }
    assert.equal(mailsTo('erin').length, 1, 'each held event in one digest');
    const after = await h.server.store.notifications.outbox({ username: 'erin' });
    assert.equal(after.filter((r) => r.state === 'held').length, 0);
    assert.equal(after.filter((r) => r.state === 'digested').length, held.length);
  });

  it('a launch the engine refuses (no HTCondor here) is told once, by e-mail and webhook', async () => {
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
      const id = outcome.submission.id;
      const mail = await until('the launch-failed e-mail', () =>
        mailsTo('carol').find((m) => plain(m).includes('launch failed') && plain(m).includes(id)),
      );
      const text = plain(mail);
      assert.match(text, /Subject: \[POMS\] launch failed: exp\/note\/away/);
      assert.match(
        text,
        new RegExp(`note/away: submission ${id} could not be launched: .*condor_q`),
      );
      assert.match(text, new RegExp(`https://poms\\.example/e/exp/submissions/${id}`));
      const hook = await until('the launch-failed webhook', () =>
        hooksOf('launch_failed').find((x) => x.event.submission_id === id),
      );
      assert.equal(hook.problem, undefined, 'the receiver verified the signature');
      assert.equal(hook.event.stage, 'away');
      // However often the executor retries the launch: one message per submission.
      assert.equal(hooksOf('launch_failed').length, 1);
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
      .filter((m) => plain(m).includes(outcome.submission.id));
    const hooks = receiver.hooks
      .slice(hooksBefore)
      .filter((x) => x.body.includes(outcome.submission.id));
    assert.equal(mails.filter((m) => plain(m).includes('stage located')).length, 1);
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
