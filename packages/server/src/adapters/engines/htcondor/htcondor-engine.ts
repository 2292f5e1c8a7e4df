// The HTCondor engine (DESIGN.md §4): one cluster per submission, submitted with condor_submit
// from a folder on the submit host (this machine, or a launch host over ssh) that holds the task
// script (the executable), the submit description, the user log and each job's stdout/stderr.
// Engine ids are `cluster.proc`, qualified with the launch host when remote; proc p is the p-th
// job of the request, since `queue … from` numbers its items from 0 in order.
import type { BatchEngine, JobLogs, JobReport, SubmitRequest, SubmitResult } from '@poms/core';
import { CommandError, runChecked, type CommandRunner } from '../commands/runner.ts';
import { byTarget, qualify, targetOf, unqualify, type RunnerPool } from '../commands/targets.ts';
import { taskScript } from '../task-script.ts';
import {
  LOOKUP_ATTRIBUTES,
  OUTPUT_ATTRIBUTES,
  POLL_ATTRIBUTES,
  parseJobAds,
  type JobAd,
} from './classads.ts';
import { checkControl } from './control-output.ts';
import { parseProcId, parseTerse, type ProcId } from './job-ids.ts';
import { chunks } from '../../chunks.ts';
import { checkSubmissionId } from '../submission-id.ts';
import { notInQueue, reconcile, type AskedJob } from './reconcile.ts';
import { makeExecutable, makeFolder, readFileIfAny, tailFile, writeFile } from './staging.ts';
import { submissionFiles, submitDescription } from './submit-description.ts';
import { submitValue } from './submit-value.ts';

export interface HTCondorEngineOptions {
  /** Runs the condor tools here or on the placement's launch host. */
  runners: RunnerPool;
  /** Folder on the submit host holding one folder per submission. */
  workRoot: string;
  /** The task script's interpreter on the execute hosts; default `/usr/bin/env node`. */
  node?: string;
  /** A schedd other than the submit host's default (`-name`). */
  schedd?: string;
  /** At most this many clusters or job ids per condor_q / condor_history command; default 500. */
  pollBatch?: number;
  /** Default size of logs(); default 64 KiB per stream. */
  logBytes?: number;
  /** How far back condor_history looks for a submission's cluster; default 7 days. */
  lookbackSeconds?: number;
  /** The clock, in ms since the epoch; injected for tests. */
  now?: () => number;
}

/** The marker file holding the cluster id, written as soon as condor_submit answers. */
const MARKER = 'cluster';

export class HTCondorEngine implements BatchEngine {
  private readonly batch: number;
  private readonly logBytes: number;
  private readonly lookbackSeconds: number;
  private readonly now: () => number;

  constructor(private readonly options: HTCondorEngineOptions) {
    this.batch = options.pollBatch ?? 500;
    this.logBytes = options.logBytes ?? 64 * 1024;
    this.lookbackSeconds = options.lookbackSeconds ?? 7 * 24 * 3600;
    this.now = options.now ?? Date.now;
    submitValue(options.workRoot, 'bare');
  }

  async submit(request: SubmitRequest): Promise<SubmitResult> {
    checkSubmissionId(request.submission_id);
    const target = targetOf(request.placement);
    const runner = this.options.runners.runner(target);
    if (request.jobs.length === 0) return { engine_ids: [] };
    const files = submissionFiles(this.options.workRoot, request.submission_id);
    // Built (and every value checked) before anything is written or run.
    const description = submitDescription(request, files);
    const marker = `${files.folder}/${MARKER}`;

    let cluster = await this.existingCluster(runner, marker, request.submission_id);
    if (cluster === undefined) {
      await makeFolder(runner, files.folder);
      await writeFile(runner, files.executable, taskScript(request, this.scriptOptions()));
      await makeExecutable(runner, files.executable);
      await writeFile(runner, files.submitFile, description);
      const result = await runChecked(runner, [
        ...this.tool('condor_submit'),
        '-terse',
        files.submitFile,
      ]);
      cluster = parseTerse(result.stdout, request.jobs.length);
      await writeFile(runner, marker, `${cluster}\n`);
    }
    const id = cluster;
    return { engine_ids: request.jobs.map((_, proc) => qualify(target, `${id}.${proc}`)) };
  }

  async poll(engineIds: readonly string[]): Promise<JobReport[]> {
    const reports: JobReport[] = [];
    for (const group of byTarget(engineIds)) {
      const runner = this.options.runners.runner(group.target);
      const asked: (AskedJob & { position: number })[] = [];
      group.refs.forEach((ref, i) => {
        const position = group.positions[i] ?? 0;
        const engineId = engineIds[position] ?? ref;
        const proc = parseProcId(ref);
        if (proc === undefined) {
          reports[position] = {
            engine_id: engineId,
            state: 'unknown',
            reason: `'${ref}' is not an HTCondor job id`,
          };
        } else asked.push({ ...proc, engineId, position });
      });
      const queue = await this.queueAds(runner, asked);
      const { ads: history, error } = await this.historyAds(runner, notInQueue(asked, queue));
      const found = reconcile(asked, queue, history, error);
      found.forEach((report, i) => {
        reports[asked[i]?.position ?? 0] = report;
      });
    }
    return reports;
  }

  cancel(engineIds: readonly string[]): Promise<void> {
    return this.control('condor_rm', engineIds);
  }

  hold(engineIds: readonly string[]): Promise<void> {
    return this.control('condor_hold', engineIds);
  }

  release(engineIds: readonly string[]): Promise<void> {
    return this.control('condor_release', engineIds);
  }

