import type { Kysely, Selectable } from 'kysely';
import type { Clock, IdSource } from '@poms/core';
import type {
  ControlRepository,
  HeldLaunchRecord,
  HoldRecord,
  HoldScope,
  NewHeldLaunch,
  NewSchedule,
  ScheduleRecord,
} from '../../../ports/control.ts';
import type { Database, HeldLaunchesTable, HoldsTable, SchedulesTable } from '../schema.ts';
import { isUniqueViolation } from './dialect.ts';

type Db = Kysely<Database>;

/**
 * One text key per scope, so that holding the same thing twice is one row. The parts are a JSON
 * array (unambiguous whatever they contain), not joined with NUL: PostgreSQL text cannot hold
 * U+0000, so every experiment or stage hold failed there ("invalid byte sequence").
 */
function scopeKey(scope: HoldScope): string {
  switch (scope.kind) {
    case 'global':
      return 'global';
    case 'experiment':
      return JSON.stringify(['experiment', scope.experiment]);
    case 'stage':
      return JSON.stringify(['stage', scope.experiment, scope.campaignId, scope.stage]);
  }
}

function toHold(row: Selectable<HoldsTable>): HoldRecord {
  const scope: HoldScope =
    row.kind === 'global'
      ? { kind: 'global' }
      : row.kind === 'experiment'
        ? { kind: 'experiment', experiment: row.experiment ?? '' }
        : {
            kind: 'stage',
            experiment: row.experiment ?? '',
            campaignId: row.campaign_id ?? '',
            stage: row.stage ?? '',
          };
  return { scope, by: row.by, reason: row.reason, created_at: row.created_at };
}

function toHeld(row: Selectable<HeldLaunchesTable>): HeldLaunchRecord {
  return { ...row, request: JSON.parse(row.request) as unknown };
}

function toSchedule(row: Selectable<SchedulesTable>): ScheduleRecord {
  return { ...row, enabled: row.enabled === 1 };
}

