import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../schema.ts';

/**
 * Runs `fn` in a transaction, or in the caller's when `db` is already one: repositories bound to
 * a Store transaction (Store.transaction) then join it instead of failing to nest.
 */
export function inTransaction<T>(
  db: Kysely<Database>,
  fn: (trx: Transaction<Database>) => Promise<T>,
): Promise<T> {
  return db.isTransaction ? fn(db as Transaction<Database>) : db.transaction().execute(fn);
}