  async logs(engineId: string, maxBytes = this.logBytes): Promise<JobLogs> {
    const { target, ref } = unqualify(engineId);
    const proc = parseProcId(ref);
    if (proc === undefined) throw new RangeError(`'${ref}' is not an HTCondor job id`);
    const runner = this.options.runners.runner(target);
    const id = `${proc.cluster}.${proc.proc}`;
    const attributes = ['-attributes', OUTPUT_ATTRIBUTES.join(',')];
    let ads = parseJobAds(
      (await runChecked(runner, [...this.tool('condor_q'), '-json', ...attributes, id])).stdout,
    );
    if (ads.length === 0) {
      const history = [...this.tool('condor_history'), '-json', ...attributes, '-match', '1', id];
      ads = parseJobAds((await runChecked(runner, history)).stdout);
    }
    const ad = ads[0];
    if (ad === undefined)
      throw new RangeError(`HTCondor job ${id} is in neither queue nor history`);
    const [out, err] = await Promise.all([
      ad.Out === undefined ? undefined : tailFile(runner, ad.Out, maxBytes),
      ad.Err === undefined ? undefined : tailFile(runner, ad.Err, maxBytes),
    ]);
    return {
      stdout: out?.text ?? '',
      stderr: err?.text ?? '',
      truncated: (out?.truncated ?? false) || (err?.truncated ?? false),
    };
  }

  private scriptOptions(): { node?: string } {
    return this.options.node === undefined ? {} : { node: this.options.node };
  }

  /** A condor tool's argv start, aimed at the configured schedd. */
  private tool(name: string): string[] {
    const schedd = this.options.schedd;
    return schedd === undefined ? [name] : [name, '-name', schedd];
  }

  /**
   * The cluster already made for this submission, if any: the marker file, else a job in the
   * queue or the recent history tagged with the submission (condor_submit answered but the
   * marker was never written).
   */
  private async existingCluster(
    runner: CommandRunner,
    marker: string,
    submissionId: string,
  ): Promise<number | undefined> {
    const text = await readFileIfAny(runner, marker);
    if (text !== undefined && /^\d+\s*$/.test(text)) return Number(text.trim());
    const constraint = [
      '-constraint',
      `PomsSubmissionId =?= ${submitValue(submissionId, 'string')}`,
    ];
    const attributes = ['-attributes', LOOKUP_ATTRIBUTES.join(',')];
    const queued = await runChecked(runner, [
      ...this.tool('condor_q'),
      '-json',
      ...constraint,
      ...attributes,
    ]);
    let ads = parseJobAds(queued.stdout);
    if (ads.length === 0) {
      const since = Math.floor(this.now() / 1000) - this.lookbackSeconds;
      const past = await runChecked(runner, [
        ...this.tool('condor_history'),
        '-json',
        ...constraint,
        ...attributes,
        '-completedsince',
        String(since),
        '-match',
        '1',
      ]);
      ads = parseJobAds(past.stdout);
    }
    if (ads.length === 0) return undefined;
    const cluster = Math.min(...ads.map((ad) => ad.ClusterId));
    await writeFile(runner, marker, `${cluster}\n`);
    return cluster;
  }

  /** The queue's ads of the asked jobs' clusters. A failing condor_q rejects the whole poll. */
  private async queueAds(runner: CommandRunner, asked: readonly ProcId[]): Promise<JobAd[]> {
    const clusters = [...new Set(asked.map((job) => job.cluster))].map(String);
    const ads: JobAd[] = [];
    for (const chunk of chunks(clusters, this.batch)) {
      const argv = [
        ...this.tool('condor_q'),
        '-json',
        '-attributes',
        POLL_ATTRIBUTES.join(','),
        ...chunk,
      ];
      const result = await runner.run(argv);
      // condor_q may print "-- Failed to fetch ads" for an unreachable schedd: never "no jobs".
      if (result.code !== 0 || /Failed to fetch ads/.test(result.stderr + result.stdout)) {
        const said = (result.stderr.trim() || result.stdout.trim()).slice(0, 1000);
        throw new CommandError(`condor_q on ${runner.where} failed: ${said}`, result);
      }
      ads.push(...parseJobAds(result.stdout));
    }
    return ads;
  }

  /** The history's ads of jobs no longer queued; a failure leaves them unknown, with why. */
  private async historyAds(
    runner: CommandRunner,
    missing: readonly ProcId[],
  ): Promise<{ ads: JobAd[]; error?: string }> {
    const ads: JobAd[] = [];
    for (const chunk of chunks(missing, this.batch)) {
      const argv = [
        ...this.tool('condor_history'),
        '-json',
        '-attributes',
        POLL_ATTRIBUTES.join(','),
        ...chunk.map((job) => `${job.cluster}.${job.proc}`),
      ];
      const result = await runner.run(argv);
      if (result.code !== 0) {
        return { ads, error: (result.stderr.trim() || `exit ${result.code}`).slice(0, 1000) };
      }
      ads.push(...parseJobAds(result.stdout));
    }
    return { ads };
  }

  private async control(command: string, engineIds: readonly string[]): Promise<void> {
    for (const group of byTarget(engineIds)) {
      const runner = this.options.runners.runner(group.target);
      const ids = group.refs.map((ref) => {
        const proc = parseProcId(ref);
        if (proc === undefined) throw new RangeError(`'${ref}' is not an HTCondor job id`);
        return `${proc.cluster}.${proc.proc}`;
      });
      for (const chunk of chunks(ids, this.batch)) {
        const result = await runner.run([...this.tool(command), ...chunk]);
        checkControl(command, runner.where, result);
      }
    }
  }
}
