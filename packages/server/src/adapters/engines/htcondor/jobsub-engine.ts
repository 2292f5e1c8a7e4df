// The jobsub_lite engine: Fermilab's jobsub_lite in front of its HTCondor schedds. One jobsub_submit
// per submission (-N jobs: one cluster, procs 0…N-1 on the schedd jobsub picks), the task script
// as the file:// executable with `$(Process)` as its argument — jobsub writes its arguments into
// the submit description, where condor_submit expands the macro to each job's proc id. The script
// carries the jobs by position (proc p runs the request's p-th job), whatever their indexes.
// Engine ids: `group[:role]/cluster.proc@schedd` (job-ids.ts), qualified with the launch host.
import type { BatchEngine, JobLogs, JobReport, SubmitRequest, SubmitResult } from '@poms/core';
import { CommandError, runChecked, type CommandRunner } from '../commands/runner.ts';
import { byTarget, qualify, targetOf, unqualify, type RunnerPool } from '../commands/targets.ts';
import { taskScript } from '../task-script.ts';
import { LOOKUP_ATTRIBUTES, POLL_ATTRIBUTES, parseJobAds, type JobAd } from './classads.ts';
import { checkControl } from './control-output.ts';
import {
  checkWord,
  formatJobsubId,
  jobsubJobId,
  parseJobsubId,
  parseJobsubSubmit,
  type JobsubId,
} from './job-ids.ts';
import { chunks } from '../../chunks.ts';
import { checkSubmissionId } from '../submission-id.ts';
import { notInQueue, reconcile } from './reconcile.ts';
import { makeExecutable, makeFolder, readFileIfAny, tailFile, writeFile } from './staging.ts';
import { submissionFiles } from './submit-description.ts';
import { submitValue } from './submit-value.ts';

export interface JobsubEngineOptions {
  runners: RunnerPool;
  /** Folder on the launch host holding one folder per submission (the task script, a marker). */
  workRoot: string;
  /** The task script's interpreter on the worker nodes; default `/usr/bin/env node`. */
  node?: string;
  /** At most this many job ids per jobsub_q / jobsub_rm… command; default 500. */
  pollBatch?: number;
  /** Default size of logs(); default 64 KiB per stream. */
  logBytes?: number;
}

