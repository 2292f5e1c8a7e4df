import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../schema.ts';

let savepoints = 0;

/**
 * Runs `fn` in a transaction. When `db` is already one (a repository bound to a Store
 * transaction), `fn` runs in a savepoint of it instead: its writes still commit or roll back with
 * the caller's transaction, and an error inside `fn` undoes only `fn`'s writes, so a caller that
 * catches the error (a launch retrying after losing a race) keeps a usable transaction — on
 * PostgreSQL a failed statement would otherwise abort the whole transaction.
 */
export async function inTransaction<T>(
  db: Kysely<Database>,
  fn: (trx: Transaction<Database>) => Promise<T>,
): Promise<T> {
  if (!db.isTransaction) return db.transaction().execute(fn);
  const trx = db as Transaction<Database>;
  const name = sql.id(`poms_sp_${++savepoints}`);
  await sql`savepoint ${name}`.execute(trx);
  try {
    const result = await fn(trx);
    await sql`release savepoint ${name}`.execute(trx);
    return result;
  } catch (error) {
    await sql`rollback to savepoint ${name}`.execute(trx);
    await sql`release savepoint ${name}`.execute(trx);
    throw error;
  }
}