export class KyselyControlRepository implements ControlRepository {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly ids: IdSource,
  ) {}

  private now(): string {
    return this.clock.now().toISOString();
  }

  async hold(scope: HoldScope, by: string, reason?: string): Promise<HoldRecord> {
    const key = scopeKey(scope);
    const row = {
      scope_key: key,
      kind: scope.kind,
      experiment: scope.kind === 'global' ? null : scope.experiment,
      campaign_id: scope.kind === 'stage' ? scope.campaignId : null,
      stage: scope.kind === 'stage' ? scope.stage : null,
      by,
      reason: reason ?? null,
      created_at: this.now(),
    };
    await this.db
      .insertInto('holds')
      .values(row)
      .onConflict((oc) => oc.column('scope_key').doNothing())
      .execute();
    const stored = await this.db
      .selectFrom('holds')
      .selectAll()
      .where('scope_key', '=', key)
      .executeTakeFirstOrThrow();
    return toHold(stored);
  }

  async release(scope: HoldScope): Promise<boolean> {
    const result = await this.db
      .deleteFrom('holds')
      .where('scope_key', '=', scopeKey(scope))
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async holds(experiment?: string): Promise<HoldRecord[]> {
    let query = this.db.selectFrom('holds').selectAll();
    if (experiment !== undefined) {
      query = query.where((eb) =>
        eb.or([eb('kind', '=', 'global'), eb('experiment', '=', experiment)]),
      );
    }
    const rows = await query.orderBy('created_at').orderBy('scope_key').execute();
    return rows.map(toHold);
  }

  async holdFor(
    experiment: string,
    campaignId: string,
    stage: string,
  ): Promise<HoldRecord | undefined> {
    const keys = [
      scopeKey({ kind: 'global' }),
      scopeKey({ kind: 'experiment', experiment }),
      scopeKey({ kind: 'stage', experiment, campaignId, stage }),
    ];
    const rows = await this.db
      .selectFrom('holds')
      .selectAll()
      .where('scope_key', 'in', keys)
      .execute();
    const order = new Map(keys.map((k, i) => [k, i]));
    rows.sort((a, b) => (order.get(a.scope_key) ?? 0) - (order.get(b.scope_key) ?? 0));
    const first = rows[0];
    return first ? toHold(first) : undefined;
  }

  async queueLaunch(input: NewHeldLaunch): Promise<{ entry: HeldLaunchRecord; created: boolean }> {
    const find = async () => {
      if (input.launchKey === undefined) return undefined;
      const row = await this.db
        .selectFrom('held_launches')
        .selectAll()
        .where('experiment', '=', input.experiment)
        .where('launch_key', '=', input.launchKey)
        .executeTakeFirst();
      return row ? toHeld(row) : undefined;
    };
    const existing = await find();
    if (existing) return { entry: existing, created: false };
    const row = {
      id: this.ids.next('held_launch'),
      experiment: input.experiment,
      campaign_id: input.campaignId,
      stage: input.stage,
      request: JSON.stringify(input.request ?? null),
      launch_key: input.launchKey ?? null,
      by: input.by,
      created_at: this.now(),
      released_at: null,
      outcome: null,
    };
    try {
      await this.db.insertInto('held_launches').values(row).execute();
    } catch (error) {
      const raced = isUniqueViolation(error) ? await find() : undefined;
      if (raced) return { entry: raced, created: false };
      throw error;
    }
    return { entry: toHeld(row), created: true };
  }

  async heldLaunches(experiment?: string): Promise<HeldLaunchRecord[]> {
    let query = this.db.selectFrom('held_launches').selectAll().where('released_at', 'is', null);
    if (experiment !== undefined) query = query.where('experiment', '=', experiment);
    const rows = await query.orderBy('created_at').orderBy('id').execute();
    return rows.map(toHeld);
  }

  async takeHeldLaunch(id: string, outcome: string): Promise<boolean> {
    const result = await this.db
      .updateTable('held_launches')
      .set({ released_at: this.now(), outcome })
      .where('id', '=', id)
      .where('released_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async setSchedule(input: NewSchedule): Promise<ScheduleRecord> {
    const now = this.now();
    await this.db
      .insertInto('schedules')
      .values({
        id: this.ids.next('schedule'),
        experiment: input.experiment,
        campaign_id: input.campaignId,
        stage: input.stage,
        cron: input.cron,
        timezone: input.timezone,
        enabled: 1,
        next_run: input.nextRun,
        last_run: null,
        by: input.by,
        created_at: now,
        updated_at: now,
      })
      .onConflict((oc) =>
        oc.columns(['experiment', 'campaign_id', 'stage']).doUpdateSet({
          cron: input.cron,
          timezone: input.timezone,
          enabled: 1,
          next_run: input.nextRun,
          by: input.by,
          updated_at: now,
        }),
      )
      .execute();
    const row = await this.db
      .selectFrom('schedules')
      .selectAll()
      .where('experiment', '=', input.experiment)
      .where('campaign_id', '=', input.campaignId)
      .where('stage', '=', input.stage)
      .executeTakeFirstOrThrow();
    return toSchedule(row);
  }

  async deleteSchedule(experiment: string, campaignId: string, stage: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('schedules')
      .where('experiment', '=', experiment)
      .where('campaign_id', '=', campaignId)
      .where('stage', '=', stage)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async schedules(experiment?: string): Promise<ScheduleRecord[]> {
    let query = this.db.selectFrom('schedules').selectAll();
    if (experiment !== undefined) query = query.where('experiment', '=', experiment);
    const rows = await query
      .orderBy('experiment')
      .orderBy('campaign_id')
      .orderBy('stage')
      .execute();
    return rows.map(toSchedule);
  }

  async dueSchedules(now: string): Promise<ScheduleRecord[]> {
    const rows = await this.db
      .selectFrom('schedules')
      .selectAll()
      .where('enabled', '=', 1)
      .where('next_run', 'is not', null)
      .where('next_run', '<=', now)
      .orderBy('next_run')
      .execute();
    return rows.map(toSchedule);
  }

  async advanceSchedule(id: string, fired: string, next: string | null): Promise<boolean> {
    const result = await this.db
      .updateTable('schedules')
      .set({ next_run: next, last_run: fired, updated_at: this.now() })
      .where('id', '=', id)
      .where('next_run', '=', fired)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }
}
