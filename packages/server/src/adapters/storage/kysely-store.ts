import type { Kysely } from 'kysely';
import type { Store, StoreDeps } from '../../ports/store.ts';
import { KyselyCatalog } from '../catalog/kysely-catalog.ts';
import { migrateToLatest } from './migrations/index.ts';
import { KyselyCampaignRepository } from './repositories/campaigns.ts';
import { KyselyExperimentRepository } from './repositories/experiments.ts';
import type { Database, SqlDialect } from './schema.ts';

export interface KyselyStoreOptions extends StoreDeps {
  readonly dialect: SqlDialect;
  /** PostgreSQL: the schema holding our tables (see migrateToLatest). */
  readonly schema?: string | undefined;
}

/** The Store over an open, migrated Kysely instance; closing the store destroys it. */
export function kyselyStore(db: Kysely<Database>, options: KyselyStoreOptions): Store {
  let closing: Promise<void> | undefined;
  return {
    kind: options.dialect,
    experiments: new KyselyExperimentRepository(db, options.clock),
    campaigns: new KyselyCampaignRepository(db, options.clock, options.ids),
    catalog: new KyselyCatalog(db, {
      dialect: options.dialect,
      clock: options.clock,
      ids: options.ids,
    }),
    async migrate() {
      return { applied: await migrateToLatest(db, options.dialect, options.schema) };
    },
    close() {
      closing ??= db.destroy();
      return closing;
    },
  };
}
