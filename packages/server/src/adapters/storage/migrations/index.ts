import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import type { Database, SqlDialect } from '../schema.ts';
import { foundation } from './0001_foundation.ts';
import { catalog } from './0002_catalog.ts';
import { splitState } from './0003_split_state.ts';
import { execution } from './0004_execution.ts';
import { identity } from './0005_identity.ts';
import { tagsWatches } from './0006_tags_watches.ts';
import { experimentTemplates } from './0007_experiment_templates.ts';
import { metadataFields } from './0008_metadata_fields.ts';
import { openDatasets } from './0009_open_datasets.ts';
import { publications } from './0010_publications.ts';
import { notifications } from './0011_notifications.ts';
import { listIndexes } from './0012_list_indexes.ts';

/**
 * Migrations live in code (not read from a folder at run time) so they ship inside any bundle.
 * Names sort in apply order; never rename or edit one that has shipped, add the next.
 */
export function migrations(dialect: SqlDialect): Record<string, Migration> {
  return {
    '0001_foundation': foundation(dialect),
    '0002_catalog': catalog(dialect),
    '0003_split_state': splitState(dialect),
    '0004_execution': execution(dialect),
    '0005_identity': identity(dialect),
    '0006_tags_watches': tagsWatches(dialect),
    '0007_experiment_templates': experimentTemplates(dialect),
    '0008_metadata_fields': metadataFields(dialect),
    '0009_open_datasets': openDatasets(dialect),
    '0010_publications': publications(dialect),
    '0011_notifications': notifications(dialect),
    '0012_list_indexes': listIndexes(dialect),
  };
}

function provider(dialect: SqlDialect): MigrationProvider {
  return { getMigrations: () => Promise.resolve(migrations(dialect)) };
}

/**
 * Brings the schema to the latest migration; returns the names it applied (none if up to date).
 * Concurrent callers are safe: Kysely takes a lock (an advisory lock on PostgreSQL) and each
 * migration runs in a transaction on both dialects.
 *
 * `schema` (PostgreSQL): where the bookkeeping tables live. Pass it whenever the database has
 * more than one schema: without it Kysely looks for `kysely_migration` in *every* schema and can
 * mistake another schema's table for ours.
 */
export async function migrateToLatest(
  db: Kysely<Database>,
  dialect: SqlDialect,
  schema?: string,
): Promise<string[]> {
  const migrator = new Migrator({ db, provider: provider(dialect), migrationTableSchema: schema });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results.find((r) => r.status === 'Error')?.migrationName ?? '(setup)';
    throw new Error(`storage migration ${failed} failed on ${dialect}`, { cause: error });
  }
  return results.filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
