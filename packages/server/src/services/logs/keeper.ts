// The log keeper (issue 9 item 4): keeps every ended job's stdout and stderr, and each
// submission's launch log, under the data folder, so they outlive the engine's own copy (a job's
// working folder cleaned up, a cluster's spool purged). It listens to the executor and works in
// the background: a slow or failing engine never holds up a cycle. After a restart it looks for
// recently ended jobs whose logs were never kept; once a day it deletes logs past retention.
import type { BatchEngine, Engine } from '@poms/core';
import type { Store } from '../../ports/store.ts';
import type { SubmissionRecord } from '../../ports/submissions.ts';
import type { EndedJob, ExecutorObserver } from '../execution/executor.ts';
import { capLog, DEFAULT_CAP_BYTES } from './cap.ts';
import { renderLaunchLog, type LaunchOutcome } from './launch-log.ts';
import type { KeptLogs } from './log-files.ts';
import { type JobLogRef } from './log-files.ts';
import { sweepRetention } from './retention.ts';
import { WorkQueue } from './work-queue.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Jobs the start-up sweep looks at, at most: the newest submissions first. */
const SWEEP_LIMIT = 20_000;

export interface LogKeeperOptions {
  store: Store;
  engines: Partial<Record<Engine, BatchEngine>>;
  kept: KeptLogs;
  now?: () => Date;
  log?: (message: string) => void;
  /** Bytes kept per stream; default 8 MiB (the end of the log). */
  capBytes?: number;
  /** Fetches at once; default 4. */
  concurrency?: number;
  /** Tries of a failing engine before a note is kept instead; default 4. */
  attempts?: number;
  /** The first wait between tries, doubled each time; default 2 s. */
  backoffMs?: number;
  /** Days logs are kept after their submission's last update; default 30. */
  retentionDays?: number;
  /** Between retention sweeps; default a day. */
  retentionIntervalMs?: number;
}

export class LogKeeper implements ExecutorObserver {
  private readonly queue: WorkQueue;
  private readonly now: () => Date;
  private readonly log: (message: string) => void;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Wakes backoff waits at stop, so stopping never waits out a retry. */
  private readonly wakeups = new Set<() => void>();

  constructor(private readonly options: LogKeeperOptions) {
    this.now = options.now ?? (() => new Date());
    this.log = options.log ?? (() => undefined);
    this.queue = new WorkQueue(options.concurrency ?? 4, (key, error) =>
      this.log(`log keeper: ${key}: ${error instanceof Error ? error.message : String(error)}`),
    );
  }

  get kept(): KeptLogs {
    return this.options.kept;
  }

  get retentionDays(): number {
    return this.options.retentionDays ?? 30;
  }

  // ExecutorObserver: called inside the executor's cycle, so they only queue work.

  jobsEnded(jobs: readonly EndedJob[]): void {
    for (const job of jobs) this.keepJob(job);
  }

  submitted(submission: SubmissionRecord): void {
    this.keepLaunch(submission, { kind: 'submitted', at: this.now().toISOString() });
  }

  launchFailed(submission: SubmissionRecord, message: string): void {
    this.keepLaunch(submission, { kind: 'failed', at: this.now().toISOString(), message });
  }

  /** Runs the start-up sweep and the first retention sweep, then one retention sweep a day. */
  start(): void {
    this.stopped = false;
    void this.sweepUnkept().catch((e: unknown) =>
      this.log(`log keeper: start-up sweep: ${String(e)}`),
    );
    const retain = () => {
      void this.sweepRetention().catch((e: unknown) => this.log(`log retention: ${String(e)}`));
    };
    retain();
    this.timer = setInterval(retain, this.options.retentionIntervalMs ?? DAY_MS);
    this.timer.unref();
  }

  /** Stops the timers, drops queued work (the next start-up sweep finds it) and waits. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    for (const wake of this.wakeups) wake();
    await this.queue.stop();
  }

  /** Log fetches and launch-log writes waiting and under way (GET /metrics). */
  get queueDepth(): { waiting: number; running: number } {
    return this.queue.depth;
  }

