// The campaign editor's side form and keyboard in a real browser, on a campaign of the test's own
// (created through the API, so the demo campaign is left alone): every change made in the form
// (type, job type, launch setup, split, overrides, recovery, rename, disconnect) and the toolbar's
// clone and delete write exactly the edit operation's text, keep every comment, and are one undo
// step; selection follows between the graph and the text; Ctrl+S saves from the graph and from
// the text; following a link with unsaved changes asks first; the new-campaign page creates a
// valid campaign and refuses an invalid one.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import {
  cloneStage,
  disconnect,
  parseCampaign,
  removeStage,
  renameStage,
  setField,
  type EditResult,
} from '@poms/campaign-file';
import { openBrowserSession, waitUntil, type BrowserSession } from './browser-testing.ts';
import { createCampaign, editorText, placeCursor, waitForNewText } from './editor-testing.ts';

const CAMPAIGN = 'forms_chain';
const EDIT_URL = `/e/demo/campaigns/${CAMPAIGN}/edit`;
const VIEW = `document.querySelector('.cm-content').cmTile.root.view`;

const COMMENTS = [
  '# Forms test campaign: every comment here must survive the side form.',
  '# the job type of the first stage',
  '# a second launch setup',
  '# The generator starts the chain.',
  '# the middle of the chain',
  '# the last stage',
  '# The end.',
  '# a stage written in flow style',
  '# a job type written in flow style',
];

const FORMS_TEXT = `${COMMENTS[0]}
campaign: ${CAMPAIGN}
job_types:
  make: ${COMMENTS[1]}
    command: /bin/true
  crunch: {command: /bin/echo, recovery: [{type: consumed_status}]} ${COMMENTS[8]}
launch_setups:
  here:
    engine: local
  there: ${COMMENTS[2]}
    engine: local
defaults:
  job_type: crunch
  launch_setup: here
stages:
  ${COMMENTS[3]}
  gen:
    type: generator
    job_type: make
  side:
    type: generator
    job_type: make
  step:
    needs: [gen, side] ${COMMENTS[4]}
  tail: ${COMMENTS[5]}
    needs: [step]
    input: from_parent
  extra: {needs: [gen], split: mod(3)} ${COMMENTS[7]}
${COMMENTS[6]}
`;

function expected(result: EditResult): string {
  assert.ok(result.ok, JSON.stringify(result));
  return result.text;
}

function effective(text: string) {
  const parsed = parseCampaign(text);
  assert.ok(parsed.ok && parsed.effective, JSON.stringify(parsed.diagnostics));
  return parsed.effective;
}

function stageOf(text: string, name: string) {
  const stage = effective(text).stages.find((s) => s.name === name);
  assert.ok(stage, `stage ${name} in the text`);
  return stage;
}

function assertComments(text: string, except: readonly string[] = []): void {
  for (const comment of COMMENTS) {
    if (!except.includes(comment)) assert.ok(text.includes(comment), `'${comment}' is still there`);
  }
}

