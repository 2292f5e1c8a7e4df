// The Slurm engine (issue 7): one submission is one job array, its tasks the submission's jobs.
// The batch script is the self-contained task script (task-script.ts) given on sbatch's standard
// input, so nothing has to be staged on the cluster; tasks write their stdout and stderr into the
// submission's folder on the submit host (`<root>/<submission>/<index>.out`).
//
// Polling is batched per launch host: one squeue for every array in flight; tasks that ended are
// then read for their exit codes and accounting from sacct when the cluster keeps accounting, else
// from scontrol (while the controller still remembers them, MinJobAge) and the jobcomp log. When
// the controller does not answer, every job of that host is reported `unknown`: never failed, so
// nothing is recovered or relaunched for an outage.
import type { BatchEngine, JobLogs, JobReport, SubmitRequest, SubmitResult } from '@poms/core';
import { chunks } from '../../chunks.ts';
import { runChecked, type CommandRunner } from '../commands/runner.ts';
import {
  byTarget,
  qualify,
  targetKey,
  targetOf,
  unqualify,
  type RunnerPool,
  type Target,
} from '../commands/targets.ts';
import { checkSubmissionId, isSafeSubmissionId } from '../submission-id.ts';
import { taskScript } from '../task-script.ts';
import { submitHostFiles, type SubmitHostFiles } from './submit-host.ts';
import {
  sacctArgv,
  sbatchArgv,
  scancelArgv,
  scontrolArgv,
  scontrolShowArgv,
  squeueArgv,
  squeueByNameArgv,
} from './commands.ts';
import {
  parseJobcomp,
  parseRef,
  parseSacct,
  parseSbatch,
  parseScontrol,
  parseSqueue,
  type SlurmRecord,
} from './parse.ts';
import { isFinalSlurmState, slurmState } from './states.ts';

export interface SlurmEngineOptions {
  runners: RunnerPool;
  /**
   * The folder on the submit host (shared with the compute nodes) holding one folder per
   * submission: task outputs and job folders. The same path is used on every launch host.
   */
  root: string;
  /**
   * The task script's interpreter: by default this server's node for jobs of this machine, and
   * `/usr/bin/env node` (the workers' own) for jobs submitted from a launch host.
   */
  node?: string;
  /** Slurm's jobcomp/filetxt log (JobCompLoc), read for jobs squeue no longer shows. */
  jobcompFile?: string;
  /** Lines about the cluster (a controller that does not answer). */
  log?: (message: string) => void;
  /** Job ids per squeue/sacct call; default 500. */
  chunk?: number;
}

const UNREACHABLE =
  /Unable to contact slurm controller|Socket timed out|Connection refused|Zero Bytes were transmitted/i;
const NO_SUCH_JOB = /Invalid job id specified/i;
const NO_ACCOUNTING = /accounting storage is disabled|Problem talking to the database|slurmdbd/i;
const ARRAY_MARKER = 'slurm-array-id';

export class SlurmEngine implements BatchEngine {
  /** Per launch host: false once sacct said the cluster keeps no accounting. */
  private readonly sacct = new Map<string, boolean>();

  constructor(private readonly options: SlurmEngineOptions) {}

  async submit(request: SubmitRequest): Promise<SubmitResult> {
    checkSubmissionId(request.submission_id);
    const indexes = request.jobs.map((j) => j.index);
    if (indexes.length === 0) throw new Error('a submission without jobs');
    if (
      new Set(indexes).size !== indexes.length ||
      indexes.some((i) => !Number.isInteger(i) || i < 0)
    ) {
      throw new Error('job indexes must be distinct non-negative integers');
    }
    const target = targetOf(request.placement);
    const runner = this.options.runners.runner(target);
    const dir = this.dirOf(request.submission_id);
    const ids = (array: string) => ({
      engine_ids: indexes.map((i) => qualify(target, `${array}_${i}`)),
    });
    const files = submitHostFiles(runner);
    // The folder is made before sbatch: a folder that did not exist means a first submit, and
    // only a repeated one (after a crash before the ids were recorded) looks for its array.
    if (!(await files.makeFresh(dir))) {
      const known = await this.submittedBefore(runner, files, request.submission_id);
      if (known !== undefined) return ids(known);
    }
    const script = taskScript(request, {
      node: this.options.node ?? (target === undefined ? process.execPath : '/usr/bin/env node'),
      workdir: dir,
    });
    const result = await runChecked(
      runner,
      sbatchArgv({
        submissionId: request.submission_id,
        indexes,
        throttle: request.throttle,
        resources: request.resources,
        placement: request.placement,
        labels: request.labels,
        dir,
      }),
      { input: script },
    );
    const array = parseSbatch(result.stdout);
    if (array === undefined) {
      throw new Error(
        `sbatch on ${runner.where} printed no job id: '${result.stdout.trim().slice(0, 200)}'`,
      );
    }
    // The markers make a second submit (after a crash before the ids were recorded) find this
    // array, and logs() find the folder of an array task, long after Slurm has forgotten both.
    await files.write(`${dir}/${ARRAY_MARKER}`, `${array}\n`);
    await files.makeAll(`${this.options.root}/arrays`);
    await files.write(`${this.options.root}/arrays/${array}`, `${request.submission_id}\n`);
    return ids(array);
  }