  /** Resolves when the queued work is done (tests). */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  /** Queues the job's logs unless they are kept already. */
  keepJob(job: Omit<EndedJob, 'state'> & { experiment?: string }): void {
    this.queue.add(`job ${job.submission_id}:${job.index}`, async () => {
      const experiment =
        job.experiment ?? (await this.options.store.submissions.get(job.submission_id)).experiment;
      const ref: JobLogRef = { experiment, submissionId: job.submission_id, index: job.index };
      if (await this.options.kept.has(ref)) return;
      await this.fetchAndKeep(ref, job.engine, job.engine_id);
    });
  }

  private keepLaunch(submission: SubmissionRecord, outcome?: LaunchOutcome): void {
    this.queue.add(`launch ${submission.id}`, () => this.writeLaunch(submission.id, outcome));
  }

  /** Writes (again) the submission's launch log from the store. */
  async writeLaunch(submissionId: string, outcome?: LaunchOutcome): Promise<void> {
    const { store, kept } = this.options;
    const submission = await store.submissions.get(submissionId);
    const text = renderLaunchLog({
      submission,
      config: await store.submissions.config(submissionId),
      history: await store.submissions.history(submissionId),
      jobs: await store.submissions.jobs(submissionId),
      outcome,
      now: this.now().toISOString(),
    });
    await kept.writeLaunch(submission.experiment, submission.id, text);
  }

  private async fetchAndKeep(ref: JobLogRef, engineName: Engine, engineId: string): Promise<void> {
    const cap = this.options.capBytes ?? DEFAULT_CAP_BYTES;
    const attempts = this.options.attempts ?? 4;
    const engine = this.options.engines[engineName];
    let problem = `engine '${engineName}' is not configured on this server`;
    for (let attempt = 1; engine !== undefined && attempt <= attempts; attempt++) {
      try {
        const logs = await engine.logs(engineId, cap);
        await this.options.kept.writeJob(ref, {
          stdout: capLog(logs.stdout, cap, logs.truncated),
          stderr: capLog(logs.stderr, cap, logs.truncated),
        });
        return;
      } catch (error) {
        problem = error instanceof Error ? error.message : String(error);
        if (attempt < attempts)
          await this.pause((this.options.backoffMs ?? 2000) * 2 ** (attempt - 1));
        if (this.stopped) return;
      }
    }
    // Kept as a note, so the job is not fetched forever and a reader learns why there is no log.
    const note = Buffer.from(
      `[poms: this log could not be read from engine '${engineName}' (job ${engineId}) after ${engine === undefined ? 0 : attempts} tries: ${problem}]\n`,
      'utf8',
    );
    await this.options.kept.writeJob(ref, { stdout: note, stderr: note });
    this.log(`log keeper: ${ref.submissionId}:${ref.index}: ${problem}`);
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeups.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeups.add(done);
    });
  }

  /**
   * Jobs that ended in the retention period and were never kept (the server stopped before it
   * could), and launch logs never written: queued now. Bounded to the newest SWEEP_LIMIT jobs.
   */
  async sweepUnkept(): Promise<number> {
    const since = new Date(this.now().getTime() - this.retentionDays * DAY_MS).toISOString();
    const ended = await this.options.store.submissions.endedJobsSince(since, SWEEP_LIMIT);
    let queued = 0;
    const launches = new Set<string>();
    for (const job of ended) {
      if (this.stopped) break;
      if (!launches.has(job.submission_id)) {
        launches.add(job.submission_id);
        const text = await this.options.kept.readLaunch(job.experiment, job.submission_id);
        if (text === undefined) {
          this.queue.add(`launch ${job.submission_id}`, () => this.writeLaunch(job.submission_id));
        }
      }
      const ref = { experiment: job.experiment, submissionId: job.submission_id, index: job.index };
      if (await this.options.kept.has(ref)) continue;
      this.keepJob(job);
      queued++;
    }
    return queued;
  }

  /** Deletes the logs of submissions last updated before the retention period. */
  sweepRetention(): Promise<number> {
    const cutoff = this.now().getTime() - this.retentionDays * DAY_MS;
    return sweepRetention(this.options.kept, this.options.store, cutoff);
  }
}
