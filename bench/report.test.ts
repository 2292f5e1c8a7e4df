import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { growthExponent, quantile, type BenchResult } from './harness.ts';
import { figure, markdown, type BenchRun } from './report.ts';

const result = (over: Partial<BenchResult> = {}): BenchResult => ({
  id: 'B2',
  title: 'poll cycle | 10^5 jobs',
  store: 'SQLite (file, WAL)',
  ours: { label: 'one cycle', value: 412.345, unit: 'ms' },
  baseline: { label: 'batched UPDATE', value: 250, unit: 'ms' },
  ratio: 1.649,
  goal: 'ratio ≤ 2 and < 1 s',
  met: true,
  details: [{ label: 'jobs changed', value: 10_000, unit: 'jobs' }],
  notes: ['the engine is an in-process stand-in'],
  ...over,
});

describe('benchmark report', () => {
  it('gives figures three significant digits and keeps thousands whole', () => {
    assert.equal(figure(412.345), '412');
    assert.equal(figure(0.123456), '0.123');
    assert.equal(figure(1_234_567.8), '1,234,568');
    assert.equal(figure(0), '0');
    assert.equal(figure(Number.NaN), 'NaN');
  });

  it('computes nearest-rank quantiles', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    assert.equal(quantile(values, 0.5), 50);
    assert.equal(quantile(values, 0.95), 95);
    assert.equal(quantile(values, 1), 100);
    assert.ok(Number.isNaN(quantile([], 0.5)));
  });

  it('tells linear from quadratic growth', () => {
    const linear = [10_000, 100_000, 1_000_000].map((n) => ({
      n,
      ours_ms: n / 100,
      baseline_ms: n / 200,
    }));
    assert.ok(Math.abs(growthExponent(linear) - 1) < 1e-9);
    const quadratic = linear.map((p) => ({ ...p, ours_ms: (p.n / 1000) ** 2 }));
    assert.ok(Math.abs(growthExponent(quadratic) - 2) < 1e-9);
  });

  it('writes one table row per result, escaping cells, with skips, failures and scaling', () => {
    const run: BenchRun = {
      generated_at: '2026-11-29T12:00:00.000Z',
      machine: { cores: 2, cpu: 'test cpu', memory_gib: 24, node: 'v20' },
      scale: 1,
      duration_s: 61,
      results: [
        result({
          met: false,
          scaling: [
            { n: 10_000, ours_ms: 40, baseline_ms: 20 },
            { n: 1_000_000, ours_ms: 4000, baseline_ms: 2000 },
          ],
        }),
      ],
      skipped: [{ id: 'B7', reason: 'no Chromium' }],
      errors: [{ id: 'B4', message: 'sbatch: error' }],
    };
    const text = markdown(run);
    assert.match(text, /\| B2 \| poll cycle \\\| 10\^5 jobs \| SQLite \(file, WAL\) \| 412 ms/);
    assert.match(text, /\| 1\.65 \| ratio ≤ 2 and < 1 s \| \*\*no\*\* \|/);
    assert.match(text, /\| B7 \| skipped: no Chromium/);
    assert.match(text, /\| B4 \| \*\*failed\*\*: sbatch: error/);
    assert.match(
      text,
      /\| B2 \| poll cycle \\\| 10\^5 jobs \| SQLite \(file, WAL\) \| 1,000,000 \| 4,000 \| 2,000 \| 4 \|/,
    );
    assert.match(text, /B2 poll cycle \| 10\^5 jobs \(SQLite \(file, WAL\)\): ours 1, baseline 1/);
    assert.match(text, /- note: the engine is an in-process stand-in/);
  });
});
