import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { splitNeedsListInput } from './input.ts';

describe('splitNeedsListInput', () => {
  it('asks for a list for list and a list of lists for multiparam', () => {
    assert.equal(splitNeedsListInput({ type: 'list' }), 'list');
    assert.equal(splitNeedsListInput({ type: 'multiparam' }), 'list-of-lists');
  });

  it('asks for no list otherwise', () => {
    assert.equal(splitNeedsListInput({ type: 'none' }), 'none');
    assert.equal(splitNeedsListInput({ type: 'nfiles', n: 3 }), 'none');
    assert.equal(splitNeedsListInput({ type: 'byrun', low: 1 }), 'none');
  });
});
