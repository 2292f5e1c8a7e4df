/**
 * The submission side of the Store port: submissions with their status history and frozen
 * config, their jobs, and the file ledger (every input file's state per submission) with the
 * outputs each job declared. One conformance suite holds both stores to it.
 *
 * Rules the adapters keep:
 * - `create` writes the submission, its first history entry, its jobs and its ledger rows in one
 *   transaction, and a launch key makes it idempotent: a second create with the same key returns
 *   the first submission and writes nothing.
 * - Status changes are compare-and-set (`expected`), so two writers cannot both move a
 *   submission, and each change appends exactly one history entry.
 * - Batched job updates are applied in one short transaction, rows in a fixed order (submission,
 *   index), so concurrent pollers cannot deadlock (POMS-REFERENCE §10).
 */
import type { Engine, JobState, RecoveryType, StageType, SubmissionStatus } from '@poms/core';
import type { OffsetPage } from './pages.ts';

export const LEDGER_STATES = ['delivered', 'consumed', 'failed', 'skipped'] as const;
export type LedgerState = (typeof LEDGER_STATES)[number];

/** How a submission came to be. */
export const SUBMISSION_ORIGINS = [
  'manual',
  'schedule',
  'recovery',
  'dependency',
  'next-slice',
  'keep-up',
] as const;
export type SubmissionOrigin = (typeof SUBMISSION_ORIGINS)[number];

/** Actions asked of a job's engine, applied by the poller (so a CLI without the engine can ask). */
export const JOB_REQUESTS = ['cancel', 'hold', 'release'] as const;
export type JobRequest = (typeof JOB_REQUESTS)[number];

/** A job the engine has not been given yet is `pending`. */
export type TrackedJobState = JobState | 'pending';

export interface SubmissionRecord {
  readonly id: string;
  readonly experiment: string;
  readonly campaign_id: string;
  readonly campaign: string;
  readonly campaign_revision: number;
  readonly stage: string;
  readonly stage_type: StageType;
  readonly engine: Engine;
  readonly status: SubmissionStatus;
  /** The current Held is a person's hold: job counts do not end it, only a release does. */
  readonly held_by_person: boolean;
  readonly origin: SubmissionOrigin;
  readonly test: boolean;
  /** What makes an automatic launch happen once: a second launch with the key finds this one. */
  readonly launch_key: string | null;
  /** The submission this one recovers (recovery) or follows (dependency, next slice). */
  readonly parent_id: string | null;
  /** The first submission of its recovery chain (itself when it is not a recovery). */
  readonly chain_root_id: string;
  /** The upstream chains (their roots) whose outputs this submission consumes. */
  readonly upstream_ids: readonly string[];
  readonly recovery_step: number | null;
  readonly recovery_type: RecoveryType | null;
  /** Who launched it; automatic launches run as the original submitter. */
  readonly launcher: string;
  /** The dataset before slicing (for `added_files`), as query text. */
  readonly dataset_query: string | null;
  /** What this submission processes, as query text (a slice, a recovery set, a dependency set). */
  readonly input_query: string | null;
  /** The catalog snapshot of the delivered files. */
  readonly input_snapshot_id: string | null;
  /** `%(dataset)s` of this launch: the slice's dataset name or multiparam value. */
  readonly parameter: string | null;
  readonly split_seq: number | null;
  readonly job_count: number;
  readonly file_count: number;
  /** The engine's batch id once the engine accepted the jobs. */
  readonly batch_id: string | null;
  /** The finisher decided what follows (recovery, dependents): it never decides twice. */
  readonly progressed: boolean;
  /** When its recovery chain ended (set on the chain's root): dependents may use its outputs. */
  readonly chain_done_at: string | null;
  readonly created_at: string;
  readonly updated_at: string;
  readonly status_at: string;
}

export interface HistoryEntry {
  readonly submission_id: string;
  readonly seq: number;
  readonly status: SubmissionStatus;
  readonly reason: string;
  readonly by: string | null;
  readonly at: string;
}

export interface JobRecord {
  readonly submission_id: string;
  readonly index: number;
  readonly engine_id: string | null;
  readonly state: TrackedJobState;
  readonly exit_code: number | null;
  readonly signal: string | null;
  readonly reason: string | null;
  readonly cpu_s: number | null;
  readonly wall_s: number | null;
  readonly max_rss_kb: number | null;
  readonly host: string | null;
  readonly started_at: string | null;
  readonly ended_at: string | null;
  readonly request: JobRequest | null;
  /** Input files given to the job. */
  readonly file_count: number;
  readonly updated_at: string;
}

