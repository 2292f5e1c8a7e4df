// The browser app's files over real HTTP: the page for every app URL, cacheable assets, the API's
// own 404s untouched, and nothing outside the app's folder reachable.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startServer, type RunningServer } from '../main.ts';

describe('the web app at /', () => {
  let server: RunningServer;
  let dir: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'poms-web-app-'));
    const root = join(dir, 'dist');
    mkdirSync(join(root, 'assets'), { recursive: true });
    writeFileSync(join(root, 'index.html'), '<!doctype html><div id="root"></div>');
    writeFileSync(join(root, 'assets', 'main-abc123.js'), 'console.log(1)');
    writeFileSync(join(dir, 'secret.txt'), 'not for the web');
    symlinkSync(join(dir, 'secret.txt'), join(root, 'assets', 'link.txt'));
    server = await startServer({ memory: true, port: 0, webRoot: root, execute: false });
  });

  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const get = (path: string) => fetch(`${server.url}${path}`);

  it('answers every app URL with the page, under a policy that lets only our own code run', async () => {
    for (const path of [
      '/',
      '/e/demo/campaigns/toy_z_chain/edit',
      '/templates?q=x',
      // A file page ends in the file's name, extension and all.
      '/e/demo/files/hist_01.json?direction=descendants',
    ]) {
      const answer = await get(path);
      assert.equal(answer.status, 200, path);
      assert.equal(answer.headers.get('content-type'), 'text/html; charset=utf-8');
      assert.match(await answer.text(), /id="root"/);
      assert.equal(answer.headers.get('cache-control'), 'no-cache');
      const csp = answer.headers.get('content-security-policy') ?? '';
      assert.match(csp, /script-src 'self'/);
      assert.match(csp, /frame-ancestors 'none'/);
      assert.equal(answer.headers.get('x-frame-options'), 'DENY');
    }
  });

  it('serves hashed assets for good, and a missing one as a 404', async () => {
    const asset = await get('/assets/main-abc123.js');
    assert.equal(asset.status, 200);
    assert.equal(asset.headers.get('content-type'), 'text/javascript; charset=utf-8');
    assert.match(asset.headers.get('cache-control') ?? '', /immutable/);
    assert.equal((await get('/assets/gone-000.js')).status, 404);
    assert.equal((await get('/favicon.ico')).status, 404);
  });

  it("leaves the API's answers alone", async () => {
    const missing = await get('/api/v1/no-such-route');
    assert.equal(missing.status, 404);
    const body = (await missing.json()) as { error: { code: string } };
    assert.equal(body.error.code, 'http.not-found');
    assert.equal((await get('/api/v1/health')).status, 200);
    const unauthenticated = await get('/api/v1/experiments');
    assert.equal(unauthenticated.status, 401);
  });

  it('never serves a file outside its folder', async () => {
    for (const path of [
      '/../secret.txt',
      '/%2e%2e/secret.txt',
      '/assets/%2e%2e/%2e%2e/secret.txt',
      '/assets/link.txt',
      '/%00index.html',
    ]) {
      const answer = await get(path);
      const text = await answer.text();
      assert.ok(!text.includes('not for the web'), path);
    }
  });

  it('says how to build the app when it is not built', async () => {
    const bare = await startServer({
      memory: true,
      port: 0,
      webRoot: join(dir, 'nothing-here'),
      execute: false,
    });
    try {
      const answer = await fetch(`${bare.url}/e/demo`);
      assert.equal(answer.status, 200);
      assert.match(await answer.text(), /npm run build/);
    } finally {
      await bare.close();
    }
  });
});
