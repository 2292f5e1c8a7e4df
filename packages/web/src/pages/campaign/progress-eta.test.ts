// The forecast in words: the rate and the time left, or why there is no forecast.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { duration, etaText } from './progress-eta.ts';

const forecast = (over: object = {}) => ({
  rate_per_min: 12,
  window_s: 600,
  remaining: 420,
  seconds_left: 2100,
  done_at: null,
  ...over,
});

describe('progress forecast text', () => {
  it('says the rate and the time left', () => {
    assert.equal(
      etaText({ expected: 1000, live: 1, forecast: forecast() }),
      'at the current rate of 12 files/min, about 35 min left (420 files)',
    );
    assert.match(
      etaText({
        expected: 10,
        live: 1,
        forecast: forecast({ rate_per_min: 0.05, remaining: 3, seconds_left: 3600 }),
      }),
      /3 files\/h, about 1 h left/,
    );
  });

  it('says why there is no forecast', () => {
    const none = forecast({ rate_per_min: null, seconds_left: null });
    assert.equal(
      etaText({ expected: 1000, live: 1, forecast: none }),
      '420 files left, no recent progress',
    );
    assert.equal(
      etaText({ expected: 1000, live: 0, forecast: none }),
      '420 files left, nothing running',
    );
    assert.equal(
      etaText({ expected: 0, live: 0, forecast: none }),
      'no files given to the stage yet',
    );
    assert.equal(
      etaText({ expected: 7, live: 0, forecast: forecast({ remaining: 0, seconds_left: 0 }) }),
      'all 7 files processed',
    );
  });

  it('writes durations in at most two units', () => {
    assert.deepEqual([0.2, 40, 2100, 7500, 7200, 2 * 86400 + 3 * 3600].map(duration), [
      '1 s',
      '40 s',
      '35 min',
      '2 h 5 min',
      '2 h',
      '2 d 3 h',
    ]);
  });
});
