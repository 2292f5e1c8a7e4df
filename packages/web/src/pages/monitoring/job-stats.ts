// What the job charts of a submission show, computed from its jobs (pure, unit-tested): each job's
// bar on the timeline, the running and queued jobs over time when there are too many bars, CPU
// efficiency, memory against the request, and the wall-time and exit-code histograms.
import { jobResources } from '@poms/core';
import type { HistoryEntry, Job } from '../../api/types.ts';

/** The fields the charts read; a Job has them all. */
export type JobFacts = Pick<
  Job,
  | 'index'
  | 'state'
  | 'exit_code'
  | 'signal'
  | 'cpu_s'
  | 'wall_s'
  | 'max_rss_kb'
  | 'started_at'
  | 'ended_at'
>;

/** A job's colour on the timeline: how it ended, or that it has not yet. */
export type BarState = 'done' | 'failed' | 'cancelled' | 'running' | 'waiting';

export const BAR_STATES: readonly BarState[] = [
  'done',
  'failed',
  'cancelled',
  'running',
  'waiting',
];

/** As the jobs table's red rows: a non-zero exit fails a job whatever the engine said. */
export function barState(job: JobFacts): BarState {
  if (job.state === 'cancelled') return 'cancelled';
  if (job.state === 'failed' || (job.exit_code !== null && job.exit_code !== 0)) return 'failed';
  if (job.state === 'completed') return 'done';
  return job.started_at === null ? 'waiting' : 'running';
}

export interface TimelineRow {
  index: number;
  state: BarState;
  /** When the job was given to the engine (ms). */
  queued: number;
  /** null: not started (queued until `end`). */
  started: number | null;
  /** The end of its bar: its end, or now for a job not finished. */
  end: number;
}

/**
 * When the submission's jobs were given to the engine: its first move to Idle (the engine took
 * the batch), else its creation. Queued time is measured from there to each job's start.
 */
export function queuedSince(createdAt: string, history: readonly HistoryEntry[]): number {
  const idle = history.filter((h) => h.status === 'Idle').map((h) => Date.parse(h.at));
  return idle.length > 0 ? Math.min(...idle) : Date.parse(createdAt);
}

export function timelineRows(
  jobs: readonly JobFacts[],
  queuedAt: number,
  now: number,
): TimelineRow[] {
  return jobs.map((j) => {
    const started = j.started_at === null ? null : Date.parse(j.started_at);
    const ended = j.ended_at === null ? null : Date.parse(j.ended_at);
    const state = barState(j);
    const open = state === 'running' || state === 'waiting';
    // A job that ended without a start (killed in the queue) queued until its end.
    const end = ended ?? (open ? now : (started ?? queuedAt));
    return {
      index: j.index,
      state,
      queued: Math.min(queuedAt, started ?? queuedAt),
      started,
      end: Math.max(end, started ?? queuedAt),
    };
  });
}

export interface Occupancy {
  at: number;
  running: number;
  queued: number;
}

/** Jobs running and queued at `steps` + 1 instants over the rows' span: for many jobs. */
export function occupancy(rows: readonly TimelineRow[], steps = 100): Occupancy[] {
  if (rows.length === 0) return [];
  const from = Math.min(...rows.map((r) => r.queued));
  const to = Math.max(from + 1, ...rows.map((r) => r.end));
  return Array.from({ length: steps + 1 }, (_, i) => {
    const at = from + ((to - from) * i) / steps;
    let running = 0;
    let queued = 0;
    for (const r of rows) {
      if (r.started !== null && r.started <= at && at < r.end) running++;
      else if (r.queued <= at && at < (r.started ?? r.end)) queued++;
    }
    return { at, running, queued };
  });
}

/** What the jobs asked for (the frozen config's job type over its launch setup). */
export interface Requested {
  cpus: number;
  memory_mb: number | null;
}

/** From GET …/submissions/{id}/config; a CPU when the config names none. */
export function requested(config: unknown): Requested {
  const c = (config ?? {}) as {
    job_type?: { resources?: Parameters<typeof jobResources>[0] } | null;
    launch_setup?: { resources?: Parameters<typeof jobResources>[1] } | null;
  };
  const r = jobResources(c.job_type?.resources, c.launch_setup?.resources);
  return { cpus: r.cpus ?? 1, memory_mb: r.memory_mb ?? null };
}

