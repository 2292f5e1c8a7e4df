// Sending what the outbox holds, at least once: a row is claimed for one attempt (its next_at
// moves to the end of a lease), sent, then marked sent. A sender that dies between sending and
// marking leaves the row to be sent again after the lease: receivers drop a delivery id they have
// seen. A row marked sent is never sent again.
import {
  defaultSettings,
  type NotificationEvent,
  type OutboxEntry,
} from '../../ports/notifications.ts';
import type { Store } from '../../ports/store.ts';
import { renderEmail, type Mailer } from './email.ts';
import { postWebhook } from './webhook.ts';

/** How long one attempt may take before the row is due again. */
export const LEASE_MS = 60_000;
export const MAX_ATTEMPTS = 8;

/** 30 s, 1 min, 2 min, … up to an hour between attempts. */
export function backoffMs(attempts: number): number {
  return Math.min(30_000 * 2 ** Math.max(0, attempts - 1), 3_600_000);
}

/** The channel went away (switched off, no address, no SMTP server): not worth retrying. */
export class Undeliverable extends Error {}

export interface Channels {
  readonly mailer: Mailer | undefined;
  readonly publicUrl: () => string;
}

/** Sends one message to a user now, by their current settings. */
export async function sendTo(
  store: Store,
  channels: Channels,
  username: string,
  channel: 'email' | 'webhook',
  id: string,
  event: NotificationEvent,
  nowMs: number,
): Promise<void> {
  const settings = (await store.notifications.settings(username)) ?? defaultSettings(username);
  if (channel === 'email') {
    if (channels.mailer === undefined) throw new Undeliverable('no SMTP server is configured');
    const user = await store.identity.getUser(username).catch(() => undefined);
    if (!settings.email_enabled) throw new Undeliverable('e-mail is switched off');
    if (!user?.email) throw new Undeliverable('the user has no e-mail address');
    await channels.mailer.send({ to: user.email, ...renderEmail(event, channels.publicUrl()) });
    return;
  }
  if (settings.webhook_url === null || settings.webhook_secret === null) {
    throw new Undeliverable('no webhook is configured');
  }
  await postWebhook({
    url: settings.webhook_url,
    secret: settings.webhook_secret,
    id,
    event,
    nowMs,
  });
}

/** One pass over the due rows. @returns how many were sent. */
export async function deliverDue(
  store: Store,
  channels: Channels,
  now: () => Date,
  log: (message: string) => void,
  limit = 50,
): Promise<number> {
  let sent = 0;
  for (const entry of await store.notifications.due(now().toISOString(), limit)) {
    const lease = new Date(now().getTime() + LEASE_MS).toISOString();
    if (!(await store.notifications.claim(entry.id, entry.next_at, lease))) continue;
    try {
      await deliverOne(store, channels, entry, now().getTime());
      await store.notifications.markSent(entry.id);
      sent += 1;
    } catch (error) {
      await recordFailure(store, entry, error, now, log);
    }
  }
  return sent;
}

async function deliverOne(
  store: Store,
  channels: Channels,
  entry: OutboxEntry,
  nowMs: number,
): Promise<void> {
  // Digest rows are never due (they wait `held`); a digest goes out as an e-mail row.
  const channel = entry.channel === 'webhook' ? 'webhook' : 'email';
  await sendTo(store, channels, entry.username, channel, entry.id, entry.event, nowMs);
}

async function recordFailure(
  store: Store,
  entry: OutboxEntry,
  error: unknown,
  now: () => Date,
  log: (message: string) => void,
): Promise<void> {
  const message = error instanceof Error ? error.message : String(error);
  const attempts = entry.attempts + 1;
  if (error instanceof Undeliverable) {
    await store.notifications.markUnsent(entry.id, message, null, 'dropped');
    log(`notification ${entry.id} (${entry.channel} to ${entry.username}) dropped: ${message}`);
    return;
  }
  if (attempts >= MAX_ATTEMPTS) {
    await store.notifications.markUnsent(entry.id, message, null, 'failed');
    log(`notification ${entry.id} (${entry.channel} to ${entry.username}) failed: ${message}`);
    return;
  }
  const next = new Date(now().getTime() + backoffMs(attempts)).toISOString();
  await store.notifications.markUnsent(entry.id, message, next);
  log(
    `notification ${entry.id} (${entry.channel} to ${entry.username}) attempt ${attempts} failed, again at ${next}: ${message}`,
  );
}
