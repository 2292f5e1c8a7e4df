import { sql, type Kysely, type Migration } from 'kysely';
import type { SqlDialect } from '../schema.ts';

/** Experiments, campaigns and the append-only campaign revision history. */
export function foundation(dialect: SqlDialect): Migration {
  // Names must sort and compare the same on both stores. SQLite's default BINARY collation is
  // byte order; a PostgreSQL database usually has a linguistic default (en_US ignores case and
  // punctuation at first level), so name columns get "C", which is byte order for UTF-8.
  // The collation goes right after the type: PostgreSQL refuses it after constraints.
  const nameType = dialect === 'postgres' ? sql`text collate "C"` : sql`text collate binary`;
  const boolean01 = (column: string) => sql`${sql.ref(column)} in (0, 1)`;

  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('experiments')
        .addColumn('name', nameType, (col) => col.primaryKey().notNull())
        .addColumn('display_name', 'text', (col) => col.notNull())
        .addColumn('active', 'integer', (col) =>
          col.notNull().defaultTo(1).check(boolean01('active')),
        )
        .addColumn('created_at', 'text', (col) => col.notNull())
        .addColumn('updated_at', 'text', (col) => col.notNull())
        .execute();

      await db.schema
        .createTable('campaigns')
        .addColumn('id', 'text', (col) => col.primaryKey().notNull())
        .addColumn('experiment', nameType, (col) => col.notNull())
        .addColumn('name', nameType, (col) => col.notNull())
        .addColumn('current_revision', 'integer', (col) =>
          col.notNull().check(sql`current_revision >= 1`),
        )
        .addColumn('active', 'integer', (col) =>
          col.notNull().defaultTo(1).check(boolean01('active')),
        )
        .addColumn('created_at', 'text', (col) => col.notNull())
        .addColumn('updated_at', 'text', (col) => col.notNull())
        .addForeignKeyConstraint('campaigns_experiment_fk', ['experiment'], 'experiments', ['name'])
        // Also the index behind "campaigns of an experiment by name" (list and its cursor).
        .addUniqueConstraint('campaigns_experiment_name_uq', ['experiment', 'name'])
        .execute();

      await db.schema
        .createTable('campaign_revisions')
        .addColumn('campaign_id', 'text', (col) => col.notNull())
        .addColumn('revision', 'integer', (col) => col.notNull().check(sql`revision >= 1`))
        .addColumn('text', 'text', (col) => col.notNull())
        .addColumn('model', 'text', (col) => col.notNull())
        .addColumn('author', 'text', (col) => col.notNull())
        .addColumn('message', 'text')
        .addColumn('created_at', 'text', (col) => col.notNull())
        // The last line of defence of optimistic concurrency: one row per revision number.
        .addPrimaryKeyConstraint('campaign_revisions_pk', ['campaign_id', 'revision'])
        .addForeignKeyConstraint('campaign_revisions_campaign_fk', ['campaign_id'], 'campaigns', [
          'id',
        ])
        .execute();
    },

    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('campaign_revisions').execute();
      await db.schema.dropTable('campaigns').execute();
      await db.schema.dropTable('experiments').execute();
    },
  };
}
