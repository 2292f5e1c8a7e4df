// `npm run bench`: runs every benchmark in bench/ (files named like b1-….bench.ts or
// m1-….bench.ts that export `benchmark`), prints each result as it comes, and writes
// bench/results.json and bench/results.md. Options (environment):
//   BENCH_ONLY=B1,B6   run only these ids
//   BENCH_SCALE=0.01   divide every size (1 = the sizes of issue 10)
//   POMS_BENCH_PG_URL  a PostgreSQL database for the benchmarks that also run there (else
//                      POMS_TEST_PG_URL; neither: SQLite only)
// Exits 1 when a benchmark threw (its figures are missing); a goal not met is a figure, not a
// failure.
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { machine, type BenchContext, type Benchmark } from './harness.ts';
import { figure, markdown, type BenchRun } from './report.ts';

const here = import.meta.dirname;
const only = (process.env.BENCH_ONLY ?? '')
  .split(',')
  .map((s) => s.trim().toUpperCase())
  .filter((s) => s !== '');
const scale = Number(process.env.BENCH_SCALE ?? 1);
if (!(scale > 0))
  throw new Error(`BENCH_SCALE must be a positive number, not ${process.env.BENCH_SCALE}`);
const pgUrl = process.env.POMS_BENCH_PG_URL || process.env.POMS_TEST_PG_URL || undefined;

const files = readdirSync(here)
  .filter((name) => /^[a-z]\d+-.+\.bench\.ts$/.test(name))
  .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
const benchmarks: Benchmark[] = [];
for (const name of files) {
  const module = (await import(pathToFileURL(join(here, name)).href)) as { benchmark?: Benchmark };
  if (module.benchmark === undefined) throw new Error(`bench/${name} exports no benchmark`);
  if (only.length === 0 || only.includes(module.benchmark.id.toUpperCase())) {
    benchmarks.push(module.benchmark);
  }
}
if (benchmarks.length === 0) throw new Error(`no benchmark matches BENCH_ONLY=${only.join(',')}`);

const started = performance.now();
const run: BenchRun = {
  generated_at: new Date().toISOString(),
  machine: machine(),
  scale,
  duration_s: 0,
  results: [],
  skipped: [],
  errors: [],
};
const m = run.machine;
console.log(
  `bench: ${benchmarks.map((b) => b.id).join(' ')} · ${m.cores} cores, ${m.memory_gib} GiB, ${m.cpu} · Node ${m.node} · scale ${scale} · PostgreSQL ${pgUrl === undefined ? 'not used' : 'used where a benchmark runs there'}`,
);

for (const b of benchmarks) {
  const missing = b.needs?.();
  if (missing !== undefined) {
    console.log(`\n${b.id} ${b.title}: skipped: ${missing}`);
    run.skipped.push({ id: b.id, reason: missing });
    continue;
  }
  console.log(`\n${b.id} ${b.title}`);
  const context: BenchContext = { scale, pgUrl, log: (line) => console.log(`  ${line}`) };
  const t0 = performance.now();
  try {
    const results = await b.run(context);
    const measuredAt = new Date().toISOString();
    for (const r of results) {
      r.measured_at = measuredAt;
      console.log(
        `  => ${r.store}: ours ${figure(r.ours.value)} ${r.ours.unit}, baseline ${figure(r.baseline.value)} ${r.baseline.unit}, ratio ${figure(r.ratio)} (goal ${r.goal}: ${r.met ? 'met' : 'NOT met'})`,
      );
    }
    run.results.push(...results);
  } catch (error) {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    console.log(`  FAILED: ${message}`);
    run.errors.push({ id: b.id, message: message.split('\n')[0] ?? message });
  }
  console.log(`  (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
}

run.duration_s = (performance.now() - started) / 1000;
// A run of some benchmarks (BENCH_ONLY) replaces their figures in the last full results and keeps
// the others, each with the time it was measured.
if (only.length > 0 && existsSync(join(here, 'results.json'))) {
  const earlier = JSON.parse(readFileSync(join(here, 'results.json'), 'utf8')) as BenchRun;
  const rerun = new Set(benchmarks.map((b) => b.id));
  run.results = [...earlier.results.filter((r) => !rerun.has(r.id)), ...run.results].sort((a, b) =>
    a.id.localeCompare(b.id, 'en', { numeric: true }),
  );
  run.skipped = [...earlier.skipped.filter((s) => !rerun.has(s.id)), ...run.skipped];
  run.errors = [...earlier.errors.filter((e) => !rerun.has(e.id)), ...run.errors];
  run.duration_s += earlier.duration_s;
}
const table = markdown(run);
writeFileSync(join(here, 'results.json'), JSON.stringify(run, null, 2) + '\n');
writeFileSync(join(here, 'results.md'), table);
console.log(`\n${table}`);
console.log(`written: bench/results.json, bench/results.md (${run.duration_s.toFixed(0)} s)`);
process.exit(run.errors.length > 0 ? 1 : 0);
