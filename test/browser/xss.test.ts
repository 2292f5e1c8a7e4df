// Stored XSS: text people write (a campaign's and a stage's descriptions, a hold's reason, a
// file's metadata) comes back on many pages. Each carries markup that would
// run script if it were ever inserted as HTML; every page that shows it must show it as text, and
// no script may run (a dialog or the marker the payload sets fails the test).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { APIRequestContext } from 'playwright-core';
import { openBrowserSession, type BrowserSession } from './browser-testing.ts';

const MARK = 'xssMark';
const PAYLOAD = `<img src=x onerror="window.${MARK}=1"><script>window.${MARK}=2</script>"'$(id)../`;
const FILE = 'xss_probe.root';

const CAMPAIGN = `campaign: xss_probe
description: '${PAYLOAD.replaceAll("'", "''")}'
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
  gen:
    type: generator
    description: '${PAYLOAD.replaceAll("'", "''")}'
    completion: {type: complete}
`;

describe('stored XSS through names and descriptions', () => {
  let session: BrowserSession;
  let request: APIRequestContext;
  let csrf = '';
  const dialogs: string[] = [];
  const api = async (method: 'GET' | 'POST' | 'PUT', path: string, data?: unknown) => {
    const response = await request.fetch(session.url(`/api/v1${path}`), {
      method,
      headers: method === 'GET' ? {} : { 'x-csrf-token': csrf },
      ...(data === undefined ? {} : { data }),
    });
    assert.ok(response.ok(), `${method} ${path}: ${response.status()} ${await response.text()}`);
    return (await response.json()) as Record<string, unknown>;
  };

  before(async () => {
    session = await openBrowserSession();
    session.page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await session.login();
    request = session.page.request;
    csrf = String((await api('GET', '/auth/me')).csrf);
    await api('POST', '/experiments/demo/campaigns', { text: CAMPAIGN });
    await api('POST', '/experiments/demo/files', {
      files: [{ name: FILE, size: 1, metadata: { data_tier: PAYLOAD } }],
    });
    await api('POST', '/experiments/demo/campaigns/xss_probe/stages/gen/launch', {});
    await api('PUT', '/experiments/demo/hold', { reason: PAYLOAD });
  });
  after(async () => {
    await session?.close();
  });

  // Where the page shows the payload, it must be there as text; elsewhere the page is waited for
  // by what it shows of the campaign, and no script may have run either way.
  const pages: [string, string, string][] = [
    ['dashboard (the hold and its reason)', '/e/demo', '<img src=x onerror='],
    ['file page (metadata)', `/e/demo/files/${FILE}`, '<img src=x onerror='],
    ['audit log', '/e/demo/audit', '<img src=x onerror='],
    ['campaigns list', '/e/demo/campaigns', 'xss_probe'],
    ['campaign overview', '/e/demo/campaigns/xss_probe', 'xss_probe'],
    ['stage page', '/e/demo/campaigns/xss_probe/stages/gen', 'gen'],
  ];
  for (const [what, path, shown] of pages) {
    it(`runs no script from stored text on the ${what}`, async () => {
      const { page } = session;
      await page.goto(session.url(path));
      await page.getByText(shown, { exact: false }).first().waitFor({ timeout: 30_000 });
      assert.equal(await page.evaluate(`window.${MARK} === undefined`), true);
      assert.equal(await page.locator('img[src="x"]').count(), 0);
      assert.deepEqual(dialogs, []);
    });
  }

  it('keeps it as text in the editor, whose graph shows the stage', async () => {
    const { page } = session;
    await page.goto(session.url('/e/demo/campaigns/xss_probe/edit'));
    await page.locator('.cm-content').getByText('onerror=', { exact: false }).first().waitFor();
    await page.locator('.react-flow__node').first().waitFor();
    assert.equal(await page.evaluate(`window.${MARK} === undefined`), true);
    assert.equal(await page.locator('img[src="x"]').count(), 0);
    assert.deepEqual(dialogs, []);
  });
});
