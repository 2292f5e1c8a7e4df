// The audit log on behalf of a caller: reading an experiment's entries (audit.view), and the one
// way the operations record a change they made (who, as which role, what, on which object). An
// entry never carries a secret: callers pass states that say what changed, not credentials.
import type { OffsetPage } from '../../ports/pages.ts';
import type { AuditRecord } from '../../ports/identity.ts';
import type { Store, StoreTransaction } from '../../ports/store.ts';
import type { AccessService, Caller } from '../access.ts';

export interface AuditChange {
  /** The experiment it happened in; absent for global changes (users, the global hold). */
  experiment?: string | undefined;
  /** `object.verb`, e.g. `hold.set`, `campaign.save`. */
  action: string;
  objectType: string;
  objectId: string;
  summary: string;
  before?: unknown;
  after?: unknown;
}

/**
 * Records a change the caller made, with the role it acted as in that experiment, in the
 * transaction that makes the change: the change and its entry commit together or not at all.
 */
export async function recordChange(
  store: StoreTransaction,
  caller: Caller,
  change: AuditChange,
): Promise<void> {
  const role = change.experiment === undefined ? undefined : caller.roles.get(change.experiment);
  await store.audit.record({
    actor: caller.username,
    actingRole: role ?? null,
    experiment: change.experiment ?? null,
    action: change.action,
    objectType: change.objectType,
    objectId: change.objectId,
    summary: change.summary.slice(0, 500),
    ...(change.before === undefined ? {} : { before: change.before }),
    ...(change.after === undefined ? {} : { after: change.after }),
  });
}

export interface AuditFilter {
  actor?: string | undefined;
  action?: string | undefined;
  objectType?: string | undefined;
  objectId?: string | undefined;
  since?: string | undefined;
  until?: string | undefined;
  limit?: number | undefined;
  offset?: number | undefined;
}

export class AuditOperations {
  constructor(
    private readonly store: Store,
    private readonly access: AccessService,
  ) {}

  /** The experiment's entries, newest first. */
  async list(
    caller: Caller,
    experiment: string,
    filter: AuditFilter,
  ): Promise<OffsetPage<AuditRecord>> {
    this.access.check(caller, 'audit.view', { experiment });
    return this.store.audit.list({ experiment, ...filter });
  }
}
