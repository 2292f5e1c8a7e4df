// The notifier (docs/notifications.md): every few seconds it turns what happened since its
// cursors into outbox rows (the rows and the moved cursors commit together), queues the digests
// that are due, and sends what is due. Each step works from the store alone, so a notifier
// stopped between two steps, or a second one on the same store, sends each message once.
import type { HeldCursor, HistoryCursor, NotificationEvent } from '../../ports/notifications.ts';
import type { Store } from '../../ports/store.ts';
import { deliverDue, sendTo, Undeliverable, type Channels } from './deliver.ts';
import { detectEvents } from './detect.ts';
import { queueDigests } from './digest.ts';
import type { Mailer } from './email.ts';
import { outboxEntriesOf } from './fanout.ts';
import {
  lookAtPublications,
  sameMarks,
  stuckEvents,
  type StuckMarks,
} from './publication-stuck.ts';

const HISTORY_CURSOR = 'history';
const HELD_CURSOR = 'held_launches';
/** Which submissions' publications were told stuck (publication-stuck.ts). */
const STUCK_CURSOR = 'publications_stuck';

export interface NotifierOptions {
  readonly store: Store;
  readonly now: () => Date;
  /** Undefined: no SMTP server, so no e-mail is queued. */
  readonly mailer?: Mailer | undefined;
  /** The web app's address, for links in messages. */
  readonly publicUrl: () => string;
  /** Between two looks. Default 5 s. */
  readonly intervalMs?: number | undefined;
  /** History younger than this waits for the next look. Default 2 s. */
  readonly settleMs?: number | undefined;
  /** Longest wait for the finisher's decision on a finished submission. Default 5 min. */
  readonly finisherWaitMs?: number | undefined;
  readonly log?: ((message: string) => void) | undefined;
}

export type TestOutcome = 'sent' | 'not configured' | { error: string };

export class Notifier {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly options: NotifierOptions) {}

  private get store(): Store {
    return this.options.store;
  }

  private get channels(): Channels {
    return { mailer: this.options.mailer, publicUrl: this.options.publicUrl };
  }

  private log(message: string): void {
    this.options.log?.(message);
  }

  start(): void {
    this.stopped = false;
    const loop = () => {
      if (this.stopped) return;
      this.running = this.tick()
        .catch((error: unknown) => this.log(`notifier: ${String(error)}`))
        .finally(() => {
          this.running = undefined;
          if (!this.stopped) this.timer = setTimeout(loop, this.options.intervalMs ?? 5000).unref();
        });
    };
    this.timer = setTimeout(loop, 0).unref();
  }

  /** Stops looking; waits for a look under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    this.options.mailer?.close();
  }

  /** One look: detect, digest, deliver. */
  async tick(): Promise<void> {
    await this.detect();
    await queueDigests(this.store, this.options.now());
    await this.deliver();
  }

  /** Turns new history and newly stuck publications into outbox rows. @returns the rows added. */
  async detect(): Promise<number> {
    const now = this.options.now();
    const cursors = await this.cursors(now);
    const found = await detectEvents(this.store, cursors, now, {
      settleMs: this.options.settleMs ?? 2000,
      finisherWaitMs: this.options.finisherWaitMs ?? 300_000,
      limit: 500,
    });
    const stuck = stuckEvents(cursors.stuck, await lookAtPublications(this.store));
    const marked = !sameMarks(stuck.marks, cursors.stuck);
    const moved = found.history !== cursors.history || found.held !== cursors.held;
    if (!moved && !marked && !cursors.fresh) return 0;
    const email = this.options.mailer !== undefined;
    return this.store.transaction(async (tx) => {
      let added = 0;
      for (const event of [...found.events, ...stuck.events]) {
        added += (await tx.notifications.enqueue(await outboxEntriesOf(tx, event, { email })))
          .length;
      }
      await tx.notifications.setCursor(HISTORY_CURSOR, JSON.stringify(found.history));
      await tx.notifications.setCursor(HELD_CURSOR, JSON.stringify(found.held));
      // With the rows: a stop before this commit tells again, one after it never does.
      if (marked) await tx.notifications.setCursor(STUCK_CURSOR, JSON.stringify(stuck.marks));
      return added;
    });
  }

  deliver(): Promise<number> {
    return deliverDue(this.store, this.channels, this.options.now, (m) => this.log(m));
  }

  /** Sends a test message to the user's channels now (not through the outbox). */
  async sendTest(username: string): Promise<{ email: TestOutcome; webhook: TestOutcome }> {
    const now = this.options.now();
    const event: NotificationEvent = {
      key: `test:${username}:${now.toISOString()}`,
      kind: 'test',
      experiment: '',
      campaign_id: '',
      campaign: '',
      stage: null,
      submission_id: null,
      at: now.toISOString(),
      summary: `A test message from POMS for ${username}: notifications reach you here.`,
    };
    const attempt = async (channel: 'email' | 'webhook'): Promise<TestOutcome> => {
      try {
        const id = `ntf_test_${now.getTime()}`;
        await sendTo(this.store, this.channels, username, channel, id, event, now.getTime());
        return 'sent';
      } catch (error) {
        if (error instanceof Undeliverable) return 'not configured';
        return { error: error instanceof Error ? error.message : String(error) };
      }
    };
    return { email: await attempt('email'), webhook: await attempt('webhook') };
  }

  /** The stored cursors; on the very first look, now (old history is not news). */
  private async cursors(
    now: Date,
  ): Promise<{ history: HistoryCursor; held: HeldCursor; stuck: StuckMarks; fresh: boolean }> {
    const start = now.toISOString();
    const history = await this.store.notifications.cursor(HISTORY_CURSOR);
    const held = await this.store.notifications.cursor(HELD_CURSOR);
    // None yet: a publication already stuck is told at the first look (it still needs a person).
    const stuck = await this.store.notifications.cursor(STUCK_CURSOR);
    return {
      stuck: stuck === undefined ? {} : (JSON.parse(stuck) as StuckMarks),
      history:
        history === undefined
          ? { at: start, submission_id: '', seq: -1 }
          : (JSON.parse(history) as HistoryCursor),
      held: held === undefined ? { created_at: start, id: '' } : (JSON.parse(held) as HeldCursor),
      // Kept at once, or what happens before the first event would never be looked at.
      fresh: history === undefined || held === undefined,
    };
  }
}
