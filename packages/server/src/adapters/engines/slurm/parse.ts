// Slurm's text outputs, parsed once at the edge. Pipe-delimited formats and `Key=Value` lines are
// stable across Slurm versions; 22.05's JSON is not (squeue --json ignores filters, sacct --json
// misreports exit codes). Times are asked for as epoch seconds (SLURM_TIME_FORMAT=%s), so no
// time zone of the cluster is ever guessed; jobcomp lines are the exception (local ISO times).
import { constants } from 'node:os';

/** One array task (or plain job) in Slurm's own naming: `4242_7`, or `4242`. */
export interface TaskRef {
  job: string;
  task: number | undefined;
}

export function parseRef(ref: string): TaskRef | undefined {
  const match = /^(\d+)(?:_(\d+))?$/.exec(ref);
  if (match === null) return undefined;
  return { job: match[1] ?? '', task: match[2] === undefined ? undefined : Number(match[2]) };
}

export function refText(ref: TaskRef): string {
  return ref.task === undefined ? ref.job : `${ref.job}_${ref.task}`;
}

/** What squeue, scontrol, sacct or jobcomp said of one task; fields it did not give are absent. */
export interface SlurmRecord {
  ref: string;
  state: string;
  reason?: string;
  exit_code?: number;
  signal?: string;
  node?: string;
  started_at?: string;
  ended_at?: string;
  wall_s?: number;
  cpu_s?: number;
  max_rss_kb?: number;
}

/** The squeue format parseSqueue reads: task id, state, reason, node, start, end. */
export const SQUEUE_FORMAT = '%i|%T|%r|%N|%S|%e';

export function parseSqueue(text: string): SlurmRecord[] {
  const out: SlurmRecord[] = [];
  for (const line of lines(text)) {
    const [id = '', state = '', reason = '', node = '', start = '', end = ''] = line.split('|');
    if (parseRef(id) === undefined) continue; // a pending array left compressed: asked with -r
    out.push({
      ref: id,
      state,
      ...optional('reason', reason === 'None' ? '' : reason),
      ...optional('node', blankNull(node)),
      ...optional('started_at', epoch(start)),
      ...optional('ended_at', epoch(end)),
    });
  }
  return out;
}

/** `scontrol show job -o`: one line of `Key=Value` words per task, epoch times. */
export function parseScontrol(text: string): SlurmRecord[] {
  return keyValueRecords(text, epoch);
}

/**
 * The jobcomp/filetxt log: one line per finished job, kept after squeue forgets it. Its times are
 * the controller's local ISO times, read here in this process's time zone.
 */
export function parseJobcomp(text: string): SlurmRecord[] {
  return keyValueRecords(text, localIso);
}

/** Lines of `Key=Value` words (scontrol -o, jobcomp), one task each. */
function keyValueRecords(text: string, time: (text: string) => string | undefined): SlurmRecord[] {
  const out: SlurmRecord[] = [];
  for (const line of lines(text)) {
    const field = (key: string) => new RegExp(`(?:^|\\s)${key}=(\\S*)`).exec(line)?.[1];
    const job = field('ArrayJobId') ?? field('JobId');
    const task = field('ArrayTaskId');
    if (job === undefined || !/^\d+$/.test(job)) continue;
    // A pending array's line stands for many tasks (`ArrayTaskId=4-9%2`): squeue -r has them.
    if (task !== undefined && !/^\d+$/.test(task)) continue;
    out.push({
      ref: task === undefined ? job : `${job}_${task}`,
      state: field('JobState') ?? '',
      ...optional('reason', blankNull(field('Reason') ?? '').replace(/^None$/, '')),
      ...exitCode(field('ExitCode')),
      ...optional('node', blankNull(field('NodeList') ?? '')),
      ...optional('started_at', time(field('StartTime') ?? '')),
      ...optional('ended_at', time(field('EndTime') ?? '')),
      ...optional('wall_s', duration(field('RunTime') ?? '')),
    });
  }
  return out;
}

/** The sacct format parseSacct reads (with -P -n, steps included). */
export const SACCT_FORMAT = 'JobID,State,ExitCode,ElapsedRaw,TotalCPU,MaxRSS,NodeList,Start,End';

