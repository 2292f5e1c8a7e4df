// The Slurm commands this engine runs, as argv arrays: built here and nowhere else, so the tests
// can check each one exactly. Values from a campaign (partition, QOS, account, names) are single
// argv words; nothing is ever joined into a shell line.
import type { JobResources, Placement, SubmitLabels } from '@poms/core';
import { SACCT_FORMAT, SQUEUE_FORMAT } from './parse.ts';

/** Every command that prints times prints them as epoch seconds. */
const EPOCH = ['env', 'SLURM_TIME_FORMAT=%s'];

export interface SbatchInput {
  submissionId: string;
  indexes: readonly number[];
  throttle?: number | undefined;
  resources?: JobResources | undefined;
  placement?: Placement | undefined;
  labels?: SubmitLabels | undefined;
  /** The submission's folder on the submit host: stdout/stderr of each task and job folders. */
  dir: string;
}

/** The job name: what squeue shows, and how a lost submit is found again. */
export function jobName(submissionId: string): string {
  return `poms-${submissionId}`;
}

/** `0-9`, `0-3,7,9-12`: the indexes as a Slurm array spec. */
export function arraySpec(indexes: readonly number[]): string {
  const sorted = [...new Set(indexes)].sort((a, b) => a - b);
  const ranges: string[] = [];
  let start = sorted[0];
  let prev = start;
  for (const i of [...sorted.slice(1), undefined]) {
    if (i !== undefined && prev !== undefined && i === prev + 1) {
      prev = i;
      continue;
    }
    if (start !== undefined && prev !== undefined) {
      ranges.push(start === prev ? String(start) : `${start}-${prev}`);
    }
    start = i;
    prev = i;
  }
  return ranges.join(',');
}

/** Slurm's `--time` as days-hours:minutes:seconds, rounded up to whole minutes as Slurm does. */
export function slurmTime(seconds: number): string {
  const minutes = Math.max(1, Math.ceil(seconds / 60));
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  return `${d}-${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:00`;
}

/** sbatch reading the batch script from its standard input. */
export function sbatchArgv(input: SbatchInput): string[] {
  const { resources: r = {}, placement: p = {}, labels } = input;
  const throttle = input.throttle === undefined ? '' : `%${input.throttle}`;
  const argv = [
    'sbatch',
    '--parsable',
    `--array=${arraySpec(input.indexes)}${throttle}`,
    `--job-name=${jobName(input.submissionId)}`,
    `--chdir=${input.dir}`,
    `--output=${input.dir}/%a.out`,
    `--error=${input.dir}/%a.err`,
    // Ours to requeue: a job Slurm requeues by itself would run its files twice.
    '--no-requeue',
  ];
  if (labels !== undefined) {
    argv.push(
      `--comment=poms experiment=${labels.experiment} campaign=${labels.campaign} stage=${labels.stage} submission=${input.submissionId}`,
    );
  }
  if (p.partition) argv.push(`--partition=${p.partition}`);
  if (p.qos) argv.push(`--qos=${p.qos}`);
  if (p.batch_account) argv.push(`--account=${p.batch_account}`);
  if (r.memory_mb !== undefined) argv.push(`--mem=${Math.ceil(r.memory_mb)}M`);
  if (r.time_s !== undefined) argv.push(`--time=${slurmTime(r.time_s)}`);
  if (r.cpus !== undefined) argv.push(`--cpus-per-task=${r.cpus}`);
  if (r.gpus !== undefined && r.gpus > 0) argv.push(`--gres=gpu:${r.gpus}`);
  if (r.disk_mb !== undefined) argv.push(`--tmp=${Math.ceil(r.disk_mb)}M`);
  return argv;
}

/** Every task of the given array jobs, one line each (-r), finished ones too (-t all). */
export function squeueArgv(jobs: readonly string[]): string[] {
  return [...EPOCH, 'squeue', '-h', '-r', '-t', 'all', '-j', jobs.join(','), '-o', SQUEUE_FORMAT];
}

/** A lost submit found again by its job name (the array job id, once per task). */
export function squeueByNameArgv(submissionId: string): string[] {
  return ['squeue', '-h', '-t', 'all', `--name=${jobName(submissionId)}`, '-o', '%F'];
}

export function scontrolShowArgv(job: string): string[] {
  return [...EPOCH, 'scontrol', 'show', 'job', '-o', job];
}

export function sacctArgv(jobs: readonly string[]): string[] {
  return [...EPOCH, 'sacct', '-P', '-n', '-j', jobs.join(','), `--format=${SACCT_FORMAT}`];
}

export function scancelArgv(refs: readonly string[]): string[] {
  return ['scancel', ...refs];
}

export function scontrolArgv(action: 'hold' | 'release', refs: readonly string[]): string[] {
  return ['scontrol', action, refs.join(',')];
}