  async poll(engineIds: readonly string[]): Promise<JobReport[]> {
    const reports: JobReport[] = engineIds.map((id) => ({
      engine_id: id,
      state: 'unknown' as const,
    }));
    for (const group of byTarget(engineIds)) {
      const found = await this.pollTarget(group.target, group.refs);
      group.positions.forEach((position, i) => {
        const engineId = engineIds[position] ?? '';
        reports[position] = { ...(found[i] ?? { state: 'unknown' }), engine_id: engineId };
      });
    }
    return reports;
  }

  async cancel(engineIds: readonly string[]): Promise<void> {
    await this.act(engineIds, (refs) => scancelArgv(refs));
  }

  async hold(engineIds: readonly string[]): Promise<void> {
    await this.act(engineIds, (refs) => scontrolArgv('hold', refs));
  }

  async release(engineIds: readonly string[]): Promise<void> {
    await this.act(engineIds, (refs) => scontrolArgv('release', refs));
  }

  async logs(engineId: string, maxBytes = 64 * 1024): Promise<JobLogs> {
    const { target, ref } = unqualify(engineId);
    const task = parseRef(ref);
    if (task?.task === undefined)
      throw new Error(`'${engineId}' is not a Slurm array task of ours`);
    const runner = this.options.runners.runner(target);
    const marker = await runner.run(['cat', `${this.options.root}/arrays/${task.job}`]);
    const submission = marker.stdout.trim();
    if (marker.code !== 0 || !isSafeSubmissionId(submission)) {
      throw new Error(`no logs of Slurm job ${ref} under ${this.options.root} on ${runner.where}`);
    }
    const tail = async (file: string) => {
      const path = `${this.dirOf(submission)}/${task.task}.${file}`;
      const size = await runner.run(['stat', '-c', '%s', path]);
      const text = await runner.run(['tail', '-c', String(maxBytes), path]);
      return {
        text: text.code === 0 ? text.stdout : '',
        truncated: size.code === 0 && Number(size.stdout.trim()) > maxBytes,
      };
    };
    const [out, err] = [await tail('out'), await tail('err')];
    return { stdout: out.text, stderr: err.text, truncated: out.truncated || err.truncated };
  }

  private dirOf(submissionId: string): string {
    return `${this.options.root}/${submissionId}`;
  }

  /** The array of a submission submitted before, from its marker or, failing that, squeue. */
  private async submittedBefore(
    runner: CommandRunner,
    files: SubmitHostFiles,
    submissionId: string,
  ): Promise<string | undefined> {
    const marker = await files.read(`${this.dirOf(submissionId)}/${ARRAY_MARKER}`);
    const fromMarker = marker === undefined ? undefined : parseSbatch(marker);
    if (fromMarker !== undefined) return fromMarker;
    const listed = await runChecked(runner, squeueByNameArgv(submissionId));
    return listed.stdout
      .split('\n')
      .map((l) => l.trim())
      .find((l) => /^\d+$/.test(l));
  }

