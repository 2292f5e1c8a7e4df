// The shape every benchmark of `npm run bench` reports in, and the small tools they share. A
// benchmark measures our system and, in the same run, a baseline that is the physical limit of
// this machine for the same work; bench/run.ts prints both with their ratio and writes
// bench/results.json and bench/results.md. Nothing here asserts: figures are reported, not judged
// by a test.
import { cpus, totalmem } from 'node:os';

/** One figure: what was measured, its value and unit. */
export interface Measure {
  label: string;
  value: number;
  unit: string;
}

/** How one size of a scaling series went: the work size and the time ours and the baseline took. */
export interface ScalePoint {
  n: number;
  /** Our time for the work at this size, in ms. */
  ours_ms: number;
  /** The baseline's time for the same work, in ms. */
  baseline_ms: number;
}

export interface BenchResult {
  /** B1 … B7, or M1 for the memory figure. */
  id: string;
  title: string;
  /** The store the figures were taken on: 'SQLite (file, WAL)', 'PostgreSQL 15', or 'none'. */
  store: string;
  ours: Measure;
  baseline: Measure;
  /**
   * ours relative to the baseline, in the direction the goal reads: throughput ours/baseline
   * (higher is better), time ours/baseline (lower is better).
   */
  ratio: number;
  /** The goal in words, e.g. "ratio ≥ 0.5" or "p95 < 50 ms". */
  goal: string;
  met: boolean;
  /** Further figures (percentiles, hand-off, sizes). */
  details: Measure[];
  /** B1, B2, B6: the same work at growing sizes. */
  scaling?: ScalePoint[];
  /** What limits a goal not met, or how the figure was taken. */
  notes: string[];
  /** When it was measured (set by bench/run.ts). */
  measured_at?: string;
}

export interface BenchContext {
  /**
   * 1 for the sizes the issue names; smaller for a quick look (BENCH_SCALE=0.01 divides every
   * size by 100). Benchmarks multiply their sizes by it and never go below a sensible minimum.
   */
  scale: number;
  /** A PostgreSQL URL when one is available (POMS_BENCH_PG_URL or POMS_TEST_PG_URL). */
  pgUrl: string | undefined;
  /** Progress lines, printed as they come. */
  log(line: string): void;
}

export interface Benchmark {
  id: string;
  title: string;
  /** What it needs beyond Node (Chromium, Slurm); run.ts skips it, saying why, when absent. */
  needs?: () => string | undefined;
  run(context: BenchContext): Promise<BenchResult[]>;
}

/** `n` scaled by the context, rounded, at least `min`. */
export function scaled(context: BenchContext, n: number, min = 1): number {
  return Math.max(min, Math.round(n * context.scale));
}

/** Milliseconds since `start` (from performance.now()). */
export function since(start: number): number {
  return performance.now() - start;
}

/** Runs `work` and returns how long it took in ms. */
export async function timed(work: () => unknown): Promise<number> {
  const start = performance.now();
  await work();
  return since(start);
}

/** The q-quantile (0…1) of `values` (nearest rank); NaN when empty. */
export function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

/** Median time of `runs` runs of `work`, in ms, after `warmup` untimed runs. */
export async function medianTime(work: () => unknown, runs = 5, warmup = 1): Promise<number> {
  for (let i = 0; i < warmup; i++) await work();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await timed(work));
  return median(times);
}

/**
 * How cost grows with size across a series: the exponent k of time ∝ n^k between the smallest
 * and the largest point (1 = linear, below 1 = better than linear).
 */
export function growthExponent(
  points: readonly ScalePoint[],
  pick: 'ours_ms' | 'baseline_ms' = 'ours_ms',
): number {
  const first = points[0];
  const last = points[points.length - 1];
  if (first === undefined || last === undefined || first.n === last.n) return NaN;
  return Math.log(last[pick] / first[pick]) / Math.log(last.n / first.n);
}

/** The machine the figures were taken on. */
export function machine(): { cores: number; cpu: string; memory_gib: number; node: string } {
  const list = cpus();
  return {
    cores: list.length,
    cpu: list[0]?.model.trim() ?? 'unknown',
    memory_gib: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
  };
}

/** Peak resident memory of this process so far, in MiB (from the kernel's maxrss). */
export function peakRssMiB(): number {
  return process.resourceUsage().maxRSS / 1024;
}
