import { sql, type Kysely, type Migration } from 'kysely';
import type { SqlDialect } from '../schema.ts';

/**
 * Per submission, where its outputs stand outside the embedded catalog (issue 8): declared to
 * MetaCat/SAM, registered in Rucio, replicated by rules, landed at the stage's output location.
 * Rules are JSON text (a short list).
 */
export function publications(dialect: SqlDialect): Migration {
  const textC = dialect === 'postgres' ? sql`text collate "C"` : sql`text collate binary`;
  const keyed = dialect === 'sqlite' ? sql`without rowid` : sql``;
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('publications')
        .addColumn('submission_id', textC, (col) =>
          col.primaryKey().references('submissions.id').onDelete('cascade'),
        )
        .addColumn('state', 'text', (col) => col.notNull())
        .addColumn('declared', 'integer', (col) => col.notNull())
        .addColumn('registered', 'integer', (col) => col.notNull())
        .addColumn('rucio_dataset', 'text')
        .addColumn('rules', 'text', (col) => col.notNull())
        .addColumn('at_location', 'integer', (col) => col.notNull())
        .addColumn('outputs', 'integer', (col) => col.notNull())
        .addColumn('detail', 'text', (col) => col.notNull())
        .addColumn('failures', 'integer', (col) => col.notNull())
        .addColumn('updated_at', 'text', (col) => col.notNull())
        .modifyEnd(keyed)
        .execute();
    },

    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('publications').execute();
    },
  };
}
