// The app's frame in a real browser: the login page, a refused password, logging in, the
// experiment's pages by URL (bookmarks survive a reload), and logging out.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openBrowserSession, type BrowserSession } from './browser-testing.ts';

describe('the web app shell', () => {
  let session: BrowserSession;
  before(async () => {
    session = await openBrowserSession();
  });
  after(async () => {
    await session.close();
  });

  it('refuses a wrong password with the reason, then logs in', async () => {
    const { page } = session;
    await page.goto(session.url('/'));
    await session.screenshot('login');
    await page.getByLabel('User name').fill('admin');
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('alert').waitFor();
    assert.match(await page.getByRole('alert').innerText(), /auth\.invalid-credentials/);
    await session.login();
    // One experiment: straight to its dashboard.
    await page.waitForURL(/\/e\/demo$/);
  });

  it('keeps the session and the page across a reload', async () => {
    const { page } = session;
    await page.goto(session.url('/e/demo'));
    await page.reload();
    await page.getByRole('button', { name: 'Log out' }).waitFor();
    assert.match(page.url(), /\/e\/demo$/);
    const switcher = page.getByRole('combobox', { name: 'Experiment' });
    await switcher.locator('option[value="demo"]').waitFor({ state: 'attached' });
    assert.equal(await switcher.inputValue(), 'demo');
  });

  it('acts in a lower role when asked, and the server holds it to that role', async () => {
    const { page } = session;
    const roles = page.getByRole('combobox', { name: 'Acting role' });
    assert.equal(await roles.inputValue(), 'superuser');
    await roles.selectOption('analysis');
    const me = await page.evaluate<{ acting_role?: string }>(
      `fetch('/api/v1/auth/me', { headers: { 'x-poms-role': localStorage.getItem('poms.acting-role') } }).then((r) => r.json())`,
    );
    assert.equal(me.acting_role, 'analysis');
    // The choice survives a reload; going back to the own role clears it.
    await page.reload();
    await page.getByRole('combobox', { name: 'Acting role' }).waitFor();
    assert.equal(await roles.inputValue(), 'analysis');
    await roles.selectOption('superuser');
    assert.equal(
      await page.evaluate<string | null>(`localStorage.getItem('poms.acting-role')`),
      null,
    );
  });

  it('logs out back to the login page', async () => {
    const { page } = session;
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('button', { name: 'Log in' }).waitFor();
  });
});
