// The append-only status history of a submission.
import { z } from 'zod';
import { SubmissionStatus } from './status.ts';
import type { TransitionResult } from './transition.ts';

export const StatusHistoryEntry = z.strictObject({
  status: SubmissionStatus,
  /** ISO 8601, UTC. */
  at: z.iso.datetime(),
  reason: z.string(),
});
export type StatusHistoryEntry = z.infer<typeof StatusHistoryEntry>;

/**
 * The history with `result` appended when it changed the status. Idempotent: a result whose
 * status is already the last entry's is not appended again, so replaying an event (after a crash,
 * or a duplicate from the engine) leaves the history as it was. Returns the same array when
 * nothing is appended.
 */
export function appendHistory(
  history: readonly StatusHistoryEntry[],
  result: TransitionResult,
  at: Date | number,
): readonly StatusHistoryEntry[] {
  if (!result.changed || history.at(-1)?.status === result.status) return history;
  return [
    ...history,
    { status: result.status, at: new Date(at).toISOString(), reason: result.reason },
  ];
}
