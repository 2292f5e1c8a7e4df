// The executor: the launcher, poller and finisher of DESIGN.md §5 in one loop, woken by events
// (a launch recorded, a job reporting its end, outputs declared) and by a short poll of the
// engines, so a stage hands over to the next as soon as its jobs end, not minutes later.
//
// Every step is idempotent and reads its state from the store, so a restart simply runs it again:
// New submissions with jobs not yet given to an engine are submitted (the engine's submit is
// idempotent per submission id), jobs are polled, statuses follow the job counts, and finished
// submissions that nothing was decided for are handed to the finisher.
import {
  jobCounts,
  jobEnvironment,
  jobResources,
  type Placement,
  type SubmitRequest,
  type BatchEngine,
  type Engine,
  type EngineJob,
  type JobCounts,
  type JobReport,
  type SubmissionEvent,
} from '@poms/core';
import type { Store } from '../../ports/store.ts';
import { crashPoint } from '../crash-points.ts';
import type {
  ActiveJob,
  JobKey,
  SubmissionRecord,
  TrackedJobState,
} from '../../ports/submissions.ts';
import { asConfig, type SubmissionConfig } from './config.ts';
import type { Finisher } from './finisher.ts';
import { applyEvent } from './status.ts';
import { jobToken } from './tokens.ts';

export interface JobRuntime {
  /** argv that starts the job runtime (e.g. [node, poms-job.mjs]). */
  argv: string[];
  /** The server's URL as jobs reach it. */
  url: () => string;
  /** Environment every job gets first (PATH, HOME, POMS_TEMPLATES_DIR); ours wins over it. */
  baseEnv: Record<string, string>;
}

export interface ExecutorOptions {
  store: Store;
  engines: Partial<Record<Engine, BatchEngine>>;
  finisher: Finisher;
  runtime: JobRuntime;
  jobSecret: Uint8Array;
  now: () => Date;
  /** Between engine polls when nothing wakes the loop. Default 1000 ms. */
  pollIntervalMs?: number;
  /** Between retries of a launch the engine refused. Default 30 s. */
  retryLaunchMs?: number;
  log: (message: string) => void;
  /** Called after each cycle (tests, the demo's progress display). */
  onCycle?: () => void;
  /** Work done at the start of each cycle (the scheduler's due launches). */
  beforeCycle?: () => Promise<unknown>;
  /**
   * Steps a Completed submission's outputs still need before it is Located (publication to the
   * experiment's data management, landing at the stage's output location): true when done.
   */
  outputsReady?: (submission: SubmissionRecord, config: SubmissionConfig) => Promise<boolean>;
  /** Told what the executor did, for metrics and for keeping job logs (never changes it). */
  observer?: ExecutorObserver;
}

/** What the executor reports as it works; each method is optional and must not throw. */
export interface ExecutorObserver {
  /** One engine answered a poll (or failed to) after `seconds`. */
  polled?(engine: Engine, seconds: number, ok: boolean): void;
  /** A submission's jobs were given to its engine, `seconds` after the submission was recorded. */
  submitted?(submission: SubmissionRecord, seconds: number): void;
  /** A submission's jobs could not be given to its engine. */
  launchFailed?(submission: SubmissionRecord, message: string): void;
  /** Jobs reached a final state (completed, failed, cancelled) in this cycle. */
  jobsEnded?(jobs: readonly EndedJob[]): void;
  /** One whole cycle took `seconds`. */
  cycled?(seconds: number): void;
}

export interface EndedJob {
  submission_id: string;
  index: number;
  engine: Engine;
  engine_id: string;
  state: 'completed' | 'failed' | 'cancelled';
}

const FINAL_JOB_STATES = new Set(['completed', 'failed', 'cancelled']);

const LIVE_JOB_STATES = new Set(['pending', 'queued', 'running', 'held', 'unknown']);
/** Active jobs read and polled at a time: bounds the poller's memory, not how many it polls. */
const POLL_BATCH = 10_000;

export class Executor {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = true;
  private readonly launchRetryAt = new Map<string, number>();

  constructor(private readonly options: ExecutorOptions) {}

