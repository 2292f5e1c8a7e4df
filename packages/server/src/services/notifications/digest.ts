// Daily digests: a user who asked for one gets their e-mail events held (`held` rows) and, on
// the first look after midnight UTC, one e-mail listing every event held before that midnight.
// The digest row and the end of the held rows commit together, so each event is in one digest.
import type { NotificationEvent, OutboxEntry } from '../../ports/notifications.ts';
import type { Store } from '../../ports/store.ts';
import { outboxId } from './fanout.ts';

/** Midnight UTC that begins `now`'s day. */
export function dayStart(now: Date): string {
  return new Date(
    Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()),
  ).toISOString();
}

/** Makes the digests due at `now`. @returns how many digest e-mails were queued. */
export async function queueDigests(store: Store, now: Date, limit = 1000): Promise<number> {
  const before = dayStart(now);
  const held = await store.notifications.heldBefore(before, limit);
  const byUser = new Map<string, OutboxEntry[]>();
  for (const entry of held)
    byUser.set(entry.username, [...(byUser.get(entry.username) ?? []), entry]);
  let queued = 0;
  for (const [username, entries] of byUser) {
    const first = entries[0];
    if (first === undefined) continue;
    const items = entries.map((e) => e.event);
    // The first held row names the digest: a second batch of the same day makes a second one.
    const key = `daily_digest:${username}:${before.slice(0, 10)}:${first.id}`;
    const digest: NotificationEvent = {
      key,
      kind: 'daily_digest',
      experiment: first.event.experiment,
      campaign_id: '',
      campaign: '',
      stage: null,
      submission_id: null,
      at: now.toISOString(),
      summary: `${items.length} event(s) in the campaigns you watch before ${before}:`,
      items,
    };
    await store.transaction(async (tx) => {
      await tx.notifications.enqueue([
        {
          id: outboxId(key, username, 'email'),
          username,
          channel: 'email',
          event: digest,
          state: 'pending',
        },
      ]);
      await tx.notifications.markDigested(entries.map((e) => e.id));
    });
    queued += 1;
  }
  return queued;
}
