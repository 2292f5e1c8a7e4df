import type { Kysely, Selectable } from 'kysely';
import type { AuditId, Clock, IdSource, Role } from '@poms/core';
import type {
  AuditEntry,
  AuditQuery,
  AuditRecord,
  AuditRepository,
} from '../../../ports/identity.ts';
import type { OffsetPage } from '../../../ports/pages.ts';
import type { AuditLogTable, Database } from '../schema.ts';
import { countValue } from './dialect.ts';
import * as id from './identity-checks.ts';
import * as check from './validate.ts';

function toRecord(row: Selectable<AuditLogTable>): AuditRecord {
  return {
    id: row.id as AuditId,
    at: row.at,
    actor: row.actor,
    acting_role: row.acting_role as Role | null,
    experiment: row.experiment,
    action: row.action,
    object_type: row.object_type,
    object_id: row.object_id,
    summary: row.summary,
    before: row.before === null ? null : (JSON.parse(row.before) as unknown),
    after: row.after === null ? null : (JSON.parse(row.after) as unknown),
    request_id: row.request_id,
  };
}

/** Append-only: this class has no way to change or remove an entry. */
export class KyselyAuditRepository implements AuditRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
    private readonly ids: IdSource,
  ) {}

  async record(entry: AuditEntry): Promise<AuditRecord> {
    const row = {
      id: this.ids.next('audit'),
      at: this.clock.now().toISOString(),
      actor: check.label('actor', entry.actor),
      acting_role:
        entry.actingRole === undefined || entry.actingRole === null
          ? null
          : id.role(entry.actingRole, 'actingRole'),
      experiment: id.optionalExperiment(entry.experiment),
      action: check.label('action', entry.action, 100),
      object_type: check.label('objectType', entry.objectType, 100),
      object_id: check.label('objectId', entry.objectId, 500),
      summary: check.verbatim('summary', entry.summary, 10_000),
      before: id.json('before', entry.before),
      after: id.json('after', entry.after),
      request_id:
        entry.requestId === undefined || entry.requestId === null
          ? null
          : check.label('requestId', entry.requestId, 200),
    };
    await this.db.insertInto('audit_log').values(row).execute();
    return toRecord(row);
  }

  async list(query: AuditQuery = {}): Promise<OffsetPage<AuditRecord>> {
    const limit = check.pageLimit(query.limit);
    const offset = check.pageOffset(query.offset);
    const since = id.optionalTime('since', query.since);
    const until = id.optionalTime('until', query.until);
    let base = this.db.selectFrom('audit_log');
    // Filters compare with stored values only; text PostgreSQL cannot hold matches nothing.
    const equal = (value: string | undefined): value is string =>
      value !== undefined && !value.includes('\u0000');
    const unmatchable = [
      query.experiment,
      query.actor,
      query.action,
      query.objectType,
      query.objectId,
    ].some((v) => v !== undefined && !equal(v));
    if (unmatchable) return { items: [], total: 0 };
    if (equal(query.experiment)) base = base.where('experiment', '=', query.experiment);
    if (equal(query.actor)) base = base.where('actor', '=', query.actor);
    if (equal(query.action)) base = base.where('action', '=', query.action);
    if (equal(query.objectType)) base = base.where('object_type', '=', query.objectType);
    if (equal(query.objectId)) base = base.where('object_id', '=', query.objectId);
    if (since !== null) base = base.where('at', '>=', since);
    if (until !== null) base = base.where('at', '<', until);
    const rows = await base
      .selectAll()
      .orderBy('at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .offset(offset)
      .execute();
    const { n } = await base
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .executeTakeFirstOrThrow();
    return { items: rows.map(toRecord), total: countValue(n) };
  }
}
