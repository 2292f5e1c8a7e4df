// The figures of a load run: latency percentiles (p50/p95/p99/max) per request kind and over
// all requests, statuses per kind, requests per second and the peak RSS, as a text table and as
// JSON.
import type { KindRecord } from './load-client.ts';

export interface KindFigures {
  kind: string;
  requests: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  /** Status → how many, for statuses other than 2xx. */
  non2xx: Record<string, number>;
}

export interface LoadFigures {
  seconds: number;
  requests: number;
  requestsPerSecond: number;
  /** Peak resident set of the server's process (its setup included), MiB. */
  peakRssMiB: number;
  overall: KindFigures;
  kinds: KindFigures[];
}

/** Nearest-rank quantile of unsorted values; 0 for none. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0;
}

function figuresOf(kind: string, records: readonly KindRecord[]): KindFigures {
  const latencies = records.flatMap((r) => r.latencies);
  const non2xx: Record<string, number> = {};
  for (const r of records) {
    for (const [status, n] of r.statuses) {
      if (status < 200 || status >= 300) non2xx[status] = (non2xx[status] ?? 0) + n;
    }
  }
  const round = (ms: number) => Math.round(ms * 10) / 10;
  return {
    kind,
    requests: latencies.length,
    p50: round(quantile(latencies, 0.5)),
    p95: round(quantile(latencies, 0.95)),
    p99: round(quantile(latencies, 0.99)),
    max: round(latencies.reduce((a, b) => Math.max(a, b), 0)),
    non2xx,
  };
}

export function loadFigures(
  kinds: ReadonlyMap<string, KindRecord>,
  seconds: number,
  peakRssMiB: number,
): LoadFigures {
  const overall = figuresOf('all', [...kinds.values()]);
  return {
    seconds: Math.round(seconds * 10) / 10,
    requests: overall.requests,
    requestsPerSecond: Math.round(overall.requests / seconds),
    peakRssMiB,
    overall,
    kinds: [...kinds.keys()].sort().map((k) => figuresOf(k, [kinds.get(k)!])),
  };
}

export function figuresTable(figures: LoadFigures): string {
  const rows = [...figures.kinds, figures.overall].map((k) => [
    k.kind,
    String(k.requests),
    String(k.p50),
    String(k.p95),
    String(k.p99),
    String(k.max),
    Object.entries(k.non2xx)
      .map(([status, n]) => `${n}×${status}`)
      .join(' ') || '-',
  ]);
  const header = ['kind', 'requests', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'non-2xx'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [
    line(header),
    ...rows.map(line),
    '',
    `${figures.requests} requests in ${figures.seconds} s: ${figures.requestsPerSecond} requests/s; ` +
      `server peak RSS ${figures.peakRssMiB} MiB`,
  ].join('\n');
}
