// The mirror of a SAM definition into an open dataset (the MetaCat side runs end to end in
// data-handling.test.ts): SAM's stand-in answers from its hand-written fixtures.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SamClient } from '../../adapters/data/sam/sam-client.ts';
import {
  DEFINITION,
  EXPERIMENT,
  startFakeSam,
  type FakeSam,
} from '../../adapters/data/sam/sam-testing.ts';
import { openSqliteStore } from '../../adapters/storage/sqlite.ts';
import { systemClock } from '../../adapters/system/system-clock.ts';
import { ulidIdSource } from '../../adapters/system/ulid-ids.ts';
import type { Store } from '../../ports/store.ts';
import { DatasetMirror, mirrorDatasetName } from './dataset-mirror.ts';

describe('DatasetMirror on SAM', () => {
  let sam: FakeSam;
  let store: Store;
  before(async () => {
    sam = await startFakeSam();
    store = await openSqliteStore({ file: ':memory:', clock: systemClock, ids: ulidIdSource() });
    await store.experiments.create({ name: 'np04', display_name: 'ProtoDUNE' });
  });
  after(async () => {
    await store.close();
    await sam.close();
  });

  it('copies a definition into an open dataset once, typed, with the replica folder', async () => {
    const client = new SamClient({ url: sam.url, experiment: EXPERIMENT });
    const mirror = new DatasetMirror({
      catalog: store.catalog,
      systems: (e) =>
        e === 'np04'
          ? { metadata: client, inputFiles: { location: 'local', folder: '/sam' } }
          : undefined,
      pageSize: 2,
    });
    const source = { system: 'sam' as const, query: DEFINITION };
    const name = await mirror.mirror('np04', source);
    assert.equal(name, mirrorDatasetName(source));
    assert.match(name, /^sam\.[0-9a-f]{16}$/);
    assert.equal(await store.catalog.countFiles('np04', { type: 'defname', name }), 5);
    const file = await store.catalog.getFile('np04', 'np04_raw_run005000_0001_dl1.root');
    assert.equal(file.metadata.data_tier, 'raw');
    assert.equal(file.metadata.event_count, 100);
    assert.equal(file.metadata['poms.source'], 'sam');
    assert.deepEqual(file.replicas, [
      { location: 'local', path: '/sam/np04_raw_run005000_0001_dl1.root' },
    ]);
    const dataset = await store.catalog.getDataset('np04', name);
    assert.equal(dataset.kind, 'open');
    assert.equal(dataset.description, `sam: ${DEFINITION}`);

    // A second mirror declares nothing new; a recent one is reused without asking SAM.
    const before = sam.requests.length;
    await mirror.mirror('np04', source);
    assert.ok(sam.requests.length > before, 'read again');
    assert.equal(await store.catalog.countFiles('np04', { type: 'defname', name }), 5);
    const again = sam.requests.length;
    await mirror.mirror('np04', source, { maxAgeMs: 60_000 });
    assert.equal(sam.requests.length, again, 'a mirror that recent is good enough');
  });

  it('says which system is missing, and wraps what the external catalog answered', async () => {
    const mirror = new DatasetMirror({ catalog: store.catalog, systems: () => undefined });
    await assert.rejects(
      mirror.mirror('np04', { system: 'sam', query: DEFINITION }),
      /input: 'sam: …' reads np04's SAM, which this server is not configured with/,
    );
    const broken = new DatasetMirror({
      catalog: store.catalog,
      systems: () => ({ metadata: new SamClient({ url: sam.url, experiment: EXPERIMENT }) }),
    });
    await assert.rejects(
      broken.mirror('np04', { system: 'sam', query: 'defname: no_such_definition' }),
      /input: reading SAM 'defname: no_such_definition' into dataset sam\.[0-9a-f]{16} failed: /,
    );
  });
});
