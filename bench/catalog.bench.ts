// Embedded catalog at the planned scale (DESIGN.md §7): 10^5 files declared into a file-backed
// SQLite store in calls of 10^4, then the queries splits ask. Baselines measured in the same run:
// raw better-sqlite3 INSERTs of the same rows in one transaction (declaration), and a full scan
// of the files table, `SELECT count(*) FROM files WHERE size >= 0`, for queries (below 1x, a query
// beats reading the catalog once; plain `count(*)` is printed too, but SQLite answers it from the
// smallest index). Run: npx tsx bench/catalog.bench.ts
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import type { DeclaredFile, Query } from '@poms/core';
import { openSqliteStore } from '../packages/server/src/adapters/storage/sqlite.ts';
import { systemClock } from '../packages/server/src/adapters/system/system-clock.ts';
import { ulidIdSource } from '../packages/server/src/adapters/system/ulid-ids.ts';
import { benchFile, benchFileRow } from './fixtures.ts';

const FILES = Number(process.env.BENCH_FILES ?? 100_000);
const PER_CALL = Number(process.env.BENCH_PER_CALL ?? 10_000);
const EXPERIMENT = 'bench';

const file = (i: number): DeclaredFile => benchFile(i, 7);

function ms(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

let peakRss = 0;
function sampleRss(): void {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;

const dir = mkdtempSync(join(tmpdir(), 'poms-catalog-bench-'));
try {
  // Baseline: the same rows into an equivalent table, one prepared INSERT per row, one transaction.
  const raw = new SqliteDatabase(join(dir, 'baseline.db'));
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = NORMAL');
  raw.exec(`create table files (id integer primary key, experiment text, name text, size real,
    checksum text, run_number real, subrun_number real, data_tier text, event_count real,
    end_time real, metadata text, unique (experiment, name))`);
  const insert = raw.prepare(
    'insert into files (experiment, name, size, checksum, run_number, subrun_number, data_tier, event_count, end_time, metadata) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const baselineStart = process.hrtime.bigint();
  raw.transaction(() => {
    for (let i = 0; i < FILES; i++) {
      insert.run(...benchFileRow(EXPERIMENT, file(i)));
    }
  })();
  const baselineRate = FILES / (ms(baselineStart) / 1000);
  raw.close();
  sampleRss();

  const store = await openSqliteStore({
    file: join(dir, 'catalog.db'),
    clock: systemClock,
    ids: ulidIdSource(),
  });
  await store.experiments.create({ name: EXPERIMENT, display_name: 'Benchmark' });
  const catalog = store.catalog;

  const rssBefore = process.memoryUsage().rss;
  const rssAfterCall: number[] = [];
  const declareStart = process.hrtime.bigint();
  for (let start = 0; start < FILES; start += PER_CALL) {
    const batch = Array.from({ length: Math.min(PER_CALL, FILES - start) }, (_, k) =>
      file(start + k),
    );
    const result = await catalog.declareFiles(EXPERIMENT, batch);
    if (result.created !== batch.length) throw new Error(`declared ${JSON.stringify(result)}`);
    sampleRss();
    rssAfterCall.push(process.memoryUsage().rss);
  }
  const declareMs = ms(declareStart);
  const declareRate = FILES / (declareMs / 1000);

  const redeclareStart = process.hrtime.bigint();
  const again = await catalog.declareFiles(
    EXPERIMENT,
    Array.from({ length: PER_CALL }, (_, k) => file(k)),
  );
  if (again.unchanged !== PER_CALL) throw new Error(`re-declared ${JSON.stringify(again)}`);
  const redeclareRate = PER_CALL / (ms(redeclareStart) / 1000);
  sampleRss();

  console.log(`catalog: ${FILES} files in calls of ${PER_CALL}, file-backed SQLite (WAL)`);
  console.log(
    `baseline raw better-sqlite3 INSERT (files table only, one transaction): ${baselineRate.toFixed(0)} files/s`,
  );
  console.log(
    `declareFiles (metadata, parents, replicas): ${declareRate.toFixed(0)} files/s (${(declareMs / 1000).toFixed(1)} s), ${(declareRate / baselineRate).toFixed(2)}x baseline`,
  );
  console.log(
    `RSS before declaring ${mb(rssBefore)}, after each call: ${rssAfterCall.map((b) => (b / 2 ** 20).toFixed(0)).join(', ')} MB`,
  );
  console.log(
    `re-declare ${PER_CALL} unchanged files: ${redeclareRate.toFixed(0)} files/s, ${(redeclareRate / baselineRate).toFixed(2)}x baseline`,
  );

  // Queries: median of a few runs each, count and the first page, against count(*) of the table.
  const check = new SqliteDatabase(join(dir, 'catalog.db'), { readonly: true });
  const countAll = check.prepare('select count(*) from files').pluck();
  const fullScan = check.prepare('select count(*) from files where size >= 0').pluck();
  const median = async (fn: () => unknown, runs = 5): Promise<number> => {
    const times: number[] = [];
    for (let r = 0; r < runs; r++) {
      const start = process.hrtime.bigint();
      await fn();
      times.push(ms(start));
    }
    times.sort((a, b) => a - b);
    return times[Math.floor(times.length / 2)] ?? 0;
  };
  const countMs = await median(() => countAll.get(), 9);
  const baselineQuery = await median(() => fullScan.get(), 9);
  console.log(
    `baseline full scan SELECT count(*) FROM files WHERE size >= 0: ${baselineQuery.toFixed(2)} ms (plain count(*): ${countMs.toFixed(2)} ms)`,
  );

  const num = (value: number) => ({ kind: 'number' as const, value });
  const queries: [string, Query][] = [
    [
      'run range (run_number in 500..509)',
      { type: 'range', field: 'run_number', low: num(500), high: num(509) },
    ],
    [
      'metadata field (bench.quality >= 0.99)',
      { type: 'compare', field: 'bench.quality', op: '>=', value: num(0.99) },
    ],
    [
      'metadata text (bench.stream = s8, data_tier = raw)',
      {
        type: 'and',
        left: {
          type: 'compare',
          field: 'bench.stream',
          op: '=',
          value: { kind: 'string', value: 's8' },
        },
        right: {
          type: 'compare',
          field: 'data_tier',
          op: '=',
          value: { kind: 'string', value: 'raw' },
        },
      },
    ],
    [
      "like pattern (file_name like 'f00123%')",
      { type: 'like', field: 'file_name', pattern: 'f00123%' },
    ],
    [
      'window (all with offset 50000 stride 10 limit 500)',
      { type: 'window', query: { type: 'all' }, offset: 50_000, stride: 10, limit: 500 },
    ],
    [
      'window as nfiles slices it (data_tier = raw with limit 100)',
      {
        type: 'window',
        query: {
          type: 'compare',
          field: 'data_tier',
          op: '=',
          value: { kind: 'string', value: 'raw' },
        },
        offset: 0,
        stride: 1,
        limit: 100,
      },
    ],
    [
      'window over a whole query (all with offset 0 stride 1000)',
      { type: 'window', query: { type: 'all' }, offset: 0, stride: 1000 },
    ],
    [
      'children of (run_number = 7)',
      {
        type: 'children',
        of: { type: 'compare', field: 'run_number', op: '=', value: num(7) },
        depth: 1,
      },
    ],
    [
      'not (run_number < 900)',
      { type: 'not', operand: { type: 'compare', field: 'run_number', op: '<', value: num(900) } },
    ],
  ];
  for (const [label, query] of queries) {
    const rows = await catalog.countFiles(EXPERIMENT, query);
    const count = await median(() => catalog.countFiles(EXPERIMENT, query));
    const page = await median(() => catalog.queryFiles(EXPERIMENT, query, { limit: 1000 }));
    sampleRss();
    console.log(
      `${label}: ${rows} rows; count ${count.toFixed(2)} ms (${(count / baselineQuery).toFixed(2)}x), first page ${page.toFixed(2)} ms (${(page / baselineQuery).toFixed(2)}x baseline)`,
    );
  }

  // A snapshot of every file: INSERT … SELECT, the list never comes into the process.
  const snapStart = process.hrtime.bigint();
  const snapshot = await catalog.snapshot(
    EXPERIMENT,
    { type: 'all' },
    { queryText: 'all', owner: 'bench' },
  );
  const snapMs = ms(snapStart);
  const paged = await median(async () => {
    let after: string | null = null;
    let n = 0;
    do {
      const p = await catalog.queryFiles(
        EXPERIMENT,
        { type: 'snapshot', ref: snapshot.id },
        { limit: 10_000, after },
      );
      n += p.files.length;
      after = p.next;
    } while (after !== null);
    if (n !== FILES) throw new Error(`paged ${n}`);
  }, 1);
  sampleRss();
  console.log(
    `snapshot of all ${snapshot.file_count} files: ${snapMs.toFixed(0)} ms (${(snapMs / baselineQuery).toFixed(1)}x baseline); reading it in pages of 10000: ${paged.toFixed(0)} ms`,
  );
  check.close();
  await store.close();

  console.log(
    `peak RSS: ${mb(peakRss)} sampled after each call, ${mb(process.resourceUsage().maxRSS * 1024)} maxRSS (input of one call: ${PER_CALL} files)`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
