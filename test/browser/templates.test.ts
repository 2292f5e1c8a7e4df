// The template library in a real browser: browse the demo experiment's library, filter it by tag
// and search, preview a template (its graph drawn, its text with line numbers), clone it with a
// keyword value and a from→to replacement into a new campaign (checked over the API), and save an
// existing campaign as a template that then shows in the list.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openBrowserSession, type BrowserSession } from './browser-testing.ts';

describe('the template library', () => {
  let session: BrowserSession;
  /** GET on the API with the browser's session cookie. */
  const apiGet = async (path: string): Promise<Record<string, unknown>> => {
    const response = await session.context.request.get(session.url(`/api/v1${path}`));
    assert.equal(response.status(), 200, `${path}: ${await response.text()}`);
    return (await response.json()) as Record<string, unknown>;
  };
  const cards = () => session.page.getByRole('list', { name: 'Templates' }).locator('.tpl-card');
  /** The names of the cards shown, once they are exactly `expected` (waits up to 5 s). */
  const waitForCards = async (expected: string[]): Promise<void> => {
    let shown: (string | null)[] = [];
    for (let i = 0; i < 100; i++) {
      const list = cards();
      const n = await list.count();
      shown = [];
      // The list may change between count() and reading a card: a short timeout, then poll again.
      for (let j = 0; j < n; j++) {
        shown.push(
          await list
            .nth(j)
            .getAttribute('data-template', { timeout: 200 })
            .catch(() => null),
        );
      }
      if (JSON.stringify(shown) === JSON.stringify(expected)) return;
      await session.page.waitForTimeout(50);
    }
    assert.deepEqual(shown, expected);
  };

  before(async () => {
    session = await openBrowserSession();
    await session.login();
  });
  after(async () => {
    await session.close();
  });

  it('browses the library and filters it by tag and search', async () => {
    const { page } = session;
    await page.goto(session.url('/e/demo/templates'));
    await cards().first().waitFor();
    const builtin = (await apiGet('/templates?limit=1000')).items as { campaign: string }[];
    assert.equal(await cards().count(), builtin.length);
    assert.equal(await cards().locator('.tpl-source.builtin').count(), builtin.length);
    await session.screenshot('templates-library');

    await page.getByRole('combobox', { name: 'Tag' }).selectOption('mc');
    await page.waitForURL(/tag=mc/);
    const mc = (await apiGet('/experiments/demo/templates?tag=mc')).items as { name: string }[];
    assert.ok(mc.length >= 2 && mc.length < builtin.length);
    await waitForCards(mc.map((t) => t.name));
    assert.equal(await cards().locator('.tpl-tag.on', { hasText: 'mc' }).count(), mc.length);

    await page.getByRole('button', { name: 'clear filters' }).click();
    await page.getByRole('searchbox', { name: 'Search templates' }).fill('toy');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/q=toy/);
    await waitForCards(['toy_z_chain']);
    await session.screenshot('templates-filtered');
  });

  it('previews a template: its graph and its text', async () => {
    const { page } = session;
    await cards().first().getByRole('link', { name: 'toy_z_chain' }).click();
    await page.waitForURL(/\/e\/demo\/templates\/toy_z_chain$/);
    const graph = page.getByRole('region', { name: 'Graph of template toy_z_chain' });
    const nodes = graph.locator('.react-flow__node');
    await nodes.nth(3).waitFor();
    assert.equal(await nodes.count(), 4);
    for (const stage of ['generate', 'simulate', 'reconstruct', 'analyse']) {
      assert.ok(await graph.locator(`.stage-node[data-stage="${stage}"]`).isVisible(), stage);
    }
    const text = page.getByLabel('Text of template toy_z_chain');
    assert.match(await text.innerText(), /campaign: toy_z_chain/);
    assert.equal(
      await text.locator('.tpl-code-line[data-line="8"] code').innerText(),
      'campaign: toy_z_chain',
    );
    await session.screenshot('template-preview');
  });

  it('clones it with a keyword value and a replacement into a new campaign', async () => {
    const { page } = session;
    const form = page.getByRole('form', { name: 'Clone into a new campaign' });
    await form.getByLabel('New campaign name').fill('toy_from_browser');
    await form.getByLabel('Keyword nevents').fill('80');
    await form.getByLabel('Replace 1: from').fill('toy-physics.mjs');
    await form.getByLabel('Replace 1: to').fill('toy-physics-v2.mjs');
    const clone = page.getByLabel('Text of the clone');
    await clone.getByText('command: toy-physics-v2.mjs gen').waitFor();
    assert.match(await clone.innerText(), /campaign: toy_from_browser/);
    const templateText = String((await apiGet('/experiments/demo/templates/toy_z_chain')).text);
    const count = templateText.split('toy-physics.mjs').length - 1;
    assert.ok(count >= 2);
    assert.ok((await form.innerText()).includes(`${count} in the template`));
    assert.match(await form.innerText(), /The clone is a valid campaign/);
    assert.ok((await clone.locator('.tpl-code-line.changed').count()) >= count + 2);
    await session.screenshot('template-clone');

    await form.getByRole('button', { name: 'Create campaign' }).click();
    await page.waitForURL(/\/e\/demo\/campaigns\/toy_from_browser\/edit$/);
    const made = await apiGet('/experiments/demo/campaigns/toy_from_browser');
    const madeText = String(made.text);
    assert.match(madeText, /^campaign: toy_from_browser$/m);
    assert.match(madeText, /^ {2}nevents: "?80"?$/m);
    assert.ok(madeText.includes('command: toy-physics-v2.mjs gen'));
    assert.ok(!madeText.includes('toy-physics.mjs'));
  });

  it('saves an existing campaign as a template and finds it in the list', async () => {
    const { page } = session;
    await page.goto(session.url('/e/demo/templates'));
    await cards().first().waitFor();
    await page
      .getByRole('combobox', { name: 'Campaign to save as a template' })
      .selectOption('mc_chain');
    await page.getByRole('button', { name: 'Save as template' }).click();
    const form = page.getByRole('form', { name: 'Save mc_chain as a template' });
    await form.getByLabel('Template name').fill('mc-from-browser');
    await form.getByLabel('Description').fill('MC chain as we run it, saved from the browser');
    await session.screenshot('template-save');
    await form.getByRole('button', { name: 'Save template' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved as template' }).waitFor();
    const saved = page.locator('.tpl-card[data-template="mc-from-browser"]');
    await saved.waitFor();
    assert.match(await saved.innerText(), /this experiment/);
    assert.match(await saved.innerText(), /saved by admin/);
    assert.match(await saved.innerText(), /saved from the browser/);

    // Saving again under the same name is refused until overwrite is ticked.
    await page.getByRole('button', { name: 'Save as template' }).click();
    await form.getByLabel('Template name').fill('mc-from-browser');
    await form.getByRole('button', { name: 'Save template' }).click();
    await form.getByRole('alert').waitFor();
    assert.match(await form.getByRole('alert').innerText(), /store\.conflict/);
    await form.getByLabel('Replace the template mc-from-browser that exists').check();
    await form.getByRole('button', { name: 'Save template' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved as template' }).waitFor();

    await page.getByRole('searchbox', { name: 'Search templates' }).fill('from-browser');
    await page.getByRole('button', { name: 'Search' }).click();
    await waitForCards(['mc-from-browser']);
    await session.screenshot('templates-saved');
    const detail = await apiGet('/experiments/demo/templates/mc-from-browser');
    assert.equal(detail.source, 'experiment');
    assert.equal(detail.text, (await apiGet('/experiments/demo/campaigns/mc_chain')).text);
  });

  it('lists the built-in templates outside an experiment', async () => {
    const { page } = session;
    await page.goto(session.url('/templates'));
    await cards().first().waitFor();
    assert.equal(await page.locator('.tpl-card[data-template="mc-from-browser"]').count(), 0);
    await cards().first().getByRole('link').click();
    await page.waitForURL(/\/e\/demo\/templates\/[^/]+$/);
    await page.locator('.react-flow__node').first().waitFor();
  });
});