export interface LedgerEntry {
  readonly file: string;
  readonly job_index: number;
  readonly state: LedgerState;
  readonly reason: string | null;
  readonly updated_at: string;
}

/** Where the files a new submission delivers come from. */
export type LedgerSource =
  /** A catalog snapshot's files, in its order. */
  | { readonly snapshot: string }
  /** Files named explicitly (they must be in the catalog). */
  | { readonly files: readonly string[] }
  /** None: a generator. */
  | { readonly none: true };

export interface NewSubmission {
  readonly experiment: string;
  readonly campaignId: string;
  readonly campaign: string;
  readonly campaignRevision: number;
  readonly stage: string;
  readonly stageType: StageType;
  readonly engine: Engine;
  readonly origin: SubmissionOrigin;
  readonly test: boolean;
  readonly launchKey?: string | undefined;
  readonly parentId?: string | undefined;
  readonly chainRootId?: string | undefined;
  readonly upstreamIds?: readonly string[] | undefined;
  readonly recoveryStep?: number | undefined;
  readonly recoveryType?: RecoveryType | undefined;
  readonly launcher: string;
  readonly datasetQuery?: string | undefined;
  readonly inputQuery?: string | undefined;
  readonly inputSnapshotId?: string | undefined;
  readonly parameter?: string | undefined;
  readonly splitSeq?: number | undefined;
  readonly ledger: LedgerSource;
  /** Files per job; jobs = ceil(files / filesPerJob), or `jobs` when there are no files. */
  readonly filesPerJob: number;
  readonly jobsWithoutFiles: number;
  /** Runs no jobs at all (an approval gate): the files are delivered for the record only. */
  readonly noJobs?: boolean | undefined;
  /** The frozen config (campaign revision, effective stage, rendered launch): opaque JSON. */
  readonly config: unknown;
  /**
   * SHA-256 (hex) of the submission's job token, from the id the store gives it; the token itself
   * is never stored.
   */
  readonly tokenHash: (id: string) => string;
  readonly reason: string;
  /** The first status: New, or Awaiting Approval for an approval stage. */
  readonly status?: 'New' | 'Awaiting Approval' | undefined;
}

export interface StatusChange {
  /** The status the caller read; the change is refused if it moved since. */
  readonly expected: SubmissionStatus;
  readonly to: SubmissionStatus;
  readonly reason: string;
  readonly by?: string | undefined;
  readonly heldByPerson?: boolean | undefined;
}

export interface JobUpdate {
  readonly submissionId: string;
  readonly index: number;
  readonly state: JobState;
  readonly exit_code?: number | undefined;
  readonly signal?: string | undefined;
  readonly reason?: string | undefined;
  readonly cpu_s?: number | undefined;
  readonly wall_s?: number | undefined;
  readonly max_rss_kb?: number | undefined;
  readonly host?: string | undefined;
  readonly started_at?: string | undefined;
  readonly ended_at?: string | undefined;
}

export interface FileReport {
  readonly name: string;
  readonly state: Exclude<LedgerState, 'delivered'>;
  readonly reason?: string | undefined;
}

export interface FileReportResult {
  /** Rows that changed state. */
  readonly changed: number;
  /** Names that are not this job's files: nothing was written for them. */
  readonly unknown: string[];
}

/** A job's input file with where the job can read it. */
export interface JobInputFile {
  readonly name: string;
  readonly path: string | null;
}

export interface OutputRecord {
  readonly file: string;
  readonly job_index: number;
  readonly located: boolean;
}

/** POMS's per-submission file statistics (POMS-REFERENCE §7). */
export interface FileStatistics {
  readonly submitted: number;
  readonly delivered: number;
  readonly consumed: number;
  readonly failed: number;
  readonly skipped: number;
  /** Delivered files still without a final state (POMS's "unknown"). */
  readonly unknown: number;
  /** Inputs with at least one output declared. */
  readonly with_outputs: number;
  /** Inputs with at least one located output. */
  readonly with_located_outputs: number;
  /** Consumed inputs without any output. */
  readonly pending: number;
  readonly outputs: number;
  readonly located_outputs: number;
}

