// For browser tests that drive the campaign editor: read CodeMirror's text, put its cursor, wait
// for the text to change, and drag with the real mouse. The tests are typed for Node (no DOM), so
// what runs in the page is written as expressions or as functions over a minimal page type.
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { parseCampaign } from '@poms/campaign-file';

/** CodeMirror's view of the page (the lines on screen are only the viewport, not the text). */
const VIEW = `document.querySelector('.cm-content').cmTile.root.view`;

/** The editor's whole text. */
export async function editorText(page: Page): Promise<string> {
  return await page.evaluate<string>(`${VIEW}.state.doc.toString()`);
}

/** Puts CodeMirror's cursor at an offset (where the test then types with the real keyboard). */
export async function placeCursor(page: Page, offset: number): Promise<void> {
  await page.locator('.cm-content').click();
  await page.evaluate(`${VIEW}.dispatch({ selection: { anchor: ${offset} } }); ${VIEW}.focus()`);
}

/** The little of the DOM the predicates below use. */
interface PageGlobals {
  document: {
    querySelector(selector: string): {
      cmTile?: { root?: { view?: { state: { doc: { toString(): string } } } } };
    } | null;
  };
}

/** Waits until the editor's text is no longer `before`. */
export async function waitForNewText(page: Page, before: string, timeout = 5000): Promise<void> {
  // A function, not an expression: the app's CSP forbids eval, which string predicates need.
  await page.waitForFunction(
    (old) => {
      const content = (globalThis as unknown as PageGlobals).document.querySelector('.cm-content');
      return content?.cmTile?.root?.view?.state.doc.toString() !== old;
    },
    before,
    { timeout },
  );
}

/**
 * Makes a graph gesture and waits for the text to change; a gesture the loaded browser did not
 * register (the pointer outran React Flow) is made again, at most three times in all, so a
 * gesture that never works still fails.
 */
export async function gesture(page: Page, act: () => Promise<void>): Promise<string> {
  const before = await editorText(page);
  for (let attempt = 1; ; attempt++) {
    await act();
    try {
      await waitForNewText(page, before, 4000);
      return await editorText(page);
    } catch (error) {
      if (attempt >= 3) throw error;
    }
  }
}

/** The edges of a campaign text, `from->to`. */
export function edgesOf(text: string): string[] {
  const parsed = parseCampaign(text);
  assert.ok(parsed.effective, JSON.stringify(parsed.diagnostics));
  return parsed.effective.edges.map((e) => `${e.from}->${e.to}`);
}

/** Drags with the real mouse, in small steps (React Flow needs moves to start a drag). */
export async function drag(
  page: Page,
  from: { x: number; y: number },
  to: { x: number; y: number },
): Promise<void> {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(from.x + 5, from.y + 5, { steps: 2 });
  await page.mouse.move(to.x, to.y, { steps: 12 });
  await page.mouse.up();
}

/** The centre of the element `selector` on screen. */
export async function centre(page: Page, selector: string): Promise<{ x: number; y: number }> {
  const box = await page.locator(selector).boundingBox();
  assert.ok(box, `${selector} is on screen`);
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/** Connects two stages by dragging from `upstream`'s output handle to `downstream`'s input. */
export async function connectInGraph(page: Page, upstream: string, downstream: string) {
  const source = await centre(
    page,
    `.react-flow__node[data-id="${upstream}"] .react-flow__handle.source`,
  );
  const target = await centre(
    page,
    `.react-flow__node[data-id="${downstream}"] .react-flow__handle.target`,
  );
  await drag(page, source, target);
}

/** Creates a campaign through the API with the session's CSRF token; returns the HTTP status. */
export async function createCampaign(page: Page, text: string): Promise<number> {
  return await page.evaluate<number>(`(async () => {
    const me = await (await fetch('/api/v1/auth/me')).json();
    const answer = await fetch('/api/v1/experiments/demo/campaigns', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrf },
      body: JSON.stringify({ text: ${JSON.stringify(text)} }),
    });
    return answer.status;
  })()`);
}
