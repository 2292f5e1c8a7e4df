import { sql, type Kysely, type Migration } from 'kysely';
import type { SqlDialect } from '../schema.ts';

/**
 * An experiment's own metadata fields (issue 8): each with a type, whether every declared file
 * must have it, and the values it may take. Declarations are checked against them; the standard
 * fields keep their typed columns in `files`. Allowed values are JSON text (a short list).
 */
export function metadataFields(dialect: SqlDialect): Migration {
  const textC = dialect === 'postgres' ? sql`text collate "C"` : sql`text collate binary`;
  const keyed = dialect === 'sqlite' ? sql`without rowid` : sql``;
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('metadata_fields')
        .addColumn('experiment', textC, (col) =>
          col.notNull().references('experiments.name').onDelete('cascade'),
        )
        .addColumn('name', textC, (col) => col.notNull())
        .addColumn('type', 'text', (col) => col.notNull())
        .addColumn('required', 'integer', (col) => col.notNull())
        .addColumn('allowed', 'text')
        .addColumn('description', 'text')
        .addColumn('updated_at', 'text', (col) => col.notNull())
        .addPrimaryKeyConstraint('metadata_fields_pk', ['experiment', 'name'])
        .modifyEnd(keyed)
        .execute();
    },

    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('metadata_fields').execute();
    },
  };
}
