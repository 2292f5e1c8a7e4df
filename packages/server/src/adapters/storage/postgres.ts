import { Kysely, sql } from 'kysely';
import pg from 'pg';
import type { Store, StoreDeps } from '../../ports/store.ts';
import { kyselyStore } from './kysely-store.ts';
import { migrateToLatest } from './migrations/index.ts';
import { SchemaScopedPostgresDialect } from './postgres-dialect.ts';
import { isUniqueViolation } from './repositories/dialect.ts';
import type { Database } from './schema.ts';

export interface PostgresStoreOptions extends StoreDeps {
  /** `postgres://user:password@host:port/database` */
  readonly connectionString: string;
  /**
   * Keep the tables in this schema (created if absent) by setting every connection's
   * search_path to it. Default: the server's search_path (usually `public`).
   */
  readonly schema?: string | undefined;
  /** Pool size. Default 10. */
  readonly maxConnections?: number | undefined;
  /** An idle pooled connection failed (server restart, network). Default: console.warn. */
  readonly onIdleError?: ((err: Error) => void) | undefined;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Opens a pool to PostgreSQL and migrates the schema to the latest version. */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<Store> {
  const schema = options.schema;
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new Error(`invalid PostgreSQL schema name ${JSON.stringify(schema)}: use [a-z0-9_]`);
  }
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.maxConnections ?? 10,
    // Set at connection start, so every pooled connection resolves our tables in `schema`.
    ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
  });
  // Without a listener an idle client's error event would crash the process.
  pool.on('error', options.onIdleError ?? ((err) => console.warn(`postgres pool: ${err.message}`)));
  // The pool listens only to its idle clients: a client lent out (between a transaction's
  // queries, or between acquiring it and its first query) whose server goes away (a restart, a
  // crash) would emit an error nobody hears, which crashes the process. The query on it fails
  // with its own error, and on release the pool drops the client (no longer queryable); so the
  // event needs hearing, not handling (an idle client's is reported above, by the pool).
  pool.on('connect', (client) => {
    client.on('error', () => {});
  });

  const db = new Kysely<Database>({ dialect: new SchemaScopedPostgresDialect({ pool }) });
  try {
    if (schema !== undefined) await createSchema(db, schema);
    const current = await sql<{ name: string | null }>`select current_schema() as name`.execute(db);
    const name = current.rows[0]?.name ?? null;
    if (name === null) throw new Error('PostgreSQL has no current schema: check search_path');
    await migrateToLatest(db, 'postgres', name);
    return kyselyStore(db, {
      dialect: 'postgres',
      clock: options.clock,
      ids: options.ids,
      schema: name,
    });
  } catch (err) {
    await db.destroy();
    throw err;
  }
}

async function createSchema(db: Kysely<Database>, schema: string): Promise<void> {
  try {
    await sql`create schema if not exists ${sql.id(schema)}`.execute(db);
  } catch (err) {
    // Two processes creating it at once: "if not exists" still races in the catalog.
    if (!isUniqueViolation(err)) throw err;
  }
}
