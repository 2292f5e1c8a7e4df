import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseId } from '@poms/core';
import { ulidIdSource } from './ulid-ids.ts';

describe('ulidIdSource', () => {
  it('makes cmp_ + 26 lowercase base32 characters that core accepts', () => {
    const id = ulidIdSource().next('campaign');
    assert.match(id, /^cmp_[0-9a-hjkmnp-tv-z]{26}$/);
    assert.equal(parseId('campaign', id), id);
  });

  it('encodes the time first, so ids sort by creation across milliseconds', () => {
    let t = Date.UTC(2030, 0, 1);
    const ids = ulidIdSource(() => t);
    const a = ids.next('campaign');
    t += 1;
    const b = ids.next('campaign');
    assert.ok(a < b);
    assert.equal(a.slice(4, 14), '01q3dcbd00');
  });

  it('stays strictly increasing within a millisecond and when the clock steps back', () => {
    let t = 1_000_000;
    const ids = ulidIdSource(() => t);
    const made: string[] = [];
    for (let i = 0; i < 5000; i++) {
      if (i === 2500) t -= 10_000;
      made.push(ids.next('stage').slice(4));
    }
    for (let i = 1; i < made.length; i++) assert.ok(made[i - 1]! < made[i]!, `at ${i}`);
  });

  it('draws fresh randomness in every new millisecond', () => {
    let t = 0;
    const ids = ulidIdSource(() => ++t);
    const bodies = new Set(Array.from({ length: 1000 }, () => ids.next('job').slice(14)));
    assert.equal(bodies.size, 1000);
  });
});
