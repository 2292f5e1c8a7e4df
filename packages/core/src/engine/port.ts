// The BatchEngine port (DESIGN.md §4): where a submission's jobs run. The local engine (server
// adapters) runs them as child processes; Slurm and HTCondor adapters will implement it too.
// One request is one submission of N jobs, so engines with job arrays can submit it as one array.
import { z } from 'zod';
import type { JobCounts } from '../submission/jobs.ts';

/**
 * What an engine says of a job. `unknown` means the engine could not tell (a lost record, a
 * scheduler that did not answer): it is never read as failed, the job is simply not counted yet.
 */
export const JOB_STATES = [
  'queued',
  'running',
  'held',
  'completed',
  'failed',
  'cancelled',
  'unknown',
] as const;
export const JobState = z.enum(JOB_STATES);
export type JobState = z.infer<typeof JobState>;

/** One job of a submission: an argv (never a shell line) and its whole environment. */
export interface EngineJob {
  /** The job's index in its submission, 0-based; part of its engine id. */
  index: number;
  argv: string[];
  /** The job's entire environment: engines add nothing of the server's own environment. */
  env: Record<string, string>;
  /** Where to run; by default the engine's working directory for this job. */
  cwd?: string;
}

/** What a job needs of a batch slot; engines that cannot enforce a figure ignore it. */
export interface JobResources {
  memory_mb?: number;
  disk_mb?: number;
  /** Wall-clock limit. */
  time_s?: number;
  cpus?: number;
  gpus?: number;
}

/**
 * Where and as whom a submission runs (from its launch setup). `host` (with `account`, the login
 * on it) makes the engine run its commands there over ssh; without it they run on this machine.
 */
export interface Placement {
  /** `name` or `name:port` of the launch host. */
  host?: string;
  /** The login on the launch host (POMS's launch account). */
  account?: string;
  partition?: string;
  qos?: string;
  /** Charged to this batch allocation: Slurm --account, HTCondor accounting group. */
  batch_account?: string;
  /** jobsub: -G group and --role. */
  group?: string;
  role?: string;
}

/** Who the jobs belong to: engines tag their jobs with it (job names, ClassAds). */
export interface SubmitLabels {
  experiment: string;
  campaign: string;
  campaign_id: string;
  stage: string;
}

export interface SubmitRequest {
  submission_id: string;
  jobs: EngineJob[];
  /** At most this many of the submission's jobs run at once. */
  throttle?: number;
  resources?: JobResources;
  placement?: Placement;
  labels?: SubmitLabels;
}

export interface SubmitResult {
  /** One per job, in the order of `jobs`. */
  engine_ids: string[];
}

/** A job's state and accounting. Figures the engine only samples are lower bounds. */
export const JobReport = z.strictObject({
  engine_id: z.string(),
  state: JobState,
  exit_code: z.number().int().optional(),
  signal: z.string().optional(),
  /** Why a job failed or is unknown, when the engine knows more than the exit code says. */
  reason: z.string().optional(),
  cpu_s: z.number().nonnegative().optional(),
  wall_s: z.number().nonnegative().optional(),
  max_rss_kb: z.number().nonnegative().optional(),
  host: z.string().optional(),
  started_at: z.string().optional(),
  ended_at: z.string().optional(),
});
export type JobReport = z.infer<typeof JobReport>;

/** The end of a job's output; `truncated` when older output was left out. */
export interface JobLogs {
  stdout: string;
  stderr: string;
  truncated: boolean;
}

export interface BatchEngine {
  /**
   * Submits a submission's jobs. Idempotent per submission id and job index: submitting again
   * (after a crash between submit and recording its result) returns the same ids, starting nothing.
   */
  submit(request: SubmitRequest): Promise<SubmitResult>;
  /** Reports many jobs in one call, one report per id in the same order; unknown ids say 'unknown'. */
  poll(engineIds: readonly string[]): Promise<JobReport[]>;
  /** Cancels jobs; finished jobs are left as they are. */
  cancel(engineIds: readonly string[]): Promise<void>;
  /** Suspends jobs (queued ones do not start) until released. */
  hold(engineIds: readonly string[]): Promise<void>;
  release(engineIds: readonly string[]): Promise<void>;
  /** The last `maxBytes` bytes (engine default when omitted) of the job's stdout and stderr. */
  logs(engineId: string, maxBytes?: number): Promise<JobLogs>;
}

/**
 * The job-count view of a submission's reports (POMS-REFERENCE §2). `queued` counts as idle;
 * `unknown` counts only in `total`, so a job the engine cannot see never fails a submission.
 * `total` defaults to the number of reports; give it when some jobs have no report yet.
 */
export function jobCounts(reports: readonly JobReport[], total = reports.length): JobCounts {
  const counts: JobCounts = {
    total: Math.max(total, reports.length),
    idle: 0,
    running: 0,
    held: 0,
    completed: 0,
    failed: 0,
    cancelled: 0,
  };
  for (const r of reports) {
    switch (r.state) {
      case 'queued':
        counts.idle++;
        break;
      case 'running':
        counts.running++;
        break;
      case 'held':
        counts.held++;
        break;
      case 'completed':
        counts.completed++;
        break;
      case 'failed':
        counts.failed++;
        break;
      case 'cancelled':
        counts.cancelled++;
        break;
      case 'unknown':
        break;
    }
  }
  return counts;
}
