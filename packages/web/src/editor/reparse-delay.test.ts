// When the editor re-parses: at once after a pause, debounced within a burst of keys.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { debounceFor, reparseDelay } from './reparse-delay.ts';

describe('reparseDelay', () => {
  it('re-parses at once after a pause', () => {
    assert.equal(reparseDelay(1000, -Infinity, 5), 0);
    assert.equal(reparseDelay(1000, 900, 40), 0);
  });

  it('waits the debounce when the last parse ended just before', () => {
    assert.equal(reparseDelay(1000, 995, 5), 15);
    assert.equal(reparseDelay(1000, 990, 40), 40);
  });

  it('bounds the debounce between 15 and 150 ms', () => {
    assert.equal(debounceFor(1), 15);
    assert.equal(debounceFor(60), 60);
    assert.equal(debounceFor(900), 150);
  });
});
