// Every split type over POMS's own split test set (5 files, runs 1–3, end times one day apart),
// on the real embedded catalog, with the whitespace variants POMS's test table uses.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { parseSplitSpec, type DeclaredFile, type Query } from '@poms/core';
import { parseQuery } from '@poms/core/query';
import { openSqliteStore } from '../adapters/storage/sqlite.ts';
import { systemClock } from '../adapters/system/system-clock.ts';
import { ulidIdSource } from '../adapters/system/ulid-ids.ts';
import type { Store } from '../ports/store.ts';
import { previewSplit } from './split-preview.ts';

const DAY = 86400;
const OCT1 = 1475280000; // 2016-10-01T00:00:00Z, POMS's firsttime
const FILES: DeclaredFile[] = [
  ['a.fcl', 1, 0],
  ['b.fcl', 1, 1],
  ['c.fcl', 2, 2],
  ['d.fcl', 3, 3],
  ['e.fcl', 3, 4],
].map(([name, run, day]) => ({
  name: String(name),
  metadata: {
    run_number: Number(run),
    data_tier: 'generated',
    end_time: new Date((OCT1 + Number(day) * DAY + DAY / 2) * 1000).toISOString(),
  },
}));

let store: Store;
before(async () => {
  store = await openSqliteStore({ file: ':memory:', clock: systemClock, ids: ulidIdSource() });
  await store.experiments.create({ name: 'exp', display_name: 'exp' });
  await store.catalog.declareFiles('exp', FILES);
});
after(() => store.close());

function query(text: string): Query {
  const parsed = parseQuery(text);
  assert.ok(parsed.ok, text);
  return parsed.query;
}

async function preview(
  spec: string,
  options: { inputList?: string[] | string[][]; now?: number; max?: number } = {},
) {
  const parsed = parseSplitSpec(spec);
  assert.ok(parsed.ok, spec);
  const result = await previewSplit(store.catalog, parsed.spec, {
    experiment: 'exp',
    input: { type: 'all' },
    now: options.now ?? OCT1 + 30 * DAY,
    max: options.max ?? 10,
    ...(options.inputList ? { inputList: options.inputList } : {}),
    listItemQuery: query,
  });
  return {
    slices: result.slices.map((s) => s.parameter ?? s.files.join(' ')),
    end: result.end.status,
  };
}

describe('splits over the POMS test set', () => {
  it('none: the whole dataset, the same every launch', async () => {
    assert.deepEqual(await preview('none'), {
      slices: ['a.fcl b.fcl c.fcl d.fcl e.fcl'],
      end: 'repeats',
    });
  });

  it('draining: what earlier slices did not take, then nothing until the dataset grows', async () => {
    assert.deepEqual(await preview('draining'), {
      slices: ['a.fcl b.fcl c.fcl d.fcl e.fcl'],
      end: 'idle',
    });
  });

  for (const spec of ['mod(3)', 'mod( 3 )', 'MOD(3)']) {
    it(`${spec}: every third file from offsets 0, 1, 2, then the end`, async () => {
      assert.deepEqual(await preview(spec), {
        slices: ['a.fcl d.fcl', 'b.fcl e.fcl', 'c.fcl'],
        end: 'exhausted',
      });
    });
  }

  it('mod(7): residues without files are never launched', async () => {
    const result = await preview('mod(7)');
    assert.equal(result.slices.length, 5);
    assert.equal(result.end, 'exhausted');
  });

  it('nfiles(2): blocks of two, then the end', async () => {
    assert.deepEqual(await preview('nfiles( 2 )'), {
      slices: ['a.fcl b.fcl', 'c.fcl d.fcl', 'e.fcl'],
      end: 'exhausted',
    });
  });

  it('limitn(2): the first two files every launch', async () => {
    assert.deepEqual(await preview('limitn(2)'), { slices: ['a.fcl b.fcl'], end: 'repeats' });
  });

  for (const spec of ['drainingn(2)', 'stagedfiles(2)']) {
    it(`${spec}: two undelivered files at a time, then nothing new`, async () => {
      assert.deepEqual(await preview(spec), {
        slices: ['a.fcl b.fcl', 'c.fcl d.fcl', 'e.fcl'],
        end: 'idle',
      });
    });
  }

  for (const spec of ['byrun(low=1,high=4)', 'byrun( low=1, high=4 ) ']) {
    it(`${spec}: run by run; the empty run 4 is skipped, not launched`, async () => {
      assert.deepEqual(await preview(spec), {
        slices: ['a.fcl b.fcl', 'c.fcl', 'd.fcl e.fcl'],
        end: 'exhausted',
      });
    });
  }

  it('byrun(low=1,high=2): high is inclusive, as POMS documents it', async () => {
    assert.deepEqual(await preview('byrun(low=1,high=2)'), {
      slices: ['a.fcl b.fcl', 'c.fcl'],
      end: 'exhausted',
    });
  });

  it('byrun(low=2): from run 2 up', async () => {
    assert.deepEqual(await preview('byrun(low=2)'), {
      slices: ['c.fcl', 'd.fcl e.fcl'],
      end: 'exhausted',
    });
  });

  it('byexistingruns(): the run of the first undelivered file, each time', async () => {
    assert.deepEqual(await preview('byexistingruns() '), {
      slices: ['a.fcl b.fcl', 'c.fcl', 'd.fcl e.fcl'],
      end: 'exhausted',
    });
  });

  it('list: each element in turn; an element with no files is skipped', async () => {
    const list = ['run_number = 3', 'run_number = 9', 'data_tier = generated'];
    assert.deepEqual(await preview('list', { inputList: list }), {
      slices: ['run_number = 3', 'data_tier = generated'],
      end: 'exhausted',
    });
  });

  it('multiparam: every combination as %(dataset)s', async () => {
    const lists = [
      ['a', 'b'],
      ['c', 'd'],
      ['e', 'f'],
    ];
    const result = await preview('multiparam()', { inputList: lists });
    assert.deepEqual(result.slices, [
      'a_c_e',
      'a_c_f',
      'a_d_e',
      'a_d_f',
      'b_c_e',
      'b_c_f',
      'b_d_e',
      'b_d_f',
    ]);
    assert.equal(result.end, 'exhausted');
  });

  for (const spec of [
    'new(firsttime=1475280000,window=1d,lasttime=1475539200)',
    'new( firsttime=1475280000, window=1d, lasttime=1475539200 )',
  ]) {
    it(`${spec}: one window a day up to lasttime`, async () => {
      assert.deepEqual(await preview(spec), {
        slices: ['a.fcl', 'b.fcl', 'c.fcl', 'd.fcl'],
        end: 'exhausted',
      });
    });
  }

  it('new(window=1d,…): a window is taken only once closed plus fts', async () => {
    const now = OCT1 + 2 * DAY + DAY / 2; // noon on Oct 3: Oct 1 and Oct 2 have closed
    const result = await preview('new(firsttime=1475280000,window=1d,fts=1h)', { now });
    assert.deepEqual(result, { slices: ['a.fcl', 'b.fcl'], end: 'idle' });
  });

  it('new(window=1d) from five empty days earlier: windows without files are skipped', async () => {
    const result = await preview('new(firsttime=1474848000,window=1d)'); // starts Sep 26: five empty days
    assert.deepEqual(result.slices, ['a.fcl', 'b.fcl', 'c.fcl', 'd.fcl', 'e.fcl']);
  });
});
