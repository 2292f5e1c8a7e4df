// The campaign editor in a real browser, on the demo campaign: typing changes the graph (greyed
// while the text is invalid), graph gestures (connect by dragging between handles, moving a node)
// change the text and keep its comments, one undo history covers both, saving shows the diff and
// makes a new revision, and a stale save is refused with the reason while the text is kept.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { parseCampaign } from '@poms/campaign-file';
import { openBrowserSession, type BrowserSession } from './browser-testing.ts';
import {
  centre,
  drag,
  connectInGraph,
  edgesOf as edges,
  editorText,
  gesture,
  placeCursor,
  waitForNewText,
} from './editor-testing.ts';

const CAMPAIGN_API = '/api/v1/experiments/demo/campaigns/toy_z_chain';
const EDIT_URL = '/e/demo/campaigns/toy_z_chain/edit';

async function currentRevision(page: Page): Promise<number> {
  const answer = await page.request.get(page.url().replace(/\/e\/.*$/, CAMPAIGN_API));
  assert.equal(answer.status(), 200);
  return ((await answer.json()) as { current_revision: number }).current_revision;
}

describe('the campaign editor', () => {
  let session: BrowserSession;
  let typed = '';
  before(async () => {
    session = await openBrowserSession();
    await session.login();
  });
  after(async () => {
    await session.close();
  });

  it('opens the demo campaign with its text and graph', async () => {
    const { page } = session;
    await page.goto(session.url(EDIT_URL));
    await page.locator('.cm-content').waitFor();
    await page.locator('.react-flow__node[data-id="analyse"]').waitFor();
    assert.equal(await page.locator('.react-flow__node').count(), 4);
    assert.match(await editorText(page), /^# yaml-language-server/);
    await page.locator('.campaign-graph[data-layout-ready="true"]').waitFor();
    await session.screenshot('editor-open');
  });

  it('follows the text: invalid text greys the last good graph, a typed stage appears', async () => {
    const { page } = session;
    const text = await editorText(page);
    // The blank line before `analyse:` becomes a new stage, typed key by key.
    const blank = text.indexOf('\n\n  analyse:') + 1;
    await placeCursor(page, blank);
    await page.keyboard.type('  extra');
    await page.locator('.campaign-graph.stale').waitFor();
    assert.ok(await page.getByRole('list', { name: 'Diagnostics' }).isVisible());
    assert.equal(await page.locator('.react-flow__node').count(), 4, 'the last good graph stays');
    await session.screenshot('editor-invalid');
    await page.keyboard.type(': {needs: [reconstruct], job_type: analyse}');
    await page.locator('.react-flow__node[data-id="extra"]').waitFor();
    await page.locator('.campaign-graph:not(.stale)').waitFor();
    typed = await editorText(page);
    assert.match(typed, /\n {2}extra: \{needs: \[reconstruct\], job_type: analyse\}\n {2}analyse:/);
    assert.ok(edges(typed).includes('reconstruct->extra'));
  });

  it('writes graph gestures into the text as edits that keep comments, undone by Ctrl+Z', async () => {
    const { page } = session;
    await page.locator('.campaign-graph[data-layout-ready="true"]').waitFor();
    // Connect generate → reconstruct by dragging from one handle to the other.
    const connected = await gesture(page, () => connectInGraph(page, 'generate', 'reconstruct'));
    assert.ok(edges(connected).includes('generate->reconstruct'), connected);

    // Move simulate down: its pinned position in `layout:` changes.
    const moved = await gesture(page, async () => {
      const node = await centre(page, '.react-flow__node[data-id="simulate"] .stage-node-title');
      await drag(page, node, { x: node.x + 20, y: node.y + 140 });
    });
    const layout = parseCampaign(moved).effective?.layout.simulate;
    assert.ok(layout && layout.y > 50, `simulate moved down: ${JSON.stringify(layout)}`);
    for (const comment of [
      '# A left-to-right chain in the editor.',
      '# Only the event files flow on (SQL LIKE',
      '# Without patterns, the need takes',
    ]) {
      assert.ok(moved.includes(comment), `the comment '${comment}' is still there`);
    }
    await session.screenshot('editor-after-gestures');

    // One undo history: two Ctrl+Z take back the move and the connection.
    await page.locator('.react-flow__pane').click({ position: { x: 10, y: 10 } });
    await page.keyboard.press('Control+z');
    await page.keyboard.press('Control+z');
    await waitForNewText(page, moved);
    assert.equal(await editorText(page), typed);
  });

  it('saves after showing the diff, and the revision goes up', async () => {
    const { page } = session;
    const before = await currentRevision(page);
    await page.getByRole('button', { name: 'Save…' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    const added = await dialog.locator('.diff-line.added').allInnerTexts();
    assert.ok(
      added.some((line) => line.includes('extra: {needs: [reconstruct], job_type: analyse}')),
      added.join('\n'),
    );
    await session.screenshot('editor-save-diff');
    await dialog.getByLabel('Revision message').fill('add an extra stage');
    await dialog.getByRole('button', { name: 'Confirm save' }).click();
    await page.getByText(`Saved as revision ${before + 1}.`).waitFor();
    assert.equal(await currentRevision(page), before + 1);
  });

  it('refuses a stale save with the reason and keeps the text', async () => {
    const { page } = session;
    const revision = await currentRevision(page);
    // Someone else saves a newer revision meanwhile (through the API, with the session's token).
    const other = typed.replace('# A left-to-right', '# Someone else: a left-to-right');
    const status = await page.evaluate<number>(`(async () => {
      const me = await (await fetch('/api/v1/auth/me')).json();
      const answer = await fetch(${JSON.stringify(CAMPAIGN_API)}, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrf },
        body: JSON.stringify({ text: ${JSON.stringify(other)}, expected_revision: ${revision}, message: 'meanwhile' }),
      });
      return answer.status;
    })()`);
    assert.equal(status, 200);
    // This editor still edits the older revision; a change, then save.
    const text = await editorText(page);
    await placeCursor(page, text.indexOf('\nlayout:'));
    await page.keyboard.type('\n# my note');
    const mine = await editorText(page);
    await page.getByRole('button', { name: 'Save…' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Confirm save' }).click();
    const alert = page.locator('.editor-stale');
    await alert.waitFor();
    assert.match(await alert.innerText(), /Not saved: the campaign changed meanwhile/);
    assert.match(await alert.innerText(), new RegExp(`Revision ${revision + 1} was saved`));
    assert.equal(await editorText(page), mine, 'the text is kept');
    assert.equal(await currentRevision(page), revision + 1);
    await session.screenshot('editor-stale');
  });
});