  private get store(): Store {
    return this.options.store;
  }

  start(): void {
    this.stopped = false;
    this.wake();
  }

  /** Waits for the cycle in progress; no new cycle starts. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** Runs a cycle as soon as possible (coalesced: many wakes, one cycle). */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.runCycle(), 0);
  }

  private runCycle(): void {
    this.timer = undefined;
    this.running = this.cycle()
      .catch((error: unknown) => this.options.log(`executor cycle failed: ${describe(error)}`))
      .finally(() => {
        this.running = undefined;
        this.options.onCycle?.();
        if (this.stopped) return;
        if (this.again) {
          this.again = false;
          this.wake();
        } else {
          this.timer = setTimeout(() => this.runCycle(), this.options.pollIntervalMs ?? 1000);
        }
      });
  }

  /** One pass over all work. Public for tests and for the CLI's foreground runs. */
  async cycle(): Promise<void> {
    await this.options.beforeCycle?.();
    const started = performance.now();
    await this.pollAll();
    const settled = new Set<string>();
    let work = await this.store.submissions.unfinished();
    // Submissions the finisher launched in this pass (the next stage, a recovery) are given to
    // their engine in the same cycle, not after the next full poll: the hand-off stays short
    // however many jobs are tracked. Bounded: each round only takes submissions not seen yet.
    for (let round = 0; round < 3 && work.length > 0; round++) {
      for (const submission of work) {
        settled.add(submission.id);
        try {
          await this.settle(submission);
        } catch (error) {
          this.options.log(`${submission.id}: ${describe(error)}`);
        }
      }
      work = (await this.store.submissions.unfinished()).filter(
        (s) => s.status === 'New' && !settled.has(s.id),
      );
    }
    this.observe((o) => o.cycled?.((performance.now() - started) / 1000));
  }

  /** Tells the observer; an observer that throws is logged, never stops the executor. */
  private observe(tell: (observer: ExecutorObserver) => void): void {
    const { observer } = this.options;
    if (observer === undefined) return;
    try {
      tell(observer);
    } catch (error) {
      this.options.log(`executor observer failed: ${describe(error)}`);
    }
  }

  private engineOf(name: Engine): BatchEngine | undefined {
    return this.options.engines[name];
  }

  /**
   * Every active job, every cycle, read once in pages of POLL_BATCH (memory stays bounded however
   * many jobs are tracked): each page's requests are carried out, then its jobs polled.
   */
  private async pollAll(): Promise<void> {
    let after: JobKey | undefined;
    for (;;) {
      const page = await this.store.submissions.activeJobs(POLL_BATCH, after);
      if (page.length === 0) return;
      await this.applyRequests(page);
      await this.poll(page.filter((j) => !FINAL_JOB_STATES.has(j.state)));
      if (page.length < POLL_BATCH) return;
      const last = page[page.length - 1]!;
      after = { submissionId: last.submission_id, index: last.index };
    }
  }

  /** Carries out kill/hold/release asked of jobs (by people, possibly from another process). */
  private async applyRequests(active: readonly ActiveJob[]): Promise<void> {
    const asked = active.filter((j) => j.request !== null);
    if (asked.length === 0) return;
    for (const [engineName, jobs] of groupBy(asked, (j) => j.engine)) {
      const engine = this.engineOf(engineName);
      if (!engine) continue;
      for (const request of ['cancel', 'hold', 'release'] as const) {
        const ids = jobs.filter((j) => j.request === request).map((j) => j.engine_id);
        if (ids.length === 0) continue;
        await engine[request](ids);
      }
    }
    await this.store.submissions.clearRequests(
      asked.map((j) => ({ submissionId: j.submission_id, index: j.index })),
    );
  }

  /**
   * Asks each engine about its live jobs in one call, the engines at the same time (a cluster
   * whose controller is slow to answer does not hold up the others); returns submissions whose
   * jobs changed.
   */
  private async poll(active: readonly ActiveJob[]): Promise<string[]> {
    if (active.length === 0) return [];
    const groups = [...groupBy(active, (j) => j.engine)];
    const polled = await Promise.all(
      groups.map(async ([engineName, jobs]) => {
        const engine = this.engineOf(engineName);
        if (!engine) return { jobs, reports: [] };
        const started = performance.now();
        const took = () => (performance.now() - started) / 1000;
        try {
          const reports = await engine.poll(jobs.map((j) => j.engine_id));
          this.observe((o) => o.polled?.(engineName, took(), true));
          return { jobs, reports };
        } catch (error) {
          this.observe((o) => o.polled?.(engineName, took(), false));
          // An engine that does not answer leaves its jobs as they are: never failed for it.
          this.options.log(`poll of ${engineName} failed: ${describe(error)}`);
          return { jobs, reports: [] };
        }
      }),
    );
    const updates = [];
    const ended: EndedJob[] = [];
    for (const { jobs, reports } of polled) {
      for (const [i, report] of reports.entries()) {
        const job = jobs[i];
        if (job === undefined || !changedState(job, report)) continue;
        if (FINAL_JOB_STATES.has(report.state) && !FINAL_JOB_STATES.has(job.state)) {
          ended.push({
            submission_id: job.submission_id,
            index: job.index,
            engine: job.engine,
            engine_id: job.engine_id,
            state: report.state as EndedJob['state'],
          });
        }
        updates.push({
          submissionId: job.submission_id,
          index: job.index,
          state: report.state,
          exit_code: report.exit_code,
          signal: report.signal,
          reason: report.reason,
          cpu_s: report.cpu_s,
          wall_s: report.wall_s,
          max_rss_kb: report.max_rss_kb,
          host: report.host,
          started_at: report.started_at,
          ended_at: report.ended_at,
        });
      }
    }
    const changed = await this.store.submissions.updateJobs(updates);
    // The job states are written (one transaction: no window inside it), the statuses they
    // imply are not yet derived, nor the finished submissions handed on.
    if (updates.length > 0) crashPoint('poll.applied');
    if (ended.length > 0) this.observe((o) => o.jobsEnded?.(ended));
    return changed;
  }

  /** Moves one submission along: submit, follow its jobs, locate, decide what follows. */
  private async settle(submission: SubmissionRecord): Promise<void> {
    let current = submission;
    if (current.status === 'New' || current.status === 'LaunchFailed') {
      current = (await this.submit(current)) ?? current;
    }
    // Counts by state, not rows: a cycle reads a few numbers per submission, however big.
    let states = await this.store.submissions.jobCounts(current.id);
    if ((current.status === 'Cancelled' || current.status === 'Removed') && states.pending) {
      // Jobs never given to an engine will never run: they end with their submission.
      const pending = (await this.store.submissions.jobs(current.id)).filter(
        (j) => j.state === 'pending',
      );
      await this.store.submissions.updateJobs(
        pending.map((j) => ({
          submissionId: j.submission_id,
          index: j.index,
          state: 'cancelled' as const,
          reason: `never submitted: the submission is ${current.status}`,
        })),
      );
      states = await this.store.submissions.jobCounts(current.id);
    }
    if (['Idle', 'Running', 'Held', 'New', 'LaunchFailed', 'Completed'].includes(current.status)) {
      current =
        (await this.apply(current, { kind: 'jobs', counts: countStates(states) })) ?? current;
    }
    const live = [...LIVE_JOB_STATES].some((state) => (states[state as TrackedJobState] ?? 0) > 0);
    if (current.status === 'Completed' && !live) {
      current = (await this.locate(current, states.completed ?? 0)) ?? current;
    }
    if (
      !current.progressed &&
      !live &&
      ['Located', 'Failed', 'Cancelled', 'Removed'].includes(current.status)
    ) {
      await this.options.finisher.progress(current);
    }
  }

  /** Gives a New submission's jobs to its engine; the engine's submit is idempotent. */
  private async submit(submission: SubmissionRecord): Promise<SubmissionRecord | undefined> {
    if (submission.job_count === 0) {
      // An empty slice (a run with no files, say) completes at once, so the chain moves on.
      return this.store.submissions.changeStatus(submission.id, {
        expected: submission.status,
        to: 'Completed',
        reason: 'nothing to run: the launch has no files and no jobs',
      });
    }
    const retryAt = this.launchRetryAt.get(submission.id);
    if (retryAt !== undefined && retryAt > Date.now()) return undefined;
    const jobs = await this.store.submissions.jobs(submission.id);
    if (jobs.every((j) => j.engine_id !== null)) {
      return this.apply(submission, { kind: 'launched', batchId: submission.batch_id ?? '?' });
    }
    const config = asConfig(await this.store.submissions.config(submission.id));
    const engine = this.engineOf(submission.engine);
    if (!engine) {
      return this.apply(submission, {
        kind: 'launch-failed',
        message: `engine '${submission.engine}' is not configured on this server`,
      });
    }
    let result: Awaited<ReturnType<typeof engine.submit>>;
    try {
      result = await engine.submit({
        submission_id: submission.id,
        jobs: this.engineJobs(
          submission,
          config,
          jobs.map((j) => j.index),
        ),
        ...(config.job_type?.max_running === undefined
          ? {}
          : { throttle: config.job_type.max_running }),
        ...submitContext(submission, config),
      });
    } catch (error) {
      this.launchRetryAt.set(submission.id, Date.now() + (this.options.retryLaunchMs ?? 30_000));
      this.observe((o) => o.launchFailed?.(submission, describe(error)));
      return this.apply(submission, { kind: 'launch-failed', message: describe(error) });
    }
    // The duplicate-submission window: the engine runs the jobs, the store does not know yet.
    crashPoint('launch.engine-submitted');
    // A store that fails here (its database restarting) is no launch failure: the jobs run. The
    // error goes up to the cycle, and the next cycle submits again (idempotent) and records.
    const batchId = `${submission.engine}:${submission.id}`;
    await this.store.submissions.recordBatch(submission.id, batchId, result.engine_ids);
    this.launchRetryAt.delete(submission.id);
    const waited = (this.options.now().getTime() - Date.parse(submission.created_at)) / 1000;
    this.observe((o) => o.submitted?.(submission, Math.max(0, waited)));
    return this.apply(submission, { kind: 'launched', batchId });
  }

  /**
   * A submission's jobs as the engine runs them: the environment and the job token are the
   * submission's, made once (an HMAC and a spread per job cost ~0.1 ms each: 100 ms for a
   * 1000-job launch), then each job gets its index.
   */
  engineJobs(
    submission: SubmissionRecord,
    config: SubmissionConfig,
    indexes: readonly number[],
  ): EngineJob[] {
    const shared = this.engineJob(submission, config, 0);
    return indexes.map((index) => ({
      index,
      argv: [...shared.argv],
      env: { ...shared.env, POMS_JOB_INDEX: String(index) },
    }));
  }

  /** One job as the engine runs it: the job runtime, told where its submission is. */
  engineJob(submission: SubmissionRecord, config: SubmissionConfig, index: number): EngineJob {
    const { runtime } = this.options;
    const env = jobEnv(
      runtime,
      submission,
      config,
      index,
      jobToken(this.options.jobSecret, submission.id),
    );
    return { index, argv: [...runtime.argv], env };
  }

  /** Reads the outputs of a Completed submission and moves it to Located when they suffice. */
  private async locate(
    submission: SubmissionRecord,
    completedJobs: number,
  ): Promise<SubmissionRecord | undefined> {
    const { outputsReady } = this.options;
    if (outputsReady !== undefined) {
      const config = asConfig(await this.store.submissions.config(submission.id));
      if (!(await outputsReady(submission, config))) return undefined;
    }
    const stats = await this.store.submissions.statistics(submission.id);
    let consumed = stats.consumed;
    let located = stats.with_located_outputs;
    if (submission.file_count === 0) {
      // A generator consumes nothing: count its jobs that ended well and the ones with outputs.
      const outputs = await this.store.submissions.outputs(submission.id);
      const withOutputs = new Set(outputs.filter((o) => o.located).map((o) => o.job_index));
      consumed = completedJobs;
      located = withOutputs.size;
    }
    const moved = await this.apply(submission, { kind: 'located', consumed, located });
    if (moved) return moved;
    // Every job has ended, so no output is still to come from them: the submission is as
    // located as it will get, and recovery decides what to relaunch (POMS waited two days).
    return this.store.submissions.changeStatus(submission.id, {
      expected: 'Completed',
      to: 'Located',
      reason: `all jobs ended; ${located} of ${consumed} consumed inputs have located outputs, below the completion rule: recovery decides what to relaunch`,
    });
  }

  private apply(
    submission: SubmissionRecord,
    event: SubmissionEvent,
  ): Promise<SubmissionRecord | undefined> {
    return applyEvent(this.store, submission, event);
  }
}