describe('the campaign editor: side form, selection, keyboard', () => {
  let session: BrowserSession;
  let page: Page;
  let panel: Locator;
  before(async () => {
    session = await openBrowserSession();
    await session.login();
    page = session.page;
    assert.equal(await createCampaign(page, FORMS_TEXT), 201);
  });
  after(async () => {
    await session.close();
  });

  /**
   * Does `action` (a change in the form or the toolbar), checks the text is exactly `want`, then
   * that one Ctrl+Z (pressed where the action left the focus) restores the text before it and one
   * Ctrl+Shift+Z makes the change again. Returns the new text.
   */
  async function change(action: () => Promise<unknown>, want: string): Promise<string> {
    const before = await editorText(page);
    await action();
    await waitForNewText(page, before);
    assert.equal(await editorText(page), want);
    await page.keyboard.press('Control+z');
    await waitForNewText(page, want);
    assert.equal(await editorText(page), before, 'one Ctrl+Z undoes exactly that change');
    await page.keyboard.press('Control+Shift+z');
    await waitForNewText(page, before);
    assert.equal(await editorText(page), want, 'Ctrl+Shift+Z redoes it');
    return want;
  }

  /**
   * Waits until a form control shows `value`. The form follows the text after the editor's re-parse,
   * which a key (such as the redo in `change`) defers by up to the parse debounce.
   */
  async function showsValue(control: Locator, value: string): Promise<void> {
    await waitUntil(
      async () => (await control.inputValue()) === value,
      `the form to show ${value}`,
      2000,
    );
  }

  function field(label: string): Locator {
    return panel
      .locator('label.field')
      .filter({ has: page.locator('span.field-label', { hasText: new RegExp(`^${label}$`) }) })
      .locator('select');
  }

  async function selectInGraph(stage: string): Promise<void> {
    await page.locator(`.react-flow__node[data-id="${stage}"] .stage-node-title`).click();
    panel = page.getByRole('complementary', { name: `Stage ${stage}` });
    try {
      await panel.waitFor({ timeout: 10_000 });
    } catch (error) {
      // Say what the page showed instead: which node was selected, which form was open.
      const state = await page.evaluate(`(() => ({
        selectedNodes: [...document.querySelectorAll('.react-flow__node .stage-node.selected')].map((n) => n.closest('.react-flow__node').dataset.id),
        panels: [...document.querySelectorAll('aside')].map((a) => a.getAttribute('aria-label')),
        active: document.activeElement && document.activeElement.outerHTML.slice(0, 120),
        cmSelection: ${VIEW}.state.selection.main.toJSON(),
      }))()`);
      await session.screenshot(`editor-forms-missed-${stage}`);
      throw new Error(`no form for ${stage} after its node was clicked: ${JSON.stringify(state)}`, {
        cause: error,
      });
    }
  }

  it('opens the campaign and selects a stage: the node, its text and its form', async () => {
    await page.goto(session.url(EDIT_URL));
    await page.locator('.campaign-graph[data-layout-ready="true"]').waitFor();
    assert.equal(await editorText(page), FORMS_TEXT);
    // Nothing to save yet: Ctrl+S opens no dialog (as the disabled Save… button).
    await placeCursor(page, 0);
    await page.keyboard.press('Control+s');
    await page.locator('.react-flow__node[data-id="gen"] .stage-node-title').click();
    await page.keyboard.press('Control+s');
    await page.waitForTimeout(200);
    assert.equal(await page.getByRole('dialog').count(), 0, 'no save dialog without changes');
    await selectInGraph('step');
    // Clicking the node selects its stage's text.
    const range = parseCampaign(FORMS_TEXT).sources.stages.find((s) => s.name === 'step')?.range;
    assert.ok(range);
    const selection = await page.evaluate<{ from: number; to: number }>(
      `(() => { const s = ${VIEW}.state.selection.main; return { from: s.from, to: s.to }; })()`,
    );
    assert.deepEqual([selection.from, selection.to], [range[0], range[1]]);
    assert.ok(await page.locator('.react-flow__node[data-id="step"] .stage-node.selected').count());
    // The form narrows the graph, which fits its stages again: each can still be seen and clicked.
    await waitUntil(
      async () => {
        const graph = await page.locator('.campaign-graph').boundingBox();
        const nodes = await page.locator('.react-flow__node').all();
        const boxes = await Promise.all(nodes.map((n) => n.boundingBox()));
        return (
          graph !== null &&
          boxes.length === 5 &&
          boxes.every(
            (b) =>
              b !== null &&
              b.x >= graph.x &&
              b.y >= graph.y &&
              b.x + b.width <= graph.x + graph.width &&
              b.y + b.height <= graph.y + graph.height,
          )
        );
      },
      'every stage inside the graph beside the open form',
      5000,
    );
    // Moving the cursor into another stage's text selects that node (and its form).
    await placeCursor(page, FORMS_TEXT.indexOf('input: from_parent'));
    await page.locator('.react-flow__node[data-id="tail"] .stage-node.selected').waitFor();
    assert.equal(await page.locator('.stage-node.selected').count(), 1);
    await page.getByRole('complementary', { name: 'Stage tail' }).waitFor();
  });

  it('writes type, job type and launch setup from the form, each one undo step', async () => {
    await selectInGraph('step');
    let text = await editorText(page);
    await field('Type').focus();
    text = await change(
      () => field('Type').selectOption('test'),
      expected(setField(text, ['stages', 'step', 'type'], 'test')),
    );
    assert.equal(stageOf(text, 'step').type, 'test');
    assert.equal(await page.evaluate<string>('document.activeElement.tagName'), 'SELECT');
    text = await change(
      () => field('Job type').selectOption('make'),
      expected(setField(text, ['stages', 'step', 'job_type'], 'make')),
    );
    assert.equal(stageOf(text, 'step').job_type, 'make');
    text = await change(
      () => field('Launch setup').selectOption('there'),
      expected(setField(text, ['stages', 'step', 'launch_setup'], 'there')),
    );
    assert.equal(stageOf(text, 'step').launch_setup, 'there');
    await showsValue(field('Launch setup'), 'there');
    assertComments(text);
  });

  it('applies a split with its parameters, an override and a recovery step', async () => {
    let text = await editorText(page);
    await panel.getByLabel('Split type').selectOption('nfiles');
    await panel.getByLabel('Split n').fill('25');
    assert.equal(await panel.locator('.split-picker code').innerText(), 'nfiles(25)');
    text = await change(
      () => panel.getByRole('button', { name: 'Apply split' }).click(),
      expected(setField(text, ['stages', 'step', 'split'], 'nfiles(25)')),
    );
    assert.equal(stageOf(text, 'step').split, 'nfiles(25)');
    await showsValue(panel.getByLabel('Split n'), '25');

    await panel.getByRole('button', { name: 'add', exact: true }).click();
    await panel.getByLabel('Overrides key 1').fill('--events=');
    await panel.getByLabel('Overrides value 1').fill('1000');
    text = await change(
      () => panel.getByRole('button', { name: 'Apply overrides' }).click(),
      expected(setField(text, ['stages', 'step', 'overrides'], [['--events=', '1000']])),
    );
    assert.deepEqual(stageOf(text, 'step').overrides, [['--events=', '1000']]);

    await session.screenshot('editor-side-form');
    // The recovery recipe is the stage's job type's (make, set above).
    await panel.getByRole('button', { name: 'add step' }).click();
    await panel.getByLabel('Recovery step 1').selectOption('added_files');
    text = await change(
      () => panel.getByRole('button', { name: 'Apply recovery' }).click(),
      expected(setField(text, ['job_types', 'make', 'recovery'], [{ type: 'added_files' }])),
    );
    const make = effective(text).job_types.find((j) => j.name === 'make');
    assert.deepEqual(make?.recovery, [{ type: 'added_files', overrides: [] }]);
    assertComments(text);
  });

  it('edits a stage and a job type written in flow style, keeping them flow mappings', async () => {
    // tail runs the default job type, crunch, whose recovery is written in a flow mapping.
    await selectInGraph('tail');
    let text = await editorText(page);
    await panel.getByRole('button', { name: 'add step' }).click();
    await panel.getByLabel('Recovery step 2').selectOption('added_files');
    const steps = [{ type: 'consumed_status' }, { type: 'added_files' }] as const;
    text = await change(
      () => panel.getByRole('button', { name: 'Apply recovery' }).click(),
      expected(setField(text, ['job_types', 'crunch', 'recovery'], steps)),
    );
    assert.match(text, /\n {2}crunch: \{command: \/bin\/echo, recovery: \[.*added_files.*\]\} #/);
    const crunch = effective(text).job_types.find((j) => j.name === 'crunch');
    assert.deepEqual(
      crunch?.recovery.map((r) => r.type),
      ['consumed_status', 'added_files'],
    );
    // Back to the default split: the key goes from the flow mapping, which stays one.
    await selectInGraph('extra');
    await panel.getByLabel('Split type').selectOption('');
    text = await change(
      () => panel.getByRole('button', { name: 'Apply split' }).click(),
      expected(setField(text, ['stages', 'extra', 'split'], undefined)),
    );
    assert.match(text, /\n {2}extra: \{needs: \[gen\]\} # a stage written in flow style\n/);
    assert.equal(stageOf(text, 'extra').split, effective(FORMS_TEXT).stages[0]?.split);
    assertComments(text);
  });

  it('renames, disconnects from the form, clones and deletes with the toolbar', async () => {
    await selectInGraph('step');
    let text = await editorText(page);
    text = await change(
      async () => {
        await panel.getByLabel('Stage name').fill('middle');
        await panel.getByRole('button', { name: 'Rename' }).click();
      },
      expected(renameStage(text, 'step', 'middle')),
    );
    assert.deepEqual(
      effective(text).edges.map((e) => `${e.from}->${e.to}`),
      ['gen->middle', 'side->middle', 'middle->tail', 'gen->extra'],
    );
    await page.getByRole('complementary', { name: 'Stage middle' }).waitFor();
    await selectInGraph('middle');

    text = await change(
      () => panel.getByRole('button', { name: 'Disconnect side' }).click(),
      expected(disconnect(text, 'side', 'middle')),
    );
    assert.deepEqual(
      effective(text).edges.map((e) => `${e.from}->${e.to}`),
      ['gen->middle', 'middle->tail', 'gen->extra'],
    );
    assertComments(text);

    text = await change(
      () => page.getByRole('button', { name: 'Clone stage' }).click(),
      expected(cloneStage(text, 'middle', 'middle_copy')),
    );
    const copy = stageOf(text, 'middle_copy');
    assert.equal(copy.split, 'nfiles(25)');
    assert.deepEqual(copy.overrides, [['--events=', '1000']]);
    await page.locator('.react-flow__node[data-id="middle_copy"]').waitFor();
    assertComments(text);

    await selectInGraph('side');
    text = await change(
      () => page.getByRole('button', { name: 'Delete stage' }).click(),
      expected(removeStage(text, 'side')),
    );
    assert.deepEqual(
      effective(text).stages.map((s) => s.name),
      ['gen', 'middle', 'middle_copy', 'tail', 'extra'],
    );
    assertComments(text);
  });

  it('opens the save dialog with Ctrl+S from the graph and from the text', async () => {
    await page.locator('.react-flow__node[data-id="gen"] .stage-node-title').click();
    await page.keyboard.press('Control+s');
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    assert.ok(await dialog.locator('.diff-line.added').count());
    await dialog.getByRole('button', { name: 'Back to editing' }).click();
    await dialog.waitFor({ state: 'detached' });

    await placeCursor(page, 0);
    await page.keyboard.press('Control+s');
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Back to editing' }).click();
    await dialog.waitFor({ state: 'detached' });
  });

  it('asks before following a link with unsaved changes', async () => {
    const history = page.getByRole('link', { name: 'History' });
    let asked = '';
    page.once('dialog', (d) => {
      asked = d.message();
      void d.dismiss();
    });
    await history.click();
    assert.match(asked, /unsaved changes/);
    assert.match(page.url(), /\/edit$/, 'still on the editor');
    page.once('dialog', (d) => void d.accept());
    await history.click();
    await page.waitForURL(/\/history$/);
  });

  it('creates a new campaign from the new-campaign page, and refuses an invalid one', async () => {
    await page.goto(session.url('/e/demo/new-campaign'));
    await page.locator('.cm-content').waitFor();
    const starter = await editorText(page);
    assert.ok(parseCampaign(starter).ok, 'the starter text is valid');
    // Invalid: an edge to a stage that does not exist.
    await placeCursor(page, starter.length);
    await page.keyboard.type('  second: {needs: [nowhere]}');
    await page.getByRole('list', { name: 'Diagnostics' }).waitFor();
    const create = page.getByRole('button', { name: 'Create…' });
    await page.locator('.editor-status.invalid').waitFor();
    assert.ok(await create.isDisabled(), 'cannot create an invalid campaign');
    await page.keyboard.press('Control+s');
    await page.waitForTimeout(200);
    assert.equal(await page.getByRole('dialog').count(), 0, 'nor with Ctrl+S');
    assert.match(await page.getByRole('list', { name: 'Diagnostics' }).innerText(), /nowhere/);
    // Back to the valid starter with a new name, then create.
    await page.evaluate(
      `${VIEW}.dispatch({ changes: { from: 0, to: ${VIEW}.state.doc.length, insert: ${JSON.stringify(
        starter.replace('campaign: new_campaign', 'campaign: made_here'),
      )} } })`,
    );
    await page.locator('.editor-status:not(.invalid)').waitFor();
    await create.click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Confirm save' }).click();
    await page.waitForURL(/\/e\/demo\/campaigns\/made_here\/edit$/);
    // The stored campaign's editor replaces the new-campaign page's: wait for it, not the old one.
    await page.getByText('editing revision 1').waitFor();
    await page.locator('.cm-content').waitFor();
    await page.locator('.react-flow__node[data-id="first"]').waitFor();
    assert.match(await editorText(page), /campaign: made_here/);
  });
});
