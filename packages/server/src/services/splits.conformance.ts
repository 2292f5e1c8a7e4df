// A stage's split in the store: slices recorded with the cursor, races, rewind, reset and
// preview, on every store (run by splits.sqlite.test.ts and splits.postgres.test.ts).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseSplitSpec, type DeclaredFile, type SplitSpec } from '@poms/core';
import { ConflictError } from '../ports/errors.ts';
import type { Store } from '../ports/store.ts';
import { SplitChangedError, SplitService, type SplitInput, type TakenSlice } from './splits.ts';

const FILES: DeclaredFile[] = ['a', 'b', 'c', 'd', 'e'].map((name, i) => ({
  name: `${name}.root`,
  metadata: { run_number: [1, 1, 2, 3, 3][i] ?? 0 },
}));
const INPUT: SplitInput = { input: { type: 'all' }, now: 1_800_000_000 };

function spec(text: string): SplitSpec {
  const parsed = parseSplitSpec(text);
  assert.ok(parsed.ok, text);
  return parsed.spec;
}

async function fresh(open: () => Promise<Store>) {
  const store = await open();
  await store.experiments.create({ name: 'exp', display_name: 'exp' });
  await store.catalog.declareFiles('exp', FILES);
  return { store, splits: new SplitService(store.catalog, 'exp') };
}

async function filesOf(store: Store, taken: TakenSlice): Promise<string[]> {
  assert.equal(taken.status, 'slice');
  if (taken.status !== 'slice' || taken.record.snapshot_id === null) return [];
  const page = await store.catalog.queryFiles('exp', {
    type: 'snapshot',
    ref: taken.record.snapshot_id,
  });
  return page.files.map((f) => f.name);
}