/** A job's whole environment: base, the launch setup's, ours (which wins), and the runtime's. */
export function jobEnv(
  runtime: JobRuntime,
  submission: Pick<
    SubmissionRecord,
    | 'id'
    | 'campaign'
    | 'campaign_id'
    | 'stage'
    | 'stage_type'
    | 'parent_id'
    | 'test'
    | 'launcher'
    | 'experiment'
    | 'job_count'
  >,
  config: SubmissionConfig,
  index: number,
  token: string,
): Record<string, string> {
  return {
    ...runtime.baseEnv,
    ...(config.launch?.environment ?? {}),
    ...jobEnvironment({
      campaign: submission.campaign,
      stage: submission.stage,
      submissionId: submission.id,
      ...(submission.parent_id === null ? {} : { parentSubmissionId: submission.parent_id }),
      test: submission.test,
      launcher: submission.launcher,
      experiment: submission.experiment,
      campaignId: submission.campaign_id,
      stageType: submission.stage_type,
    }),
    POMS_URL: runtime.url(),
    POMS_JOB_TOKEN: token,
    POMS_JOB_INDEX: String(index),
    POMS_JOB_COUNT: String(submission.job_count),
  };
}

/** What the engine needs besides the jobs: resources, where and as whom, and whose jobs. */
export function submitContext(
  submission: SubmissionRecord,
  config: SubmissionConfig,
): Pick<SubmitRequest, 'resources' | 'placement' | 'labels'> {
  const setup = config.launch_setup;
  const placement: Placement = {};
  const put = (key: keyof Placement, value: string | undefined) => {
    if (value !== undefined && value.trim() !== '') placement[key] = value.trim();
  };
  // Host and account are launch text: the rendered launch has them substituted.
  put('host', config.launch?.host);
  put('account', config.launch?.account);
  put('partition', setup?.partition);
  put('qos', setup?.qos);
  put('batch_account', setup?.batch_account);
  put('group', setup?.group);
  put('role', setup?.role);
  return {
    resources: jobResources(config.job_type?.resources, setup?.resources),
    placement,
    labels: {
      experiment: submission.experiment,
      campaign: submission.campaign,
      campaign_id: submission.campaign_id,
      stage: submission.stage,
    },
  };
}

