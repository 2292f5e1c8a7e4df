// The submission status machine: one event in, the next status out, with POMS's guards
// (POMS-REFERENCE §2) and without its faults (§10). Driven by events, not by periodic sweeps, and
// idempotent, so that replayed or duplicated events (a crash, an engine repeating itself) change
// nothing.
import type { CompletionType, StageType } from '../campaign/model.ts';
import { completionReached } from './completion.ts';
import { statusFromJobs, type JobCounts, type JobRules } from './jobs.ts';
import { isFinal, mayMove, type SubmissionStatus } from './status.ts';

/** POMS's limit: a submission still New after 4 h with no batch job is LaunchFailed (§11). */
export const DEFAULT_LAUNCH_TIMEOUT_MS = 4 * 60 * 60 * 1000;

/** Who acted, for events a person causes. */
interface ByPerson {
  readonly by: string;
}

export type SubmissionEvent =
  /** The poller's new job counts. */
  | { readonly kind: 'jobs'; readonly counts: JobCounts }
  /** The engine accepted the submission and gave it a batch id. */
  | { readonly kind: 'launched'; readonly batchId: string }
  | { readonly kind: 'launch-failed'; readonly message: string }
  /** A check of a New submission: `since` is when it became New, `now` is now (epoch ms). */
  | {
      readonly kind: 'launch-timeout';
      readonly since: number;
      readonly now: number;
      readonly hasBatchJob: boolean;
    }
  /** The finisher's count of consumed inputs and located outputs. */
  | { readonly kind: 'located'; readonly consumed: number; readonly located: number }
  | ({ readonly kind: 'force-located' } & ByPerson)
  | { readonly kind: 'approval-requested' }
  | ({ readonly kind: 'approved' } & ByPerson)
  | ({ readonly kind: 'rejected' } & ByPerson)
  | ({ readonly kind: 'cancel' } & ByPerson)
  | ({ readonly kind: 'hold' } & ByPerson)
  /** `counts` are the jobs as they are when released; held ones are read as idle again. */
  | ({ readonly kind: 'release'; readonly counts: JobCounts } & ByPerson);

export type SubmissionEventKind = SubmissionEvent['kind'];

export interface TransitionContext extends JobRules {
  readonly completionType: CompletionType;
  /** An approved submission of an `approval` stage is Completed; any other is Approved (to launch). */
  readonly stageType: StageType;
  /** Defaults to DEFAULT_LAUNCH_TIMEOUT_MS. */
  readonly launchTimeoutMs?: number;
  /**
   * The current Held was a person's `hold` (the caller knows it from the history). Job counts then
   * cannot make the submission Idle or Running again; only `release` can. Jobs that end still end it.
   */
  readonly heldByPerson?: boolean;
}

export interface TransitionResult {
  readonly status: SubmissionStatus;
  readonly changed: boolean;
  /** Why it moved, or why it did not: for the history and for people. */
  readonly reason: string;
}

type Proposal =
  { readonly to: SubmissionStatus; readonly reason: string } | { readonly ignored: string };

const LAUNCHABLE: ReadonlySet<SubmissionStatus> = new Set(['New', 'LaunchFailed', 'Approved']);
const COUNTED: ReadonlySet<SubmissionStatus> = new Set([
  'New',
  'LaunchFailed',
  'Approved',
  'Idle',
  'Running',
  'Held',
  'Completed',
]);
const HOLDABLE: ReadonlySet<SubmissionStatus> = new Set(['Idle', 'Running', 'Held']);

function only(
  current: SubmissionStatus,
  from: readonly SubmissionStatus[],
  to: SubmissionStatus,
  reason: string,
): Proposal {
  return from.includes(current) ? { to, reason } : { ignored: `${reason}: not from ${current}` };
}

function fromJobs(current: SubmissionStatus, counts: JobCounts, ctx: TransitionContext): Proposal {
  if (!COUNTED.has(current)) return { ignored: `job counts do not move ${current}` };
  const verdict = statusFromJobs(counts, ctx);
  if (!verdict) return { ignored: 'job counts decide nothing (no jobs counted yet)' };
  if (
    current === 'Held' &&
    ctx.heldByPerson === true &&
    (verdict.status === 'Idle' || verdict.status === 'Running')
  ) {
    return { ignored: `held by a person until released (${verdict.reason})` };
  }
  return { to: verdict.status, reason: verdict.reason };
}

