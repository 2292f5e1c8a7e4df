/**
 * The Catalog contract as tests, run by catalog.sqlite.test.ts and catalog.postgres.test.ts on a
 * fresh, migrated store each. Queries are built as syntax trees (what splits do) and, where the
 * text matters, written in the query language and parsed by @poms/core's parseQuery.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  nextSlice,
  parseSplitSpec,
  type Catalog,
  type CompareOp,
  type DeclaredFile,
  type Literal,
  type Query,
  type SplitSpec,
} from '@poms/core';
import { parseQuery } from '@poms/core/query';
import {
  ConflictError,
  InvalidArgumentError,
  NotFoundError,
  type StoreError,
} from '../../ports/errors.ts';
import type { Store, StoreDeps } from '../../ports/store.ts';
import { counterIds, manualClock } from '../storage/store.conformance.ts';
import { DatasetConflictError, FileConflictError } from './errors.ts';
import { QueryTextError } from './query-text.ts';

/** Opens a fresh, empty, migrated store; deps not given are the adapter's test defaults. */
export type OpenFreshStore = (deps?: Partial<StoreDeps>) => Promise<Store>;

// ---------------------------------------------------------------------------------------------
// Query trees, written the way splits build them.

const lit = (value: string | number | Literal): Literal =>
  typeof value === 'string'
    ? { kind: 'string', value }
    : typeof value === 'number'
      ? { kind: 'number', value }
      : value;
const time = (iso: string): Literal => ({ kind: 'time', value: Date.parse(iso) / 1000 });
const q = {
  all: { type: 'all' } as Query,
  cmp: (field: string, op: CompareOp, value: string | number | Literal): Query => ({
    type: 'compare',
    field,
    op,
    value: lit(value),
  }),
  eq: (field: string, value: string | number | Literal): Query => q.cmp(field, '=', value),
  range: (
    field: string,
    low: string | number | Literal,
    high: string | number | Literal,
  ): Query => ({
    type: 'range',
    field,
    low: lit(low),
    high: lit(high),
  }),
  in: (field: string, values: (string | number | Literal)[]): Query => ({
    type: 'in',
    field,
    values: values.map(lit),
  }),
  like: (field: string, pattern: string): Query => ({ type: 'like', field, pattern }),
  has: (field: string): Query => ({ type: 'has', field }),
  and: (left: Query, right: Query): Query => ({ type: 'and', left, right }),
  or: (left: Query, right: Query): Query => ({ type: 'or', left, right }),
  not: (operand: Query): Query => ({ type: 'not', operand }),
  minus: (left: Query, right: Query): Query => ({ type: 'minus', left, right }),
  defname: (name: string): Query => ({ type: 'defname', name }),
  snapshot: (ref: string): Query => ({ type: 'snapshot', ref }),
  delivered: (owner: string): Query => ({ type: 'delivered', owner }),
  children: (of: Query, depth = 1): Query => ({ type: 'children', of, depth }),
  parents: (of: Query, depth = 1): Query => ({ type: 'parents', of, depth }),
  window: (query: Query, offset: number, stride: number, limit?: number): Query => ({
    type: 'window',
    query,
    offset,
    stride,
    ...(limit === undefined ? {} : { limit }),
  }),
};

function parsed(text: string): Query {
  const result = parseQuery(text);
  if (!result.ok) assert.fail(`${text}: ${result.error.message}`);
  return result.query;
}

// ---------------------------------------------------------------------------------------------
// The test catalog: raw files, their reconstructed children, an analysis grandchild, and files
// whose names and values probe case, patterns and missing fields.

const FIXTURE: DeclaredFile[] = [
  {
    name: 'raw_a.dat',
    size: 100,
    checksum: 'adler32:0001',
    metadata: {
      run_number: 1,
      subrun_number: 1,
      data_tier: 'raw',
      event_count: 10,
      start_time: '2025-01-01T00:00:00Z',
      end_time: '2025-01-01T06:00:00Z',
      'dune.campaign': 'c1',
      quality: 0.9,
      good: true,
      taken: '2025-01-01',
    },
    replicas: [{ location: 'tape', path: '/pnfs/raw/raw_a.dat' }],
  },
  {
    name: 'raw_b.dat',
    size: 200,
    metadata: {
      run_number: 1,
      subrun_number: 2,
      data_tier: 'raw',
      end_time: '2025-01-02T06:00:00Z',
      'dune.campaign': 'c2',
      quality: 0.5,
      taken: '2025-01-02',
    },
  },
  {
    name: 'raw_c.dat',
    size: 300,
    metadata: {
      run_number: 2,
      data_tier: 'raw',
      end_time: '2025-01-03T06:00:00Z',
      'dune.campaign': 'C1',
      quality: 1,
    },
  },
  // No run number, no end time: NULL handling.
  { name: 'raw_d.dat', metadata: { data_tier: 'raw', 'dune.campaign': null } },
  {
    name: 'Reco_e.root',
    metadata: { run_number: 3, data_tier: 'reco', software_version: 'v2' },
  },
  {
    name: 'reco_f.root',
    metadata: { run_number: 3, data_tier: 'reco', software_version: 'v1' },
    parents: ['raw_a.dat'],
  },
  {
    name: 'reco_g.root',
    metadata: { run_number: 4, data_tier: 'reco', software_version: 'v10' },
    parents: ['raw_b.dat', 'raw_c.dat'],
  },
  { name: 'odd_[x]*?.root', metadata: { run_number: 5, data_tier: 'reco' } },
  { name: 'ana_h.root', metadata: { data_tier: 'ana' }, parents: ['reco_f.root'] },
];

const ALL_NAMES = FIXTURE.map((f) => f.name).sort();

async function rejectsWith<E extends StoreError>(
  promise: Promise<unknown>,
  kind: abstract new (...args: never[]) => E,
  check?: (err: E) => void,
): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof kind, `expected ${kind.name}, got ${String(err)}`);
    check?.(err);
    return true;
  });
}

const invalid = (p: Promise<unknown>, field: string, message?: RegExp) =>
  rejectsWith(p, InvalidArgumentError, (err) => {
    assert.equal(err.field, field, err.message);
    if (message !== undefined) assert.match(err.message, message);
  });
const notFound = (p: Promise<unknown>, key: string) =>
  rejectsWith(p, NotFoundError, (err) => assert.equal(err.key, key));

