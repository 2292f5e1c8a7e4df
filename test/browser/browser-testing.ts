// For the browser tests: a real server (embedded store, demo campaign, the built web app) and
// Debian's Chromium driven by playwright-core, headless. Screenshots go to test/browser/screenshots
// (kept out of git) so a person can look at every main page after a run.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { startServer, type RunningServer } from '@poms/server';

export const ADMIN_PASSWORD = 'a browser test password';
export const SCREENSHOTS = resolve(import.meta.dirname, 'screenshots');
// POMS_WEB_DIST: a private build (vite build --outDir …) so parallel builds do not disturb a run.
const WEB_DIST =
  process.env.POMS_WEB_DIST ?? resolve(import.meta.dirname, '../../packages/web/dist');

/** Where Debian's package puts Chromium; POMS_CHROMIUM overrides. */
export function chromiumPath(): string {
  const path = process.env.POMS_CHROMIUM ?? '/usr/bin/chromium';
  if (!existsSync(path)) {
    throw new Error(
      `no Chromium at ${path}: run scripts/install-chromium.sh (CI does) or set POMS_CHROMIUM`,
    );
  }
  return path;
}

export interface BrowserSession {
  server: RunningServer;
  context: BrowserContext;
  page: Page;
  /** The server's address plus `path`. */
  url(path: string): string;
  /** Logs in as the administrator through the login page. */
  login(): Promise<void>;
  /** Writes SCREENSHOTS/NAME.png of the whole page. */
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

export async function openBrowserSession(
  options: { demo?: boolean; localSlots?: number } = {},
): Promise<BrowserSession> {
  if (!existsSync(join(WEB_DIST, 'index.html'))) {
    throw new Error(`the web app is not built (${WEB_DIST}): run npm run build first`);
  }
  const profile = mkdtempSync(join(tmpdir(), 'poms-chromium-'));
  const server = await startServer({
    memory: true,
    port: 0,
    adminPassword: ADMIN_PASSWORD,
    pollIntervalMs: 200,
    demo: options.demo ?? true,
    webRoot: WEB_DIST,
    ...(options.localSlots === undefined ? {} : { localSlots: options.localSlots }),
  });
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath(),
    headless: true,
    viewport: { width: 1440, height: 900 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  // A page error is a test failure, not a silent console line.
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  mkdirSync(SCREENSHOTS, { recursive: true });
  const url = (path: string) => `${server.url}${path}`;
  return {
    server,
    context,
    page,
    url,
    async login() {
      await page.goto(url('/'));
      await page.getByLabel('User name').fill('admin');
      await page.getByLabel('Password').fill(ADMIN_PASSWORD);
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.getByRole('button', { name: 'Log out' }).waitFor();
    },
    async screenshot(name) {
      const file = join(SCREENSHOTS, `${name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      return file;
    },
    async close() {
      await context.close();
      await server.close();
      rmSync(profile, { recursive: true, force: true });
      if (errors.length > 0) throw new Error(`errors in the page: ${errors.join('; ')}`);
    },
  };
}

/** Waits until `condition` holds, looking every 50 ms, or fails naming `what` after 10 s. */
export async function waitUntil(
  condition: () => Promise<boolean>,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
