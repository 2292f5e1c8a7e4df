import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { mergeLevels, mergeParams } from './params.ts';

describe('mergeParams', () => {
  it('keeps a key at its first position with the last value (POMS OrderedDict.update)', () => {
    assert.deepEqual(
      mergeParams(
        [
          ['-a=', '1'],
          ['-b=', '1'],
        ],
        [
          ['-c=', '2'],
          ['-a=', '2'],
        ],
        [['-b=', '3']],
      ),
      [
        ['-a=', '2'],
        ['-b=', '3'],
        ['-c=', '2'],
      ],
    );
  });

  it('keeps an empty value as a present key', () => {
    assert.deepEqual(mergeParams([['--flag=', 'x']], [['--flag=', '']]), [['--flag=', '']]);
  });

  it('compares keys exactly: separators and case matter', () => {
    assert.equal(mergeParams([['-a=', '1']], [['-a', '2']], [['-A=', '3']]).length, 3);
  });

  it('applies a repeated key within one list in order', () => {
    assert.deepEqual(
      mergeParams([
        ['-a=', '1'],
        ['-a=', '2'],
      ]),
      [['-a=', '2']],
    );
  });

  it('records which level and index set each value', () => {
    const merged = mergeLevels([
      { level: 'job_type', params: [['-a=', '1']] },
      {
        level: 'test',
        params: [
          ['-b=', '1'],
          ['-a=', '2'],
        ],
      },
    ]);
    assert.deepEqual(
      merged.map((p) => p.source),
      [
        { level: 'test', index: 1 },
        { level: 'test', index: 0 },
      ],
    );
  });

  it('is "first-appearance order, last value" for any lists', () => {
    const pair = fc.tuple(fc.constantFrom('-a=', '-b=', '--c ', 'd'), fc.string());
    fc.assert(
      fc.property(fc.array(fc.array(pair), { maxLength: 6 }), (lists) => {
        const all = lists.flat();
        const keys = [...new Set(all.map(([k]) => k))];
        const expected = keys.map((k) => [k, all.findLast(([key]) => key === k)?.[1]]);
        assert.deepEqual(mergeParams(...lists), expected);
      }),
    );
  });
});
