// The job charts' numbers: bar states and rows of the timeline, occupancy over time, CPU
// efficiency against the CPUs requested, memory against the request, histograms and exit codes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HistoryEntry } from '../../api/types.ts';
import {
  barState,
  cpuEfficiency,
  exitCodes,
  histogram,
  megabytes,
  memoryUse,
  occupancy,
  percent,
  queuedSince,
  requested,
  timelineRows,
  type JobFacts,
} from './job-stats.ts';

const T0 = Date.UTC(2030, 0, 1);
const at = (s: number) => new Date(T0 + s * 1000).toISOString();

function job(index: number, over: Partial<JobFacts> = {}): JobFacts {
  return {
    index,
    state: 'completed',
    exit_code: 0,
    signal: null,
    cpu_s: null,
    wall_s: null,
    max_rss_kb: null,
    started_at: null,
    ended_at: null,
    ...over,
  };
}

describe('job statistics', () => {
  it('colours a job by how it ended: a non-zero exit fails it', () => {
    assert.equal(barState(job(0)), 'done');
    assert.equal(barState(job(0, { exit_code: 65 })), 'failed');
    assert.equal(barState(job(0, { state: 'failed', exit_code: null })), 'failed');
    assert.equal(barState(job(0, { state: 'cancelled', exit_code: null })), 'cancelled');
    assert.equal(
      barState(job(0, { state: 'running', exit_code: null, started_at: at(1) })),
      'running',
    );
    assert.equal(barState(job(0, { state: 'queued', exit_code: null })), 'waiting');
  });

  it('queues jobs from the move to Idle, and runs them from start to end (or now)', () => {
    const history = [
      { status: 'New', at: at(0) },
      { status: 'Idle', at: at(5) },
    ] as HistoryEntry[];
    const queued = queuedSince(at(0), history);
    assert.equal(queued, T0 + 5000);
    assert.equal(queuedSince(at(0), []), T0);
    const rows = timelineRows(
      [
        job(0, { started_at: at(10), ended_at: at(30) }),
        job(1, { state: 'running', exit_code: null, started_at: at(20) }),
        job(2, { state: 'queued', exit_code: null }),
        job(3, { state: 'cancelled', exit_code: null, ended_at: at(15) }),
      ],
      queued,
      T0 + 60_000,
    );
    assert.deepEqual(
      rows.map((r) => [
        r.index,
        r.state,
        (r.queued - T0) / 1000,
        r.started && (r.started - T0) / 1000,
        (r.end - T0) / 1000,
      ]),
      [
        [0, 'done', 5, 10, 30],
        [1, 'running', 5, 20, 60],
        [2, 'waiting', 5, null, 60],
        [3, 'cancelled', 5, null, 15],
      ],
    );
    const over = occupancy(rows, 11);
    // At 25 s: jobs 0 and 1 run, job 2 waits; job 3 was killed at 15 s.
    const at25 = over.find((o) => o.at === T0 + 25_000);
    assert.deepEqual(at25 && [at25.running, at25.queued], [2, 1]);
    assert.equal(over.length, 12);
    assert.deepEqual(occupancy([]), []);
  });

  it('reads the CPUs and memory requested from the frozen config', () => {
    assert.deepEqual(requested({}), { cpus: 1, memory_mb: null });
    assert.deepEqual(
      requested({
        job_type: { resources: { memory: '2GB' } },
        launch_setup: { resources: { cpus: 4, memory: '1GB' } },
      }),
      { cpus: 4, memory_mb: 2048 },
    );
  });

  it('computes CPU efficiency over every job against the CPUs requested', () => {
    const jobs = [
      job(0, { cpu_s: 90, wall_s: 100 }),
      job(1, { cpu_s: 50, wall_s: 100 }),
      job(2, { cpu_s: 10, wall_s: null }),
    ];
    const one = cpuEfficiency(jobs, 1);
    assert.equal(one.overall, 0.7);
    assert.deepEqual(one.perJob, [
      { index: 0, value: 0.9 },
      { index: 1, value: 0.5 },
    ]);
    assert.equal(cpuEfficiency(jobs, 2).overall, 0.35);
    assert.equal(cpuEfficiency([job(0)], 1).overall, null);
    assert.equal(percent(0.824), '82 %');
    assert.equal(percent(null), '—');
  });

  it('sets peak memory against the request', () => {
    const use = memoryUse(
      [
        job(0, { max_rss_kb: 300 * 1024 }),
        job(1, { max_rss_kb: 3000 * 1024 }),
        job(2),
        job(3, { max_rss_kb: 100 * 1024 }),
      ],
      2048,
    );
    assert.equal(use.peakKb, 3000 * 1024);
    assert.equal(use.medianKb, 300 * 1024);
    assert.equal(use.over, 1);
    assert.equal(use.perJob.length, 3);
    assert.equal(memoryUse([], null).peakKb, null);
    assert.equal(megabytes(310), '310 MB');
    assert.equal(megabytes(2048), '2 GB');
    assert.equal(megabytes(1536), '1.5 GB');
  });

  it('bins values and counts exit codes', () => {
    const bins = histogram([0, 1, 2, 3, 4, 10], 5);
    assert.deepEqual(
      bins.map((b) => [b.from, b.to, b.count]),
      [
        [0, 2, 2],
        [2, 4, 2],
        [4, 6, 1],
        [6, 8, 0],
        [8, 10, 1],
      ],
    );
    assert.deepEqual(histogram([5, 5]), [{ from: 5, to: 5, count: 2 }]);
    assert.deepEqual(histogram([]), []);
    assert.deepEqual(
      exitCodes([
        job(0),
        job(1, { exit_code: 65 }),
        job(2, { exit_code: 65 }),
        job(3, { exit_code: null, signal: 'KILL', ended_at: at(1) }),
        job(4, { exit_code: null, state: 'running' }),
      ]),
      [
        { label: 'exit 65', count: 2 },
        { label: 'exit 0', count: 1 },
        { label: 'not ended', count: 1 },
        { label: 'signal KILL', count: 1 },
      ],
    );
  });
});
