// Who gets an event, on which channels: the watchers of its stage (or, for campaign-wide
// events, of the campaign or any of its stages), each by their settings. Every row's id is
// derived from (event, user, channel), so making the rows again adds nothing.
import { createHash } from 'node:crypto';
import {
  defaultSettings,
  type NewOutboxEntry,
  type NotificationEvent,
  type OutboxChannel,
} from '../../ports/notifications.ts';
import type { StoreScope } from '../../ports/store.ts';

/** The outbox id (and X-Poms-Delivery) of an event for a user on a channel. */
export function outboxId(eventKey: string, username: string, channel: OutboxChannel): string {
  const digest = createHash('sha256').update(`${eventKey}\n${username}\n${channel}`).digest('hex');
  return `ntf_${digest.slice(0, 32)}`;
}

export async function recipientsOf(store: StoreScope, event: NotificationEvent): Promise<string[]> {
  return event.stage === null
    ? store.notifications.campaignWatchers(event.campaign_id)
    : store.watches.watchers(event.campaign_id, event.stage);
}

/** The outbox rows of an event; `email` false when no SMTP server is configured. */
export async function outboxEntriesOf(
  store: StoreScope,
  event: NotificationEvent,
  channels: { email: boolean },
): Promise<NewOutboxEntry[]> {
  const entries: NewOutboxEntry[] = [];
  for (const username of await recipientsOf(store, event)) {
    const settings = (await store.notifications.settings(username)) ?? defaultSettings(username);
    if (
      event.kind === 'failure_rate' &&
      !((event.failure_rate ?? 0) > settings.failure_threshold)
    ) {
      continue;
    }
    const user = await store.identity.getUser(username).catch(() => undefined);
    if (user === undefined || !user.active) continue;
    if (channels.email && settings.email_enabled && user.email) {
      const channel = settings.digest === 'daily' ? 'digest' : 'email';
      entries.push({
        id: outboxId(event.key, username, channel),
        username,
        channel,
        event,
        state: channel === 'digest' ? 'held' : 'pending',
      });
    }
    if (settings.webhook_url !== null && settings.webhook_secret !== null) {
      entries.push({
        id: outboxId(event.key, username, 'webhook'),
        username,
        channel: 'webhook',
        event,
        state: 'pending',
      });
    }
  }
  return entries;
}
