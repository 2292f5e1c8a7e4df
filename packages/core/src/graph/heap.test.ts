import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MinHeap } from './heap.ts';

describe('MinHeap', () => {
  it('pops in ascending order', () => {
    fc.assert(
      fc.property(fc.array(fc.integer()), (values) => {
        const heap = new MinHeap();
        for (const v of values) heap.push(v);
        assert.equal(heap.size, values.length);
        const popped: number[] = [];
        for (let v = heap.pop(); v !== undefined; v = heap.pop()) popped.push(v);
        assert.deepEqual(
          popped,
          [...values].sort((a, b) => a - b),
        );
      }),
    );
  });

  it('is empty when new', () => {
    assert.equal(new MinHeap().pop(), undefined);
  });
});
