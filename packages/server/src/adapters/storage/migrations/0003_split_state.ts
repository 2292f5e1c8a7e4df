import { sql, type Kysely, type Migration } from 'kysely';
import type { SqlDialect } from '../schema.ts';

/**
 * Where each split is (its cursor, "stored on the stage") and the slices it handed out, each
 * frozen as a snapshot the split owns: what `delivered` reads, and what rewinding removes.
 */
export function splitState(dialect: SqlDialect): Migration {
  const textC = dialect === 'postgres' ? sql`text collate "C"` : sql`text collate binary`;
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('split_states')
        .addColumn('experiment', textC, (col) => col.notNull())
        .addColumn('owner', textC, (col) => col.notNull())
        .addColumn('spec', 'text', (col) => col.notNull())
        .addColumn('cursor', 'text', (col) => col.notNull())
        .addColumn('slices', 'integer', (col) => col.notNull().check(sql`slices >= 0`))
        .addColumn('updated_at', 'text', (col) => col.notNull())
        .addPrimaryKeyConstraint('split_states_pk', ['experiment', 'owner'])
        .addForeignKeyConstraint('split_states_experiment_fk', ['experiment'], 'experiments', [
          'name',
        ])
        .execute();

      await db.schema
        .createTable('split_slices')
        .addColumn('experiment', textC, (col) => col.notNull())
        .addColumn('owner', textC, (col) => col.notNull())
        .addColumn('seq', 'integer', (col) => col.notNull().check(sql`seq >= 1`))
        .addColumn('snapshot', 'text')
        .addColumn('parameter', 'text')
        .addColumn('label', 'text', (col) => col.notNull())
        .addColumn('file_count', 'integer', (col) => col.notNull())
        .addColumn('cursor', 'text', (col) => col.notNull())
        .addColumn('created_at', 'text', (col) => col.notNull())
        // One slice per number: two launches racing for the same slice cannot both record it.
        .addPrimaryKeyConstraint('split_slices_pk', ['experiment', 'owner', 'seq'])
        .addForeignKeyConstraint('split_slices_snapshot_fk', ['snapshot'], 'snapshots', ['id'])
        .execute();
    },

    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('split_slices').execute();
      await db.schema.dropTable('split_states').execute();
    },
  };
}
