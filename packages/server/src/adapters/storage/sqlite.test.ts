import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import SqliteDatabase from 'better-sqlite3';
import type { StoreDeps } from '../../ports/store.ts';
import { configureSqlite, openSqliteStore } from './sqlite.ts';
import { describeStoreConformance } from './store.conformance.ts';
import { systemClock } from '../system/system-clock.ts';
import { ulidIdSource } from '../system/ulid-ids.ts';

const dir = mkdtempSync(join(tmpdir(), 'poms-sqlite-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

function deps(given: Partial<StoreDeps> = {}): StoreDeps {
  return { clock: given.clock ?? systemClock, ids: given.ids ?? ulidIdSource() };
}

describeStoreConformance('sqlite store (:memory:)', (given) =>
  openSqliteStore({ file: ':memory:', ...deps(given) }),
);

describeStoreConformance('sqlite store (file, WAL)', (given) =>
  openSqliteStore({ file: join(dir, `fresh-${++files}.db`), ...deps(given) }),
);

describe('sqlite store file', () => {
  it('keeps data across close and reopen, without migrating again', async () => {
    const file = join(dir, 'persist.db');
    const first = await openSqliteStore({ file, ...deps() });
    await first.experiments.create({ name: 'mu2e', display_name: 'Mu2e' });
    const { campaign } = await first.campaigns.create({
      experiment: 'mu2e',
      name: 'reco',
      text: 'a\r\nb\t',
      model: { a: 1 },
      author: 'alice',
    });
    await first.campaigns.saveRevision({
      campaignId: campaign.id,
      expectedRevision: 1,
      text: 'v2\r\n',
      model: { a: 2 },
      author: 'bob',
    });
    await first.close();

    const again = await openSqliteStore({ file, ...deps() });
    try {
      assert.deepEqual(await again.migrate(), { applied: [] });
      const loaded = await again.campaigns.get('mu2e', 'reco');
      assert.equal(loaded.id, campaign.id);
      assert.equal(loaded.current_revision, 2);
      assert.equal(loaded.text, 'v2\r\n');
      assert.equal((await again.campaigns.getRevision(campaign.id, 1)).text, 'a\r\nb\t');
    } finally {
      await again.close();
    }
  });

  it('creates the tables in WAL mode', async () => {
    const file = join(dir, 'tables.db');
    await (await openSqliteStore({ file, ...deps() })).close();
    const raw = new SqliteDatabase(file);
    try {
      assert.equal(raw.pragma('journal_mode', { simple: true }), 'wal');
      const tables = raw
        .prepare("select name from sqlite_master where type = 'table' order by name")
        .pluck()
        .all();
      assert.deepEqual(tables, [
        'api_tokens',
        'audit_log',
        'campaign_revisions',
        'campaign_tags',
        'campaigns',
        'dataset_files',
        'datasets',
        'experiment_templates',
        'experiments',
        'file_metadata',
        'file_parents',
        'files',
        'held_launches',
        'holds',
        'jobs',
        'kysely_migration',
        'kysely_migration_lock',
        'ledger',
        'memberships',
        'metadata_fields',
        'notification_outbox',
        'notification_settings',
        'notifier_cursors',
        'outputs',
        'publications',
        'replicas',
        'schedules',
        'sessions',
        'snapshot_files',
        'snapshots',
        'split_slices',
        'split_states',
        'submission_history',
        'submissions',
        'users',
        'watches',
      ]);
    } finally {
      raw.close();
    }
  });

  it('configures every connection to enforce foreign keys and wait when busy', async () => {
    const file = join(dir, 'fk.db');
    await (await openSqliteStore({ file, ...deps() })).close();
    const raw = new SqliteDatabase(file);
    try {
      configureSqlite(raw, 1234);
      assert.equal(raw.pragma('foreign_keys', { simple: true }), 1);
      assert.equal(raw.pragma('busy_timeout', { simple: true }), 1234);
      assert.throws(
        () =>
          raw
            .prepare(
              `insert into campaigns (id, experiment, name, current_revision, active, created_at, updated_at)
               values ('cmp_x', 'ghost', 'orphan', 1, 1, 't', 't')`,
            )
            .run(),
        { code: 'SQLITE_CONSTRAINT_FOREIGNKEY' },
      );
    } finally {
      raw.close();
    }
  });
});
