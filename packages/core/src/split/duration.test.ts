import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatDuration, parseDuration } from './duration.ts';

function seconds(text: string): number {
  const result = parseDuration(text);
  assert.ok(result.ok, `${text}: ${result.ok ? '' : result.message}`);
  return result.seconds;
}

describe('parseDuration', () => {
  it('reads each unit', () => {
    assert.equal(seconds('2w'), 2 * 604800);
    assert.equal(seconds('3d'), 3 * 86400);
    assert.equal(seconds('6h'), 6 * 3600);
    assert.equal(seconds('30m'), 1800);
    assert.equal(seconds('45s'), 45);
  });

  it('reads a bare number as seconds', () => {
    assert.equal(seconds('90'), 90);
    assert.equal(seconds('0'), 0);
  });

  it('reads compound durations', () => {
    assert.equal(seconds('1d12h'), 129600);
    assert.equal(seconds('1w2d3h4m5s'), 604800 + 2 * 86400 + 3 * 3600 + 4 * 60 + 5);
  });

  it('refuses malformed durations with a reason', () => {
    for (const [text, reason] of [
      ['', /empty/],
      ['h', /number followed by/],
      ['1.5h', /number followed by/],
      ['-1h', /number followed by/],
      ['1d30', /number followed by/],
      ['1y', /`y` is not a unit/],
      ['1H', /lower case/],
      ['1h1d', /largest to smallest/],
      ['1h2h', /largest to smallest/],
      ['99999999999999999999', /too long/],
    ] as const) {
      const result = parseDuration(text);
      assert.equal(result.ok, false, text);
      if (!result.ok) assert.match(result.message, reason, text);
    }
  });
});

describe('formatDuration', () => {
  it('uses the largest exact unit', () => {
    assert.equal(formatDuration(604800), '1w');
    assert.equal(formatDuration(129600), '36h');
    assert.equal(formatDuration(5400), '90m');
    assert.equal(formatDuration(61), '61s');
    assert.equal(formatDuration(0), '0s');
  });

  it('round-trips through parseDuration', () => {
    fc.assert(
      fc.property(fc.maxSafeNat(), (n) => {
        assert.deepEqual(parseDuration(formatDuration(n)), { ok: true, seconds: n });
      }),
    );
  });
});
