import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { changedByState } from './file-counts.ts';

const counts = (m: Map<string, number>) => Object.fromEntries([...m].sort());

describe('files counted from a report', () => {
  it('counts each state exactly when every file was new', () => {
    const files = [
      { name: 'a', state: 'consumed' as const },
      { name: 'b', state: 'failed' as const },
      { name: 'c', state: 'consumed' as const },
      { name: 'd', state: 'skipped' as const },
    ];
    assert.deepEqual(counts(changedByState(files, { changed: 4, unknown: [] })), {
      consumed: 2,
      failed: 1,
      skipped: 1,
    });
  });

  it('leaves out names the job was not given, and repeats of a name', () => {
    const files = [
      { name: 'a', state: 'consumed' as const },
      { name: 'x', state: 'failed' as const },
      { name: 'a', state: 'failed' as const },
      { name: 'b', state: 'failed' as const },
    ];
    assert.deepEqual(counts(changedByState(files, { changed: 2, unknown: ['x'] })), {
      consumed: 1,
      failed: 1,
    });
  });

  it('counts only what changed: a repeated report counts nothing, a one-state report exactly', () => {
    const files = [
      { name: 'a', state: 'consumed' as const },
      { name: 'b', state: 'consumed' as const },
    ];
    assert.deepEqual(counts(changedByState(files, { changed: 0, unknown: [] })), {});
    assert.deepEqual(counts(changedByState(files, { changed: 1, unknown: [] })), { consumed: 1 });
  });
});
