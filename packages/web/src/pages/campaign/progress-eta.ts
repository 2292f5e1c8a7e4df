// The forecast of a stage's end in words: "at the current rate of 12 files/min, about 35 min
// left", or why there is none.
import type { ProgressHistory } from '../../api/types.ts';

export function etaText(history: Pick<ProgressHistory, 'forecast' | 'expected' | 'live'>): string {
  const f = history.forecast;
  if (history.expected === 0) return 'no files given to the stage yet';
  if (f.remaining === 0) return `all ${history.expected} files processed`;
  if (f.rate_per_min === null || f.seconds_left === null) {
    return history.live === 0
      ? `${f.remaining} files left, nothing running`
      : `${f.remaining} files left, no recent progress`;
  }
  return `at the current rate of ${rate(f.rate_per_min)}, about ${duration(f.seconds_left)} left (${f.remaining} files)`;
}

function rate(perMin: number): string {
  if (perMin >= 10) return `${Math.round(perMin)} files/min`;
  if (perMin >= 1) return `${perMin.toFixed(1)} files/min`;
  return `${Number((perMin * 60).toFixed(1))} files/h`;
}

/** "40 s", "35 min", "2 h 5 min", "3 d 4 h": two units at most. */
export function duration(s: number): string {
  if (s < 60) return `${Math.max(1, Math.round(s))} s`;
  const min = Math.round(s / 60);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 24) return min % 60 === 0 ? `${h} h` : `${h} h ${min % 60} min`;
  const d = Math.floor(h / 24);
  return h % 24 === 0 ? `${d} d` : `${d} d ${h % 24} h`;
}
