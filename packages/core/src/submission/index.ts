// Submissions: the status machine and its history (POMS-REFERENCE §2, fixed per §10).
export {
  AFTER_COMPLETED,
  FINAL_STATUSES,
  SUBMISSION_STATUSES,
  SubmissionStatus,
  isFinal,
  mayMove,
  type FinalStatus,
} from './status.ts';
export {
  JobCounts,
  doneJobs,
  statusFromJobs,
  type JobRules,
  type JobStatus,
  type JobVerdict,
} from './jobs.ts';
export { completionReached, type LocatedCounts } from './completion.ts';
export {
  DEFAULT_LAUNCH_TIMEOUT_MS,
  transition,
  type SubmissionEvent,
  type SubmissionEventKind,
  type TransitionContext,
  type TransitionResult,
} from './transition.ts';
export { StatusHistoryEntry, appendHistory } from './history.ts';
