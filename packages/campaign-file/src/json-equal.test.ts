import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { jsonEqual } from './json-equal.ts';

describe('jsonEqual', () => {
  it('ignores key order and compares deeply', () => {
    assert.equal(jsonEqual({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 }), true);
    assert.equal(jsonEqual({ a: 1 }, { a: 1, b: undefined }), true);
    assert.equal(jsonEqual({ a: 1 }, { a: 1, b: null }), false);
    assert.equal(jsonEqual([1, 2], [2, 1]), false);
    assert.equal(jsonEqual(null, {}), false);
    assert.equal(jsonEqual('1', 1), false);
  });

  it('agrees with node:util on JSON values', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => {
        assert.equal(jsonEqual(a, b), isDeepStrictEqual(a, b));
        assert.equal(jsonEqual(a, structuredClone(a)), true);
      }),
    );
  });
});