/** The marker file, `cluster@schedd`, written as soon as jobsub_submit answers. */
const MARKER = 'jobsub-cluster';
/** GlobalJobId: `schedd#cluster.proc#qdate`. */
const GLOBAL_JOB_ID = /^([^#]+)#(\d+)\.(\d+)#/;

type Credentials = { group: string; role?: string };

export class JobsubEngine implements BatchEngine {
  private readonly batch: number;
  private readonly logBytes: number;

  constructor(private readonly options: JobsubEngineOptions) {
    this.batch = options.pollBatch ?? 500;
    this.logBytes = options.logBytes ?? 64 * 1024;
    submitValue(options.workRoot, 'bare');
  }

  async submit(request: SubmitRequest): Promise<SubmitResult> {
    checkSubmissionId(request.submission_id);
    const group = request.placement?.group?.trim();
    if (!group) {
      throw new RangeError(
        `submission ${request.submission_id}: jobsub needs a group (-G); the launch setup names none`,
      );
    }
    const role = request.placement?.role?.trim() || undefined;
    const who: Credentials = {
      group: checkWord('group', group),
      ...(role === undefined ? {} : { role: checkWord('role', role) }),
    };
    const target = targetOf(request.placement);
    const runner = this.options.runners.runner(target);
    if (request.jobs.length === 0) return { engine_ids: [] };
    const files = submissionFiles(this.options.workRoot, request.submission_id);
    const argv = this.submitArgv(request, who, files.executable);
    const marker = `${files.folder}/${MARKER}`;

    let made = await this.existingCluster(runner, marker, request.submission_id, who);
    if (made === undefined) {
      await makeFolder(runner, files.folder);
      // Proc p runs the p-th job: the script knows the jobs by position.
      const byPosition = {
        ...request,
        jobs: request.jobs.map((job, index) => ({ ...job, index })),
      };
      const options = this.options.node === undefined ? {} : { node: this.options.node };
      await writeFile(runner, files.executable, taskScript(byPosition, options));
      await makeExecutable(runner, files.executable);
      const result = await runChecked(runner, argv, { timeoutMs: 600_000 });
      made = parseJobsubSubmit(result.stdout, request.jobs.length);
      await writeFile(runner, marker, `${made.cluster}@${made.schedd}\n`);
    }
    const { cluster, schedd } = made;
    return {
      engine_ids: request.jobs.map((_, proc) =>
        qualify(target, formatJobsubId({ ...who, cluster, proc, schedd })),
      ),
    };
  }

  async poll(engineIds: readonly string[]): Promise<JobReport[]> {
    const reports: JobReport[] = [];
    for (const group of byTarget(engineIds)) {
      const runner = this.options.runners.runner(group.target);
      // One query per group, role and schedd: cluster ids are only unique within a schedd.
      const sets = new Map<string, { id: JobsubId; engineId: string; position: number }[]>();
      group.refs.forEach((ref, i) => {
        const position = group.positions[i] ?? 0;
        const engineId = engineIds[position] ?? ref;
        const id = parseJobsubId(ref);
        if (id === undefined) {
          reports[position] = {
            engine_id: engineId,
            state: 'unknown',
            reason: `'${ref}' is not a jobsub job id`,
          };
          return;
        }
        const key = `${id.group}:${id.role ?? ''}@${id.schedd}`;
        const set = sets.get(key) ?? [];
        set.push({ id, engineId, position });
        sets.set(key, set);
      });
      for (const set of sets.values()) {
        const first = set[0];
        if (first === undefined) continue;
        const asked = set.map(({ id, engineId }) => ({
          cluster: id.cluster,
          proc: id.proc,
          engineId,
        }));
        const queue = await this.queueAds(runner, first.id, asked);
        const missing = notInQueue(asked, queue);
        const { ads, error } = await this.historyAds(runner, first.id, missing);
        reconcile(asked, queue, ads, error).forEach((report, i) => {
          reports[set[i]?.position ?? 0] = report;
        });
      }
    }
    return reports;
  }

  cancel(engineIds: readonly string[]): Promise<void> {
    return this.control('jobsub_rm', engineIds);
  }

  hold(engineIds: readonly string[]): Promise<void> {
    return this.control('jobsub_hold', engineIds);
  }

  release(engineIds: readonly string[]): Promise<void> {
    return this.control('jobsub_release', engineIds);
  }

  /**
   * jobsub_fetchlog copies the job's sandbox (its .out and .err among them) from the schedd into
   * a folder on the launch host; the ends of those two files are the logs.
   */
  async logs(engineId: string, maxBytes = this.logBytes): Promise<JobLogs> {
    const { target, ref } = unqualify(engineId);
    const id = parseJobsubId(ref);
    if (id === undefined) throw new RangeError(`'${ref}' is not a jobsub job id`);
    const runner = this.options.runners.runner(target);
    const jobId = jobsubJobId(id);
    const folder = `${this.options.workRoot.replace(/\/+$/, '')}/fetchlog/${jobId}`;
    await makeFolder(runner, folder);
    await runChecked(
      runner,
      ['jobsub_fetchlog', ...credentials(id), '--jobid', jobId, '--destdir', folder],
      { timeoutMs: 300_000 },
    );
    // jobsub names them `<executable><date><uuid>cluster.<cluster>.<proc>.out|.err`.
    const found = await runChecked(runner, [
      'find',
      folder,
      '-type',
      'f',
      '(',
      '-name',
      `*cluster.${id.cluster}.${id.proc}.out`,
      '-o',
      '-name',
      `*cluster.${id.cluster}.${id.proc}.err`,
      ')',
    ]);
    const paths = found.stdout.split('\n').filter((p) => p !== '');
    const outPath = paths.find((p) => p.endsWith('.out'));
    const errPath = paths.find((p) => p.endsWith('.err'));
    const [out, err] = await Promise.all([
      outPath === undefined ? undefined : tailFile(runner, outPath, maxBytes),
      errPath === undefined ? undefined : tailFile(runner, errPath, maxBytes),
    ]);
    return {
      stdout: out?.text ?? '',
      stderr: err?.text ?? '',
      truncated: (out?.truncated ?? false) || (err?.truncated ?? false),
    };
  }

  /** jobsub_submit's argv; every label goes through the one submit-value quoting. */
  private submitArgv(request: SubmitRequest, who: Credentials, executable: string): string[] {
    const argv = ['jobsub_submit', ...credentials(who), '-N', String(request.jobs.length)];
    const r = request.resources ?? {};
    if (r.memory_mb !== undefined) argv.push(`--memory=${whole('memory_mb', r.memory_mb)}MB`);
    if (r.disk_mb !== undefined) argv.push(`--disk=${whole('disk_mb', r.disk_mb)}MB`);
    if (r.cpus !== undefined) argv.push(`--cpu=${whole('cpus', r.cpus)}`);
    if (r.time_s !== undefined) {
      const seconds = whole('time_s', r.time_s);
      // Matching (slots with that much lifetime left) and enforcement (the wrapper kills the job).
      argv.push(`--expected-lifetime=${seconds}s`, `--timeout=${seconds}s`);
    }
    const lines: string[] = [];
    if (r.gpus !== undefined) lines.push(`request_gpus = ${whole('gpus', r.gpus)}`);
    if (request.throttle !== undefined) {
      // Not --maxConcurrent: that makes a DAG of one cluster per job, breaking cluster.proc ids.
      lines.push(`max_materialize = ${whole('throttle', request.throttle)}`);
    }
    lines.push(`+PomsSubmissionId = ${submitValue(request.submission_id, 'string')}`);
    const labels = request.labels;
    if (labels !== undefined) {
      lines.push(`+PomsCampaignId = ${submitValue(labels.campaign_id, 'string')}`);
      lines.push(`+PomsCampaign = ${submitValue(labels.campaign, 'string')}`);
      lines.push(`+PomsStage = ${submitValue(labels.stage, 'string')}`);
      lines.push(`+PomsExperiment = ${submitValue(labels.experiment, 'string')}`);
    }
    for (const line of lines) argv.push('-l', line);
    argv.push(`file://${submitValue(executable, 'bare')}`, '$(Process)');
    return argv;
  }

  private async existingCluster(
    runner: CommandRunner,
    marker: string,
    submissionId: string,
    who: Credentials,
  ): Promise<{ cluster: number; schedd: string } | undefined> {
    const text = await readFileIfAny(runner, marker);
    const match = text === undefined ? null : /^(\d+)@(\S+)\s*$/.exec(text);
    if (match !== null) return { cluster: Number(match[1]), schedd: match[2] ?? '' };
    const result = await runChecked(runner, [
      'jobsub_q',
      ...credentials(who),
      '-constraint',
      `PomsSubmissionId =?= ${submitValue(submissionId, 'string')}`,
      '-json',
      '-attributes',
      LOOKUP_ATTRIBUTES.join(','),
    ]);
    const found = parseJobAds(result.stdout)
      .map((ad) => GLOBAL_JOB_ID.exec(ad.GlobalJobId ?? ''))
      .filter((m) => m !== null)
      .map((m) => ({ schedd: m[1] ?? '', cluster: Number(m[2]) }))
      .sort((a, b) => a.cluster - b.cluster)[0];
    if (found !== undefined) await writeFile(runner, marker, `${found.cluster}@${found.schedd}\n`);
    return found;
  }

  /** Queue ads of the asked clusters on one schedd; a failing jobsub_q rejects the poll. */
  private async queueAds(
    runner: CommandRunner,
    who: JobsubId,
    asked: readonly { cluster: number }[],
  ): Promise<JobAd[]> {
    const clusters = [...new Set(asked.map((a) => a.cluster))];
    const ads: JobAd[] = [];
    for (const chunk of chunks(clusters, this.batch)) {
      const ids = chunk.map((cluster) => `${cluster}@${who.schedd}`).join(',');
      const argv = [
        'jobsub_q',
        ...credentials(who),
        '--jobid',
        ids,
        '-json',
        '-attributes',
        POLL_ATTRIBUTES.join(','),
      ];
      const result = await runner.run(argv);
      if (result.code !== 0 || /Failed to fetch ads/.test(result.stderr + result.stdout)) {
        const said = (result.stderr.trim() || result.stdout.trim()).slice(0, 1000);
        throw new CommandError(`jobsub_q on ${runner.where} failed: ${said}`, result);
      }
      ads.push(...parseJobAds(result.stdout));
    }
    return ads;
  }

  /** jobsub_history takes one --jobid: one call per cluster with jobs gone from the queue. */
  private async historyAds(
    runner: CommandRunner,
    who: JobsubId,
    missing: readonly { cluster: number; proc: number }[],
  ): Promise<{ ads: JobAd[]; error?: string }> {
    const ads: JobAd[] = [];
    for (const cluster of new Set(missing.map((m) => m.cluster))) {
      const result = await runner.run([
        'jobsub_history',
        ...credentials(who),
        '--jobid',
        `${cluster}@${who.schedd}`,
        '-json',
        '-attributes',
        POLL_ATTRIBUTES.join(','),
      ]);
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
      const sets = new Map<string, { who: Credentials; ids: string[] }>();
      for (const ref of group.refs) {
        const id = parseJobsubId(ref);
        if (id === undefined) throw new RangeError(`'${ref}' is not a jobsub job id`);
        const key = `${id.group}:${id.role ?? ''}`;
        const set = sets.get(key) ?? { who: id, ids: [] };
        set.ids.push(jobsubJobId(id));
        sets.set(key, set);
      }
      for (const { who, ids } of sets.values()) {
        for (const chunk of chunks(ids, this.batch)) {
          const result = await runner.run([
            command,
            ...credentials(who),
            '--jobid',
            chunk.join(','),
          ]);
          checkControl(command, runner.where, result);
        }
      }
    }
  }
}

/** `-G group [--role role]`: every jobsub command needs the group; the role picks the token. */
function credentials(who: Credentials): string[] {
  return ['-G', who.group, ...(who.role === undefined ? [] : ['--role', who.role])];
}

/** A figure jobsub takes as a whole number: fractions round up, so a request is never cut. */
function whole(what: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) {
    throw new RangeError(`${what} ${value} is not a positive number`);
  }
  return Math.ceil(value);
}
