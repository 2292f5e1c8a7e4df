// A stage's progress over time (files processed and outputs located, cumulative) and a forecast
// of when it ends from the rate measured over the recent past. The counts come from the store in
// aggregate queries (SubmissionRepository.stageHistory); the forecast is computed here, pure.
import type { StageHistory } from '../../ports/submissions.ts';

/** The recent past the rate is measured over: this share of the elapsed time… */
export const RATE_WINDOW_SHARE = 0.3;
/** …but never more than this, so that a long campaign's forecast follows today's pace. */
export const RATE_WINDOW_MAX_MS = 3_600_000;

export interface Forecast {
  /** Files processed per minute over the window; null when none were (or nothing is live). */
  rate_per_min: number | null;
  /** The window the rate was measured over, in seconds. */
  window_s: number;
  /** Expected files without a final word yet. */
  remaining: number;
  /** remaining / rate; 0 when nothing remains; null without a rate. */
  seconds_left: number | null;
  /** end + seconds_left. */
  done_at: string | null;
}

export interface ProgressHistory {
  experiment: string;
  campaign: string;
  /** null: every stage of the campaign together. */
  stage: string | null;
  start: string | null;
  end: string | null;
  live: number;
  expected: number;
  outputs: number;
  points: { at: string; processed: number; located: number }[];
  forecast: Forecast;
}

/**
 * The rate over the last RATE_WINDOW_SHARE of the elapsed time (at most RATE_WINDOW_MAX_MS, at
 * least one step between points), from the latest point at or before the window's start to the
 * last point. Nothing live means nothing is going to move: no rate, whatever the past.
 */
export function forecast(history: StageHistory): Forecast {
  const points = history.points;
  const last = points[points.length - 1];
  const remaining = Math.max(0, history.expected - (last?.processed ?? 0));
  const none = { rate_per_min: null, window_s: 0, remaining, seconds_left: null, done_at: null };
  if (last === undefined || points.length < 2) return remaining === 0 ? done(none, last) : none;
  const endMs = Date.parse(last.at);
  const elapsed = endMs - Date.parse(points[0]!.at);
  const step = elapsed / (points.length - 1);
  const want = Math.max(step, Math.min(elapsed * RATE_WINDOW_SHARE, RATE_WINDOW_MAX_MS));
  let from = points[0]!;
  // 1 ms of slack: the points' instants are rounded to the millisecond.
  for (const p of points) if (Date.parse(p.at) <= endMs - want + 1) from = p;
  if (from === last) from = points[points.length - 2]!;
  const windowMs = endMs - Date.parse(from.at);
  const window_s = windowMs / 1000;
  if (remaining === 0) return done({ ...none, window_s }, last);
  const gained = last.processed - from.processed;
  if (history.live === 0 || gained <= 0 || windowMs <= 0) return { ...none, window_s };
  const perMs = gained / windowMs;
  const leftMs = remaining / perMs;
  return {
    rate_per_min: perMs * 60_000,
    window_s,
    remaining,
    seconds_left: leftMs / 1000,
    done_at: new Date(endMs + leftMs).toISOString(),
  };
}

function done(f: Forecast, last: { at: string } | undefined): Forecast {
  return { ...f, seconds_left: 0, done_at: last?.at ?? null };
}
