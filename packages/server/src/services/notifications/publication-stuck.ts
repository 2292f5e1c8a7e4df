// "publication_stuck" (docs/notifications.md, "Events"): a submission waits in Completed while its
// outputs are published (services/data/output-publisher.ts), and the publication can stop moving:
// a Rucio rule STUCK or SUSPENDED, or a step that keeps failing. That is a state, not a history
// entry, so the notifier looks at the publications of the submissions waiting in Completed at
// every look, and keeps in the store (a cursor, written with the outbox rows) which of them it has
// told about. So a restart tells nothing twice, and an episode that ends (the rule recovered, the
// step succeeded) and starts again is a new event with its own key.
import type { NotificationEvent } from '../../ports/notifications.ts';
import type { PublicationRecord } from '../../ports/publications.ts';
import type { Store } from '../../ports/store.ts';
import type { SubmissionRecord } from '../../ports/submissions.ts';

/**
 * A step failing this many times in a row is stuck. With the publisher's default backoff (10 s,
 * doubling) that is about 2.5 minutes of failing: a short outage retried away tells nobody.
 */
export const STUCK_AFTER_FAILURES = 5;

/** Rucio rule states no one but a person changes (services/data/rule-completion.ts: `stuck`). */
const STUCK_RULE_STATES = new Set(['STUCK', 'SUSPENDED']);

/** Per submission waiting in Completed: its stuck episodes so far, and whether one is going on. */
export type StuckMarks = Readonly<
  Record<string, { readonly episodes: number; readonly stuck: boolean }>
>;

/** What holds a publication that needs a person, or undefined when it moves (or is done). */
export function stuckReason(record: PublicationRecord): string | undefined {
  if (record.state === 'done') return undefined;
  const rules = record.rules.filter((rule) => STUCK_RULE_STATES.has(rule.state));
  if (rules.length > 0) {
    return rules
      .map(
        (rule) =>
          `rule ${rule.id} (${rule.copies} × ${rule.rse_expression}) is ${rule.state}` +
          (rule.error === undefined ? '' : `: ${rule.error}`),
      )
      .join('; ');
  }
  if (record.state === 'retrying' && record.failures >= STUCK_AFTER_FAILURES) {
    return `the last ${record.failures} attempts failed: ${record.detail}`;
  }
  return undefined;
}

export interface PublicationLook {
  readonly submission: SubmissionRecord;
  readonly record: PublicationRecord | null;
}

/**
 * The events of one look and the marks to keep. A submission no longer in `looks` (Located,
 * forced, removed) leaves the marks: it cannot wait for its publication again.
 */
export function stuckEvents(
  marks: StuckMarks,
  looks: readonly PublicationLook[],
): { events: NotificationEvent[]; marks: StuckMarks } {
  const events: NotificationEvent[] = [];
  const next: Record<string, { episodes: number; stuck: boolean }> = {};
  for (const { submission, record } of looks) {
    const id = submission.id;
    const before = marks[id];
    const reason = record === null ? undefined : stuckReason(record);
    if (reason === undefined || record === null) {
      if (before !== undefined) next[id] = { episodes: before.episodes, stuck: false };
      continue;
    }
    if (before?.stuck === true) {
      next[id] = before;
      continue;
    }
    const episode = (before?.episodes ?? 0) + 1;
    next[id] = { episodes: episode, stuck: true };
    events.push({
      key: `publication_stuck:${id}:${episode}`,
      kind: 'publication_stuck',
      experiment: submission.experiment,
      campaign_id: submission.campaign_id,
      campaign: submission.campaign,
      stage: submission.stage,
      submission_id: id,
      at: record.updated_at,
      reason,
      summary: `${submission.campaign}/${submission.stage}: submission ${id} waits in Completed, the publication of its outputs is stuck and a person must act: ${reason}`,
    });
  }
  return { events, marks: next };
}

/** The publications of the submissions waiting in Completed, as they are now. */
export async function lookAtPublications(store: Store): Promise<PublicationLook[]> {
  const waiting = (await store.submissions.unfinished()).filter((s) => s.status === 'Completed');
  const looks: PublicationLook[] = [];
  for (const submission of waiting) {
    looks.push({ submission, record: await store.publications.get(submission.id) });
  }
  return looks;
}

/** The same marks? (Kept only when they changed.) */
export function sameMarks(a: StuckMarks, b: StuckMarks): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((k) => a[k]?.episodes === b[k]?.episodes && a[k]?.stuck === b[k]?.stuck);
}
