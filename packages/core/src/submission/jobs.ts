// The job-count view that drives a launched submission's status (POMS-REFERENCE §2), applied in
// POMS's order. Pure: the poller counts the jobs, this decides what the counts mean.
import { z } from 'zod';
import type { SubmissionStatus } from './status.ts';

const Count = z.number().int().nonnegative();

/**
 * How many of a submission's jobs are in each state. `total` counts every job, including ones the
 * engine has not yet placed in any of these states, so the states may sum to less than `total`.
 */
export const JobCounts = z
  .strictObject({
    total: Count,
    idle: Count,
    running: Count,
    held: Count,
    completed: Count,
    failed: Count,
    cancelled: Count,
  })
  .refine((c) => c.idle + c.running + c.held + c.completed + c.failed + c.cancelled <= c.total, {
    message: 'the job states add up to more than total',
  });
export type JobCounts = z.infer<typeof JobCounts>;

export interface JobRules {
  /** 0–100: Running becomes Completed once this share of the jobs is done. */
  readonly completionPct: number;
  /** Recovery submissions are recorded Completed instead of Failed, as in POMS. */
  readonly isRecovery: boolean;
}

/** The statuses job counts can give. */
export type JobStatus = Extract<
  SubmissionStatus,
  'Failed' | 'Cancelled' | 'Completed' | 'Held' | 'Idle' | 'Running'
>;

export interface JobVerdict {
  readonly status: JobStatus;
  readonly reason: string;
}

/** Jobs that will not run again: completed, failed or cancelled. */
export function doneJobs(counts: JobCounts): number {
  return counts.completed + counts.failed + counts.cancelled;
}

/**
 * The status the counts give, with why; `undefined` when they give none: no jobs at all (the engine
 * has not reported any yet, so the submission stays as it is), or jobs in none of the states
 * counted here (likewise). A sum of states above `total` (which JobCounts refuses) is read as the
 * sum, so that shares never exceed 100 %.
 */
export function statusFromJobs(counts: JobCounts, rules: JobRules): JobVerdict | undefined {
  const { idle, running, held, failed, cancelled } = counts;
  const total = Math.max(counts.total, idle + running + held + doneJobs(counts));
  if (total === 0) return undefined;
  const done = doneJobs(counts);
  // Compared as integers (2·failed > total) so that "more than half" has no rounding edge.
  const failedMajority = failed * 2 > total;

  if (done === total) {
    if (failedMajority) {
      return rules.isRecovery
        ? {
            status: 'Completed',
            reason: `all ${total} jobs done, ${failed} failed; a recovery is recorded Completed, not Failed`,
          }
        : { status: 'Failed', reason: `all ${total} jobs done, ${failed} failed (more than half)` };
    }
    if (cancelled === total) return { status: 'Cancelled', reason: `all ${total} jobs cancelled` };
    return { status: 'Completed', reason: `all ${total} jobs done` };
  }
  if (held > 0) return { status: 'Held', reason: `${held} of ${total} jobs held` };
  if (running === 0 && idle > 0) {
    return { status: 'Idle', reason: `${idle} of ${total} jobs idle, none running` };
  }
  if (running > 0) {
    // Early completion (done/total ≥ pct, compared without division). Not when more than half
    // have already failed: failures only grow, so such a submission is bound to end Failed, and
    // calling it Completed first would hide that (Completed never moves back).
    if (done * 100 >= rules.completionPct * total && (!failedMajority || rules.isRecovery)) {
      return {
        status: 'Completed',
        reason: `${done} of ${total} jobs done, reaching ${rules.completionPct} %`,
      };
    }
    return { status: 'Running', reason: `${running} of ${total} jobs running` };
  }
  return undefined;
}
