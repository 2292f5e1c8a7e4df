import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { completionReached } from './completion.ts';

describe('completionReached', () => {
  it('complete: at once, whatever is located', () => {
    assert.equal(completionReached('complete', 95, { consumed: 100, located: 0 }), true);
  });

  it('located: once located outputs reach pct of consumed inputs', () => {
    assert.equal(completionReached('located', 95, { consumed: 100, located: 94 }), false);
    assert.equal(completionReached('located', 95, { consumed: 100, located: 95 }), true);
    assert.equal(completionReached('located', 95, { consumed: 100, located: 300 }), true);
    assert.equal(completionReached('located', 100, { consumed: 3, located: 3 }), true);
    assert.equal(completionReached('located', 100, { consumed: 3, located: 2 }), false);
  });

  it('located: nothing consumed means nothing to wait for', () => {
    assert.equal(completionReached('located', 95, { consumed: 0, located: 0 }), true);
  });
});
