// Events out of the store (docs/notifications.md, "Events"): the submission history and the
// held-launch queue are read after persisted cursors, so what happened while the server was down
// is still seen once it is up, and nothing is seen twice. An event's key names the happening, so
// even a re-read makes the same outbox rows (which the outbox keeps once). A stuck publication is
// a state, not a history entry: publication-stuck.ts.
import { FINAL_STATUSES } from '@poms/core';
import type {
  HeldCursor,
  HistoryCursor,
  NotifiableHistoryEntry,
  NotificationEvent,
  QueuedHeldLaunch,
} from '../../ports/notifications.ts';
import type { Store } from '../../ports/store.ts';

const FINAL = new Set<string>(FINAL_STATUSES);

export interface DetectOptions {
  /** Entries younger than this are left for the next look: a slower writer may still commit one before them. */
  readonly settleMs: number;
  /**
   * A finished submission whose finisher has not decided yet (recovery, dependents) is waited
   * for, so "recovery exhausted" and "campaign finished" see the decision; at most this long.
   */
  readonly finisherWaitMs: number;
  readonly limit: number;
}

export interface Detected {
  readonly events: NotificationEvent[];
  /** Where the next look starts; unchanged when nothing was read. */
  readonly history: HistoryCursor;
  readonly held: HeldCursor;
}

/** The events after the cursors, as of `now`. */
export async function detectEvents(
  store: Store,
  cursors: { history: HistoryCursor; held: HeldCursor },
  now: Date,
  options: DetectOptions,
): Promise<Detected> {
  const until = new Date(now.getTime() - options.settleMs).toISOString();
  const events: NotificationEvent[] = [];
  let history = cursors.history;
  const entries = await store.notifications.historyAfter(history, until, options.limit);
  for (const entry of entries) {
    const found = await historyEvents(store, entry, now, options);
    if (found === 'wait') break;
    events.push(...found);
    history = { at: entry.at, submission_id: entry.submission_id, seq: entry.seq };
  }
  let held = cursors.held;
  for (const queued of await store.notifications.heldLaunchesAfter(held, until, options.limit)) {
    events.push(await heldEvent(store, queued));
    held = { created_at: queued.created_at, id: queued.id };
  }
  return { events, history, held };
}

function base(entry: NotifiableHistoryEntry) {
  return {
    experiment: entry.experiment,
    campaign_id: entry.campaign_id,
    campaign: entry.campaign,
    stage: entry.stage,
    submission_id: entry.submission_id,
    at: entry.at,
  };
}

async function historyEvents(
  store: Store,
  entry: NotifiableHistoryEntry,
  now: Date,
  options: DetectOptions,
): Promise<NotificationEvent[] | 'wait'> {
  const id = entry.submission_id;
  if (entry.status === 'LaunchFailed') {
    return [
      {
        ...base(entry),
        key: `launch_failed:${id}`,
        kind: 'launch_failed',
        summary: `${entry.campaign}/${entry.stage}: submission ${id} could not be launched: ${entry.reason}`,
      },
    ];
  }
  if (!FINAL.has(entry.status)) return [];
  const submission = await store.submissions.get(id);
  const waited = now.getTime() - Date.parse(entry.at);
  if (!submission.progressed && waited < options.finisherWaitMs) return 'wait';

  const events: NotificationEvent[] = [];
  const where = `${entry.campaign}/${entry.stage}`;
  if (entry.status === 'Located' || entry.status === 'Failed') {
    const stats = await store.submissions.statistics(id);
    if (entry.status === 'Located') {
      events.push({
        ...base(entry),
        key: `stage_located:${id}`,
        kind: 'stage_located',
        summary: `${where}: submission ${id} is Located (${stats.consumed} of ${stats.delivered} file(s) consumed, ${stats.located_outputs} output(s) located)`,
      });
    }
    if (stats.delivered > 0 && stats.failed > 0) {
      const rate = stats.failed / stats.delivered;
      events.push({
        ...base(entry),
        key: `failure_rate:${id}`,
        kind: 'failure_rate',
        failure_rate: rate,
        summary: `${where}: ${stats.failed} of ${stats.delivered} file(s) failed (${(rate * 100).toFixed(1)} %) in ${id}`,
      });
    }
    const failedLeft = stats.failed > 0 || entry.status === 'Failed';
    const recovered = await store.submissions.findByLaunchKey(entry.experiment, `recovery:${id}`);
    if (failedLeft && submission.progressed && recovered === undefined) {
      events.push({
        ...base(entry),
        key: `recovery_exhausted:${id}`,
        kind: 'recovery_exhausted',
        summary: `${where}: no recovery left after ${id} (${entry.status}); ${stats.failed} file(s) still failed`,
      });
    }
  }
  const campaign = await store.notifications.campaignState(entry.campaign_id);
  if (campaign.open === 0) {
    events.push({
      ...base(entry),
      stage: null,
      submission_id: null,
      // Two submissions finishing together see the same newest change: one event.
      key: `campaign_finished:${entry.campaign_id}:${campaign.last_status_at ?? entry.at}`,
      kind: 'campaign_finished',
      summary: `${entry.campaign}: no submission left to run (the last, ${id} of ${entry.stage}, is ${entry.status})`,
    });
  }
  return events;
}

async function heldEvent(store: Store, queued: QueuedHeldLaunch): Promise<NotificationEvent> {
  let campaign = queued.campaign_id;
  try {
    campaign = (await store.campaigns.getById(queued.campaign_id as never)).name;
  } catch {
    // A campaign deleted since: its id still says which one it was.
  }
  return {
    key: `held_launch_queued:${queued.id}`,
    kind: 'held_launch_queued',
    experiment: queued.experiment,
    campaign_id: queued.campaign_id,
    campaign,
    stage: queued.stage,
    submission_id: null,
    at: queued.created_at,
    summary: `${campaign}/${queued.stage}: a launch by ${queued.by} is held and queued (${queued.id}); it runs when the hold is released`,
  };
}
