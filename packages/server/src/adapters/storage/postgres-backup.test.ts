// The PostgreSQL backup procedure of docs/reliability.md, run for real: pg_dump of the store's
// schema in custom format while the store is open, the schema dropped (the disaster), pg_restore
// of the dump, and the store opened again with everything in it.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';
import pg from 'pg';
import { systemClock } from '../system/system-clock.ts';
import { ulidIdSource } from '../system/ulid-ids.ts';
import { openPostgresStore } from './postgres.ts';

const run = promisify(execFile);
const url = process.env.POMS_TEST_PG_URL;

describe('PostgreSQL backup with pg_dump and pg_restore', () => {
  const skip =
    url === undefined || url === ''
      ? process.env.POMS_REQUIRE_PG === '1'
        ? false
        : 'POMS_TEST_PG_URL is not set'
      : false;
  it(
    'restores a dropped store schema from a pg_dump taken while the store was open',
    { skip },
    async () => {
      assert.ok(url, 'POMS_REQUIRE_PG=1 but POMS_TEST_PG_URL is not set');
      const schema = `poms_backup_${randomBytes(4).toString('hex')}`;
      const dir = mkdtempSync(join(tmpdir(), 'poms-pg-backup-'));
      const admin = new pg.Pool({ connectionString: url, max: 1 });
      const open = () =>
        openPostgresStore({
          connectionString: url,
          schema,
          clock: systemClock,
          ids: ulidIdSource(),
        });
      try {
        const store = await open();
        await store.experiments.create({ name: 'dune', display_name: 'DUNE' });
        await store.catalog.declareFiles(
          'dune',
          Array.from({ length: 500 }, (_, i) => ({
            name: `f${i}.root`,
            size: i,
            metadata: { run_number: i },
          })),
        );
        const dump = join(dir, 'poms.dump');
        await run('pg_dump', [
          '--format=custom',
          `--schema=${schema}`,
          `--file=${dump}`,
          `--dbname=${url}`,
        ]);
        await store.close();

        await admin.query(`drop schema ${schema} cascade`);
        await run('pg_restore', ['--exit-on-error', `--dbname=${url}`, dump]);

        const restored = await open();
        try {
          assert.deepEqual(
            (await restored.experiments.list()).map((e) => e.name),
            ['dune'],
          );
          assert.equal(await restored.catalog.countFiles('dune', { type: 'all' }), 500);
          // Still writable: the sequences and constraints came back with the tables.
          await restored.catalog.declareFiles('dune', [{ name: 'after.root', size: 1 }]);
          assert.equal(await restored.catalog.countFiles('dune', { type: 'all' }), 501);
        } finally {
          await restored.close();
        }
      } finally {
        await admin.query(`drop schema if exists ${schema} cascade`);
        await admin.end();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
