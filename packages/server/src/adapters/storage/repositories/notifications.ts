import type { Kysely, Selectable } from 'kysely';
import { FINAL_STATUSES, type Clock, type SubmissionStatus } from '@poms/core';
import {
  defaultSettings,
  type DigestMode,
  type HeldCursor,
  type HistoryCursor,
  type NewOutboxEntry,
  type NotifiableHistoryEntry,
  type NotificationEvent,
  type NotificationRepository,
  type NotificationSettingsPatch,
  type NotificationSettingsRecord,
  type OutboxChannel,
  type OutboxEntry,
  type OutboxState,
  type QueuedHeldLaunch,
} from '../../../ports/notifications.ts';
import type { Database, NotificationOutboxTable, NotificationSettingsTable } from '../schema.ts';

function toSettings(row: Selectable<NotificationSettingsTable>): NotificationSettingsRecord {
  return {
    username: row.username,
    email_enabled: row.email_enabled === 1,
    webhook_url: row.webhook_url,
    webhook_secret: row.webhook_secret,
    digest: row.digest as DigestMode,
    failure_threshold: Number(row.failure_threshold),
    updated_at: row.updated_at,
  };
}

function toEntry(row: Selectable<NotificationOutboxTable>): OutboxEntry {
  return {
    id: row.id,
    username: row.username,
    channel: row.channel as OutboxChannel,
    event: JSON.parse(row.event) as NotificationEvent,
    state: row.state as OutboxState,
    attempts: Number(row.attempts),
    next_at: row.next_at,
    sent_at: row.sent_at,
    error: row.error,
    created_at: row.created_at,
  };
}

