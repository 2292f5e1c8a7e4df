import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { StatusHistoryEntry, appendHistory } from './history.ts';

const at = Date.UTC(2026, 0, 2, 3, 4, 5);

describe('appendHistory', () => {
  it('appends a change with its time as ISO and its reason', () => {
    const h = appendHistory([], { status: 'Idle', changed: true, reason: 'launched' }, at);
    assert.deepEqual(h, [{ status: 'Idle', at: '2026-01-02T03:04:05.000Z', reason: 'launched' }]);
    assert.ok(StatusHistoryEntry.array().safeParse(h).success);
  });

  it('accepts a Date', () => {
    const h = appendHistory([], { status: 'Idle', changed: true, reason: 'r' }, new Date(at));
    assert.equal(h[0]?.at, '2026-01-02T03:04:05.000Z');
  });

  it('appends nothing when nothing changed', () => {
    const history = [{ status: 'Idle' as const, at: '2026-01-01T00:00:00.000Z', reason: 'x' }];
    assert.equal(
      appendHistory(history, { status: 'Idle', changed: false, reason: 'dup' }, at),
      history,
    );
  });

  it('is idempotent: the same change twice is recorded once', () => {
    const result = { status: 'Running' as const, changed: true, reason: 'jobs running' };
    const once = appendHistory([], result, at);
    assert.equal(appendHistory(once, result, at + 1000), once);
    assert.equal(once.length, 1);
  });
});
