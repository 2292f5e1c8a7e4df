import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Store, StoreDeps } from '../../ports/store.ts';
import { kyselyStore } from './kysely-store.ts';
import { migrateToLatest } from './migrations/index.ts';
import { withStatementCache } from './sqlite-statement-cache.ts';
import type { Database } from './schema.ts';

export interface SqliteStoreOptions extends StoreDeps {
  /** A file path, or `:memory:` for a private in-memory database. */
  readonly file: string;
  /** How long a write waits for another process's write lock before failing. Default 5000. */
  readonly busyTimeoutMs?: number | undefined;
}

/** Per-connection settings every store connection gets. */
export function configureSqlite(database: SqliteDatabase.Database, busyTimeoutMs = 5000): void {
  // WAL: readers do not block the writer (no effect on :memory:). NORMAL is durable under WAL
  // except for the last transactions on power loss, and never corrupts.
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  // Off by default in SQLite, per connection; the schema relies on them.
  database.pragma('foreign_keys = ON');
  database.pragma(`busy_timeout = ${Math.max(0, Math.trunc(busyTimeoutMs))}`);
}

/** Opens (creating if needed) an SQLite store and migrates it to the latest schema. */
export async function openSqliteStore(options: SqliteStoreOptions): Promise<Store> {
  const database = new SqliteDatabase(options.file);
  try {
    configureSqlite(database, options.busyTimeoutMs);
  } catch (err) {
    database.close();
    throw err;
  }
  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: withStatementCache(database) }),
  });
  try {
    await migrateToLatest(db, 'sqlite');
  } catch (err) {
    await db.destroy();
    throw err;
  }
  return kyselyStore(db, { dialect: 'sqlite', clock: options.clock, ids: options.ids });
}
