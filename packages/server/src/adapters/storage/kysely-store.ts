import type { Kysely } from 'kysely';
import type { Store, StoreDeps, StoreTransaction } from '../../ports/store.ts';
import { KyselyCatalog } from '../catalog/kysely-catalog.ts';
import { migrateToLatest } from './migrations/index.ts';
import { KyselyAuditRepository } from './repositories/audit.ts';
import { KyselyCampaignRepository } from './repositories/campaigns.ts';
import { KyselyControlRepository } from './repositories/control.ts';
import { KyselyExperimentRepository } from './repositories/experiments.ts';
import { KyselyIdentityRepository } from './repositories/identity.ts';
import { KyselyMetricsRepository } from './repositories/metrics.ts';
import { KyselyNotificationRepository } from './repositories/notifications.ts';
import { KyselySubmissionRepository } from './repositories/submissions.ts';
import { KyselyExperimentTemplateRepository } from './repositories/templates.ts';
import { inTransaction } from './repositories/transaction.ts';
import { KyselyPublicationRepository } from './repositories/publications.ts';
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
  const { clock, ids } = options;
  const repositories = (on: Kysely<Database>) => ({
    kind: options.dialect,
    experiments: new KyselyExperimentRepository(on, clock),
    watches: new KyselyWatchRepository(on, clock),
    campaigns: new KyselyCampaignRepository(on, clock, ids),
    catalog: new KyselyCatalog(on, { dialect: options.dialect, clock, ids }),
    submissions: new KyselySubmissionRepository(on, clock, ids),
    control: new KyselyControlRepository(on, clock, ids),
    identity: new KyselyIdentityRepository(on, clock, ids),
    audit: new KyselyAuditRepository(on, clock, ids),
    templates: new KyselyExperimentTemplateRepository(on, clock),
    publications: new KyselyPublicationRepository(on, clock),
    metrics: new KyselyMetricsRepository(on),
    notifications: new KyselyNotificationRepository(on, clock),
  });
  // Everything bound to `on` (a transaction); nested transactions are savepoints of it.
  const scope = (on: Kysely<Database>): StoreTransaction => {
    const tx: StoreTransaction = {
      ...repositories(on),
      inTransaction: true,
      transaction: (fn) => inTransaction(on, () => fn(tx)),
    };
    return tx;
  };
  return {
    ...repositories(db),
    inTransaction: false,
    transaction(fn) {
      return db.transaction().execute((trx) => fn(scope(trx)));
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
