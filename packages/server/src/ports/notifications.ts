/**
 * Notifications kept in the store (docs/notifications.md): each user's settings, the delivery
 * outbox (one row per event, user and channel, keyed so a row is never made twice), and the
 * notifier's cursors over the submission history and the held-launch queue. The notifier reads
 * events from the store rather than from memory so a restart neither loses nor repeats one.
 */
import type { SubmissionStatus } from '@poms/core';

export const NOTIFICATION_EVENT_KINDS = [
  'stage_located',
  'campaign_finished',
  'recovery_exhausted',
  'failure_rate',
  'launch_failed',
  'held_launch_queued',
  'publication_stuck',
  'daily_digest',
  'test',
] as const;
export type NotificationEventKind = (typeof NOTIFICATION_EVENT_KINDS)[number];

/** What happened, as sent (the webhook body's `event`, the e-mail's subject and lines). */
export interface NotificationEvent {
  /** Names the event once: the same happening always gets the same key. */
  readonly key: string;
  readonly kind: NotificationEventKind;
  readonly experiment: string;
  readonly campaign_id: string;
  readonly campaign: string;
  /** Null for campaign-wide events. */
  readonly stage: string | null;
  readonly submission_id: string | null;
  /** When it happened (ISO 8601 UTC). */
  readonly at: string;
  /** One line for people. */
  readonly summary: string;
  /** publication_stuck: what holds the outputs (Rucio's error, or the failing step's). */
  readonly reason?: string | undefined;
  /** failure_rate: failed / delivered files of the submission (0..1). */
  readonly failure_rate?: number | undefined;
  /** daily_digest: the day's events. */
  readonly items?: readonly NotificationEvent[] | undefined;
}

export const DIGEST_MODES = ['immediate', 'daily'] as const;
export type DigestMode = (typeof DIGEST_MODES)[number];

/** A user's settings. The webhook secret is here because signing needs it: never show it. */
export interface NotificationSettingsRecord {
  readonly username: string;
  readonly email_enabled: boolean;
  readonly webhook_url: string | null;
  readonly webhook_secret: string | null;
  readonly digest: DigestMode;
  /** failure_rate events fire above this fraction (0..1). */
  readonly failure_threshold: number;
  readonly updated_at: string | null;
}

/** Fields to change; absent ones keep their value, null clears a webhook field. */
export interface NotificationSettingsPatch {
  readonly emailEnabled?: boolean | undefined;
  readonly webhookUrl?: string | null | undefined;
  readonly webhookSecret?: string | null | undefined;
  readonly digest?: DigestMode | undefined;
  readonly failureThreshold?: number | undefined;
}

export const DEFAULT_FAILURE_THRESHOLD = 0.1;

/** What a user without stored settings gets. */
export function defaultSettings(username: string): NotificationSettingsRecord {
  return {
    username,
    email_enabled: true,
    webhook_url: null,
    webhook_secret: null,
    digest: 'immediate',
    failure_threshold: DEFAULT_FAILURE_THRESHOLD,
    updated_at: null,
  };
}

/** `digest` rows wait (state `held`) for the day's digest e-mail. */
export const OUTBOX_CHANNELS = ['email', 'webhook', 'digest'] as const;
export type OutboxChannel = (typeof OUTBOX_CHANNELS)[number];

/**
 * pending: to send (at next_at); sent: done; failed: gave up after the last attempt; dropped:
 * the channel was switched off before it went; held: waits for the digest; digested: went in one.
 */
export const OUTBOX_STATES = ['pending', 'sent', 'failed', 'dropped', 'held', 'digested'] as const;
export type OutboxState = (typeof OUTBOX_STATES)[number];

export interface OutboxEntry {
  /** Derived from (event key, user, channel): the idempotency key and the X-Poms-Delivery id. */
  readonly id: string;
  readonly username: string;
  readonly channel: OutboxChannel;
  readonly event: NotificationEvent;
  readonly state: OutboxState;
  readonly attempts: number;
  readonly next_at: string;
  readonly sent_at: string | null;
  readonly error: string | null;
  readonly created_at: string;
}

export interface NewOutboxEntry {
  readonly id: string;
  readonly username: string;
  readonly channel: OutboxChannel;
  readonly event: NotificationEvent;
  readonly state: 'pending' | 'held';
}

/** A position in the submission history: entries strictly after it are new. */
export interface HistoryCursor {
  readonly at: string;
  readonly submission_id: string;
  readonly seq: number;
}

/** A history entry with what the notifier needs of its submission. */
export interface NotifiableHistoryEntry extends HistoryCursor {
  readonly status: SubmissionStatus;
  readonly reason: string;
  readonly experiment: string;
  readonly campaign_id: string;
  readonly campaign: string;
  readonly stage: string;
}

/** A position in the held-launch queue. */
export interface HeldCursor {
  readonly created_at: string;
  readonly id: string;
}

export interface QueuedHeldLaunch extends HeldCursor {
  readonly experiment: string;
  readonly campaign_id: string;
  readonly stage: string;
  readonly by: string;
}

export interface NotificationRepository {
  /** Undefined when the user never saved any (use defaultSettings). */
  settings(username: string): Promise<NotificationSettingsRecord | undefined>;
  saveSettings(
    username: string,
    patch: NotificationSettingsPatch,
  ): Promise<NotificationSettingsRecord>;

  /** History entries after `after` (all when null) and at or before `until`, oldest first. */
  historyAfter(
    after: HistoryCursor | null,
    until: string,
    limit: number,
  ): Promise<NotifiableHistoryEntry[]>;
  /** Held launches queued after `after` and at or before `until`, oldest first. */
  heldLaunchesAfter(
    after: HeldCursor | null,
    until: string,
    limit: number,
  ): Promise<QueuedHeldLaunch[]>;
  /** A campaign's submissions not in a final status, and the newest status change among all. */
  campaignState(campaignId: string): Promise<{ open: number; last_status_at: string | null }>;
  /** Everyone watching the campaign or any of its stages. */
  campaignWatchers(campaignId: string): Promise<string[]>;

  /** A named cursor's JSON text; undefined before the first setCursor. */
  cursor(name: string): Promise<string | undefined>;
  setCursor(name: string, value: string): Promise<void>;

  /** Adds entries; an id already there is left as it is. @returns the ids added. */
  enqueue(entries: readonly NewOutboxEntry[]): Promise<string[]>;
  /** Pending entries whose next_at has come, oldest first. */
  due(now: string, limit: number): Promise<OutboxEntry[]>;
  /**
   * Takes a due entry for one attempt: counts the attempt and moves next_at to `leaseUntil`, so
   * nobody else sends it meanwhile; if the sender dies, it is due again then. False when someone
   * else took it first (its next_at is not `seenNextAt` any more) or it is not pending.
   */
  claim(id: string, seenNextAt: string, leaseUntil: string): Promise<boolean>;
  markSent(id: string): Promise<void>;
  /** Another attempt at `nextAt`, or none (`failed`/`dropped`) when nextAt is null. */
  markUnsent(
    id: string,
    error: string,
    nextAt: string | null,
    state?: 'failed' | 'dropped',
  ): Promise<void>;
  /** Held digest rows made before `before`, oldest first. */
  heldBefore(before: string, limit: number): Promise<OutboxEntry[]>;
  markDigested(ids: readonly string[]): Promise<void>;
  /** Entries, newest first (inspection and tests). */
  outbox(filter?: { username?: string; limit?: number }): Promise<OutboxEntry[]>;
}
