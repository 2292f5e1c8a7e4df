import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import type { Store, StoreDeps } from '../../ports/store.ts';
import { openPostgresStore } from './postgres.ts';
import { describeStoreConformance } from './store.conformance.ts';
import { systemClock } from '../system/system-clock.ts';
import { ulidIdSource } from '../system/ulid-ids.ts';

const url = process.env.POMS_TEST_PG_URL;
const HOW = 'run `eval "$(scripts/pg-test-setup.sh)"` to start PostgreSQL and set it';

if (url === undefined || url === '') {
  describe('postgres store', () => {
    if (process.env.POMS_REQUIRE_PG === '1') {
      it('needs PostgreSQL', () => {
        assert.fail(`POMS_REQUIRE_PG=1 but POMS_TEST_PG_URL is not set: ${HOW}`);
      });
    } else {
      it(
        'conformance suite',
        { skip: `POMS_TEST_PG_URL is not set (${HOW}; POMS_REQUIRE_PG=1 makes this a failure)` },
        () => {},
      );
    }
  });
} else {
  const connectionString = url;
  const admin = new pg.Pool({ connectionString, max: 2 });
  after(() => admin.end());

  // Each fresh store lives in its own schema, dropped when the store closes, so tests can run in
  // parallel with each other and with other runs against the same database.
  const run = `${process.pid.toString(36)}_${randomBytes(3).toString('hex')}`;
  let schemas = 0;
  const newSchema = () => `poms_t_${run}_${++schemas}`;

  const deps = (given: Partial<StoreDeps> = {}): StoreDeps => ({
    clock: given.clock ?? systemClock,
    ids: given.ids ?? ulidIdSource(),
  });

  async function open(schema: string, given?: Partial<StoreDeps>): Promise<Store> {
    return openPostgresStore({ connectionString, schema, ...deps(given) });
  }

  function dropSchemaOnClose(store: Store, schema: string): Store {
    let closing: Promise<void> | undefined;
    return {
      ...store,
      close() {
        closing ??= (async () => {
          await store.close();
          await admin.query(`drop schema if exists ${schema} cascade`);
        })();
        return closing;
      },
    };
  }

  describeStoreConformance('postgres store', async (given) => {
    const schema = newSchema();
    return dropSchemaOnClose(await open(schema, given), schema);
  });

  describe('postgres store specifics', () => {
    it('isolates schemas and keeps data across reopen', async () => {
      const a = newSchema();
      const b = newSchema();
      const first = await open(a);
      const other = dropSchemaOnClose(await open(b), b);
      try {
        await first.experiments.create({ name: 'mu2e', display_name: 'Mu2e' });
        assert.deepEqual(await other.experiments.list(), []);
        await first.close();
        const again = dropSchemaOnClose(await open(a), a);
        try {
          assert.deepEqual(await again.migrate(), { applied: [] });
          assert.equal((await again.experiments.get('mu2e')).display_name, 'Mu2e');
        } finally {
          await again.close();
        }
      } finally {
        await first.close();
        await other.close();
      }
    });

    it('migrates once when several processes open the same new schema at once', async () => {
      const schema = newSchema();
      const stores = await Promise.all(Array.from({ length: 4 }, () => open(schema)));
      try {
        const migrated = await admin.query<{ name: string }>(
          `select name from ${schema}.kysely_migration order by name`,
        );
        assert.deepEqual(
          migrated.rows.map((r) => r.name),
          [
            '0001_foundation',
            '0002_catalog',
            '0003_split_state',
            '0004_execution',
            '0005_identity',
            '0006_tags_watches',
            '0007_experiment_templates',
            '0008_metadata_fields',
            '0009_open_datasets',
            '0010_publications',
            '0011_notifications',
            '0012_list_indexes',
          ],
        );
        await stores[0]?.experiments.create({ name: 'dune', display_name: 'DUNE' });
        for (const s of stores) assert.equal((await s.experiments.list()).length, 1);
      } finally {
        for (const s of stores) await s.close();
        await admin.query(`drop schema if exists ${schema} cascade`);
      }
    });

    it('orders names byte-wise whatever the database collation', async () => {
      const schema = newSchema();
      const store = dropSchemaOnClose(await open(schema), schema);
      try {
        const collations = await admin.query<{
          column_name: string;
          collation_name: string | null;
        }>(
          `select column_name, collation_name from information_schema.columns
           where table_schema = $1 and table_name in ('experiments', 'campaigns')
             and column_name in ('name', 'experiment') order by 1, 2`,
          [schema],
        );
        assert.equal(collations.rows.length, 3);
        for (const row of collations.rows) assert.equal(row.collation_name, 'C', row.column_name);
      } finally {
        await store.close();
      }
    });

    it('refuses a bad schema name before connecting', async () => {
      await assert.rejects(
        openPostgresStore({ connectionString, schema: 'x; drop table y', ...deps() }),
        /invalid PostgreSQL schema name/,
      );
    });
  });
}
