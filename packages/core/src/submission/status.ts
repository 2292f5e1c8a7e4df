// Submission statuses, with POMS's own names so that people and scripts that know POMS read them
// unchanged (POMS-REFERENCE §2).
import { z } from 'zod';

export const SUBMISSION_STATUSES = [
  'New',
  'Cancelled',
  'LaunchFailed',
  'Awaiting Approval',
  'Approved',
  'Idle',
  'Running',
  'Held',
  'Failed',
  'Completed',
  'Located',
  'Removed',
] as const;
export const SubmissionStatus = z.enum(SUBMISSION_STATUSES);
export type SubmissionStatus = z.infer<typeof SubmissionStatus>;

/** Statuses nothing moves a submission out of. LaunchFailed is deliberately not one: slow launches recover. */
export const FINAL_STATUSES = [
  'Located',
  'Removed',
  'Failed',
  'Cancelled',
] as const satisfies readonly SubmissionStatus[];
export type FinalStatus = (typeof FINAL_STATUSES)[number];

const FINAL: ReadonlySet<SubmissionStatus> = new Set(FINAL_STATUSES);

export function isFinal(status: SubmissionStatus): status is FinalStatus {
  return FINAL.has(status);
}

/** Where a Completed submission may still go: its outputs are located, or it is removed. */
export const AFTER_COMPLETED = [
  'Located',
  'Removed',
] as const satisfies readonly SubmissionStatus[];
const ABOVE_COMPLETED: ReadonlySet<SubmissionStatus> = new Set(AFTER_COMPLETED);

/**
 * Whether the guards of POMS-REFERENCE §2 let a submission move from `from` to `to`: never out of a
 * final status, and from Completed only up (to Located or Removed). A move to the same status is
 * not a move; callers treat it as a duplicate.
 */
export function mayMove(from: SubmissionStatus, to: SubmissionStatus): boolean {
  if (from === to || isFinal(from)) return false;
  if (from === 'Completed') return ABOVE_COMPLETED.has(to);
  return true;
}