export interface Efficiency {
  /** Sum of CPU time over sum of wall time × CPUs requested, of jobs with both; null: none. */
  overall: number | null;
  /** The same per job (0…), in index order of the jobs that have both. */
  perJob: { index: number; value: number }[];
}

export function cpuEfficiency(jobs: readonly JobFacts[], cpus: number): Efficiency {
  let cpu = 0;
  let wall = 0;
  const perJob: Efficiency['perJob'] = [];
  for (const j of jobs) {
    if (j.cpu_s === null || j.wall_s === null || j.wall_s <= 0) continue;
    cpu += j.cpu_s;
    wall += j.wall_s * cpus;
    perJob.push({ index: j.index, value: j.cpu_s / (j.wall_s * cpus) });
  }
  return { overall: wall > 0 ? cpu / wall : null, perJob };
}

export interface MemoryUse {
  /** The largest max_rss of any job (KiB); null: no job reported one. */
  peakKb: number | null;
  medianKb: number | null;
  requestedMb: number | null;
  /** Jobs whose peak passed the request. */
  over: number;
  perJob: { index: number; kb: number }[];
}

export function memoryUse(jobs: readonly JobFacts[], requestedMb: number | null): MemoryUse {
  const perJob = jobs.flatMap((j) =>
    j.max_rss_kb === null ? [] : [{ index: j.index, kb: j.max_rss_kb }],
  );
  const sorted = perJob.map((p) => p.kb).sort((a, b) => a - b);
  return {
    peakKb: sorted.length > 0 ? sorted[sorted.length - 1]! : null,
    medianKb: median(sorted),
    requestedMb,
    over: requestedMb === null ? 0 : perJob.filter((p) => p.kb > requestedMb * 1024).length,
    perJob,
  };
}

function median(sorted: readonly number[]): number | null {
  if (sorted.length === 0) return null;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export interface Bin {
  /** Inclusive. */
  from: number;
  /** Exclusive, but the last bin holds its upper bound. */
  to: number;
  count: number;
}

/** `bins` equal bins from the smallest to the largest value; one bin when all are equal. */
export function histogram(values: readonly number[], bins = 12): Bin[] {
  if (values.length === 0) return [];
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  if (hi === lo) return [{ from: lo, to: hi, count: values.length }];
  const width = (hi - lo) / bins;
  const out: Bin[] = Array.from({ length: bins }, (_, i) => ({
    from: lo + i * width,
    to: lo + (i + 1) * width,
    count: 0,
  }));
  for (const v of values) out[Math.min(bins - 1, Math.floor((v - lo) / width))]!.count++;
  return out;
}

/** Wall time of the jobs that have one (seconds). */
export function wallTimes(jobs: readonly JobFacts[]): number[] {
  return jobs.flatMap((j) => (j.wall_s === null ? [] : [j.wall_s]));
}

/** Jobs by how they exited: `exit 0`, `exit 65`, `signal KILL`, or `not ended`; most first. */
export function exitCodes(jobs: readonly JobFacts[]): { label: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const j of jobs) {
    const label =
      j.exit_code !== null
        ? `exit ${j.exit_code}`
        : j.signal !== null
          ? `signal ${j.signal}`
          : j.ended_at === null
            ? 'not ended'
            : 'no exit code';
    counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  return [...counts.entries()]
    .map(([label, count]) => ({ label, count }))
    .sort((a, b) => b.count - a.count || a.label.localeCompare(b.label));
}

/** "82 %" */
export function percent(fraction: number | null): string {
  return fraction === null ? '—' : `${Math.round(fraction * 100)} %`;
}

/** "310 MB", "2 GB" (decimal-looking units over binary sizes, as batch systems write them). */
export function megabytes(mb: number | null): string {
  if (mb === null) return '—';
  if (mb >= 1024) return `${Number((mb / 1024).toFixed(mb >= 10 * 1024 ? 0 : 1))} GB`;
  return `${Math.round(mb)} MB`;
}
