// The campaign overview and the stage page in a real browser: the demo campaign launched from the
// overview, its graph's nodes following the run live (the event stream, no reload) until every
// stage is Located, then a stage page: a dry run listing every job, a schedule set (with its next
// run) and removed, and the stage's submissions linked.
import assert from 'node:assert/strict';
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
});