export class KyselyNotificationRepository implements NotificationRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
  ) {}

  private now(): string {
    return this.clock.now().toISOString();
  }

  async settings(username: string): Promise<NotificationSettingsRecord | undefined> {
    const row = await this.db
      .selectFrom('notification_settings')
      .selectAll()
      .where('username', '=', username)
      .executeTakeFirst();
    return row === undefined ? undefined : toSettings(row);
  }

  async saveSettings(
    username: string,
    patch: NotificationSettingsPatch,
  ): Promise<NotificationSettingsRecord> {
    const before = (await this.settings(username)) ?? defaultSettings(username);
    const row = {
      username,
      email_enabled: (patch.emailEnabled ?? before.email_enabled) ? 1 : 0,
      webhook_url: patch.webhookUrl === undefined ? before.webhook_url : patch.webhookUrl,
      webhook_secret:
        patch.webhookSecret === undefined ? before.webhook_secret : patch.webhookSecret,
      digest: patch.digest ?? before.digest,
      failure_threshold: patch.failureThreshold ?? before.failure_threshold,
      updated_at: this.now(),
    };
    await this.db
      .insertInto('notification_settings')
      .values(row)
      .onConflict((oc) =>
        oc.column('username').doUpdateSet({
          email_enabled: row.email_enabled,
          webhook_url: row.webhook_url,
          webhook_secret: row.webhook_secret,
          digest: row.digest,
          failure_threshold: row.failure_threshold,
          updated_at: row.updated_at,
        }),
      )
      .execute();
    return toSettings(row);
  }

  async historyAfter(
    after: HistoryCursor | null,
    until: string,
    limit: number,
  ): Promise<NotifiableHistoryEntry[]> {
    let query = this.db
      .selectFrom('submission_history as h')
      .innerJoin('submissions as s', 's.id', 'h.submission_id')
      .select([
        'h.at',
        'h.submission_id',
        'h.seq',
        'h.status',
        'h.reason',
        's.experiment',
        's.campaign_id',
        's.campaign',
        's.stage',
      ])
      .where('h.at', '<=', until);
    if (after !== null) {
      query = query.where((eb) =>
        eb.or([
          eb('h.at', '>', after.at),
          eb.and([
            eb('h.at', '=', after.at),
            eb.or([
              eb('h.submission_id', '>', after.submission_id),
              eb.and([
                eb('h.submission_id', '=', after.submission_id),
                eb('h.seq', '>', after.seq),
              ]),
            ]),
          ]),
        ]),
      );
    }
    const rows = await query
      .orderBy('h.at')
      .orderBy('h.submission_id')
      .orderBy('h.seq')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ ...r, seq: Number(r.seq), status: r.status as SubmissionStatus }));
  }

  async heldLaunchesAfter(
    after: HeldCursor | null,
    until: string,
    limit: number,
  ): Promise<QueuedHeldLaunch[]> {
    let query = this.db
      .selectFrom('held_launches')
      .select(['created_at', 'id', 'experiment', 'campaign_id', 'stage', 'by'])
      .where('created_at', '<=', until);
    if (after !== null) {
      query = query.where((eb) =>
        eb.or([
          eb('created_at', '>', after.created_at),
          eb.and([eb('created_at', '=', after.created_at), eb('id', '>', after.id)]),
        ]),
      );
    }
    return query.orderBy('created_at').orderBy('id').limit(limit).execute();
  }

  async campaignState(
    campaignId: string,
  ): Promise<{ open: number; last_status_at: string | null }> {
    const row = await this.db
      .selectFrom('submissions')
      .select((eb) => [
        eb.fn.max('status_at').as('last'),
        eb.fn
          .sum<number | string>(
            eb
              .case()
              .when('status', 'not in', [...FINAL_STATUSES])
              .then(1)
              .else(0)
              .end(),
          )
          .as('open'),
      ])
      .where('campaign_id', '=', campaignId)
      .executeTakeFirst();
    return { open: Number(row?.open ?? 0), last_status_at: row?.last ?? null };
  }

  async campaignWatchers(campaignId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('watches')
      .select('username')
      .distinct()
      .where('campaign_id', '=', campaignId)
      .orderBy('username')
      .execute();
    return rows.map((r) => r.username);
  }

  async cursor(name: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('notifier_cursors')
      .select('value')
      .where('name', '=', name)
      .executeTakeFirst();
    return row?.value;
  }

  async setCursor(name: string, value: string): Promise<void> {
    const updated_at = this.now();
    await this.db
      .insertInto('notifier_cursors')
      .values({ name, value, updated_at })
      .onConflict((oc) => oc.column('name').doUpdateSet({ value, updated_at }))
      .execute();
  }

  async enqueue(entries: readonly NewOutboxEntry[]): Promise<string[]> {
    const added: string[] = [];
    const now = this.now();
    for (const entry of entries) {
      const result = await this.db
        .insertInto('notification_outbox')
        .values({
          id: entry.id,
          username: entry.username,
          channel: entry.channel,
          event: JSON.stringify(entry.event),
          state: entry.state,
          attempts: 0,
          next_at: now,
          sent_at: null,
          error: null,
          created_at: now,
        })
        .onConflict((oc) => oc.column('id').doNothing())
        .returning('id')
        .executeTakeFirst();
      if (result !== undefined) added.push(entry.id);
    }
    return added;
  }

  async due(now: string, limit: number): Promise<OutboxEntry[]> {
    const rows = await this.db
      .selectFrom('notification_outbox')
      .selectAll()
      .where('state', '=', 'pending')
      .where('next_at', '<=', now)
      .orderBy('next_at')
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map(toEntry);
  }

  async claim(id: string, seenNextAt: string, leaseUntil: string): Promise<boolean> {
    const result = await this.db
      .updateTable('notification_outbox')
      .set((eb) => ({ next_at: leaseUntil, attempts: eb('attempts', '+', 1) }))
      .where('id', '=', id)
      .where('state', '=', 'pending')
      .where('next_at', '=', seenNextAt)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async markSent(id: string): Promise<void> {
    await this.db
      .updateTable('notification_outbox')
      .set({ state: 'sent', sent_at: this.now(), error: null })
      .where('id', '=', id)
      .execute();
  }

  async markUnsent(
    id: string,
    error: string,
    nextAt: string | null,
    state: 'failed' | 'dropped' = 'failed',
  ): Promise<void> {
    await this.db
      .updateTable('notification_outbox')
      .set(
        nextAt === null
          ? { state, error: error.slice(0, 1000) }
          : { next_at: nextAt, error: error.slice(0, 1000) },
      )
      .where('id', '=', id)
      .execute();
  }

  async heldBefore(before: string, limit: number): Promise<OutboxEntry[]> {
    const rows = await this.db
      .selectFrom('notification_outbox')
      .selectAll()
      .where('state', '=', 'held')
      .where('created_at', '<', before)
      .orderBy('created_at')
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map(toEntry);
  }

  async markDigested(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.db
      .updateTable('notification_outbox')
      .set({ state: 'digested', sent_at: this.now() })
      .where('id', 'in', [...ids])
      .where('state', '=', 'held')
      .execute();
  }

  async outbox(filter: { username?: string; limit?: number } = {}): Promise<OutboxEntry[]> {
    let query = this.db.selectFrom('notification_outbox').selectAll();
    if (filter.username !== undefined) query = query.where('username', '=', filter.username);
    const rows = await query
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(filter.limit ?? 1000)
      .execute();
    return rows.map(toEntry);
  }
}
