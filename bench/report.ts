// Turns a run's results into bench/results.json's shape and a Markdown table a person reads at a
// glance: one row per benchmark and store, ours against the baseline, the ratio, the goal and
// whether it was met; then the scaling series and every further figure.
import { growthExponent, type BenchResult } from './harness.ts';

export interface BenchRun {
  generated_at: string;
  machine: { cores: number; cpu: string; memory_gib: number; node: string };
  scale: number;
  duration_s: number;
  results: BenchResult[];
  /** Benchmarks not run, with why (Chromium missing, no Slurm). */
  skipped: { id: string; reason: string }[];
  /** Benchmarks that threw: their figures are missing, which is a failure of the run. */
  errors: { id: string; message: string }[];
}

/** A figure with sensible precision: 3 significant digits, thousands kept whole. */
export function figure(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs >= 1000) return Math.round(value).toLocaleString('en-US');
  if (abs === 0) return '0';
  return Number(value.toPrecision(3)).toString();
}

/** `|` would end a table cell early. */
function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

export function markdown(run: BenchRun): string {
  const m = run.machine;
  const lines = [
    `# Benchmark results`,
    '',
    `${run.generated_at} · ${m.cores} cores (${m.cpu}), ${m.memory_gib} GiB · Node ${m.node} · ` +
      `scale ${run.scale} · ${Math.round(run.duration_s)} s in all`,
    '',
    '| id | benchmark | store | ours | baseline | ratio | goal | met |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const r of run.results) {
    lines.push(
      `| ${r.id} | ${cell(r.title)} | ${cell(r.store)} | ${cell(`${figure(r.ours.value)} ${r.ours.unit}`)} (${cell(r.ours.label)}) | ` +
        `${cell(`${figure(r.baseline.value)} ${r.baseline.unit}`)} (${cell(r.baseline.label)}) | ` +
        `${figure(r.ratio)} | ${cell(r.goal)} | ${r.met ? 'yes' : '**no**'} |`,
    );
  }
  for (const s of run.skipped) lines.push(`| ${s.id} | skipped: ${cell(s.reason)} | | | | | | |`);
  for (const e of run.errors)
    lines.push(`| ${e.id} | **failed**: ${cell(e.message)} | | | | | | |`);

  const scaling = run.results.filter((r) => r.scaling !== undefined && r.scaling.length > 1);
  if (scaling.length > 0) {
    lines.push('', '## Scaling', '');
    lines.push(
      '| id | benchmark | store | n | ours (ms) | baseline (ms) | ours per 1000 (ms) |',
      '|---|---|---|---|---|---|---|',
    );
    for (const r of scaling) {
      for (const p of r.scaling ?? []) {
        lines.push(
          `| ${r.id} | ${cell(r.title)} | ${cell(r.store)} | ${p.n.toLocaleString('en-US')} | ${figure(p.ours_ms)} | ${figure(p.baseline_ms)} | ${figure((p.ours_ms / p.n) * 1000)} |`,
        );
      }
    }
    lines.push(
      '',
      'Growth exponent k of time ∝ n^k between the smallest and largest size (1 = linear):',
      '',
    );
    for (const r of scaling) {
      lines.push(
        `- ${r.id} ${r.title} (${r.store}): ours ${figure(growthExponent(r.scaling ?? []))}, baseline ${figure(growthExponent(r.scaling ?? [], 'baseline_ms'))}`,
      );
    }
  }

  lines.push('', '## Details', '');
  for (const r of run.results) {
    lines.push(`### ${r.id} ${r.title} — ${r.store}`, '');
    if (r.measured_at !== undefined) lines.push(`- measured at ${r.measured_at}`);
    for (const d of r.details) lines.push(`- ${d.label}: ${figure(d.value)} ${d.unit}`);
    for (const n of r.notes) lines.push(`- note: ${n}`);
    lines.push('');
  }
  return lines.join('\n') + '\n';
}
