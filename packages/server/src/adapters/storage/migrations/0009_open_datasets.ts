import { sql, type Kysely, type Migration } from 'kysely';
import type { SqlDialect } from '../schema.ts';

/**
 * Open datasets (issue 8): a dataset is either a saved query (`kind` 'query', as before) or an
 * explicit list of files that grows until it is closed (`kind` 'open'), kept in `dataset_files`.
 * Mirrors of external input datasets and a stage's output dataset are open datasets.
 *
 * `dataset_files` is keyed (experiment, dataset, file): `defname:` of an open dataset is a range
 * of that key, and adding a file twice is a key conflict. The file id is the catalog's integer
 * identity (see 0002_catalog.ts), as in `snapshot_files`.
 */
export function openDatasets(dialect: SqlDialect): Migration {
  const textC = dialect === 'postgres' ? sql`text collate "C"` : sql`text collate binary`;
  const fileRef = dialect === 'postgres' ? 'bigint' : 'integer';
  const keyed = dialect === 'sqlite' ? sql`without rowid` : sql``;
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      // One column per statement: SQLite's ALTER TABLE adds one at a time.
      await db.schema
        .alterTable('datasets')
        .addColumn('kind', 'text', (col) =>
          col
            .notNull()
            .defaultTo('query')
            .check(sql`kind in ('query', 'open')`),
        )
        .execute();
      await db.schema.alterTable('datasets').addColumn('description', 'text').execute();
      await db.schema.alterTable('datasets').addColumn('closed_at', 'text').execute();

      await db.schema
        .createTable('dataset_files')
        .addColumn('experiment', textC, (col) => col.notNull())
        .addColumn('dataset', textC, (col) => col.notNull())
        .addColumn('file', fileRef, (col) => col.notNull())
        .addColumn('added_at', 'text', (col) => col.notNull())
        .addPrimaryKeyConstraint('dataset_files_pk', ['experiment', 'dataset', 'file'])
        .addForeignKeyConstraint(
          'dataset_files_dataset_fk',
          ['experiment', 'dataset'],
          'datasets',
          ['experiment', 'name'],
          (fk) => fk.onDelete('cascade'),
        )
        .addForeignKeyConstraint('dataset_files_file_fk', ['file'], 'files', ['id'])
        .modifyEnd(keyed)
        .execute();
      // Which open datasets hold a file; also what the file foreign key checks.
      await db.schema
        .createIndex('dataset_files_file_ix')
        .on('dataset_files')
        .columns(['file'])
        .execute();
    },

    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('dataset_files').execute();
      for (const column of ['closed_at', 'description', 'kind']) {
        await db.schema.alterTable('datasets').dropColumn(column).execute();
      }
    },
  };
}
