// The history page of a campaign in a real browser, on a campaign of the test's own: after two
// saves from the editor the revisions are listed, a revision's changes and its difference from the
// current one are shown, restoring an old revision makes a new revision with its text (checked
// over the API), and a restore over a newer revision saved meanwhile is refused with a message.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { openBrowserSession, type BrowserSession } from './browser-testing.ts';
import { createCampaign, editorText, waitForNewText } from './editor-testing.ts';

const CAMPAIGN = 'history_chain';
const VIEW = `document.querySelector('.cm-content').cmTile.root.view`;
const API = `/api/v1/experiments/demo/campaigns/${CAMPAIGN}`;
const FIRST = `# History test campaign.
campaign: ${CAMPAIGN}
job_types:
  work:
    command: /bin/true
launch_setups:
  here:
    engine: local
defaults:
  job_type: work
  launch_setup: here
stages:
  first:
    type: generator
  second:
    needs: [first]
`;

interface Detail {
  current_revision: number;
  text: string;
}

async function detail(page: Page): Promise<Detail> {
  const answer = await page.request.get(page.url().replace(/\/e\/.*$/, API));
  assert.equal(answer.status(), 200);
  return (await answer.json()) as Detail;
}

async function revisions(page: Page): Promise<{ revision: number; message: string | null }[]> {
  const answer = await page.request.get(page.url().replace(/\/e\/.*$/, `${API}/revisions`));
  assert.equal(answer.status(), 200);
  return ((await answer.json()) as { items: { revision: number; message: string | null }[] }).items;
}

describe('the campaign history page', () => {
  let session: BrowserSession;
  let page: Page;
  const texts: string[] = [FIRST];
  before(async () => {
    session = await openBrowserSession();
    await session.login();
    page = session.page;
    assert.equal(await createCampaign(page, FIRST), 201);
  });
  after(async () => {
    await session.close();
  });

  async function saveFromEditor(insert: string, message: string): Promise<void> {
    const text = await editorText(page);
    await page.evaluate(
      `${VIEW}.dispatch({ changes: { from: ${text.length}, insert: ${JSON.stringify(insert)} } })`,
    );
    await waitForNewText(page, text);
    const typed = await editorText(page);
    assert.equal(typed, text + insert);
    await page.getByRole('button', { name: 'Save…' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Revision message').fill(message);
    await dialog.getByRole('button', { name: 'Confirm save' }).click();
    await page.getByText(`Saved as revision ${texts.length + 1}.`).waitFor();
    texts.push(typed);
    assert.equal((await detail(page)).text, typed);
  }

  it('lists the revisions after two saves, newest first', async () => {
    await page.goto(session.url(`/e/demo/campaigns/${CAMPAIGN}/edit`));
    await page.locator('.campaign-graph[data-layout-ready="true"]').waitFor();
    await saveFromEditor('  third: {needs: [second]}\n', 'add third');
    await saveFromEditor('# a closing note\n', 'a note');
    await page.getByRole('link', { name: 'History' }).click();
    await page.waitForURL(/\/history$/);
    const rows = page.locator('table.revisions tbody tr');
    await rows.first().waitFor();
    assert.deepEqual(
      (await rows.locator('td:first-child').allInnerTexts()).map((t) => t.trim()),
      ['3 (current)', '2', '1'],
    );
    assert.match(await rows.nth(0).innerText(), /a note/);
    assert.match(await rows.nth(1).innerText(), /add third/);
    assert.match(await page.locator('h1').innerText(), /current revision 3/);
  });

  it("shows a revision's changes and its difference from the current one", async () => {
    const rows = page.locator('table.revisions tbody tr');
    await rows.nth(1).getByRole('button', { name: 'changes' }).click();
    const changes = page.getByRole('region', { name: 'Changes from 1 to 2' });
    await changes.waitFor();
    assert.match(await changes.locator('.model-changes').innerText(), /third/);
    const third = await changes.locator('.diff-line.added').allInnerTexts();
    assert.equal(third.length, 1, third.join('\n'));
    assert.match(third[0]!, /third: \{needs: \[second\]\}/);
    await rows.nth(2).getByRole('button', { name: 'compare with current' }).click();
    const compare = page.getByRole('region', { name: 'Changes from 1 to 3' });
    await compare.waitFor();
    const added = await compare.locator('.diff-line.added').allInnerTexts();
    assert.equal(added.length, 2, added.join('\n'));
    assert.ok(added.some((l) => l.includes('# a closing note')));
    await session.screenshot('editor-history');
  });

  it('restores an old revision as a new one with its text', async () => {
    const rows = page.locator('table.revisions tbody tr');
    page.once('dialog', (d) => void d.accept());
    await rows.nth(2).getByRole('button', { name: 'restore' }).click();
    await page.getByText('Revision 1 restored as revision 4.').waitFor();
    const now = await detail(page);
    assert.equal(now.current_revision, 4);
    assert.equal(now.text, FIRST);
    assert.deepEqual(
      (await revisions(page)).map((r) => r.revision),
      [4, 3, 2, 1],
    );
    await page.locator('table.revisions td', { hasText: '4 (current)' }).waitFor();
  });

  it('refuses a stale restore with a message', async () => {
    // Someone else saves revision 5 while this page still shows 4 as the current one.
    const status = await page.evaluate<number>(`(async () => {
      const me = await (await fetch('/api/v1/auth/me')).json();
      const answer = await fetch(${JSON.stringify(API)}, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrf },
        body: JSON.stringify({ text: ${JSON.stringify(texts[2])}, expected_revision: 4, message: 'meanwhile' }),
      });
      return answer.status;
    })()`);
    assert.equal(status, 200);
    const rows = page.locator('table.revisions tbody tr');
    page.once('dialog', (d) => void d.accept());
    await rows.nth(2).getByRole('button', { name: 'restore' }).click();
    await page.getByText(/Not restored: someone saved a newer revision meanwhile/).waitFor();
    assert.equal((await detail(page)).current_revision, 5, 'nothing was restored');
    await page.locator('table.revisions td', { hasText: '5 (current)' }).waitFor();
  });
});