export interface SubmissionListOptions {
  readonly experiment: string;
  readonly campaignId?: string | undefined;
  readonly stage?: string | undefined;
  readonly statuses?: readonly SubmissionStatus[] | undefined;
  readonly chainRootId?: string | undefined;
  /** Only test launches (true) or only production ones (false). */
  readonly test?: boolean | undefined;
  readonly limit?: number | undefined;
  readonly offset?: number | undefined;
}

export interface JobListOptions {
  readonly states?: readonly TrackedJobState[] | undefined;
  /** Only jobs that failed: a non-zero exit code, or the state failed or cancelled. */
  readonly failed?: boolean | undefined;
  readonly limit?: number | undefined;
  readonly offset?: number | undefined;
}

/** Where a job is: its submission and index. */
export interface JobKey {
  readonly submissionId: string;
  readonly index: number;
}

/** A tracked job the poller must ask its engine about (or act on). */
export interface ActiveJob {
  readonly submission_id: string;
  readonly index: number;
  readonly engine: Engine;
  readonly engine_id: string;
  readonly state: TrackedJobState;
  readonly request: JobRequest | null;
}

/** A job that reached a final state on an engine, with its submission's experiment (log keeping). */
export interface EndedJobRecord {
  readonly submission_id: string;
  readonly experiment: string;
  readonly index: number;
  readonly engine: Engine;
  readonly engine_id: string;
  readonly state: 'completed' | 'failed' | 'cancelled';
  /** The submission's last update. */
  readonly submission_updated_at: string;
}

/** Which failed jobs triage looks at (services/triage). */
export interface FailedJobQuery {
  readonly experiment: string;
  readonly campaignId?: string | undefined;
  readonly stage?: string | undefined;
  /** ISO time: jobs that ended (else last changed) at or after it. */
  readonly since: string;
  readonly limit: number;
}

/**
 * A job that failed — state failed, or a non-zero exit code — or that ended well but failed some
 * of its files, with where it ran and how many of its files still want work.
 */
export interface FailedJobRecord extends JobRecord {
  readonly experiment: string;
  readonly campaign_id: string;
  readonly campaign: string;
  readonly stage: string;
  /** Its ledger rows in state failed. */
  readonly failed_files: number;
  /** Its files not consumed or skipped, and not consumed since by another submission of the stage. */
  readonly open_files: number;
}

/** A file of a failed job that still wants work (see FailedJobRecord.open_files). */
export interface OpenFile {
  readonly submission_id: string;
  readonly job_index: number;
  readonly file: string;
}

/** One stage's counts over every submission of a campaign (SQL aggregates), for progress views. */
export interface StageCounts {
  readonly stage: string;
  /** Submissions by status; statuses with none are absent. */
  readonly statuses: Partial<Record<SubmissionStatus, number>>;
  /** Ledger rows by state over the stage's submissions; states with none are absent. */
  readonly ledger: Partial<Record<LedgerState, number>>;
  /** Jobs by state; states with none are absent. */
  readonly jobs: Partial<Record<TrackedJobState, number>>;
  readonly outputs: number;
  readonly located_outputs: number;
  /** The newest submission (by creation, then id). */
  readonly last: { id: string; status: SubmissionStatus; created_at: string };
}

/**
 * A stage's (or a whole campaign's) files over time, for the progress-over-time chart: counts at
 * evenly spaced instants from the first submission to `end`, read in SQL aggregates.
 */
export interface StageHistory {
  /** The first submission's creation; null when there is none (and no points). */
  readonly start: string | null;
  /** Now while a submission is live, else the last change of any submission. */
  readonly end: string | null;
  /** Submissions not in a final status. */
  readonly live: number;
  /** Distinct files given to the submissions (every ledger row's file, once). */
  readonly expected: number;
  /** Outputs declared. */
  readonly outputs: number;
  /**
   * Cumulative at each instant (`start` first, `end` last): files with a final word (consumed,
   * failed or skipped; a file counts once, at its first), and located outputs (an output has no
   * time of its own: it counts from its job's end).
   */
  readonly points: readonly { at: string; processed: number; located: number }[];
}

