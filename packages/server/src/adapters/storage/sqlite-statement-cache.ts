// Kysely's SQLite driver prepares every statement again each time it runs one, and preparing (the
// SQL compiler and planner) costs about as much as running a small query: a profile of the load
// test put it at 12 % of the server's CPU. This keeps the recently used prepared statements, by
// their SQL text, and hands them out again. A statement is safe to reuse: Kysely runs one query at
// a time on the connection, SQLite recompiles a statement by itself after a schema change, and a
// statement still busy (an iteration left open) is never handed out — a fresh one is.
import type SqliteDatabase from 'better-sqlite3';
import type { SqliteDatabase as KyselySqliteDatabase } from 'kysely';

/** Distinct SQL texts kept; lists of values make texts that differ only in their count of `?`. */
export const STATEMENT_CACHE_SIZE = 500;

export function withStatementCache(
  database: SqliteDatabase.Database,
  size = STATEMENT_CACHE_SIZE,
): KyselySqliteDatabase {
  // A Map iterates in insertion order: re-inserting on use makes the first key the least recent.
  const cache = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => {
      cache.clear();
      database.close();
    },
    prepare(sql) {
      const cached = cache.get(sql);
      if (cached !== undefined && !cached.busy) {
        cache.delete(sql);
        cache.set(sql, cached);
        return cached;
      }
      const statement = database.prepare(sql);
      if (cached === undefined) {
        cache.set(sql, statement);
        if (cache.size > size) cache.delete(cache.keys().next().value as string);
      }
      return statement;
    },
  };
}
