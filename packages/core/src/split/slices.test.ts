// The iterators themselves are tested over the real embedded catalog (server package,
// adapters/catalog/splits.test.ts); here only what needs no catalog.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { multiparamCombinations } from './slices.ts';

describe('multiparamCombinations', () => {
  it('gives every combination, the first list varying slowest, joined with _', () => {
    assert.deepEqual(
      multiparamCombinations([
        ['a', 'b'],
        ['1', '2'],
      ]),
      ['a_1', 'a_2', 'b_1', 'b_2'],
    );
    assert.deepEqual(multiparamCombinations([['x']]), ['x']);
    assert.deepEqual(multiparamCombinations([]), []);
    assert.deepEqual(multiparamCombinations([['a'], []]), []);
  });
});