function release(
  current: SubmissionStatus,
  counts: JobCounts,
  ctx: TransitionContext,
  by: string,
): Proposal {
  if (current !== 'Held') return { ignored: `release by ${by}: ${current} is not Held` };
  // Released jobs go back to the queue: read held as idle, so that a slow engine does not keep
  // the submission Held after the person let it go.
  const verdict = statusFromJobs({ ...counts, idle: counts.idle + counts.held, held: 0 }, ctx);
  if (!verdict) return { to: 'Idle', reason: `released by ${by}` };
  return { to: verdict.status, reason: `released by ${by}; ${verdict.reason}` };
}

function propose(
  current: SubmissionStatus,
  event: SubmissionEvent,
  ctx: TransitionContext,
): Proposal {
  switch (event.kind) {
    case 'jobs':
      return fromJobs(current, event.counts, ctx);
    case 'launched':
      return LAUNCHABLE.has(current)
        ? { to: 'Idle', reason: `launched as batch job ${event.batchId}` }
        : { ignored: `launched as batch job ${event.batchId}: already past launch (${current})` };
    case 'launch-failed':
      return only(
        current,
        ['New', 'Approved', 'LaunchFailed'],
        'LaunchFailed',
        `launch failed: ${event.message}`,
      );
    case 'launch-timeout': {
      if (current !== 'New' && current !== 'LaunchFailed') {
        return { ignored: `launch timeout: not from ${current}` };
      }
      if (event.hasBatchJob) return { ignored: 'launch timeout: it has a batch job' };
      const limit = ctx.launchTimeoutMs ?? DEFAULT_LAUNCH_TIMEOUT_MS;
      const waited = event.now - event.since;
      if (waited < limit) return { ignored: `launch timeout: New for ${waited} ms of ${limit}` };
      return {
        to: 'LaunchFailed',
        reason: `New for ${waited} ms with no batch job (limit ${limit})`,
      };
    }
    case 'located': {
      if (current !== 'Completed')
        return { ignored: `outputs located: ${current} is not Completed` };
      const counts = `${event.located} outputs located for ${event.consumed} inputs consumed`;
      return completionReached(ctx.completionType, ctx.completionPct, event)
        ? {
            to: 'Located',
            reason: `${counts} (completion ${ctx.completionType} ${ctx.completionPct} %)`,
          }
        : { ignored: `${counts}, below ${ctx.completionPct} %` };
    }
    case 'force-located':
      return only(current, ['Completed'], 'Located', `forced Located by ${event.by}`);
    case 'approval-requested':
      return only(current, ['New', 'Awaiting Approval'], 'Awaiting Approval', 'approval requested');
    case 'approved':
      return current === 'Awaiting Approval'
        ? {
            to: ctx.stageType === 'approval' ? 'Completed' : 'Approved',
            reason: `approved by ${event.by}`,
          }
        : { ignored: `approved by ${event.by}: ${current} is not Awaiting Approval` };
    case 'rejected':
      return only(current, ['Awaiting Approval'], 'Removed', `rejected by ${event.by}`);
    case 'cancel':
      // Everything not final; the guard keeps Completed (its remaining jobs may still be killed).
      return { to: 'Cancelled', reason: `cancelled by ${event.by}` };
    case 'hold':
      return HOLDABLE.has(current)
        ? { to: 'Held', reason: `held by ${event.by}` }
        : { ignored: `hold by ${event.by}: no batch jobs to hold in ${current}` };
    case 'release':
      return release(current, event.counts, ctx, event.by);
  }
}

/**
 * The status after `event`. Guards: a final status never changes; Completed moves only to Located
 * or Removed; an event that gives the current status again is a duplicate (`changed: false`).
 * Events that do not apply to the current status are ignored, with the reason.
 */
export function transition(
  current: SubmissionStatus,
  event: SubmissionEvent,
  ctx: TransitionContext,
): TransitionResult {
  if (isFinal(current)) {
    return {
      status: current,
      changed: false,
      reason: `${current} is final (${event.kind} ignored)`,
    };
  }
  const proposal = propose(current, event, ctx);
  if ('ignored' in proposal) return { status: current, changed: false, reason: proposal.ignored };
  if (proposal.to === current) {
    return { status: current, changed: false, reason: `already ${current} (${proposal.reason})` };
  }
  if (!mayMove(current, proposal.to)) {
    return {
      status: current,
      changed: false,
      reason: `${current} does not move back to ${proposal.to} (${proposal.reason})`,
    };
  }
  return { status: proposal.to, changed: true, reason: proposal.reason };
}
