import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from './main.ts';

describe('startServer', () => {
  it('serves health, seeds the demo once, and keeps it across restarts', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'poms-start-'));
    try {
      const first = await startServer({ port: 0, dataDir });
      try {
        const response = await fetch(`${first.url}/api/v1/health`);
        assert.equal(response.status, 200);
        const body = (await response.json()) as { status: string; store: { kind: string } };
        assert.equal(body.status, 'ok');
        assert.equal(body.store.kind, 'sqlite');
        assert.ok(first.demoCampaigns.includes('mc_chain'));
        const missing = await fetch(`${first.url}/api/v1/nope`);
        assert.equal(missing.status, 404);
        assert.equal(
          ((await missing.json()) as { error: { code: string } }).error.code,
          'http.not-found',
        );
      } finally {
        await first.close();
      }
      const second = await startServer({ port: 0, dataDir });
      try {
        assert.deepEqual(second.demoCampaigns, [], 'a restart creates nothing new');
        const listed = await second.store.campaigns.list('demo', { limit: 100 });
        assert.equal(listed.total, first.demoCampaigns.length);
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('starts without the demo', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'poms-start-'));
    try {
      const server = await startServer({ port: 0, dataDir, demo: false });
      try {
        assert.deepEqual(await server.store.experiments.list(), []);
      } finally {
        await server.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