export function describeCatalogConformance(name: string, openFresh: OpenFreshStore): void {
  const EXP = 'mu2e';

  async function use(
    fn: (catalog: Catalog, store: Store) => Promise<void>,
    options: { fixture?: boolean; deps?: Partial<StoreDeps> } = {},
  ): Promise<void> {
    const store = await openFresh({
      clock: manualClock(),
      ids: counterIds(),
      ...options.deps,
    });
    try {
      await store.experiments.create({ name: EXP, display_name: 'Mu2e' });
      if (options.fixture ?? true) {
        assert.deepEqual(await store.catalog.declareFiles(EXP, FIXTURE), {
          created: FIXTURE.length,
          unchanged: 0,
          updated: 0,
        });
      }
      await fn(store.catalog, store);
    } finally {
      await store.close();
    }
  }

  /** All names matching, through every page. */
  async function names(catalog: Catalog, query: Query, limit?: number): Promise<string[]> {
    const found: string[] = [];
    let after: string | null = null;
    do {
      const page = await catalog.queryFiles(EXP, query, { limit, after });
      found.push(...page.files.map((f) => f.name));
      after = page.next;
    } while (after !== null);
    return found;
  }

  /** Names of the query's files, checked against countFiles. */
  async function match(catalog: Catalog, query: Query, expected: string[]): Promise<void> {
    const got = await names(catalog, query);
    assert.deepEqual(got, [...expected].sort(), JSON.stringify(query));
    assert.equal(await catalog.countFiles(EXP, query), expected.length, JSON.stringify(query));
  }

  describe(name, () => {
    describe('declaring files', () => {
      it('stores files with metadata, parents, children and replicas, and reads them back', () =>
        use(async (catalog) => {
          const a = await catalog.getFile(EXP, 'raw_a.dat');
          assert.deepEqual(a, {
            name: 'raw_a.dat',
            size: 100,
            checksum: 'adler32:0001',
            metadata: FIXTURE[0]?.metadata,
            created_at: '2030-01-02T03:04:05.006Z',
            parents: [],
            children: ['reco_f.root'],
            replicas: [{ location: 'tape', path: '/pnfs/raw/raw_a.dat' }],
          });
          const g = await catalog.getFile(EXP, 'reco_g.root');
          assert.deepEqual(g.parents, ['raw_b.dat', 'raw_c.dat']);
          assert.equal(g.size, null);
          assert.equal(g.checksum, null);
          assert.deepEqual((await catalog.getFile(EXP, 'raw_d.dat')).metadata, {
            data_tier: 'raw',
            'dune.campaign': null,
          });
          await notFound(catalog.getFile(EXP, 'nope.dat'), 'nope.dat');
          await notFound(catalog.getFile('nova', 'raw_a.dat'), 'nova');
        }));

      it('is idempotent: the same declaration again changes nothing', () =>
        use(async (catalog) => {
          assert.deepEqual(await catalog.declareFiles(EXP, FIXTURE), {
            created: 0,
            unchanged: FIXTURE.length,
            updated: 0,
          });
          // A time restated as epoch seconds, fields left out: still the same file.
          const again = await catalog.declareFiles(EXP, [
            {
              name: 'raw_a.dat',
              metadata: {
                ...FIXTURE[0]?.metadata,
                end_time: Date.parse('2025-01-01T06:00:00Z') / 1000,
              },
            },
            { name: 'raw_b.dat' },
          ]);
          assert.deepEqual(again, { created: 0, unchanged: 2, updated: 0 });
          assert.equal(
            (await catalog.getFile(EXP, 'raw_a.dat')).metadata.end_time,
            '2025-01-01T06:00:00Z',
          );
          assert.equal(await catalog.countFiles(EXP, q.all), FIXTURE.length);
        }));

      it('adds new parents and replicas to a declared file (updated)', () =>
        use(async (catalog) => {
          const result = await catalog.declareFiles(EXP, [
            { name: 'raw_a.dat', replicas: [{ location: 'disk', path: '/data/raw_a.dat' }] },
            { name: 'reco_f.root', parents: ['raw_a.dat', 'raw_d.dat'] },
            { name: 'reco_g.root', parents: ['raw_b.dat'] },
            { name: 'new.root', parents: ['raw_a.dat'] },
          ]);
          assert.deepEqual(result, { created: 1, unchanged: 1, updated: 2 });
          const a = await catalog.getFile(EXP, 'raw_a.dat');
          assert.deepEqual(a.replicas, [
            { location: 'disk', path: '/data/raw_a.dat' },
            { location: 'tape', path: '/pnfs/raw/raw_a.dat' },
          ]);
          assert.deepEqual(a.children, ['new.root', 'reco_f.root']);
          assert.deepEqual((await catalog.getFile(EXP, 'reco_f.root')).parents, [
            'raw_a.dat',
            'raw_d.dat',
          ]);
        }));

      it('counts a file named twice in one call once as created', () =>
        use(
          async (catalog) => {
            const result = await catalog.declareFiles(EXP, [
              { name: 'p.dat' },
              { name: 'x.dat', size: 1, parents: ['p.dat'] },
              { name: 'x.dat', size: 1, parents: ['p.dat'] },
              { name: 'x.dat', parents: ['q.dat'] },
              { name: 'q.dat' },
            ]);
            assert.deepEqual(result, { created: 3, unchanged: 1, updated: 1 });
            assert.deepEqual((await catalog.getFile(EXP, 'x.dat')).parents, ['p.dat', 'q.dat']);
          },
          { fixture: false },
        ));

      it('refuses a different size, checksum or metadata value, naming file and field', () =>
        use(async (catalog) => {
          const conflicts: [DeclaredFile, string][] = [
            [{ name: 'raw_a.dat', size: 101 }, 'size'],
            [{ name: 'raw_a.dat', metadata: { file_size: 99 } }, 'size'],
            [{ name: 'raw_a.dat', checksum: 'adler32:0002' }, 'checksum'],
            [{ name: 'raw_b.dat', checksum: 'adler32:0002' }, 'checksum'],
            [
              { name: 'raw_b.dat', metadata: { ...FIXTURE[1]?.metadata, run_number: 7 } },
              'run_number',
            ],
            [
              { name: 'raw_b.dat', metadata: { ...FIXTURE[1]?.metadata, quality: '0.5' } },
              'quality',
            ],
            [{ name: 'raw_b.dat', metadata: { ...FIXTURE[1]?.metadata, extra: 1 } }, 'extra'],
            [{ name: 'raw_b.dat', metadata: { run_number: 1 } }, 'data_tier'],
          ];
          for (const [file, field] of conflicts) {
            await rejectsWith(
              catalog.declareFiles(EXP, [{ name: 'fresh.dat' }, file]),
              ConflictError,
              (err) => {
                assert.ok(err instanceof FileConflictError);
                assert.equal(err.code, 'store.conflict');
                assert.equal(err.key, file.name);
                assert.equal(err.field, field);
                assert.match(err.message, new RegExp(`${file.name.replace('.', '\\.')}.*${field}`));
              },
            );
          }
          // All or nothing: the good file of each failed call was not kept.
          await notFound(catalog.getFile(EXP, 'fresh.dat'), 'fresh.dat');
          assert.equal((await catalog.getFile(EXP, 'raw_b.dat')).metadata.run_number, 1);
        }));

      it('puts SAM fields in typed columns and refuses values of the wrong type', () =>
        use(
          async (catalog) => {
            const bad: [Record<string, unknown>, string][] = [
              [{ run_number: 'one' }, 'run_number'],
              [{ run_number: 1.5 }, 'run_number'],
              [{ subrun_number: -1 }, 'subrun_number'],
              [{ event_count: true }, 'event_count'],
              [{ data_tier: 5 }, 'data_tier'],
              [{ software_version: false }, 'software_version'],
              [{ end_time: 'yesterday' }, 'end_time'],
              [{ start_time: '2025-02-30' }, 'start_time'],
              [{ file_name: 'other.dat' }, 'file_name'],
              [{ file_size: 'big' }, 'file_size'],
              [{ note: 'nul \u0000 inside' }, 'note'],
            ];
            for (const [metadata, field] of bad) {
              await invalid(
                catalog.declareFiles(EXP, [
                  { name: 'ok.dat' },
                  { name: 'bad.dat', metadata },
                ] as DeclaredFile[]),
                field,
                /bad\.dat/,
              );
            }
            await invalid(
              catalog.declareFiles(EXP, [{ name: 'bad.dat', size: 1, metadata: { file_size: 2 } }]),
              'file_size',
              /bad\.dat/,
            );
            // The schema's own rules: names without slashes, no unknown keys.
            await invalid(catalog.declareFiles(EXP, [{ name: 'a/b.dat' }]), 'name');
            await invalid(
              catalog.declareFiles(EXP, [{ name: 'x.dat', colour: 'red' } as DeclaredFile]),
              'files',
            );
            await invalid(
              catalog.declareFiles(EXP, [{ name: 'x.dat', parents: ['x.dat'] }]),
              'parents',
            );
            assert.equal(await catalog.countFiles(EXP, q.all), 0);

            // Accepted forms: ISO text with an offset, epoch seconds, date only, null.
            await catalog.declareFiles(EXP, [
              { name: 't1', metadata: { end_time: '2025-01-01T01:00:00+01:00' } },
              { name: 't2', metadata: { end_time: Date.parse('2025-01-01T00:00:00Z') / 1000 } },
              { name: 't3', metadata: { end_time: '2025-01-01' } },
              { name: 't4', metadata: { end_time: null, run_number: null } },
            ]);
            await match(catalog, q.eq('end_time', time('2025-01-01T00:00:00Z')), [
              't1',
              't2',
              't3',
            ]);
          },
          { fixture: false },
        ));

      it('refuses unknown parents, naming the child and the parent, and keeps nothing', () =>
        use(async (catalog) => {
          await invalid(
            catalog.declareFiles(EXP, [
              { name: 'n1.root' },
              { name: 'n2.root', parents: ['raw_a.dat', 'ghost.dat'] },
            ]),
            'parents',
            /n2\.root.*ghost\.dat/,
          );
          await notFound(catalog.getFile(EXP, 'n1.root'), 'n1.root');
          // A parent may come later in the same call.
          await catalog.declareFiles(EXP, [
            { name: 'child.root', parents: ['later.dat'] },
            { name: 'later.dat' },
          ]);
          assert.deepEqual((await catalog.getFile(EXP, 'child.root')).parents, ['later.dat']);
        }));

      it('lets concurrent declarations of the same files both succeed, creating each once', () =>
        use(
          async (catalog) => {
            const files = Array.from({ length: 1200 }, (_, i) => ({
              name: `c${String(i).padStart(4, '0')}`,
              size: i,
              metadata: { run_number: i },
            }));
            const results = await Promise.all([
              catalog.declareFiles(EXP, files),
              catalog.declareFiles(EXP, files),
              catalog.declareFiles(EXP, files.slice(600)),
            ]);
            const total = (key: 'created' | 'unchanged' | 'updated') =>
              results.reduce((n, r) => n + r[key], 0);
            assert.equal(total('created'), 1200);
            assert.equal(total('unchanged'), 1200 + 600);
            assert.equal(total('updated'), 0);
            assert.equal(await catalog.countFiles(EXP, q.all), 1200);
          },
          { fixture: false },
        ));

      it('needs an existing experiment', () =>
        use(async (catalog) => {
          await notFound(catalog.declareFiles('nova', [{ name: 'a' }]), 'nova');
          await notFound(catalog.declareFiles('Bad Name', [{ name: 'a' }]), 'Bad Name');
          await notFound(catalog.countFiles('nova', q.all), 'nova');
        }));

      it('declares 5,000 files with metadata and parents in one call', () =>
        use(
          async (catalog) => {
            const files: DeclaredFile[] = [];
            for (let i = 0; i < 5000; i++) {
              files.push({
                name: `bulk_${String(i).padStart(5, '0')}.root`,
                size: i,
                metadata: {
                  run_number: Math.floor(i / 100),
                  data_tier: i % 2 === 0 ? 'raw' : 'reco',
                  end_time: 1_700_000_000 + i,
                  'bulk.index': i,
                  'bulk.group': `g${i % 7}`,
                },
                // Odd files are made from the even file before them.
                ...(i % 2 === 1
                  ? { parents: [`bulk_${String(i - 1).padStart(5, '0')}.root`] }
                  : {}),
              });
            }
            assert.deepEqual(await catalog.declareFiles(EXP, files), {
              created: 5000,
              unchanged: 0,
              updated: 0,
            });
            assert.equal(await catalog.countFiles(EXP, q.all), 5000);
            assert.equal(await catalog.countFiles(EXP, q.range('run_number', 10, 19)), 1000);
            assert.equal(await catalog.countFiles(EXP, q.eq('bulk.group', 'g3')), 714);
            assert.equal(await catalog.countFiles(EXP, q.cmp('bulk.index', '>=', 4990)), 10);
            assert.equal(await catalog.countFiles(EXP, q.children(q.eq('data_tier', 'raw'))), 2500);
            assert.equal(await catalog.minValue(EXP, q.eq('data_tier', 'reco'), 'file_size'), 1);
            assert.deepEqual(await catalog.declareFiles(EXP, files.slice(0, 1200)), {
              created: 0,
              unchanged: 1200,
              updated: 0,
            });
          },
          { fixture: false },
        ));
    });

    describe('queries', () => {
      it('all', () => use((catalog) => match(catalog, q.all, ALL_NAMES)));

      it('compares standard number columns with every operator', () =>
        use(async (catalog) => {
          await match(catalog, q.eq('run_number', 1), ['raw_a.dat', 'raw_b.dat']);
          await match(catalog, q.cmp('run_number', '!=', 1), [
            'raw_c.dat',
            'Reco_e.root',
            'reco_f.root',
            'reco_g.root',
            'odd_[x]*?.root',
          ]);
          await match(catalog, q.cmp('run_number', '<', 2), ['raw_a.dat', 'raw_b.dat']);
          await match(catalog, q.cmp('run_number', '<=', 2), [
            'raw_a.dat',
            'raw_b.dat',
            'raw_c.dat',
          ]);
          await match(catalog, q.cmp('run_number', '>', 3.5), ['reco_g.root', 'odd_[x]*?.root']);
          await match(catalog, q.cmp('run_number', '>=', 4), ['reco_g.root', 'odd_[x]*?.root']);
          await match(catalog, q.eq('file_size', 200), ['raw_b.dat']);
          await match(catalog, q.cmp('event_count', '>', 0), ['raw_a.dat']);
          await match(catalog, q.eq('subrun_number', 2), ['raw_b.dat']);
        }));

      it('compares text columns byte-wise and case-sensitively', () =>
        use(async (catalog) => {
          await match(catalog, q.eq('data_tier', 'reco'), [
            'Reco_e.root',
            'reco_f.root',
            'reco_g.root',
            'odd_[x]*?.root',
          ]);
          await match(catalog, q.eq('data_tier', 'RECO'), []);
          await match(catalog, q.eq('file_name', 'reco_f.root'), ['reco_f.root']);
          // Byte order: 'v10' < 'v2'; uppercase before lowercase.
          await match(catalog, q.cmp('software_version', '<', 'v2'), [
            'reco_f.root',
            'reco_g.root',
          ]);
          await match(catalog, q.cmp('file_name', '<', 'a'), ['Reco_e.root']);
          await match(catalog, q.eq('checksum', 'adler32:0001'), ['raw_a.dat']);
        }));

      it('compares times as epoch seconds', () =>
        use(async (catalog) => {
          await match(catalog, q.cmp('end_time', '>', time('2025-01-02T00:00:00Z')), [
            'raw_b.dat',
            'raw_c.dat',
          ]);
          await match(
            catalog,
            q.range('end_time', time('2025-01-01'), time('2025-01-02T06:00:00Z')),
            ['raw_a.dat', 'raw_b.dat'],
          );
          // A quoted ISO text and epoch seconds work for standard time fields too.
          await match(catalog, q.cmp('start_time', '=', '2025-01-01T00:00:00Z'), ['raw_a.dat']);
          await match(catalog, q.cmp('start_time', '=', Date.parse('2025-01-01') / 1000), [
            'raw_a.dat',
          ]);
          await match(catalog, q.cmp('create_time', '>', 0), ALL_NAMES);
        }));

      it('compares experiment-defined fields as numbers or as text', () =>
        use(async (catalog) => {
          await match(catalog, q.eq('dune.campaign', 'c1'), ['raw_a.dat']);
          await match(catalog, q.cmp('dune.campaign', '!=', 'c1'), ['raw_b.dat', 'raw_c.dat']);
          await match(catalog, q.cmp('quality', '>', 0.6), ['raw_a.dat', 'raw_c.dat']);
          await match(catalog, q.eq('quality', 1), ['raw_c.dat']);
          // A number never equals text, nor text a number.
          await match(catalog, q.eq('quality', '1'), []);
          await match(catalog, q.eq('dune.campaign', 1), []);
          await match(catalog, q.eq('good', 'true'), ['raw_a.dat']);
          await match(catalog, q.cmp('taken', '>=', time('2025-01-02')), ['raw_b.dat']);
          await match(catalog, q.eq('unknown.field', 'x'), []);
        }));

      it('ranges are inclusive at both ends', () =>
        use(async (catalog) => {
          await match(catalog, q.range('run_number', 1, 2), [
            'raw_a.dat',
            'raw_b.dat',
            'raw_c.dat',
          ]);
          await match(catalog, q.range('quality', 0.5, 0.9), ['raw_a.dat', 'raw_b.dat']);
          await match(catalog, q.range('dune.campaign', 'c1', 'c2'), ['raw_a.dat', 'raw_b.dat']);
          await match(catalog, q.range('run_number', 3, 1), []);
          await invalid(catalog.countFiles(EXP, q.range('quality', 'a', 1)), 'query');
        }));

      it('in lists, short and long, on standard and experiment-defined fields', () =>
        use(async (catalog) => {
          await match(catalog, q.in('data_tier', ['raw', 'ana']), [
            'raw_a.dat',
            'raw_b.dat',
            'raw_c.dat',
            'raw_d.dat',
            'ana_h.root',
          ]);
          await match(catalog, q.in('run_number', [2, 4, 99]), ['raw_c.dat', 'reco_g.root']);
          await match(catalog, q.in('dune.campaign', ['c2', 'C1']), ['raw_b.dat', 'raw_c.dat']);
          await match(catalog, q.in('quality', [0.5, 'nope', 1]), ['raw_b.dat', 'raw_c.dat']);
          await match(catalog, q.in('run_number', []), []);
          const many = Array.from({ length: 1000 }, (_, i) => `file_${i}`);
          await match(catalog, q.in('file_name', [...many, 'raw_c.dat', 'ana_h.root']), [
            'raw_c.dat',
            'ana_h.root',
          ]);
          const runs = Array.from({ length: 500 }, (_, i) => i + 3);
          await match(catalog, q.in('run_number', runs), [
            'Reco_e.root',
            'reco_f.root',
            'reco_g.root',
            'odd_[x]*?.root',
          ]);
          await match(
            catalog,
            q.in('quality', [...Array.from({ length: 300 }, (_, i) => 2 + i), 0.9]),
            ['raw_a.dat'],
          );
          await match(
            catalog,
            q.not(q.in('dune.campaign', [...Array.from({ length: 300 }, (_, i) => `x${i}`), 'c1'])),
            ALL_NAMES.filter((n) => n !== 'raw_a.dat'),
          );
        }));

      it('like is case-sensitive, with % and _ and every other character literal', () =>
        use(async (catalog) => {
          await catalog.declareFiles(EXP, [
            { name: 'bs.txt', metadata: { note: 'Hello World', dir: 'C:\\dir\\sub' } },
            { name: '100%_done.txt', metadata: { note: 'hello world' } },
          ]);
          await match(catalog, q.like('file_name', 'reco_%'), ['reco_f.root', 'reco_g.root']);
          await match(catalog, q.like('file_name', 'Reco_%'), ['Reco_e.root']);
          await match(catalog, q.like('file_name', 'raw__.dat'), [
            'raw_a.dat',
            'raw_b.dat',
            'raw_c.dat',
            'raw_d.dat',
          ]);
          await match(catalog, q.like('file_name', '%.ROOT'), []);
          await match(catalog, q.like('file_name', 'odd_[x]*?.root'), ['odd_[x]*?.root']);
          await match(catalog, q.like('file_name', 'odd_[x]_?%'), ['odd_[x]*?.root']);
          await match(catalog, q.like('file_name', 'odd_[x]?%'), []);
          await match(catalog, q.like('file_name', '%[%'), ['odd_[x]*?.root']);
          // A backslash is an ordinary character (no escape character).
          await match(catalog, q.like('dir', 'C:\\dir\\%'), ['bs.txt']);
          await match(catalog, q.like('dir', 'C:_dir_sub'), ['bs.txt']);
          await match(catalog, q.like('dir', 'C:\\%\\s_b'), ['bs.txt']);
          await match(catalog, q.like('file_name', '100%'), ['100%_done.txt']);
          await match(catalog, q.like('data_tier', 'r%'), [
            'raw_a.dat',
            'raw_b.dat',
            'raw_c.dat',
            'raw_d.dat',
            'Reco_e.root',
            'reco_f.root',
            'reco_g.root',
            'odd_[x]*?.root',
          ]);
          await match(catalog, q.like('note', 'hello%'), ['100%_done.txt']);
          await match(catalog, q.like('note', '%World'), ['bs.txt']);
          await invalid(catalog.countFiles(EXP, q.like('run_number', '1%')), 'query', /run_number/);
        }));

      it('has: the file has the field, whatever its value (null is no value)', () =>
        use(async (catalog) => {
          await match(catalog, q.has('dune.campaign'), ['raw_a.dat', 'raw_b.dat', 'raw_c.dat']);
          await match(catalog, q.has('end_time'), ['raw_a.dat', 'raw_b.dat', 'raw_c.dat']);
          await match(catalog, q.has('checksum'), ['raw_a.dat']);
          await match(catalog, q.has('file_name'), ALL_NAMES);
          await match(catalog, q.not(q.has('run_number')), ['raw_d.dat', 'ana_h.root']);
        }));

      it('and, or, not, minus', () =>
        use(async (catalog) => {
          await match(catalog, q.and(q.eq('data_tier', 'raw'), q.eq('run_number', 1)), [
            'raw_a.dat',
            'raw_b.dat',
          ]);
          await match(catalog, q.or(q.eq('run_number', 4), q.eq('data_tier', 'ana')), [
            'reco_g.root',
            'ana_h.root',
          ]);
          await match(catalog, q.minus(q.eq('data_tier', 'raw'), q.eq('run_number', 1)), [
            'raw_c.dat',
            'raw_d.dat',
          ]);
          await match(catalog, q.not(q.not(q.eq('run_number', 1))), ['raw_a.dat', 'raw_b.dat']);
          // Long chains (splits build them) stay within SQLite's expression depth limit.
          const runs = Array.from({ length: 1200 }, (_, i) => q.eq('run_number', i + 10));
          const anyRun = runs.reduce((left, right) => q.or(left, right));
          await match(catalog, q.or(anyRun, q.eq('run_number', 2)), ['raw_c.dat']);
          await match(catalog, q.and(q.not(anyRun), q.eq('data_tier', 'ana')), ['ana_h.root']);
          await match(catalog, q.minus(q.all, q.all), []);
        }));

      it('keeps SQL NULLs out: not (x = v) includes files without x', () =>
        use(async (catalog) => {
          const notRun1 = ALL_NAMES.filter((n) => n !== 'raw_a.dat' && n !== 'raw_b.dat');
          await match(catalog, q.not(q.eq('run_number', 1)), notRun1);
          assert.ok(notRun1.includes('raw_d.dat') && notRun1.includes('ana_h.root'));
          await match(catalog, q.not(q.cmp('end_time', '<', time('2025-01-02'))), [
            ...ALL_NAMES.filter((n) => n !== 'raw_a.dat'),
          ]);
          await match(catalog, q.not(q.range('run_number', 1, 3)), [
            'reco_g.root',
            'odd_[x]*?.root',
            'raw_d.dat',
            'ana_h.root',
          ]);
          await match(catalog, q.not(q.in('run_number', [1, 3])), [
            'raw_c.dat',
            'raw_d.dat',
            'reco_g.root',
            'odd_[x]*?.root',
            'ana_h.root',
          ]);
          await match(catalog, q.not(q.like('software_version', 'v1%')), [
            ...ALL_NAMES.filter((n) => n !== 'reco_f.root' && n !== 'reco_g.root'),
          ]);
          await match(catalog, q.not(q.eq('dune.campaign', 'c1')), [
            ...ALL_NAMES.filter((n) => n !== 'raw_a.dat'),
          ]);
          await match(catalog, q.minus(q.all, q.eq('run_number', 1)), notRun1);
          // `or` with an unknown side stays two-valued too.
          await match(catalog, q.not(q.or(q.eq('run_number', 1), q.eq('data_tier', 'ana'))), [
            'raw_c.dat',
            'raw_d.dat',
            'Reco_e.root',
            'reco_f.root',
            'reco_g.root',
            'odd_[x]*?.root',
          ]);
        }));

      it('refuses values of the wrong type for standard fields', () =>
        use(async (catalog) => {
          await invalid(catalog.countFiles(EXP, q.eq('run_number', 'abc')), 'query', /run_number/);
          await invalid(catalog.countFiles(EXP, q.eq('end_time', 'soon')), 'query', /end_time/);
          await invalid(catalog.countFiles(EXP, q.eq('data_tier', time('2025-01-01'))), 'query');
          await invalid(catalog.countFiles(EXP, q.children(q.all, 0)), 'query');
          await invalid(catalog.countFiles(EXP, q.window(q.all, -1, 1)), 'query');
          await invalid(catalog.countFiles(EXP, q.window(q.all, 0, 0)), 'query');
          await invalid(catalog.countFiles(EXP, q.eq('', 1)), 'query');
          await invalid(catalog.countFiles(EXP, q.eq('x', Number.NaN)), 'query');
        }));

      it('children and parents, one generation or several', () =>
        use(async (catalog) => {
          const raw = q.eq('data_tier', 'raw');
          await match(catalog, q.children(raw), ['reco_f.root', 'reco_g.root']);
          await match(catalog, q.children(raw, 2), ['reco_f.root', 'reco_g.root', 'ana_h.root']);
          await match(catalog, q.children(q.eq('file_name', 'raw_a.dat'), 3), [
            'reco_f.root',
            'ana_h.root',
          ]);
          await match(catalog, q.parents(q.eq('data_tier', 'ana')), ['reco_f.root']);
          await match(catalog, q.parents(q.eq('data_tier', 'ana'), 2), [
            'reco_f.root',
            'raw_a.dat',
          ]);
          await match(catalog, q.parents(q.eq('run_number', 4)), ['raw_b.dat', 'raw_c.dat']);
          await match(catalog, q.children(q.children(raw)), ['ana_h.root']);
          await match(catalog, q.and(q.children(raw, 2), q.eq('data_tier', 'ana')), ['ana_h.root']);
          await match(catalog, q.not(q.parents(q.all, 5)), [
            'Reco_e.root',
            'reco_g.root',
            'odd_[x]*?.root',
            'ana_h.root',
            'raw_d.dat',
          ]);
        }));

      it('windows: offset, stride and limit over name order', () =>
        use(async (catalog) => {
          // Byte order: Reco_e.root ana_h.root odd_[x]*?.root raw_a..d reco_f reco_g
          await match(catalog, q.window(q.all, 0, 1, 2), ['Reco_e.root', 'ana_h.root']);
          await match(catalog, q.window(q.all, 3, 1), ALL_NAMES.slice(3));
          await match(catalog, q.window(q.all, 1, 3), ['ana_h.root', 'raw_b.dat', 'reco_f.root']);
          await match(catalog, q.window(q.all, 1, 3, 2), ['ana_h.root', 'raw_b.dat']);
          await match(catalog, q.window(q.eq('data_tier', 'raw'), 1, 2), [
            'raw_b.dat',
            'raw_d.dat',
          ]);
          await match(catalog, q.window(q.all, 0, 1, 0), []);
          await match(catalog, q.window(q.all, 100, 1), []);
          // Every other file of all (Reco_e, odd, raw_b, raw_d, reco_g), then the raw ones.
          await match(catalog, q.and(q.window(q.all, 0, 2), q.eq('data_tier', 'raw')), [
            'raw_b.dat',
            'raw_d.dat',
          ]);
          await match(catalog, q.not(q.window(q.all, 0, 1, 8)), ['reco_g.root']);
        }));

      it('pages by name, after the last name of the previous page', () =>
        use(async (catalog) => {
          const first = await catalog.queryFiles(EXP, q.all, { limit: 4 });
          assert.deepEqual(
            first.files.map((f) => f.name),
            ALL_NAMES.slice(0, 4),
          );
          assert.equal(first.next, ALL_NAMES[3]);
          const second = await catalog.queryFiles(EXP, q.all, { limit: 4, after: first.next });
          assert.deepEqual(
            second.files.map((f) => f.name),
            ALL_NAMES.slice(4, 8),
          );
          const last = await catalog.queryFiles(EXP, q.all, { limit: 4, after: second.next });
          assert.deepEqual(
            last.files.map((f) => f.name),
            ALL_NAMES.slice(8),
          );
          assert.equal(last.next, null);
          const exact = await catalog.queryFiles(EXP, q.all, { limit: ALL_NAMES.length });
          assert.equal(exact.next, null);
          assert.deepEqual(await names(catalog, q.eq('data_tier', 'raw'), 1), [
            'raw_a.dat',
            'raw_b.dat',
            'raw_c.dat',
            'raw_d.dat',
          ]);
          const [record] = (await catalog.queryFiles(EXP, q.eq('file_name', 'raw_a.dat'))).files;
          assert.deepEqual(record, {
            name: 'raw_a.dat',
            size: 100,
            checksum: 'adler32:0001',
            metadata: FIXTURE[0]?.metadata,
            created_at: '2030-01-02T03:04:05.006Z',
          });
          for (const limit of [0, -1, 1.5, 10_001]) {
            await invalid(catalog.queryFiles(EXP, q.all, { limit }), 'limit');
          }
          await catalog.queryFiles(EXP, q.all, { limit: 10_000 });
        }));

      it('pages through more than the default page of 1000', () =>
        use(
          async (catalog) => {
            await catalog.declareFiles(
              EXP,
              Array.from({ length: 1500 }, (_, i) => ({ name: `f${String(i).padStart(4, '0')}` })),
            );
            const page = await catalog.queryFiles(EXP, q.all);
            assert.equal(page.files.length, 1000);
            assert.equal(page.next, 'f0999');
            assert.equal((await names(catalog, q.all)).length, 1500);
          },
          { fixture: false },
        ));

      it('minValue of numbers, times and experiment-defined numbers', () =>
        use(async (catalog) => {
          assert.equal(await catalog.minValue(EXP, q.all, 'run_number'), 1);
          assert.equal(await catalog.minValue(EXP, q.eq('data_tier', 'reco'), 'run_number'), 3);
          assert.equal(
            await catalog.minValue(EXP, q.cmp('run_number', '>=', 2), 'end_time'),
            Date.parse('2025-01-03T06:00:00Z') / 1000,
          );
          assert.equal(await catalog.minValue(EXP, q.all, 'quality'), 0.5);
          assert.equal(await catalog.minValue(EXP, q.eq('run_number', 2), 'quality'), 1);
          assert.equal(await catalog.minValue(EXP, q.eq('data_tier', 'ana'), 'run_number'), null);
          assert.equal(await catalog.minValue(EXP, q.all, 'no.such.field'), null);
          assert.equal(await catalog.minValue(EXP, q.all, 'file_size'), 100);
          await invalid(catalog.minValue(EXP, q.all, 'data_tier'), 'field');
        }));

      it('reads query text parsed by parseQuery', () =>
        use(async (catalog) => {
          await match(catalog, parsed('run_number in 1..2 and data_tier = raw'), [
            'raw_a.dat',
            'raw_b.dat',
            'raw_c.dat',
          ]);
          await match(catalog, parsed("file_name like 'reco_%'"), ['reco_f.root', 'reco_g.root']);
          await match(catalog, parsed('not run_number = 1 and data_tier = raw'), [
            'raw_c.dat',
            'raw_d.dat',
          ]);
          await match(catalog, parsed('end_time > 2025-01-02'), ['raw_b.dat', 'raw_c.dat']);
          await match(catalog, parsed('children depth 2 of (data_tier = raw)'), [
            'reco_f.root',
            'reco_g.root',
            'ana_h.root',
          ]);
          await match(catalog, parsed('data_tier in (raw, ana) with offset 1 stride 2 limit 2'), [
            'raw_a.dat',
            'raw_c.dat',
          ]);
        }));
    });

    describe('datasets', () => {
      it('defines, gets and lists datasets, and queries them with defname', () =>
        use(async (catalog) => {
          const raw = await catalog.defineDataset(EXP, 'raw-files', 'data_tier = raw');
          assert.deepEqual(raw, {
            name: 'raw-files',
            kind: 'query',
            query: 'data_tier = raw',
            description: null,
            created_at: '2030-01-02T03:04:05.006Z',
            closed_at: null,
          });
          await catalog.defineDataset(EXP, 'early.raw', 'defname: raw-files and run_number <= 1');
          assert.deepEqual(await catalog.getDataset(EXP, 'raw-files'), raw);
          assert.deepEqual(
            (await catalog.listDatasets(EXP)).items.map((d) => d.name),
            ['early.raw', 'raw-files'],
          );
          await match(catalog, q.defname('raw-files'), [
            'raw_a.dat',
            'raw_b.dat',
            'raw_c.dat',
            'raw_d.dat',
          ]);
          await match(catalog, q.defname('early.raw'), ['raw_a.dat', 'raw_b.dat']);
          await match(catalog, q.minus(q.defname('raw-files'), q.defname('early.raw')), [
            'raw_c.dat',
            'raw_d.dat',
          ]);
          await match(catalog, q.children(q.defname('early.raw')), ['reco_f.root', 'reco_g.root']);
          // A definition is live: it sees files declared after it.
          await catalog.declareFiles(EXP, [{ name: 'raw_z.dat', metadata: { data_tier: 'raw' } }]);
          assert.equal(await catalog.countFiles(EXP, q.defname('raw-files')), 5);
          // Redefining changes what it selects.
          await catalog.defineDataset(EXP, 'raw-files', 'data_tier = raw and has run_number');
          assert.equal(await catalog.countFiles(EXP, q.defname('raw-files')), 3);
          assert.equal((await catalog.getDataset(EXP, 'raw-files')).created_at, raw.created_at);
        }));

      it('refuses bad names and queries, pointing at the column, and unknown datasets', () =>
        use(async (catalog) => {
          await invalid(catalog.defineDataset(EXP, 'bad name', 'all'), 'name');
          await invalid(catalog.defineDataset(EXP, '', 'all'), 'name');
          await rejectsWith(
            catalog.defineDataset(EXP, 'broken', 'run_number = 1 and'),
            InvalidArgumentError,
            (err) => {
              assert.ok(err instanceof QueryTextError);
              assert.equal(err.field, 'query');
              assert.equal(err.reason, 'query.syntax');
              assert.equal(err.column, 18);
              assert.match(err.message, /column 19/);
            },
          );
          await invalid(catalog.defineDataset(EXP, 'broken', 'run_number in (1, 2'), 'query');
          await notFound(catalog.defineDataset(EXP, 'uses-ghost', 'defname: ghost'), 'ghost');
          await notFound(catalog.countFiles(EXP, q.defname('ghost')), 'ghost');
          await notFound(catalog.getDataset(EXP, 'ghost'), 'ghost');
          await notFound(catalog.defineDataset('nova', 'x', 'all'), 'nova');
          assert.deepEqual(await catalog.listDatasets(EXP), { items: [], total: 0 });
        }));

      it('lists datasets a page at a time by name, with the total, filtered by part of the name', () =>
        use(async (catalog) => {
          for (const name of ['b-reco', 'a_raw', 'C.RAW', 'd-sim', 'axraw']) {
            await catalog.defineDataset(EXP, name, 'all');
          }
          const names = async (options: Parameters<Catalog['listDatasets']>[1]) => {
            const page = await catalog.listDatasets(EXP, options);
            return [page.items.map((d) => d.name), page.total];
          };
          const all = ['C.RAW', 'a_raw', 'axraw', 'b-reco', 'd-sim'];
          assert.deepEqual(await names({}), [all, 5]);
          assert.deepEqual(await names({ limit: 2 }), [['C.RAW', 'a_raw'], 5]);
          assert.deepEqual(await names({ limit: 2, offset: 2 }), [['axraw', 'b-reco'], 5]);
          assert.deepEqual(await names({ limit: 2, offset: 10 }), [[], 5]);
          // Any case; LIKE's wildcards match only themselves.
          assert.deepEqual(await names({ nameContains: 'raw' }), [['C.RAW', 'a_raw', 'axraw'], 3]);
          assert.deepEqual(await names({ nameContains: 'RAW', limit: 1, offset: 1 }), [
            ['a_raw'],
            3,
          ]);
          assert.deepEqual(await names({ nameContains: 'a_r' }), [['a_raw'], 1]);
          assert.deepEqual(await names({ nameContains: '%' }), [[], 0]);
          await invalid(catalog.listDatasets(EXP, { limit: 0 }), 'limit');
          await invalid(catalog.listDatasets(EXP, { limit: 1001 }), 'limit');
          await invalid(catalog.listDatasets(EXP, { offset: -1 }), 'offset');
          await notFound(catalog.listDatasets('nova'), 'nova');
        }));

      it('refuses a definition that would make a defname cycle, naming it', () =>
        use(async (catalog) => {
          await catalog.defineDataset(EXP, 'a', 'run_number = 1');
          await catalog.defineDataset(EXP, 'b', 'defname: a or run_number = 2');
          await catalog.defineDataset(EXP, 'c', 'defname: b and data_tier = raw');
          await invalid(catalog.defineDataset(EXP, 'a', 'defname: c'), 'query', /a -> c -> b -> a/);
          await invalid(
            catalog.defineDataset(EXP, 'self', 'defname: self'),
            'query',
            /self -> self/,
          );
          assert.equal((await catalog.getDataset(EXP, 'a')).query, 'run_number = 1');
          await match(catalog, q.defname('c'), ['raw_a.dat', 'raw_b.dat', 'raw_c.dat']);
          // Diamonds are not cycles.
          await catalog.defineDataset(EXP, 'd', 'defname: a or defname: b');
          await match(catalog, q.defname('d'), ['raw_a.dat', 'raw_b.dat', 'raw_c.dat']);
        }));
    });

    describe('open datasets', () => {
      const conflict = (p: Promise<unknown>, dataset: string, message?: RegExp) =>
        rejectsWith(p, ConflictError, (err) => {
          assert.ok(err instanceof DatasetConflictError, String(err));
          assert.equal(err.entity, 'dataset');
          assert.equal(err.key, dataset);
          assert.match(err.message, new RegExp(JSON.stringify(dataset)));
          if (message !== undefined) assert.match(err.message, message);
        });

      it('creates an open dataset idempotently; a query dataset of that name is a conflict', () =>
        use(async (catalog) => {
          const made = await catalog.createOpenDataset(EXP, 'mirror', {
            description: 'raw files from SAM',
          });
          assert.deepEqual(made, {
            name: 'mirror',
            kind: 'open',
            query: '',
            description: 'raw files from SAM',
            created_at: '2030-01-02T03:04:05.006Z',
            closed_at: null,
          });
          // Again: the same record, description unchanged.
          assert.deepEqual(
            await catalog.createOpenDataset(EXP, 'mirror', { description: 'other' }),
            made,
          );
          assert.deepEqual(await catalog.createOpenDataset(EXP, 'mirror'), made);
          assert.deepEqual(await catalog.getDataset(EXP, 'mirror'), made);
          assert.deepEqual(await catalog.createOpenDataset(EXP, 'bare'), {
            ...made,
            name: 'bare',
            description: null,
          });

          await catalog.defineDataset(EXP, 'raw', 'data_tier = raw');
          await conflict(catalog.createOpenDataset(EXP, 'raw'), 'raw', /saved query/);
          // Nor does an open dataset become a query.
          await conflict(catalog.defineDataset(EXP, 'mirror', 'all'), 'mirror', /open dataset/);
          assert.deepEqual(await catalog.getDataset(EXP, 'mirror'), made);
          assert.deepEqual(
            (await catalog.listDatasets(EXP)).items.map((d) => [d.name, d.kind]),
            [
              ['bare', 'open'],
              ['mirror', 'open'],
              ['raw', 'query'],
            ],
          );

          await invalid(catalog.createOpenDataset(EXP, 'bad name'), 'name');
          await invalid(
            catalog.createOpenDataset(EXP, 'long', { description: 'x'.repeat(1001) }),
            'description',
          );
          await notFound(catalog.createOpenDataset('nova', 'x'), 'nova');
          await notFound(catalog.getDataset(EXP, 'long'), 'long');
        }));

      it('adds files atomically, counting those already in it; refuses unknown files', () =>
        use(async (catalog) => {
          await catalog.createOpenDataset(EXP, 'picked');
          assert.deepEqual(await catalog.addToDataset(EXP, 'picked', ['raw_b.dat', 'raw_a.dat']), {
            added: 2,
            already: 0,
          });
          assert.deepEqual(
            await catalog.addToDataset(EXP, 'picked', ['raw_b.dat', 'raw_c.dat', 'raw_c.dat']),
            { added: 1, already: 2 },
          );
          assert.deepEqual(await catalog.addToDataset(EXP, 'picked', []), {
            added: 0,
            already: 0,
          });
          await match(catalog, q.defname('picked'), ['raw_a.dat', 'raw_b.dat', 'raw_c.dat']);

          // An unknown file: the first one is named, and nothing is added.
          await notFound(
            catalog.addToDataset(EXP, 'picked', ['raw_d.dat', 'ghost_1', 'ghost_2']),
            'ghost_1',
          );
          assert.equal(await catalog.countFiles(EXP, q.defname('picked')), 3);
          await notFound(catalog.addToDataset(EXP, 'ghost', ['raw_d.dat']), 'ghost');
          await notFound(catalog.addToDataset('nova', 'picked', ['raw_d.dat']), 'nova');
          await invalid(catalog.addToDataset(EXP, 'picked', ['raw_d.dat', '']), 'files');
          await invalid(
            catalog.addToDataset(EXP, 'picked', 'raw_d.dat' as unknown as string[]),
            'files',
          );
          await invalid(
            catalog.addToDataset(
              EXP,
              'picked',
              Array.from({ length: 100_001 }, () => 'raw_d.dat'),
            ),
            'files',
          );
          assert.equal(await catalog.countFiles(EXP, q.defname('picked')), 3);

          await catalog.defineDataset(EXP, 'raw', 'data_tier = raw');
          await conflict(catalog.addToDataset(EXP, 'raw', ['raw_a.dat']), 'raw', /saved query/);
          await conflict(catalog.closeDataset(EXP, 'raw'), 'raw', /saved query/);
        }));

      it('adds many files in batches, in one call', () =>
        use(
          async (catalog) => {
            const many = Array.from({ length: 25_000 }, (_, i) => ({
              name: `gen_${String(i).padStart(6, '0')}.root`,
            }));
            await catalog.declareFiles(EXP, many);
            await catalog.createOpenDataset(EXP, 'generated');
            const names = many.map((f) => f.name);
            assert.deepEqual(await catalog.addToDataset(EXP, 'generated', names.slice(0, 100)), {
              added: 100,
              already: 0,
            });
            assert.deepEqual(await catalog.addToDataset(EXP, 'generated', names), {
              added: 24_900,
              already: 100,
            });
            assert.equal(await catalog.countFiles(EXP, q.defname('generated')), 25_000);
            // The unknown name in the last batch undoes the batches before it.
            await catalog.createOpenDataset(EXP, 'other');
            await notFound(catalog.addToDataset(EXP, 'other', [...names, 'ghost']), 'ghost');
            assert.equal(await catalog.countFiles(EXP, q.defname('other')), 0);
          },
          { fixture: false },
        ));

      it('closes an open dataset: idempotent, and no more files may be added', () => {
        const clock = manualClock();
        return use(
          async (catalog) => {
            await catalog.createOpenDataset(EXP, 'done');
            await catalog.addToDataset(EXP, 'done', ['raw_a.dat']);
            clock.advance(1000);
            const closed = await catalog.closeDataset(EXP, 'done');
            assert.equal(closed.kind, 'open');
            assert.equal(closed.closed_at, '2030-01-02T03:04:06.006Z');
            clock.advance(1000);
            assert.deepEqual(await catalog.closeDataset(EXP, 'done'), closed);
            assert.deepEqual(await catalog.getDataset(EXP, 'done'), closed);
            // Creating it again answers the closed record; it stays closed.
            assert.deepEqual(await catalog.createOpenDataset(EXP, 'done'), closed);
            await conflict(catalog.addToDataset(EXP, 'done', ['raw_b.dat']), 'done', /closed/);
            await conflict(catalog.addToDataset(EXP, 'done', ['ghost']), 'done', /closed/);
            await match(catalog, q.defname('done'), ['raw_a.dat']);
            await notFound(catalog.closeDataset(EXP, 'ghost'), 'ghost');
          },
          { deps: { clock } },
        );
      });

      it('defname of an open dataset is live; query datasets may build on it', () =>
        use(async (catalog) => {
          await catalog.createOpenDataset(EXP, 'picked');
          await catalog.defineDataset(EXP, 'picked-raw', 'defname: picked and data_tier = raw');
          await match(catalog, q.defname('picked'), []);
          await catalog.addToDataset(EXP, 'picked', ['raw_a.dat', 'reco_f.root']);
          await match(catalog, q.defname('picked'), ['raw_a.dat', 'reco_f.root']);
          await match(catalog, q.defname('picked-raw'), ['raw_a.dat']);
          await match(catalog, parsed('defname: picked minus data_tier = raw'), ['reco_f.root']);
          await match(catalog, q.children(q.defname('picked')), ['reco_f.root', 'ana_h.root']);
          // Files declared later and added later are seen by both.
          await catalog.declareFiles(EXP, [
            { name: 'raw_new.dat', metadata: { data_tier: 'raw' } },
          ]);
          await match(catalog, q.defname('picked-raw'), ['raw_a.dat']);
          await catalog.addToDataset(EXP, 'picked', ['raw_new.dat', 'raw_b.dat']);
          await match(catalog, q.defname('picked-raw'), ['raw_a.dat', 'raw_b.dat', 'raw_new.dat']);
          assert.equal(await catalog.countFiles(EXP, q.defname('picked')), 4);
          assert.equal(await catalog.minValue(EXP, q.defname('picked'), 'run_number'), 1);
        }));

      it('a snapshot of an open dataset freezes its members', () => {
        const clock = manualClock();
        return use(
          async (catalog) => {
            await catalog.createOpenDataset(EXP, 'picked');
            await catalog.addToDataset(EXP, 'picked', ['raw_a.dat', 'raw_b.dat']);
            const first = await catalog.snapshot(EXP, q.defname('picked'), {
              queryText: '',
              dataset: 'picked',
            });
            assert.equal(first.query, 'defname: picked');
            assert.equal(first.dataset, 'picked');
            assert.equal(first.file_count, 2);
            await catalog.addToDataset(EXP, 'picked', ['raw_c.dat']);
            await match(catalog, q.snapshot(first.id), ['raw_a.dat', 'raw_b.dat']);
            clock.advance(1000);
            const second = await catalog.snapshot(EXP, q.defname('picked'), {
              queryText: 'defname: picked',
              dataset: 'picked',
            });
            assert.equal(second.file_count, 3);
            assert.deepEqual(await catalog.getSnapshot(EXP, 'picked'), second);
            await match(catalog, q.minus(q.snapshot('picked'), q.snapshot(first.id)), [
              'raw_c.dat',
            ]);
          },
          { deps: { clock } },
        );
      });

      it('a split over defname of an open dataset hands out the files added since', () =>
        use(async (catalog) => {
          const owner = 'stg_0000000000000000000000stage';
          const parsedSpec = parseSplitSpec('drainingn(2)');
          assert.ok(parsedSpec.ok);
          const spec: SplitSpec = parsedSpec.spec;
          const source = {
            countFiles: (query: Query) => catalog.countFiles(EXP, query),
            minValue: (query: Query, field: string) => catalog.minValue(EXP, query, field),
            queryFiles: (query: Query, page: { limit: number }) =>
              catalog.queryFiles(EXP, query, page),
          };
          /** Takes the next slice as a launch does; answers its files, or null when idle. */
          const take = async (): Promise<string[] | null> => {
            const state = await catalog.splitState(EXP, owner);
            const next = await nextSlice(spec, state.cursor, {
              source,
              owner,
              input: q.defname('stream'),
              now: 1.9e9,
            });
            if (next.status !== 'slice') return null;
            assert.equal(next.slice.kind, 'files');
            const record = await catalog.recordSlice(EXP, owner, {
              spec: 'drainingn(2)',
              expectedSlices: state.slices,
              ...(next.slice.kind === 'files' ? { query: next.slice.query } : {}),
              queryText: next.slice.label,
              label: next.slice.label,
              cursor: next.cursor,
            });
            assert.ok(record.snapshot_id !== null);
            return names(catalog, q.snapshot(record.snapshot_id));
          };
          await catalog.createOpenDataset(EXP, 'stream');
          await catalog.addToDataset(EXP, 'stream', ['raw_a.dat', 'raw_b.dat', 'raw_c.dat']);
          assert.deepEqual(await take(), ['raw_a.dat', 'raw_b.dat']);
          // The dataset grew: the split sees the new files (and never the delivered ones again).
          await catalog.addToDataset(EXP, 'stream', ['raw_d.dat', 'Reco_e.root', 'raw_a.dat']);
          assert.deepEqual(await take(), ['Reco_e.root', 'raw_c.dat']);
          assert.deepEqual(await take(), ['raw_d.dat']);
          assert.equal(await take(), null);
          await match(catalog, q.delivered(owner), [
            'Reco_e.root',
            'raw_a.dat',
            'raw_b.dat',
            'raw_c.dat',
            'raw_d.dat',
          ]);
        }));
    });

    describe('snapshots', () => {
      it('freezes a query, by id and by dataset name (its latest snapshot)', () => {
        const clock = manualClock();
        return use(
          async (catalog) => {
            await catalog.defineDataset(EXP, 'raw', 'data_tier = raw');
            const first = await catalog.snapshot(EXP, q.defname('raw'), {
              queryText: 'defname: raw',
              dataset: 'raw',
            });
            assert.match(first.id, /^snp_[0-9a-z]{10,40}$/);
            assert.deepEqual(first, {
              id: first.id,
              dataset: 'raw',
              query: 'defname: raw',
              owner: null,
              file_count: 4,
              created_at: '2030-01-02T03:04:05.006Z',
            });
            assert.deepEqual(await catalog.getSnapshot(EXP, first.id), first);
            await catalog.declareFiles(EXP, [
              { name: 'raw_new.dat', metadata: { data_tier: 'raw' } },
            ]);
            // Frozen: the new file is not in it.
            await match(catalog, q.snapshot(first.id), [
              'raw_a.dat',
              'raw_b.dat',
              'raw_c.dat',
              'raw_d.dat',
            ]);
            clock.advance(1000);
            const second = await catalog.snapshot(EXP, q.defname('raw'), {
              queryText: 'defname: raw',
              dataset: 'raw',
            });
            assert.equal(second.file_count, 5);
            assert.deepEqual(await catalog.getSnapshot(EXP, 'raw'), second);
            assert.equal(await catalog.countFiles(EXP, q.snapshot('raw')), 5);
            await match(catalog, q.minus(q.snapshot('raw'), q.snapshot(first.id)), ['raw_new.dat']);
            const empty = await catalog.snapshot(EXP, q.eq('run_number', 99), { queryText: 'x' });
            assert.equal(empty.file_count, 0);
            // Listed newest first, all of them or one dataset's, a page at a time.
            const listed = await catalog.listSnapshots(EXP);
            assert.deepEqual(listed, { items: [empty, second, first], total: 3 });
            assert.deepEqual(await catalog.listSnapshots(EXP, { dataset: 'raw', limit: 1 }), {
              items: [second],
              total: 2,
            });
            assert.deepEqual(
              await catalog.listSnapshots(EXP, { dataset: 'raw', limit: 1, offset: 1 }),
              { items: [first], total: 2 },
            );
            assert.deepEqual(await catalog.listSnapshots(EXP, { dataset: 'ghost' }), {
              items: [],
              total: 0,
            });
            await notFound(
              catalog.getSnapshot(EXP, 'snp_0000000000000000000000zzzz'),
              'snp_0000000000000000000000zzzz',
            );
            await notFound(catalog.getSnapshot(EXP, 'no-such-dataset'), 'no-such-dataset');
            await notFound(catalog.countFiles(EXP, q.snapshot('nothing')), 'nothing');
            await notFound(
              catalog.snapshot(EXP, q.all, { queryText: 'all', dataset: 'ghost' }),
              'ghost',
            );
          },
          { deps: { clock } },
        );
      });

      it('delivered: files in the snapshots an owner made; dropping them rewinds', () => {
        const clock = manualClock();
        return use(
          async (catalog) => {
            const owner = 'stg_0000000000000000000000stage';
            const input = q.eq('data_tier', 'raw');
            const undelivered = q.minus(input, q.delivered(owner));
            const take = async (n: number) => {
              clock.advance(1000);
              return catalog.snapshot(EXP, q.window(undelivered, 0, 1, n), {
                queryText: 'slice',
                owner,
              });
            };
            const s1 = await take(1);
            const s2 = await take(2);
            const s3 = await take(5);
            assert.deepEqual([s1.file_count, s2.file_count, s3.file_count], [1, 2, 1]);
            await match(catalog, q.snapshot(s2.id), ['raw_b.dat', 'raw_c.dat']);
            await match(catalog, q.delivered(owner), [
              'raw_a.dat',
              'raw_b.dat',
              'raw_c.dat',
              'raw_d.dat',
            ]);
            await match(catalog, undelivered, []);
            await match(catalog, q.delivered('someone-else'), []);
            // Another owner's snapshot is left alone.
            await catalog.snapshot(EXP, q.all, { queryText: 'all', owner: 'other' });

            assert.equal(await catalog.dropOwnedSnapshots(EXP, owner, s1.id), 2);
            await match(catalog, undelivered, ['raw_b.dat', 'raw_c.dat', 'raw_d.dat']);
            await notFound(catalog.getSnapshot(EXP, s2.id), s2.id);
            assert.equal((await catalog.getSnapshot(EXP, s1.id)).file_count, 1);
            await notFound(catalog.dropOwnedSnapshots(EXP, owner, s3.id), s3.id);
            assert.equal(await catalog.dropOwnedSnapshots(EXP, owner, null), 1);
            assert.equal(await catalog.dropOwnedSnapshots(EXP, owner, null), 0);
            await match(catalog, q.delivered(owner), []);
            assert.equal(await catalog.countFiles(EXP, q.delivered('other')), ALL_NAMES.length);
          },
          { deps: { clock } },
        );
      });
    });

    describe("the experiment's own metadata fields", () => {
      it('checks declarations against them, naming file and field, writing nothing on refusal', () =>
        use(async (catalog) => {
          await catalog.defineMetadataField(EXP, {
            name: 'beam.energy',
            type: 'number',
            required: false,
          });
          await catalog.defineMetadataField(EXP, {
            name: 'detector',
            type: 'text',
            required: true,
            values: ['near', 'far'],
            description: 'Which detector took the data',
          });
          await catalog.defineMetadataField(EXP, {
            name: 'run_number',
            type: 'integer',
            required: true,
          });
          assert.deepEqual(
            (await catalog.metadataFields(EXP)).map((f) => [f.name, f.type, f.required]),
            [
              ['beam.energy', 'number', false],
              ['detector', 'text', true],
              ['run_number', 'integer', true],
            ],
          );
          const ok = {
            name: 'mf_ok',
            metadata: { detector: 'far', run_number: 7, 'beam.energy': 120.5 },
          };
          assert.equal((await catalog.declareFiles(EXP, [ok])).created, 1);
          const refused = async (
            metadata: Record<string, string | number | null>,
            pattern: RegExp,
          ) => {
            const before = await catalog.countFiles(EXP, q.all);
            await assert.rejects(
              catalog.declareFiles(EXP, [
                { name: 'mf_fine', metadata: { detector: 'near', run_number: 1 } },
                { name: 'mf_bad', metadata },
              ]),
              (error: unknown) =>
                error instanceof InvalidArgumentError &&
                error.field.startsWith('files[1].metadata.') &&
                /mf_bad/.test(error.message) &&
                pattern.test(error.message),
            );
            assert.equal(await catalog.countFiles(EXP, q.all), before, 'nothing written');
          };
          await refused(
            { detector: 'far', run_number: 1, 'beam.energy': 'high' },
            /beam\.energy must be a number/,
          );
          await refused(
            { detector: 'middle', run_number: 1 },
            /"middle" is not one of "near", "far"/,
          );
          await refused({ run_number: 1 }, /has no detector/);
          await refused({ detector: 'far', run_number: 1.5 }, /run_number must be a whole number/);
          // Redefined: detector no longer required; dropped: beam.energy takes anything again.
          await catalog.defineMetadataField(EXP, {
            name: 'detector',
            type: 'text',
            required: false,
          });
          await catalog.dropMetadataField(EXP, 'beam.energy');
          assert.equal(
            (
              await catalog.declareFiles(EXP, [
                { name: 'mf_free', metadata: { run_number: 2, 'beam.energy': 'high' } },
              ])
            ).created,
            1,
          );
          await notFound(catalog.dropMetadataField(EXP, 'beam.energy'), 'beam.energy');
        }));

      it('refuses to retype standard fields and fields that are not metadata', () =>
        use(async (catalog) => {
          await assert.rejects(
            catalog.defineMetadataField(EXP, { name: 'run_number', type: 'text', required: false }),
            InvalidArgumentError,
          );
          await assert.rejects(
            catalog.defineMetadataField(EXP, {
              name: 'file_size',
              type: 'integer',
              required: false,
            }),
            InvalidArgumentError,
          );
          await assert.rejects(
            catalog.defineMetadataField(EXP, {
              name: 'flag',
              type: 'boolean',
              required: false,
              values: ['yes'],
            }),
            InvalidArgumentError,
          );
          assert.deepEqual(await catalog.metadataFields(EXP), []);
        }));
    });

    describe('provenance', () => {
      // raw1, raw2 → reco (fan-in) → ana1, ana2 (fan-out); ana1 → summary.
      const chain: DeclaredFile[] = [
        { name: 'p_raw1', metadata: { data_tier: 'raw' } },
        { name: 'p_raw2', metadata: { data_tier: 'raw' } },
        { name: 'p_reco', parents: ['p_raw1', 'p_raw2'] },
        { name: 'p_ana1', parents: ['p_reco'] },
        { name: 'p_ana2', parents: ['p_reco'] },
        { name: 'p_summary', parents: ['p_ana1'] },
      ];
      const walk = (
        catalog: Catalog,
        name: string,
        direction: 'ancestors' | 'descendants',
        depth?: number,
      ) => catalog.provenance(EXP, name, { direction, ...(depth === undefined ? {} : { depth }) });

      it('walks ancestors and descendants to any depth, nearest first, with their links', () =>
        use(async (catalog) => {
          await catalog.declareFiles(EXP, chain);
          const up = await walk(catalog, 'p_summary', 'ancestors');
          assert.deepEqual(
            up.nodes.map((n) => [n.name, n.depth]),
            [
              ['p_summary', 0],
              ['p_ana1', 1],
              ['p_reco', 2],
              ['p_raw1', 3],
              ['p_raw2', 3],
            ],
          );
          assert.equal(up.truncated, false);
          assert.deepEqual(up.edges.map((e) => `${e.parent}>${e.child}`).sort(), [
            'p_ana1>p_summary',
            'p_raw1>p_reco',
            'p_raw2>p_reco',
            'p_reco>p_ana1',
          ]);
          assert.ok(
            up.nodes.every((n) => n.produced_by === null),
            'declared by hand, not made',
          );
          const down = await walk(catalog, 'p_raw1', 'descendants');
          assert.deepEqual(
            down.nodes.map((n) => n.name),
            ['p_raw1', 'p_reco', 'p_ana1', 'p_ana2', 'p_summary'],
          );
        }));

      it('stops at a depth and says there was more', () =>
        use(async (catalog) => {
          await catalog.declareFiles(EXP, chain);
          const near = await walk(catalog, 'p_summary', 'ancestors', 2);
          assert.deepEqual(
            near.nodes.map((n) => n.name),
            ['p_summary', 'p_ana1', 'p_reco'],
          );
          assert.equal(near.truncated, true);
          assert.equal((await walk(catalog, 'p_summary', 'ancestors', 3)).truncated, false);
          const few = await catalog.provenance(EXP, 'p_raw1', {
            direction: 'descendants',
            limit: 2,
          });
          assert.equal(few.nodes.length, 2);
          assert.equal(few.truncated, true);
          await assert.rejects(walk(catalog, 'p_raw1', 'ancestors', 0), InvalidArgumentError);
          await notFound(walk(catalog, 'nope', 'ancestors'), 'nope');
        }));

      it('ends on parentage that loops (a parent added to an existing file)', () =>
        use(async (catalog) => {
          await catalog.declareFiles(EXP, chain);
          // p_raw1 declared again with a parent of its own descendants: a loop.
          await catalog.declareFiles(EXP, [
            { name: 'p_raw1', metadata: { data_tier: 'raw' }, parents: ['p_summary'] },
          ]);
          const up = await walk(catalog, 'p_reco', 'ancestors', 50);
          assert.deepEqual(up.nodes.map((n) => n.name).sort(), [
            'p_ana1',
            'p_raw1',
            'p_raw2',
            'p_reco',
            'p_summary',
          ]);
          assert.equal(up.nodes.find((n) => n.name === 'p_reco')?.depth, 0);
        }));
    });

    it('keeps experiments apart', () =>
      use(async (catalog, store) => {
        await store.experiments.create({ name: 'nova', display_name: 'NOvA' });
        await catalog.declareFiles('nova', [
          { name: 'raw_a.dat', size: 5, metadata: { run_number: 1, quality: 0.9 } },
        ]);
        assert.equal(await catalog.countFiles('nova', q.all), 1);
        assert.equal(await catalog.countFiles(EXP, q.eq('run_number', 1)), 2);
        assert.equal(await catalog.countFiles('nova', q.eq('quality', 0.9)), 1);
        assert.equal((await catalog.getFile('nova', 'raw_a.dat')).size, 5);
        await catalog.defineDataset(EXP, 'raw', 'data_tier = raw');
        await notFound(catalog.countFiles('nova', q.defname('raw')), 'raw');
      }));
  });
}