/**
 * `sacct -P -n`: an allocation line per task (`4242_7`) and one per step (`4242_7.batch`,
 * `.extern`, `.0`). State, exit code, times and CPU come from the allocation line; peak memory is
 * the largest MaxRSS of its steps (the allocation line has none).
 */
export function parseSacct(text: string): SlurmRecord[] {
  const byRef = new Map<string, SlurmRecord>();
  const peaks = new Map<string, number>();
  for (const line of lines(text)) {
    const [
      id = '',
      state = '',
      exit = '',
      elapsed = '',
      cpu = '',
      rss = '',
      node = '',
      start = '',
      end = '',
    ] = line.split('|');
    const [ref = '', step] = id.split('.');
    if (parseRef(ref) === undefined) continue;
    if (step !== undefined) {
      const kb = sizeKb(rss);
      if (kb !== undefined) peaks.set(ref, Math.max(peaks.get(ref) ?? 0, kb));
      continue;
    }
    byRef.set(ref, {
      ref,
      state,
      ...exitCode(exit),
      ...optional('node', blankNull(node).replace(/^None assigned$/, '')),
      ...optional('started_at', epoch(start)),
      ...optional('ended_at', epoch(end)),
      ...optional('wall_s', /^\d+$/.test(elapsed) ? Number(elapsed) : undefined),
      ...optional('cpu_s', duration(cpu)),
    });
  }
  for (const [ref, kb] of peaks) {
    const record = byRef.get(ref);
    if (record !== undefined) record.max_rss_kb = kb;
  }
  return [...byRef.values()];
}

/** `sbatch --parsable`: `jobid` or `jobid;cluster`. */
export function parseSbatch(text: string): string | undefined {
  return /^(\d+)(?:;\S+)?$/.exec(text.trim())?.[1];
}

function lines(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

function optional<K extends string, V>(key: K, value: V | undefined | ''): { [k in K]?: V } {
  return value === undefined || value === '' ? {} : ({ [key]: value } as { [k in K]?: V });
}

function blankNull(text: string): string {
  return text === '(null)' || text === 'N/A' ? '' : text;
}

/** Epoch seconds (what SLURM_TIME_FORMAT=%s gives) as ISO; N/A, Unknown, None and 0 as absent. */
function epoch(text: string): string | undefined {
  if (!/^\d+$/.test(text) || Number(text) === 0) return undefined;
  return new Date(Number(text) * 1000).toISOString();
}

function localIso(text: string): string | undefined {
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/.test(text)) return undefined;
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** `[DD-[HH:]]MM:SS[.mmm]` (RunTime, TotalCPU) in seconds. */
export function duration(text: string): number | undefined {
  const match = /^(?:(\d+)-)?(?:(\d+):)?(\d+):(\d+(?:\.\d+)?)$/.exec(text);
  if (match === null) return undefined;
  const [, d = '0', h = '0', m = '0', s = '0'] = match;
  return Number(d) * 86400 + Number(h) * 3600 + Number(m) * 60 + Number(s);
}

/** sacct sizes: `1234K`, `12M`, `1.5G`, or bytes without a unit. */
function sizeKb(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)([KMGT]?)$/.exec(text);
  if (match === null) return undefined;
  const scale = { '': 1 / 1024, K: 1, M: 1024, G: 1024 ** 2, T: 1024 ** 3 }[match[2] ?? ''] ?? 1;
  return Math.round(Number(match[1]) * scale);
}

const SIGNAL_NAMES = new Map(Object.entries(constants.signals).map(([name, n]) => [n, name]));

/** `ExitCode=N:S`: the exit code, and the signal that ended the job when S is not 0. */
function exitCode(text: string | undefined): { exit_code?: number; signal?: string } {
  const match = /^(\d+):(\d+)$/.exec(text ?? '');
  if (match === null) return {};
  const signal = Number(match[2]);
  // Only 1–64 are signals: Slurm writes 0:125 for a job killed for memory (its state says so).
  if (signal > 64) return {};
  if (signal !== 0) return { signal: SIGNAL_NAMES.get(signal) ?? `SIG${signal}` };
  return { exit_code: Number(match[1]) };
}
