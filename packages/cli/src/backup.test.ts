import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { openStore } from '@poms/server';
import { runPoms } from './cli-testing.ts';

const root = mkdtempSync(join(tmpdir(), 'poms-cli-backup-'));
after(() => rmSync(root, { recursive: true, force: true }));

describe('poms backup and poms restore', () => {
  it('backs a data folder up, refuses to restore over a store, restores with --force', async () => {
    const data = join(root, 'data');
    const store = await openStore({ dataDir: data });
    await store.experiments.create({ name: 'mu2e', display_name: 'Mu2e' });
    await store.close();

    const copy = join(root, 'copy');
    const backup = await runPoms('backup', copy, '--data', data);
    assert.equal(backup.code, 0, backup.err);
    assert.match(
      backup.out,
      /^backed up .* to .*copy: 0 campaign\(s\), 0 submission\(s\), 0 job\(s\), 0 file\(s\), 0 ledger row\(s\), \d+ bytes of store$/,
    );

    const again = await runPoms('backup', copy, '--data', data);
    assert.equal(again.code, 1);
    assert.match(again.err, /^poms: the backup folder .* is not empty$/);

    const refused = await runPoms('restore', copy, '--data', data);
    assert.equal(refused.code, 1);
    assert.match(refused.err, /already holds a store: give --force/);

    const restored = await runPoms('restore', copy, '--data', data, '--force', '--json');
    assert.equal(restored.code, 0, restored.err);
    const manifest = JSON.parse(restored.out) as {
      counts: { experiments: number };
      kept_aside: string;
    };
    assert.equal(manifest.counts.experiments, 1);
    assert.match(manifest.kept_aside, /before-restore-/);
    const reopened = await openStore({ dataDir: data });
    try {
      assert.deepEqual(
        (await reopened.experiments.list()).map((e) => e.name),
        ['mu2e'],
      );
    } finally {
      await reopened.close();
    }
  });
});
