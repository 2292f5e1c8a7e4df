// The execution core assembled: launches, the executor loop (launcher, poller, finisher) and the
// job runtime's service, over a store and the engines the composition root gives it.
import type { BatchEngine, Engine } from '@poms/core';
import type { Store } from '../../ports/store.ts';
import type { SubmissionRecord } from '../../ports/submissions.ts';
import { ControlService } from './control.ts';
import { KeepUpService } from './keep-up.ts';
import { Executor, type ExecutorObserver, type JobRuntime } from './executor.ts';
import { Finisher } from './finisher.ts';
import { JobReportService } from './job-reports.ts';
import { dryRun, type DryRunResult } from './dry-run.ts';
import { LaunchService, type LaunchRequest } from './launches.ts';
import { DatasetMirror } from '../data/dataset-mirror.ts';
import { OutputPublisher } from '../data/output-publisher.ts';
import { NO_DATA_SYSTEMS, type DataSystems } from '../../ports/data-systems.ts';
import { JobLogReader, type KeptLogs, type SourcedLogs } from '../logs/index.ts';

export interface ExecutionOptions {
  store: Store;
  engines: Partial<Record<Engine, BatchEngine>>;
  runtime: JobRuntime;
  jobSecret: Uint8Array;
  /** Where a submission's outputs are copied. */
  outputDir: (submission: SubmissionRecord) => string;
  /** The catalog location name of that storage. */
  location: string;
  now?: () => Date;
  pollIntervalMs?: number;
  /** Between two looks at the keep-up stages' datasets; default 5 s. */
  keepUpIntervalMs?: number;
  log?: (message: string) => void;
  onCycle?: () => void;
  /** The experiments' MetaCat/SAM and Rucio (adapters/data/data-config.ts); default none. */
  dataSystems?: DataSystems;
  /** Between two looks at a submission whose outputs are still being published; default 10 s. */
  publishCheckMs?: number;
  /** How often keep-up reads an external input dataset again; default 60 s. */
  externalIntervalMs?: number;
  /** Told what the executor does (metrics, job log keeping), in this order. */
  observers?: readonly ExecutorObserver[];
  /** The data folder's kept logs (services/logs), read before asking an engine; default none. */
  keptLogs?: KeptLogs;
}

export interface Execution {
  launches: LaunchService;
  /** The end of one job's stdout and stderr: the kept copy first, else its engine. */
  logs: (submissionId: string, index: number, maxBytes?: number) => Promise<SourcedLogs>;
  /** What happened when the submission was given to its engine (kept, else rendered now). */
  launchLog: (submissionId: string) => Promise<{ text: string; kept: boolean }>;
  /** Job logs by stream and offset, downloads and kept sizes. */
  jobLogs: JobLogReader;
  /** What a launch would do, changing nothing. */
  dryRun: (request: LaunchRequest) => Promise<DryRunResult>;
  executor: Executor;
  jobs: JobReportService;
  control: ControlService;
  keepUp: KeepUpService;
  /** Where each submission's outputs stand outside the embedded catalog. */
  publisher: OutputPublisher;
}

export function createExecution(options: ExecutionOptions): Execution {
  const now = options.now ?? (() => new Date());
  const log = options.log ?? (() => undefined);
  // The services wake the executor and the executor runs the scheduler: closures, called only
  // after all of them exist.
  const wake = () => executor.wake();
  const systems = options.dataSystems ?? NO_DATA_SYSTEMS;
  const external = new DatasetMirror({ catalog: options.store.catalog, systems });
  const publisher = new OutputPublisher({
    store: options.store,
    systems,
    location: options.location,
    log,
    ...(options.publishCheckMs === undefined ? {} : { checkIntervalMs: options.publishCheckMs }),
  });
  const launches = new LaunchService({
    store: options.store,
    jobSecret: options.jobSecret,
    now,
    onRecorded: wake,
    external,
  });
  const finisher = new Finisher({ store: options.store, launches, log });
  const executor: Executor = new Executor({
    store: options.store,
    engines: options.engines,
    finisher,
    runtime: options.runtime,
    jobSecret: options.jobSecret,
    now,
    log,
    ...(options.pollIntervalMs === undefined ? {} : { pollIntervalMs: options.pollIntervalMs }),
    ...(options.onCycle === undefined ? {} : { onCycle: options.onCycle }),
    beforeCycle: async () => {
      await control.runDueSchedules();
      await keepUp.runDue();
    },
    outputsReady: (submission, config) => publisher.ready(submission, config),
    observer: allOf(options.observers ?? []),
  });
  const jobs = new JobReportService({
    store: options.store,
    outputDir: options.outputDir,
    location: options.location,
    wake,
  });
  const control = new ControlService({ store: options.store, launches, now, wake });
  const keepUp = new KeepUpService({
    store: options.store,
    launches,
    now,
    log,
    external,
    ...(options.keepUpIntervalMs === undefined ? {} : { intervalMs: options.keepUpIntervalMs }),
    ...(options.externalIntervalMs === undefined
      ? {}
      : { externalIntervalMs: options.externalIntervalMs }),
  });
  const dry = (request: LaunchRequest) =>
    dryRun(options.store, launches, options.runtime, options.location, request);
  const jobLogs = new JobLogReader({
    store: options.store,
    engines: options.engines,
    kept: options.keptLogs,
    now,
  });
  const logs = (submissionId: string, index: number, maxBytes?: number) =>
    jobLogs.logs(submissionId, index, maxBytes);
  const launchLog = (submissionId: string) => jobLogs.launchLog(submissionId);
  return {
    launches,
    executor,
    jobs,
    control,
    keepUp,
    publisher,
    dryRun: dry,
    logs,
    launchLog,
    jobLogs,
  };
}

/** One observer telling each of `observers` in turn. */
function allOf(observers: readonly ExecutorObserver[]): ExecutorObserver {
  return {
    polled: (...a) => observers.forEach((o) => o.polled?.(...a)),
    submitted: (...a) => observers.forEach((o) => o.submitted?.(...a)),
    launchFailed: (...a) => observers.forEach((o) => o.launchFailed?.(...a)),
    jobsEnded: (...a) => observers.forEach((o) => o.jobsEnded?.(...a)),
    cycled: (...a) => observers.forEach((o) => o.cycled?.(...a)),
  };
}

export { LaunchError } from './errors.ts';
export type { EndedJob, ExecutorObserver } from './executor.ts';
export type { LaunchOutcome, LaunchRequest } from './launches.ts';
export type { DryRunResult } from './dry-run.ts';
