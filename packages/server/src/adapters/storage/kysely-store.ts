import type { Kysely } from 'kysely';
import type { Store, StoreDeps } from '../../ports/store.ts';
import { KyselyCatalog } from '../catalog/kysely-catalog.ts';
import { migrateToLatest } from './migrations/index.ts';
import { KyselyAuditRepository } from './repositories/audit.ts';
import { KyselyCampaignRepository } from './repositories/campaigns.ts';
import { KyselyControlRepository } from './repositories/control.ts';
import { KyselyExperimentRepository } from './repositories/experiments.ts';
import { KyselyIdentityRepository } from './repositories/identity.ts';
import { KyselySubmissionRepository } from './repositories/submissions.ts';
import { KyselyWatchRepository } from './repositories/watches.ts';
import type { Database, SqlDialect } from './schema.ts';

export interface KyselyStoreOptions extends StoreDeps {
  readonly dialect: SqlDialect;
  /** PostgreSQL: the schema holding our tables (see migrateToLatest). */
  readonly schema?: string | undefined;
}

/** The Store over an open, migrated Kysely instance; closing the store destroys it. */
export function kyselyStore(db: Kysely<Database>, options: KyselyStoreOptions): Store {
  let closing: Promise<void> | undefined;
  const bind = (on: Kysely<Database>) => ({
    catalog: new KyselyCatalog(on, {
      dialect: options.dialect,
      clock: options.clock,
      ids: options.ids,
    }),
    submissions: new KyselySubmissionRepository(on, options.clock, options.ids),
    control: new KyselyControlRepository(on, options.clock, options.ids),
    identity: new KyselyIdentityRepository(on, options.clock, options.ids),
    audit: new KyselyAuditRepository(on, options.clock, options.ids),
  });
  return {
    kind: options.dialect,
    experiments: new KyselyExperimentRepository(db, options.clock),
    watches: new KyselyWatchRepository(db, options.clock),
    campaigns: new KyselyCampaignRepository(db, options.clock, options.ids),
    ...bind(db),
    transaction(fn) {
      return db.transaction().execute((trx) => fn(bind(trx)));
    },
    async migrate() {
      return { applied: await migrateToLatest(db, options.dialect, options.schema) };
    },
    close() {
      closing ??= db.destroy();
      return closing;
    },
  };
}
