// The split picker reads and writes split specs the way the catalog describes them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SPLIT_TYPES, parseSplitSpec } from '@poms/core';
import { readSplit, writeSplit } from './split-picker.ts';

describe('the split picker model', () => {
  it('reads positional and named parameters', () => {
    assert.deepEqual(readSplit('mod(10)'), { type: 'mod', params: { n: '10' } });
    assert.deepEqual(readSplit('byrun(low=1, high=10)'), {
      type: 'byrun',
      params: { low: '1', high: '10' },
    });
    assert.deepEqual(readSplit(undefined), { type: '', params: {} });
  });

  it('writes every catalog example back as it reads it', () => {
    for (const info of SPLIT_TYPES) {
      assert.equal(writeSplit(readSplit(info.example)), info.example, info.name);
    }
  });

  it('leaves empty parameters out and writes specs the split parser accepts', () => {
    const spec = writeSplit({ type: 'new', params: { window: '1d', round: '', fts: '' } });
    assert.equal(spec, 'new(window=1d)');
    assert.equal(parseSplitSpec(spec).ok, true);
    assert.equal(
      parseSplitSpec(writeSplit({ type: 'byrun', params: { low: '3', high: '9' } })).ok,
      true,
    );
  });
});