  /** Reports for one launch host's tasks, in the order of `refs`. */
  private async pollTarget(
    target: Target | undefined,
    refs: readonly string[],
  ): Promise<Omit<JobReport, 'engine_id'>[]> {
    const runner = this.options.runners.runner(target);
    const where = targetKey(target) || 'this machine';
    const jobs = [...new Set(refs.flatMap((r) => parseRef(r)?.job ?? []))];
    const seen = new Map<string, SlurmRecord>();
    try {
      for (const chunk of chunks(jobs, this.options.chunk ?? 500)) {
        const result = await runner.run(squeueArgv(chunk));
        if (result.code !== 0 && !NO_SUCH_JOB.test(result.stderr)) {
          throw new Error(result.stderr.trim() || `squeue: exit ${result.code}`);
        }
        for (const record of parseSqueue(result.stdout)) seen.set(record.ref, record);
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.options.log?.(`slurm on ${where}: the controller does not answer: ${message}`);
      const reason = UNREACHABLE.test(message)
        ? 'slurmctld does not answer'
        : `squeue failed: ${message.slice(0, 300)}`;
      return refs.map(() => ({ state: 'unknown' as const, reason }));
    }
    // Tasks that ended, or that squeue no longer lists: their exit codes come from accounting.
    const ended = refs.filter((r) => {
      const record = seen.get(r);
      return record === undefined || isFinalSlurmState(record.state);
    });
    const final =
      ended.length === 0
        ? new Map<string, SlurmRecord>()
        : await this.accounting(runner, where, ended, seen);
    return refs.map((ref) => {
      const live = seen.get(ref);
      const record = final.get(ref) ?? live;
      if (record === undefined) {
        return {
          state: 'unknown' as const,
          reason: 'Slurm no longer lists this job and keeps no accounting of it',
        };
      }
      return report(record, live);
    });
  }

  /** Final records of ended tasks: sacct if the cluster keeps accounting, else scontrol and jobcomp. */
  private async accounting(
    runner: CommandRunner,
    where: string,
    refs: readonly string[],
    seen: ReadonlyMap<string, SlurmRecord>,
  ): Promise<Map<string, SlurmRecord>> {
    const jobs = [...new Set(refs.flatMap((r) => parseRef(r)?.job ?? []))];
    const out = new Map<string, SlurmRecord>();
    if (this.sacct.get(where) !== false) {
      let available = true;
      for (const chunk of chunks(jobs, this.options.chunk ?? 500)) {
        const result = await runner.run(sacctArgv(chunk)).catch(() => undefined);
        if (result === undefined || result.code !== 0) {
          available = !(
            result === undefined ||
            NO_ACCOUNTING.test(result.stderr) ||
            /not found/i.test(result.stderr)
          );
          break;
        }
        for (const record of parseSacct(result.stdout)) out.set(record.ref, record);
      }
      if (!available) this.sacct.set(where, false);
      if (available && refs.every((r) => out.has(r))) return out;
    }
    // Without accounting: scontrol while the controller remembers the array, per array job.
    for (const job of jobs) {
      if (!refs.some((r) => parseRef(r)?.job === job && seen.has(r) && !out.has(r))) continue;
      const result = await runner.run(scontrolShowArgv(job));
      if (result.code !== 0) continue;
      for (const record of parseScontrol(result.stdout))
        if (!out.has(record.ref)) out.set(record.ref, record);
    }
    const missing = refs.filter((r) => !out.has(r) && !seen.has(r));
    if (missing.length > 0 && this.options.jobcompFile !== undefined) {
      const patterns = [...new Set(missing.flatMap((r) => parseRef(r)?.job ?? []))].flatMap((j) => [
        '-e',
        `ArrayJobId=${j} `,
      ]);
      const result = await runner.run(['grep', '-F', ...patterns, this.options.jobcompFile]);
      for (const record of parseJobcomp(result.stdout))
        if (!out.has(record.ref)) out.set(record.ref, record);
    }
    return out;
  }

  /** scancel / scontrol hold / release, per launch host; jobs that already ended are no error. */
  private async act(
    engineIds: readonly string[],
    argv: (refs: readonly string[]) => string[],
  ): Promise<void> {
    for (const group of byTarget(engineIds)) {
      const runner = this.options.runners.runner(group.target);
      for (const chunk of chunks(group.refs, this.options.chunk ?? 500)) {
        const result = await runner.run(argv(chunk));
        if (result.code !== 0 && UNREACHABLE.test(result.stderr)) {
          throw new Error(
            `${argv(chunk)[0]} on ${runner.where}: ${result.stderr.trim().slice(0, 300)}`,
          );
        }
      }
    }
  }
}

/** A port report from what Slurm said; a live squeue state wins over a stale accounting one. */
function report(record: SlurmRecord, live: SlurmRecord | undefined): Omit<JobReport, 'engine_id'> {
  const state = live !== undefined && !isFinalSlurmState(live.state) ? live : record;
  const mapped = slurmState(state.state, state.reason ?? '');
  let jobState = mapped.state;
  // A COMPLETED task ended 0; a FAILED one that reports exit 0 was ended by a signal.
  if (jobState === 'completed' && record.exit_code !== undefined && record.exit_code !== 0)
    jobState = 'failed';
  const ended = jobState === 'completed' || jobState === 'failed' || jobState === 'cancelled';
  const wall =
    record.wall_s ??
    (record.started_at === undefined
      ? undefined
      : Math.max(
          0,
          ((ended && record.ended_at ? Date.parse(record.ended_at) : Date.now()) -
            Date.parse(record.started_at)) /
            1000,
        ));
  return {
    state: jobState,
    ...(mapped.reason === undefined ? {} : { reason: mapped.reason }),
    ...(ended && record.exit_code !== undefined ? { exit_code: record.exit_code } : {}),
    ...(ended && record.signal !== undefined ? { signal: record.signal } : {}),
    ...(record.node === undefined ? {} : { host: record.node }),
    ...(record.started_at === undefined ? {} : { started_at: record.started_at }),
    ...(ended && record.ended_at !== undefined ? { ended_at: record.ended_at } : {}),
    ...(wall === undefined ? {} : { wall_s: wall }),
    ...(record.cpu_s === undefined ? {} : { cpu_s: record.cpu_s }),
    ...(record.max_rss_kb === undefined ? {} : { max_rss_kb: record.max_rss_kb }),
  };
}
