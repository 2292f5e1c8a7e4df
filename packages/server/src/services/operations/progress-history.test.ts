// The forecast of a stage's end: the rate over the recent window (30 % of the elapsed time, at
// most an hour), nothing when nothing is live or nothing moved, zero left when all is processed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StageHistory } from '../../ports/submissions.ts';
import { forecast } from './progress-history.ts';

const T0 = Date.UTC(2030, 0, 1);
const at = (s: number) => new Date(T0 + s * 1000).toISOString();

function history(processed: number[], stepS: number, over: Partial<StageHistory> = {}) {
  return {
    start: at(0),
    end: at(stepS * (processed.length - 1)),
    live: 1,
    expected: 100,
    outputs: 0,
    points: processed.map((p, i) => ({ at: at(i * stepS), processed: p, located: 0 })),
    ...over,
  } satisfies StageHistory;
}

describe('progress forecast', () => {
  it('measures the rate over the last 30 % of the elapsed time', () => {
    // 10 steps of 60 s; the window is the last 3 steps (180 s), in which 30 files were done.
    const f = forecast(history([0, 0, 0, 0, 0, 0, 0, 10, 20, 30, 40], 60));
    assert.equal(f.window_s, 180);
    assert.equal(f.rate_per_min, 10);
    assert.equal(f.remaining, 60);
    assert.equal(f.seconds_left, 360);
    assert.equal(f.done_at, at(600 + 360));
  });

  it('never looks back more than an hour on a long stage', () => {
    // 10 steps of an hour: 30 % would be 3 h; the window is the last step (1 h).
    const f = forecast(history([0, 10, 20, 30, 40, 50, 60, 70, 80, 80, 86], 3600));
    assert.equal(f.window_s, 3600);
    assert.equal(f.rate_per_min, 0.1);
    assert.equal(f.seconds_left, 14 * 600);
  });

  it('has no rate without recent progress or without a live submission', () => {
    const stalled = forecast(history([0, 50, 50, 50, 50], 60));
    assert.equal(stalled.rate_per_min, null);
    assert.equal(stalled.seconds_left, null);
    assert.equal(stalled.remaining, 50);
    const idle = forecast(history([0, 10, 20, 30, 40], 60, { live: 0 }));
    assert.equal(idle.rate_per_min, null);
    assert.equal(idle.done_at, null);
    const empty = forecast({ ...history([], 60), expected: 0, start: null, end: null });
    assert.deepEqual(empty, {
      rate_per_min: null,
      window_s: 0,
      remaining: 0,
      seconds_left: 0,
      done_at: null,
    });
  });

  it('answers zero left when every expected file has a final word', () => {
    const f = forecast(history([0, 50, 100], 60));
    assert.equal(f.remaining, 0);
    assert.equal(f.seconds_left, 0);
    assert.equal(f.done_at, at(120));
  });
});
