import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidArgumentError } from '../../ports/errors.ts';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../ports/pages.ts';
import { containsText, pageOf } from './paging.ts';

const numbers = Array.from({ length: 120 }, (_, i) => i);

describe('pageOf', () => {
  it('answers the default page size from the start, with the total', () => {
    const page = pageOf(numbers);
    assert.equal(page.items.length, DEFAULT_PAGE_SIZE);
    assert.equal(page.items[0], 0);
    assert.equal(page.total, 120);
  });

  it('answers the slice at limit and offset, and a short or empty last page', () => {
    assert.deepEqual(pageOf(numbers, { limit: 3, offset: 10 }), {
      items: [10, 11, 12],
      total: 120,
    });
    assert.deepEqual(pageOf(numbers, { limit: 50, offset: 100 }).items.length, 20);
    assert.deepEqual(pageOf(numbers, { limit: 5, offset: 500 }), { items: [], total: 120 });
    assert.deepEqual(pageOf([], {}), { items: [], total: 0 });
    assert.equal(pageOf(numbers, { limit: MAX_PAGE_SIZE }).items.length, 120);
  });

  it('refuses a bad limit or offset, naming the field', () => {
    for (const limit of [0, -1, MAX_PAGE_SIZE + 1, 1.5, Number.NaN]) {
      assert.throws(
        () => pageOf(numbers, { limit }),
        (err: unknown) => err instanceof InvalidArgumentError && err.field === 'limit',
      );
    }
    for (const offset of [-1, 0.5]) {
      assert.throws(
        () => pageOf(numbers, { offset }),
        (err: unknown) => err instanceof InvalidArgumentError && err.field === 'offset',
      );
    }
  });
});

describe('containsText', () => {
  it('matches a part in any case, and nothing in a missing text', () => {
    assert.equal(containsText('Reco-Keepup', 'KEEP'), true);
    assert.equal(containsText('reco', 'sim'), false);
    assert.equal(containsText(null, 'x'), false);
  });
});
