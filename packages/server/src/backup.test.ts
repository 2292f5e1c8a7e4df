import assert from 'node:assert/strict';
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
  openSync,
  writeSync,
  closeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import SqliteDatabase from 'better-sqlite3';
import { backupDataFolder, restoreDataFolder } from './backup.ts';
import { openStore, startServer } from './main.ts';

const root = mkdtempSync(join(tmpdir(), 'poms-backup-test-'));
after(() => rmSync(root, { recursive: true, force: true }));
let folders = 0;
const folder = (name: string) => join(root, `${++folders}-${name}`);

function count(dataDir: string, table: string): number {
  const db = new SqliteDatabase(join(dataDir, 'poms.sqlite'), { readonly: true });
  try {
    return Number(db.prepare(`select count(*) from ${table}`).pluck().get());
  } finally {
    db.close();
  }
}

describe('backup and restore of a data folder', () => {
  it("copies a running server's store consistently while it writes, and restores it", async () => {
    const dataDir = folder('live');
    const server = await startServer({ dataDir, port: 0, demo: true, pollIntervalMs: 100 });
    let backedUp: ReturnType<typeof backupDataFolder> | undefined;
    try {
      // Declarations of 200 files each are transactions: a consistent copy holds whole ones.
      let writing = true;
      let declared = 0;
      const writer = (async () => {
        for (let call = 0; writing && call < 400; call++) {
          const batch = Array.from({ length: 200 }, (_, k) => ({
            name: `b${call}_${k}.root`,
            size: k,
            metadata: { run_number: call },
          }));
          await server.store.catalog.declareFiles('demo', batch);
          declared += 200;
          await new Promise((r) => setImmediate(r));
        }
      })();
      let failed: unknown;
      writer.catch((error: unknown) => (failed = error));
      while (declared < 2000 && failed === undefined) await new Promise((r) => setTimeout(r, 5));
      assert.equal(failed, undefined);
      const demoFiles = count(dataDir, 'files') % 200;
      backedUp = backupDataFolder({ dataDir, destination: folder('copy') });
      writing = false;
      await writer;
      assert.equal(backedUp.format, 'poms-backup/1');
      assert.ok(backedUp.counts.files >= 2000, String(backedUp.counts.files));
      assert.equal((backedUp.counts.files - demoFiles) % 200, 0, 'only whole declarations');
      assert.ok(backedUp.counts.campaigns >= 1, JSON.stringify(backedUp.counts));
      assert.ok(backedUp.migrations.length >= 11, backedUp.migrations.join());
      assert.equal(backedUp.includes.job_secret, true);
      assert.equal(backedUp.includes.files, false);
      assert.equal(backedUp.includes.logs, existsSync(join(root, `${folders}-copy`, 'logs')));
    } finally {
      await server.close();
    }

    const restored = folder('restored');
    const { manifest, keptAside } = restoreDataFolder({
      source: join(root, `${folders - 1}-copy`),
      dataDir: restored,
    });
    assert.equal(keptAside, undefined);
    assert.equal(count(restored, 'files'), manifest.counts.files);
    assert.equal(count(restored, 'submissions'), manifest.counts.submissions);
    assert.equal(
      readFileSync(join(restored, 'job-secret'), 'utf8'),
      readFileSync(join(dataDir, 'job-secret'), 'utf8'),
    );
    // The restored folder is a working store.
    const store = await openStore({ dataDir: restored });
    try {
      const campaigns = await store.campaigns.list('demo');
      assert.ok(campaigns.total >= 1);
    } finally {
      await store.close();
    }
  });

  it('refuses a damaged backup, a running server and an existing store, changing nothing', async () => {
    const dataDir = folder('source');
    const store = await openStore({ dataDir });
    await store.experiments.create({ name: 'exp', display_name: 'Exp' });
    await store.close();
    const copy = folder('copy');
    const manifest = backupDataFolder({ dataDir, destination: copy });
    assert.equal(manifest.counts.experiments, 1);
    assert.throws(
      () => backupDataFolder({ dataDir, destination: copy }),
      /exists and is not empty/,
    );
    assert.throws(
      () => backupDataFolder({ dataDir: folder('nothing'), destination: folder('x') }),
      /no store to back up/,
    );

    // Over an existing store: refused without --force; kept aside with it.
    const target = folder('target');
    const other = await openStore({ dataDir: target });
    await other.experiments.create({ name: 'other', display_name: 'Other' });
    await other.experiments.create({ name: 'third', display_name: 'Third' });
    await other.close();
    assert.throws(
      () => restoreDataFolder({ source: copy, dataDir: target }),
      /already holds a store/,
    );
    assert.equal(count(target, 'experiments'), 2);
    const forced = restoreDataFolder({ source: copy, dataDir: target, force: true });
    assert.equal(count(target, 'experiments'), 1);
    assert.ok(forced.keptAside !== undefined && existsSync(join(forced.keptAside, 'poms.sqlite')));

    // A running server on the folder: refused.
    writeFileSync(
      join(target, 'server.json'),
      JSON.stringify({ pid: process.pid, url: 'http://x' }),
    );
    assert.throws(
      () => restoreDataFolder({ source: copy, dataDir: target, force: true }),
      /stop it before restoring/,
    );
    rmSync(join(target, 'server.json'));

    // One byte changed in the copy: refused before anything moves.
    const fd = openSync(join(copy, 'poms.sqlite'), 'r+');
    writeSync(fd, Buffer.from([0x42]), 0, 1, 5000);
    closeSync(fd);
    const fresh = folder('fresh');
    assert.throws(() => restoreDataFolder({ source: copy, dataDir: fresh }), /damaged/);
    assert.equal(existsSync(join(fresh, 'poms.sqlite')), false);
    // Not a backup at all.
    assert.throws(
      () => restoreDataFolder({ source: folder('empty'), dataDir: fresh }),
      /not a POMS backup/,
    );
  });
});