export function describeSplitConformance(name: string, open: () => Promise<Store>): void {
  describe(name, () => {
    it('hands out slices, keeping the cursor and a snapshot per slice in the store', async () => {
      const { store, splits } = await fresh(open);
      try {
        const got: string[][] = [];
        for (let i = 0; i < 3; i++)
          got.push(await filesOf(store, await splits.take('s', spec('drainingn(2)'), INPUT)));
        assert.deepEqual(got, [['a.root', 'b.root'], ['c.root', 'd.root'], ['e.root']]);
        assert.equal((await splits.take('s', spec('drainingn(2)'), INPUT)).status, 'idle');
        const state = await splits.state('s');
        assert.equal(state.slices, 3);
        assert.equal(state.spec, 'drainingn(2)');
        assert.deepEqual(
          (await splits.slices('s')).map((s) => [s.seq, s.file_count]),
          [
            [1, 2],
            [2, 2],
            [3, 1],
          ],
        );
        // Another stage's split is its own.
        assert.deepEqual(
          await filesOf(store, await splits.take('t', spec('drainingn(2)'), INPUT)),
          ['a.root', 'b.root'],
        );
      } finally {
        await store.close();
      }
    });

    it('keeps byrun and mod cursors across service instances', async () => {
      const { store } = await fresh(open);
      try {
        const runs: string[][] = [];
        for (let i = 0; i < 3; i++) {
          const service = new SplitService(store.catalog, 'exp');
          runs.push(
            await filesOf(store, await service.take('r', spec('byrun(low=1,high=3)'), INPUT)),
          );
        }
        assert.deepEqual(runs, [['a.root', 'b.root'], ['c.root'], ['d.root', 'e.root']]);
        assert.equal(
          (
            await new SplitService(store.catalog, 'exp').take(
              'r',
              spec('byrun(low=1,high=3)'),
              INPUT,
            )
          ).status,
          'exhausted',
        );
      } finally {
        await store.close();
      }
    });

    it('starts each nfiles block after the last file of the block before, by name', async () => {
      const { store, splits } = await fresh(open);
      try {
        const take = async () => filesOf(store, await splits.take('n', spec('nfiles(2)'), INPUT));
        assert.deepEqual(await take(), ['a.root', 'b.root']);
        assert.equal((await splits.state('n')).cursor.after, 'b.root');
        // A file sorting before the cursor shifts no block: b.root is not handed out again.
        await store.catalog.declareFiles('exp', [{ name: 'aa.root' }]);
        assert.deepEqual(await take(), ['c.root', 'd.root']);
        assert.deepEqual(await take(), ['e.root']);
        assert.equal((await splits.take('n', spec('nfiles(2)'), INPUT)).status, 'exhausted');
      } finally {
        await store.close();
      }
    });

    it('continues an nfiles cursor without a last file name by offset', async () => {
      const { store, splits } = await fresh(open);
      try {
        // A cursor saved before blocks carried `after`: block 2 of 2 files is files 3–4.
        await store.catalog.recordSlice('exp', 'old', {
          spec: 'nfiles(2)',
          expectedSlices: 0,
          queryText: 'slice 1 of old',
          label: 'files 1–2',
          cursor: { slices: 1, next: 1 },
        });
        assert.deepEqual(await filesOf(store, await splits.take('old', spec('nfiles(2)'), INPUT)), [
          'c.root',
          'd.root',
        ]);
      } finally {
        await store.close();
      }
    });

    it('never hands the same slice to two racing launches', async () => {
      const { store, splits } = await fresh(open);
      try {
        const results = await Promise.allSettled(
          Array.from({ length: 6 }, () => splits.take('race', spec('nfiles(1)'), INPUT)),
        );
        const taken = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
        const refused = results.flatMap((r) =>
          r.status === 'rejected' ? [r.reason as unknown] : [],
        );
        for (const reason of refused) assert.ok(reason instanceof ConflictError, String(reason));
        assert.ok(taken.length >= 1);
        const slices = await splits.slices('race');
        assert.equal(slices.length, taken.length);
        const names = (await Promise.all(taken.map((t) => filesOf(store, t)))).flat();
        assert.equal(new Set(names).size, names.length, 'no file handed out twice');
      } finally {
        await store.close();
      }
    });

    it('rewinds to an earlier slice: later files count as undelivered again', async () => {
      const { store, splits } = await fresh(open);
      try {
        for (let i = 0; i < 3; i++) await splits.take('w', spec('drainingn(2)'), INPUT);
        const state = await splits.rewind('w', 1);
        assert.equal(state.slices, 1);
        assert.equal((await splits.slices('w')).length, 1);
        assert.deepEqual(
          await filesOf(store, await splits.take('w', spec('drainingn(2)'), INPUT)),
          ['c.root', 'd.root'],
        );
        await assert.rejects(splits.rewind('w', 5), /from 0 to 2/);
      } finally {
        await store.close();
      }
    });

    it('resets to the start', async () => {
      const { store, splits } = await fresh(open);
      try {
        await splits.take('z', spec('nfiles(2)'), INPUT);
        await splits.take('z', spec('nfiles(2)'), INPUT);
        const state = await splits.rewind('z', 0);
        assert.deepEqual([state.slices, state.cursor], [0, { slices: 0 }]);
        assert.deepEqual(await filesOf(store, await splits.take('z', spec('nfiles(2)'), INPUT)), [
          'a.root',
          'b.root',
        ]);
      } finally {
        await store.close();
      }
    });

    it('previews what comes next from where the split is, changing nothing', async () => {
      const { store, splits } = await fresh(open);
      try {
        await splits.take('p', spec('drainingn(2)'), INPUT);
        const before = await splits.state('p');
        const preview = await splits.preview('p', spec('drainingn(2)'), INPUT, 10);
        assert.deepEqual(
          preview.slices.map((s) => s.files),
          [['c.root', 'd.root'], ['e.root']],
        );
        assert.deepEqual(await splits.state('p'), before);
        assert.equal((await splits.slices('p')).length, 1);
        assert.deepEqual(
          await filesOf(store, await splits.take('p', spec('drainingn(2)'), INPUT)),
          ['c.root', 'd.root'],
        );
      } finally {
        await store.close();
      }
    });

    it('refuses to continue with a changed split until it is reset', async () => {
      const { store, splits } = await fresh(open);
      try {
        await splits.take('c', spec('nfiles(2)'), INPUT);
        await assert.rejects(splits.take('c', spec('mod(2)'), INPUT), SplitChangedError);
        await splits.rewind('c', 0);
        assert.equal((await splits.take('c', spec('mod(2)'), INPUT)).status, 'slice');
      } finally {
        await store.close();
      }
    });

    it('records multiparam values without snapshots', async () => {
      const { store, splits } = await fresh(open);
      try {
        const input = { ...INPUT, inputList: [['x', 'y']] };
        const first = await splits.take('m', spec('multiparam'), input);
        assert.ok(first.status === 'slice' && first.record.snapshot_id === null);
        assert.equal(first.status === 'slice' ? first.record.parameter : '', 'x');
      } finally {
        await store.close();
      }
    });
  });
}
