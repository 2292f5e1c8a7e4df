// The store's introspector (what Kysely's migrator uses to find its own tables) must work while
// other sessions create and drop schemas: Kysely's own PostgreSQL introspector fails then
// ("schema … does not exist"), which failed store openings when test suites ran side by side.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Kysely } from 'kysely';
import pg from 'pg';
import { SchemaScopedPostgresDialect } from './postgres-dialect.ts';

const url = process.env.POMS_TEST_PG_URL;
const skip =
  (url === undefined || url === '') && process.env.POMS_REQUIRE_PG !== '1'
    ? 'POMS_TEST_PG_URL is not set'
    : false;

describe('the store introspector while other sessions drop schemas', { skip }, () => {
  const schema = `poms_introspect_${process.pid}`;
  let pool: pg.Pool;
  let churn: pg.Pool;
  let db: Kysely<unknown>;
  before(async () => {
    assert.ok(url, 'POMS_REQUIRE_PG=1 but POMS_TEST_PG_URL is not set');
    pool = new pg.Pool({ connectionString: url, max: 2, options: `-c search_path=${schema}` });
    churn = new pg.Pool({ connectionString: url, max: 1 });
    db = new Kysely<unknown>({ dialect: new SchemaScopedPostgresDialect({ pool }) });
    await pool.query(`create schema if not exists ${schema}`);
    await pool.query('create table kysely_migration (name text primary key)');
    await pool.query('create table files (id serial primary key, name text)');
    await pool.query('create view file_names as select name from files');
  });
  after(async () => {
    await pool.query(`drop schema if exists ${schema} cascade`);
    await db.destroy();
    await churn.end();
  });

  it('lists exactly the tables of its own schema, every time', async () => {
    let stop = false;
    const dropping = (async () => {
      for (let i = 0; !stop; i++) {
        const doomed = `${schema}_doomed_${i}`;
        await churn.query(`create schema ${doomed}; create table ${doomed}.t (id serial, x text)`);
        await churn.query(`drop schema ${doomed} cascade`);
      }
    })();
    const introspector = db.introspection;
    try {
      for (let call = 0; call < 300; call++) {
        const tables = await introspector.getTables({ withInternalKyselyTables: true });
        assert.deepEqual(
          tables.map((t) => [t.schema, t.name, t.isView]),
          [
            [schema, 'file_names', true],
            [schema, 'files', false],
            [schema, 'kysely_migration', false],
          ],
        );
      }
      const schemas = await introspector.getSchemas();
      assert.ok(schemas.some((s) => s.name === schema));
    } finally {
      stop = true;
      await dropping;
    }
  });
});