/** Unknown never overwrites what we knew: an engine that lost sight of a job fails nothing. */
function changedState(job: ActiveJob, report: JobReport): boolean {
  return report.state !== 'unknown' && report.state !== job.state;
}

/**
 * The job-count view of tracked jobs: core's jobCounts over the jobs an engine has, with every
 * job in the total (a job not yet given to an engine counts in none of the states).
 */
export function countJobs(
  jobs: readonly { engine_id: string | null; state: TrackedJobState }[],
): JobCounts {
  const reported = jobs.flatMap((j) =>
    j.state === 'pending' ? [] : [{ engine_id: j.engine_id ?? '', state: j.state }],
  );
  return jobCounts(reported, jobs.length);
}

/** The same view from the store's counts by state (SubmissionRepository.jobCounts). */
export function countStates(states: Partial<Record<TrackedJobState, number>>): JobCounts {
  const n = (state: TrackedJobState) => states[state] ?? 0;
  let total = 0;
  for (const count of Object.values(states)) total += count ?? 0;
  return {
    total,
    idle: n('queued'),
    running: n('running'),
    held: n('held'),
    completed: n('completed'),
    failed: n('failed'),
    cancelled: n('cancelled'),
  };
}

function groupBy<T, K>(items: readonly T[], key: (item: T) => K): Map<K, T[]> {
  const out = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

export function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
