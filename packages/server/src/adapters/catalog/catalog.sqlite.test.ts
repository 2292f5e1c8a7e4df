import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Query } from '@poms/core';
import type { Database } from '../storage/schema.ts';
import { openSqliteStore } from '../storage/sqlite.ts';
import { systemClock } from '../system/system-clock.ts';
import { ulidIdSource } from '../system/ulid-ids.ts';
import { describeCatalogConformance } from './catalog.conformance.ts';
import { resolveQuery } from './resolve.ts';
import { fileFilter } from './translate.ts';

const dir = mkdtempSync(join(tmpdir(), 'poms-catalog-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

describeCatalogConformance('catalog on sqlite (:memory:)', (given = {}) =>
  openSqliteStore({
    file: ':memory:',
    clock: given.clock ?? systemClock,
    ids: given.ids ?? ulidIdSource(),
  }),
);

describeCatalogConformance('catalog on sqlite (file, WAL)', (given = {}) =>
  openSqliteStore({
    file: join(dir, `catalog-${++files}.db`),
    clock: given.clock ?? systemClock,
    ids: given.ids ?? ulidIdSource(),
  }),
);

// The indexes the migration makes are the ones the planner picks, for the queries splits and
// people ask most, with the statistics declareFiles keeps (see refreshSqliteStatistics).
describe('catalog on sqlite: query plans use the indexes', () => {
  const file = join(dir, 'plans.db');
  let raw: SqliteDatabase.Database;
  let compiler: Kysely<Database>;

  before(async () => {
    const store = await openSqliteStore({ file, clock: systemClock, ids: ulidIdSource() });
    try {
      await store.experiments.create({ name: 'mu2e', display_name: 'Mu2e' });
      const name = (i: number) => `gen_${String(i).padStart(5, '0')}.root`;
      await store.catalog.declareFiles(
        'mu2e',
        Array.from({ length: 2000 }, (_, i) => ({
          name: name(i),
          metadata: {
            run_number: i % 100,
            end_time: 1.7e9 + i,
            'x.q': i / 2000,
            'x.tag': `t${i % 9}`,
          },
          ...(i % 2 === 1 ? { parents: [name(i - 1)] } : {}),
        })),
      );
      await store.catalog.snapshot('mu2e', { type: 'all' }, { queryText: 'all', owner: 'stage' });
      await store.catalog.createOpenDataset('mu2e', 'picked');
      await store.catalog.addToDataset(
        'mu2e',
        'picked',
        Array.from({ length: 20 }, (_, i) => name(i * 50)),
      );
    } finally {
      await store.close();
    }
    raw = new SqliteDatabase(file, { readonly: true });
    compiler = new Kysely<Database>({ dialect: new SqliteDialect({ database: raw }) });
  });
  after(() => compiler.destroy());

  async function plan(query: Query): Promise<string> {
    const resolved = await resolveQuery(query, {
      dataset: (name) => Promise.resolve(name === 'picked' ? { kind: 'open' } : undefined),
      snapshotId: (ref) => Promise.resolve(ref),
      parse: () => assert.fail('no datasets here'),
    });
    const { sql, parameters } = compiler
      .selectFrom('files as f')
      .select('f.name')
      .where('f.experiment', '=', 'mu2e')
      .where(fileFilter(resolved, { dialect: 'sqlite', experiment: 'mu2e' }))
      .orderBy('f.name')
      .limit(1001)
      .compile();
    const rows = raw.prepare(`explain query plan ${sql}`).all(...parameters) as {
      detail: string;
    }[];
    return rows.map((r) => r.detail).join('\n');
  }

  const num = (value: number) => ({ kind: 'number' as const, value });
  const named = {
    type: 'compare',
    field: 'file_name',
    op: '=',
    value: { kind: 'string', value: 'gen_00010.root' },
  } as const;
  const cases: [string, Query, RegExp][] = [
    [
      'run range',
      { type: 'range', field: 'run_number', low: num(5), high: num(7) },
      /USING INDEX files_run_ix \(experiment=\? AND run_number>\? AND run_number<\?\)/,
    ],
    [
      'end time',
      { type: 'compare', field: 'end_time', op: '>=', value: num(1.7e9 + 1990) },
      /USING INDEX files_end_time_ix/,
    ],
    [
      'name prefix',
      { type: 'like', field: 'file_name', pattern: 'gen%' },
      /INDEX sqlite_autoindex_files_1 \(experiment=\? AND name>\? AND name<\?\)/,
    ],
    [
      'numeric field',
      { type: 'compare', field: 'x.q', op: '>', value: num(0.99) },
      /INDEX file_metadata_num_ix \(key=\? AND num>\?\)/,
    ],
    [
      'text field',
      { type: 'compare', field: 'x.tag', op: '=', value: { kind: 'string', value: 't1' } },
      /INDEX file_metadata_text_ix \(key=\? AND text=\?\)/,
    ],
    [
      'children',
      { type: 'children', of: named, depth: 2 },
      /INDEX file_parents_parent_ix \(parent=\?\)/,
    ],
    ['parents', { type: 'parents', of: named, depth: 2 }, /USING PRIMARY KEY \(child=\?\)/],
    [
      'delivered',
      { type: 'delivered', owner: 'stage' },
      /INDEX snapshots_owner_ix \(experiment=\? AND owner=\?\)[^]*USING PRIMARY KEY \(snapshot=\?\)/,
    ],
    [
      'open dataset',
      { type: 'defname', name: 'picked' },
      /SEARCH df USING PRIMARY KEY \(experiment=\? AND dataset=\?\)/,
    ],
  ];
  for (const [what, query, expected] of cases) {
    it(what, async () => assert.match(await plan(query), expected));
  }
});