export interface SubmissionRepository {
  /** @returns the submission and whether this call created it (false: the launch key was taken). */
  create(input: NewSubmission): Promise<{ submission: SubmissionRecord; created: boolean }>;
  /** @throws NotFoundError */
  get(id: string): Promise<SubmissionRecord>;
  findByLaunchKey(experiment: string, key: string): Promise<SubmissionRecord | undefined>;
  /** Newest first. */
  list(options: SubmissionListOptions): Promise<OffsetPage<SubmissionRecord>>;
  history(id: string): Promise<HistoryEntry[]>;
  config(id: string): Promise<unknown>;
  tokenHash(id: string): Promise<string>;
  /** Compare-and-set: the new record, or undefined when the status was not `expected` any more. */
  changeStatus(id: string, change: StatusChange): Promise<SubmissionRecord | undefined>;
  /** The engine accepted the jobs: its batch id and one engine id per job index. */
  recordBatch(id: string, batchId: string, engineIds: readonly string[]): Promise<void>;
  setProgressed(id: string): Promise<void>;
  setChainDone(rootId: string): Promise<void>;
  /**
   * Submissions the workers must look at: not final, or final and not progressed; or a chain
   * root whose chain is not done. Oldest first.
   */
  unfinished(): Promise<SubmissionRecord[]>;

  jobs(id: string): Promise<JobRecord[]>;
  /**
   * A page of a submission's jobs by index, filtered and counted in SQL: `states` (any of them;
   * an empty list matches nothing), `failed` (a non-zero exit code, or failed or cancelled).
   */
  jobPage(id: string, options?: JobListOptions): Promise<OffsetPage<JobRecord>>;
  /** The submission's jobs by state; states with none are absent. */
  jobCounts(id: string): Promise<Partial<Record<TrackedJobState, number>>>;
  /**
   * Jobs with an engine id that are not finished, or carry a request, of every experiment, in
   * (submission, index) order; `after` continues from a job (pages that bound the poller's memory).
   */
  activeJobs(limit: number, after?: JobKey): Promise<ActiveJob[]>;
  /**
   * Jobs with an engine id in a final state, of submissions updated at or after `since` (ISO
   * time), newest submissions first, at most `limit`: what the log keeper looks at after a restart.
   */
  endedJobsSince(since: string, limit: number): Promise<EndedJobRecord[]>;
  /** Applies engine reports; returns the submissions whose jobs changed. */
  updateJobs(updates: readonly JobUpdate[]): Promise<string[]>;
  /** Asks for an engine action on jobs (all of the submission's when `indexes` is absent). */
  requestJobs(id: string, request: JobRequest, indexes?: readonly number[]): Promise<number>;
  clearRequests(jobs: readonly { submissionId: string; index: number }[]): Promise<void>;

  ledger(
    id: string,
    options?: { state?: LedgerState; jobIndex?: number; limit?: number; offset?: number },
  ): Promise<OffsetPage<LedgerEntry>>;
  /** A job's input files, with the path of a replica at `location` when there is one. */
  jobFiles(id: string, index: number, location: string): Promise<JobInputFile[]>;
  /**
   * Records what a job did with its files. A file moves out of `delivered` once; a repeat of the
   * same report changes nothing; a conflicting later report is ignored (first word wins).
   */
  reportFiles(id: string, index: number, files: readonly FileReport[]): Promise<FileReportResult>;
  /** Records outputs a job declared (already in the catalog). Idempotent. */
  recordOutputs(
    id: string,
    index: number,
    files: readonly { name: string; located: boolean }[],
  ): Promise<void>;
  outputs(id: string): Promise<OutputRecord[]>;
  statistics(id: string): Promise<FileStatistics>;
  /**
   * Per-stage counts of a campaign's submissions, ledger, jobs and outputs, in a fixed number of
   * aggregate queries whatever the number of submissions; stages without submissions are absent.
   * Ordered by stage name (byte order).
   */
  stageCounts(experiment: string, campaignId: string): Promise<StageCounts[]>;
  /**
   * A stage's files over time in `buckets` equal steps (every stage when `stage` is undefined),
   * in three aggregate queries whatever the number of files.
   */
  stageHistory(
    experiment: string,
    campaignId: string,
    stage: string | undefined,
    buckets: number,
  ): Promise<StageHistory>;
  /**
   * Failed jobs of an experiment across submissions (see FailedJobRecord), newest end first, at
   * most `limit` (1 to 100000): what triage groups.
   */
  failedJobs(query: FailedJobQuery): Promise<FailedJobRecord[]>;
  /** The open files of these jobs (see FailedJobRecord.open_files), by name. */
  openFiles(jobs: readonly { submissionId: string; index: number }[]): Promise<OpenFile[]>;
}
