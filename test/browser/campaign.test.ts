// The campaign overview and the stage page in a real browser: the demo campaign launched from the
// overview, its graph's nodes following the run live (the event stream, no reload) until every
// stage is Located, then a stage page: a dry run listing every job, a schedule set (with its next
// run) and removed, and the stage's submissions linked; the stage watched from its page, then the
// notification settings page: the watch listed, settings kept across a reload (the webhook secret
// never shown back), a signed test webhook received, and the watch removed from the list.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { openBrowserSession, type BrowserSession } from './browser-testing.ts';

const OVERVIEW = '/e/demo/campaigns/toy_z_chain';
const STAGES = ['generate', 'simulate', 'reconstruct', 'analyse'];

describe('the campaign overview and stage page', () => {
  let session: BrowserSession;
  before(async () => {
    session = await openBrowserSession();
    await session.login();
  });
  after(async () => {
    await session.close();
  });

  it('launches the campaign and shows its progress live until every stage is Located', async () => {
    const { page } = session;
    await page.goto(session.url(OVERVIEW));
    await page.getByRole('heading', { name: 'toy_z_chain' }).waitFor();
    for (const stage of STAGES) {
      await page.locator(`.stage-node[data-stage="${stage}"] .node-progress`).waitFor();
    }
    // The event stream is open.
    await page.getByText('Progress: live').waitFor();
    assert.equal(
      await page
        .locator('.stage-node[data-stage="generate"] .node-progress')
        .getAttribute('data-status'),
      'none',
    );
    const url = page.url();
    await page.getByRole('button', { name: 'Launch campaign' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /generate: launched sub_/ })
      .waitFor();
    // Each node follows the run without a reload: generate first, the last stage at the end.
    const located = (stage: string) =>
      page.locator(`.stage-node[data-stage="${stage}"] .node-progress[data-status="Located"]`);
    await located('generate').waitFor({ timeout: 30_000 });
    assert.equal(await located('analyse').count(), 0, 'analyse cannot be done before generate');
    await located('analyse').waitFor({ timeout: 45_000 });
    for (const stage of STAGES) assert.equal(await located(stage).count(), 1, stage);
    assert.equal(page.url(), url, 'no navigation happened');
    await page.getByText('Progress: live').waitFor();
    // The table below agrees: every stage has a Located last submission, linked.
    const rows = page.getByRole('table', { name: 'Stages' }).locator('tbody tr');
    assert.equal(await rows.count(), STAGES.length);
    for (const stage of STAGES) {
      const row = rows.filter({ has: page.getByRole('link', { name: stage, exact: true }) });
      assert.match(await row.innerText(), /Located/);
      assert.match(
        (await row.getByRole('link', { name: /^sub_/ }).getAttribute('href')) ?? '',
        /^\/e\/demo\/submissions\/sub_/,
      );
    }
    assert.equal(
      await page.getByRole('link', { name: 'Edit' }).getAttribute('href'),
      `${OVERVIEW}/edit`,
    );
    assert.equal(
      await page.getByRole('link', { name: 'History' }).getAttribute('href'),
      `${OVERVIEW}/history`,
    );
    // The whole campaign's progress over time, every file processed.
    const overTime = page.getByRole('region', { name: 'Progress over time' });
    await overTime.locator('canvas').first().waitFor();
    await overTime.getByText(/all \d+ files processed/).waitFor();
    await session.screenshot('campaign-overview');
  });

  it('watches and unwatches the campaign', async () => {
    const { page } = session;
    await page.getByRole('button', { name: 'Watch', exact: true }).click();
    await page.getByRole('button', { name: 'Watching ✓' }).waitFor();
    await page.getByRole('button', { name: 'Watching ✓' }).click();
    await page.getByRole('button', { name: 'Watch', exact: true }).waitFor();
  });

  it('opens a stage: dry run of every job, a schedule set and removed, its submissions', async () => {
    const { page } = session;
    await page
      .getByRole('table', { name: 'Stages' })
      .getByRole('link', { name: 'generate', exact: true })
      .click();
    await page.waitForURL(/\/campaigns\/toy_z_chain\/stages\/generate$/);
    await page.getByRole('heading', { name: 'generate', exact: true }).waitFor();

    await page.getByRole('button', { name: 'Dry run', exact: true }).click();
    const jobs = page.getByRole('table', { name: 'Dry-run jobs' });
    await jobs.waitFor();
    // The demo's generator runs 4 jobs, each its own index and the generator's command.
    assert.equal(await jobs.locator('tbody tr').count(), 4);
    const firstJob = await jobs.locator('tbody tr').first().innerText();
    assert.match(firstJob, /toy-physics\.mjs/);
    assert.match(firstJob, /--events=400/);
    await page.getByText(/Would launch 4 jobs/).waitFor();

    await page.getByLabel(/^Cron/).fill('30 2 * * 1');
    await page.getByLabel('Time zone').fill('UTC');
    await page.getByRole('button', { name: 'Save schedule' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /^Scheduled: / })
      .waitFor();
    await page.getByText('Next run:').waitFor();
    const next = page.locator('.panel', { hasText: 'Next run:' }).locator('time').first();
    const when = Date.parse((await next.getAttribute('datetime')) ?? '');
    assert.ok(when > Date.now(), 'the next run is to come');
    assert.equal(new Date(when).getUTCDay(), 1, 'on a Monday');
    assert.equal(new Date(when).getUTCHours(), 2);
    // The recent submissions list the generator's run, linked to its page.
    const recent = page.getByRole('table', { name: 'Recent submissions' });
    await recent.waitFor();
    assert.match(await recent.innerText(), /Located/);
    assert.match(
      (await recent.getByRole('link', { name: /^sub_/ }).first().getAttribute('href')) ?? '',
      /^\/e\/demo\/submissions\/sub_/,
    );
    await session.screenshot('campaign-stage');

    await page.getByRole('button', { name: 'Remove schedule' }).click();
    await page.getByRole('status').filter({ hasText: 'Schedule removed' }).waitFor();
    await page.getByText('Not scheduled.').waitFor();
  });

  it('watches the stage from its page; the overview marks it; the settings page lists it', async () => {
    const { page } = session;
    await page.getByRole('button', { name: 'Watch stage' }).click();
    await page.getByRole('button', { name: 'Watching ✓', pressed: true }).waitFor();
    const watches = await session.server.store.watches.watches('admin', 'demo');
    assert.deepEqual(
      watches.map((w) => w.stage),
      ['generate'],
    );
    await page.getByRole('link', { name: 'toy_z_chain', exact: true }).click();
    const stages = page.getByRole('table', { name: 'Stages' });
    await stages.waitFor();
    const generate = stages
      .locator('tbody tr')
      .filter({ has: page.getByRole('link', { name: 'generate', exact: true }) });
    await generate.getByText('watched', { exact: true }).waitFor();
    assert.equal(await stages.getByText('watched', { exact: true }).count(), 1);
    // The campaign itself is not watched: its button says so.
    await page.getByRole('button', { name: 'Watch', exact: true, pressed: false }).waitFor();

    // The user's name in the top bar leads to their notification settings.
    await page.locator('header.topbar a.who').click();
    await page.waitForURL(/\/settings\/notifications\?experiment=demo$/);
    await page.getByRole('heading', { name: 'Notifications' }).waitFor();
    // The frame keeps the experiment the user came from, with its navigation.
    assert.equal(await page.locator('.experiment-switch select').inputValue(), 'demo');
    await page.locator('header.topbar').getByRole('link', { name: 'Datasets' }).waitFor();
    const list = page.getByRole('table', { name: 'Watched campaigns and stages' });
    await list.waitFor();
    const rows = list.locator('tbody tr');
    assert.equal(await rows.count(), 1);
    assert.match(await rows.first().innerText(), /toy_z_chain\s+generate/);
    assert.equal(
      await rows.first().getByRole('link', { name: 'generate' }).getAttribute('href'),
      `${OVERVIEW}/stages/generate`,
    );
  });

  it('keeps changed settings across a reload, never shows the secret, and sends a signed test', async () => {
    const { page } = session;
    // A local receiver for the webhook, verifying what it gets as docs/notifications.md says.
    const received: { signature: string; timestamp: string; body: string }[] = [];
    const receiver = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      request.on('end', () => {
        received.push({
          signature: String(request.headers['x-poms-signature']),
          timestamp: String(request.headers['x-poms-timestamp']),
          body,
        });
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((done) => receiver.listen(0, '127.0.0.1', done));
    const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/poms-hook`;
    const secret = 'a-browser-test-secret-7c3d';
    try {
      const form = page.getByRole('form', { name: 'Notification settings' });
      await form.waitFor();
      await form.getByText('not set', { exact: true }).waitFor();
      await form.getByLabel(/^URL/).fill(hook);
      await form.getByLabel(/^Set a secret/).fill(secret);
      await form.getByLabel(/daily digest/).check();
      await form.getByLabel('Failure threshold (%)').fill('5');
      await form.getByRole('button', { name: 'Save settings' }).click();
      await form.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
      await form.getByText('set (ends in …7c3d)').waitFor();
      const stored = await session.server.store.notifications.settings('admin');
      assert.equal(stored?.webhook_url, hook);
      assert.equal(stored?.digest, 'daily');
      assert.equal(stored?.failure_threshold, 0.05);

      await page.reload();
      await form.getByText('set (ends in …7c3d)').waitFor();
      assert.equal(await form.getByLabel(/^URL/).inputValue(), hook);
      assert.equal(await form.getByLabel(/daily digest/).isChecked(), true);
      assert.equal(await form.getByLabel('Failure threshold (%)').inputValue(), '5');
      assert.equal(await form.getByLabel(/^Replace the secret with/).inputValue(), '');
      assert.ok(!(await page.content()).includes(secret), 'the secret is never in the page');
      await session.screenshot('notification-settings');

      await page.getByRole('button', { name: 'Send a test notification' }).click();
      const outcome = page.locator('.test-result');
      await outcome.waitFor();
      // No SMTP server in this test: no e-mail; the webhook reached the receiver, signed.
      assert.match(await outcome.innerText(), /E-mail\s+not configured\s+Webhook\s+sent/);
      // The watched demo stage may send its own events meanwhile (webhooks are never held for
      // the digest): every delivery is signed, and exactly one is the test.
      const kindOf = (body: string) => (JSON.parse(body) as { event: { kind: string } }).event.kind;
      assert.equal(received.filter((got) => kindOf(got.body) === 'test').length, 1);
      for (const got of received) {
        const expected = createHmac('sha256', secret)
          .update(`${got.timestamp}.${got.body}`)
          .digest('hex');
        assert.equal(got.signature, `sha256=${expected}`);
      }

      await form.getByRole('button', { name: 'Remove secret' }).click();
      await form.getByRole('status').filter({ hasText: 'Secret removed' }).waitFor();
      await form.getByText('not set', { exact: true }).waitFor();
      assert.equal(
        (await session.server.store.notifications.settings('admin'))?.webhook_secret,
        null,
      );
    } finally {
      receiver.close();
    }
  });

  it('unwatches from the watch list', async () => {
    const { page } = session;
    const list = page.getByRole('table', { name: 'Watched campaigns and stages' });
    await list.getByRole('button', { name: 'Unwatch' }).click();
    await page.getByText('You watch nothing in demo.').waitFor();
    assert.deepEqual(await session.server.store.watches.watches('admin', 'demo'), []);
  });
});
