// One user's whole way through the app, as the GUI issue describes it: log in; clone a template
// into a new campaign; type in the text and see the graph change; connect two stages and drag one
// in the graph and see the text change with its comments kept; undo; save; launch the campaign
// from its overview and watch every stage reach Located, live. Screenshots of each step.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseCampaign } from '@poms/campaign-file';
import { openBrowserSession, type BrowserSession } from './browser-testing.ts';
import {
  centre,
  connectInGraph,
  drag,
  edgesOf,
  editorText,
  gesture,
  placeCursor,
  waitForNewText,
} from './editor-testing.ts';

describe('a campaign from a template to Located, in the browser', () => {
  let session: BrowserSession;
  before(async () => {
    session = await openBrowserSession();
  });
  after(async () => {
    await session.close();
  });

  it('goes from login to a finished campaign', async () => {
    const { page } = session;
    await session.login();

    // Clone the demo template into a new campaign.
    await page.goto(session.url('/e/demo/templates/toy_z_chain'));
    const form = page.getByRole('form', { name: 'Clone into a new campaign' });
    await form.getByLabel('New campaign name').fill('journey');
    await form.getByLabel('Keyword nevents').fill('120');
    await form.getByRole('button', { name: 'Create campaign' }).click();
    await page.waitForURL(/\/e\/demo\/campaigns\/journey\/edit$/);
    // The editor, not the template page it replaces (which has a graph too).
    await page.getByText('editing revision 1').waitFor();
    await page.locator('.cm-content').waitFor();
    await page.locator('.campaign-graph[data-layout-ready="true"]').waitFor();
    assert.equal(await page.locator('.react-flow__node').count(), 4);
    const cloned = await editorText(page);
    assert.match(cloned, /campaign: journey/);

    // Type a stage into the text: the graph gains its node.
    await placeCursor(page, cloned.indexOf('\n\n  analyse:') + 1);
    await page.keyboard.type('  check: {needs: [reconstruct], job_type: analyse}');
    await page.locator('.react-flow__node[data-id="check"]').waitFor();
    const typed = await editorText(page);
    assert.ok(edgesOf(typed).includes('reconstruct->check'));
    await session.screenshot('journey-typed');

    // Gestures in the graph become text edits that keep the comments.
    await page.locator('.campaign-graph[data-layout-ready="true"]').waitFor();
    const connected = await gesture(page, () => connectInGraph(page, 'generate', 'reconstruct'));
    assert.ok(edgesOf(connected).includes('generate->reconstruct'));
    const moved = await gesture(page, async () => {
      const node = await centre(page, '.react-flow__node[data-id="simulate"] .stage-node-title');
      await drag(page, node, { x: node.x + 30, y: node.y + 120 });
    });
    assert.ok(parseCampaign(moved).effective?.layout.simulate, 'simulate is pinned');
    const comments = cloned.split('\n').filter((line) => line.trim().startsWith('#'));
    assert.ok(comments.length > 5);
    for (const comment of comments) assert.ok(moved.includes(comment), comment);
    await session.screenshot('journey-gestures');

    // One undo history for both views: the gestures are taken back, the typing stays.
    await page.locator('.react-flow__pane').click({ position: { x: 10, y: 10 } });
    await page.keyboard.press('Control+z');
    await page.keyboard.press('Control+z');
    await waitForNewText(page, moved);
    assert.equal(await editorText(page), typed);

    // Save through the diff.
    await page.getByRole('button', { name: 'Save…' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Confirm save' }).click();
    await page.getByText('Saved as revision 2.').waitFor();

    // Launch from the overview and watch each stage reach Located, live.
    await page.goto(session.url('/e/demo/campaigns/journey'));
    await page.getByText('Progress: live').waitFor();
    await page.getByRole('button', { name: 'Launch campaign' }).click();
    for (const stage of ['generate', 'simulate', 'reconstruct', 'check', 'analyse']) {
      await page
        .locator(`.react-flow__node[data-id="${stage}"] .badge`, { hasText: 'Located' })
        .waitFor({ timeout: 60_000 });
    }
    await session.screenshot('journey-located');
    const answer = await page.request.get(
      session.url('/api/v1/experiments/demo/submissions?campaign=journey&limit=100'),
    );
    const submissions = (await answer.json()) as { items: { stage: string; status: string }[] };
    const stages = new Set(submissions.items.map((s) => s.stage));
    assert.deepEqual([...stages].sort(), [
      'analyse',
      'check',
      'generate',
      'reconstruct',
      'simulate',
    ]);
  });
});
