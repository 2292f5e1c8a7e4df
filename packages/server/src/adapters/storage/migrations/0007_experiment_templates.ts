import { sql, type Kysely, type Migration } from 'kysely';
import type { SqlDialect } from '../schema.ts';

/**
 * Templates people save in an experiment ("save a campaign as a template"), next to the built-in
 * library of the templates/ folder. One row per name and experiment, without revisions: saving
 * under a name that exists replaces the row, and only when the caller asks to overwrite.
 * Tags and stage names are JSON text (lists filter them in the service: an experiment keeps few
 * templates).
 */
export function experimentTemplates(dialect: SqlDialect): Migration {
  const textC = dialect === 'postgres' ? sql`text collate "C"` : sql`text collate binary`;
  const keyed = dialect === 'sqlite' ? sql`without rowid` : sql``;
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('experiment_templates')
        .addColumn('experiment', textC, (col) =>
          col.notNull().references('experiments.name').onDelete('cascade'),
        )
        .addColumn('name', textC, (col) => col.notNull())
        .addColumn('description', 'text')
        .addColumn('tags', 'text', (col) => col.notNull())
        .addColumn('stages', 'text', (col) => col.notNull())
        .addColumn('campaign', 'text', (col) => col.notNull())
        .addColumn('text', 'text', (col) => col.notNull())
        .addColumn('author', 'text', (col) => col.notNull())
        .addColumn('created_at', 'text', (col) => col.notNull())
        .addPrimaryKeyConstraint('experiment_templates_pk', ['experiment', 'name'])
        .modifyEnd(keyed)
        .execute();
    },

    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('experiment_templates').execute();
    },
  };
}
