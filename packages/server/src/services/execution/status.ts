// Moving a submission through the status machine (core's transition) and recording the move:
// compare-and-set in the store, so two writers never both move it, one history entry per move.
import { transition, type SubmissionEvent } from '@poms/core';
import type { StoreScope } from '../../ports/store.ts';
import type { SubmissionRecord } from '../../ports/submissions.ts';
import { asConfig } from './config.ts';

/** The new record when the event moved the submission; undefined when it did not apply. */
export async function applyEvent(
  store: StoreScope,
  submission: SubmissionRecord,
  event: SubmissionEvent,
): Promise<SubmissionRecord | undefined> {
  const config = asConfig(await store.submissions.config(submission.id));
  const result = transition(submission.status, event, {
    completionType: config.stage.completion.type,
    completionPct: config.stage.completion.pct,
    stageType: config.stage.type,
    isRecovery: submission.recovery_step !== null,
    heldByPerson: submission.held_by_person,
  });
  if (!result.changed) return undefined;
  return store.submissions.changeStatus(submission.id, {
    expected: submission.status,
    to: result.status,
    reason: result.reason,
    by: 'by' in event ? event.by : undefined,
    heldByPerson: event.kind === 'hold' || (result.status === 'Held' && submission.held_by_person),
  });
}
