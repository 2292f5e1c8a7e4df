/**
 * The few places where SQLite (better-sqlite3) and PostgreSQL (pg) answer differently.
 * Everything else in repositories/ is one Kysely query for both.
 */

function errorCode(err: unknown): unknown {
  return typeof err === 'object' && err !== null && 'code' in err ? err.code : undefined;
}

/** A UNIQUE or PRIMARY KEY constraint refused a row. */
export function isUniqueViolation(err: unknown): boolean {
  const code = errorCode(err);
  // PostgreSQL: SQLSTATE 23505. better-sqlite3: SQLite extended result codes.
  return (
    code === '23505' ||
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
  );
}

/** A FOREIGN KEY constraint refused a row. */
export function isForeignKeyViolation(err: unknown): boolean {
  const code = errorCode(err);
  return code === '23503' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY';
}

/** `count(*)`: pg returns bigint as a string, better-sqlite3 a number. */
export function countValue(value: string | number | bigint): number {
  return Number(value);
}
