// When does a cron fire? Cron fields are local wall-clock times in an IANA time zone; the zone's
// rules come from the standard Intl API (formatToParts), so core stays free of I/O and clocks.
//
// Wall-clock times are handled as "naive" milliseconds: Date.UTC(y, m, d, h, min) of the local
// fields, which has no zone and never skips or repeats. The search walks these by field (next
// matching month, then day, hour and minute) and only then maps a match to real instants.
//
// Daylight-saving rules:
// - Spring forward (a gap: local 02:00–02:59 does not exist in Europe/Zurich on the last Sunday of
//   March): a matching local time inside the gap fires at the first instant after the gap (03:00
//   local), as cronie runs jobs whose time was skipped. Several gap times collapse into that one
//   run, so `*/15 * * * *` fires once at 03:00, not four times.
// - Fall back (an overlap: local 02:00–02:59 happens twice on the last Sunday of October): a
//   matching local time fires once, at its first occurrence (the summer-time one); the repeated
//   hour does not fire again.
import type { CronSpec } from './cron.ts';

const MINUTE = 60_000;
const DAY = 86_400_000;
/** The Gregorian calendar repeats every 400 years: a spec with no run in that span never runs. */
const SEARCH_YEARS = 400;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let found = formatters.get(timeZone);
  if (found === undefined) {
    found = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, found);
  }
  return found;
}

/** Whether `timeZone` is a time zone name this runtime's Intl knows (e.g. `Europe/Zurich`, `UTC`). */
export function isValidTimeZone(timeZone: string): boolean {
  if (typeof timeZone !== 'string' || timeZone === '') return false;
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

export interface LocalFields {
  readonly year: number;
  /** 1–12 */
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  /** 0–6, 0 = Sunday */
  readonly weekday: number;
}

/** The wall-clock fields of an instant in a time zone. */
export function localFields(instant: Date | number, timeZone: string): LocalFields {
  const date = new Date(
    wallAt(typeof instant === 'number' ? instant : instant.getTime(), timeZone),
  );
  return {
    year: date.getUTCFullYear(),
    month: date.getUTCMonth() + 1,
    day: date.getUTCDate(),
    hour: date.getUTCHours(),
    minute: date.getUTCMinutes(),
    second: date.getUTCSeconds(),
    weekday: date.getUTCDay(),
  };
}

/** Naive wall-clock milliseconds (whole seconds) of an instant in a zone. */
function wallAt(instant: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(instant)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const get = (name: string): number => parts[name] ?? 0;
  return Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );
}

/** The zone's offset from UTC at an instant, in ms. */
function offsetAt(instant: number, timeZone: string): number {
  return wallAt(instant, timeZone) - Math.floor(instant / 1000) * 1000;
}

/**
 * The instant at which a wall-clock time fires: its first occurrence, or for a time inside a DST
 * gap the first instant after the gap. Assumes at most one offset change within a day of it.
 */
function fireInstant(wall: number, timeZone: string): number {
  const before = offsetAt(wall - DAY, timeZone);
  const after = offsetAt(wall + DAY, timeZone);
  const candidates = before === after ? [before] : [before, after];
  const valid = candidates
    .map((offset) => wall - offset)
    .filter((instant) => wallAt(instant, timeZone) === wall)
    .sort((a, b) => a - b);
  const first = valid[0];
  if (first !== undefined) return first;
  if (before === after) return wall - before;
  // In the gap: the transition instant lies between these two readings of the wall time; find
  // the first second that already has the new offset.
  let low = Math.min(wall - before, wall - after);
  let high = Math.max(wall - before, wall - after);
  while (high - low > 1000) {
    const middle = low + Math.floor((high - low) / 2000) * 1000;
    if (offsetAt(middle, timeZone) === before) low = middle;
    else high = middle;
  }
  return high;
}

/** The smallest value of a sorted list that is >= `value`. */
function nextIn(values: readonly number[], value: number): number | undefined {
  return values.find((candidate) => candidate >= value);
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Vixie cron: if either day field starts with `*`, both must match; otherwise either may. */
export function dayMatches(spec: CronSpec, year: number, month: number, day: number): boolean {
  const dom = spec.daysOfMonth.includes(day);
  const dow = spec.daysOfWeek.includes(new Date(Date.UTC(year, month - 1, day)).getUTCDay());
  return spec.daysOfMonthStar || spec.daysOfWeekStar ? dom && dow : dom || dow;
}

/** Whether a wall-clock time (whole minute) matches the spec. */
export function matchesLocal(
  spec: CronSpec,
  fields: Pick<LocalFields, 'year' | 'month' | 'day' | 'hour' | 'minute'>,
): boolean {
  return (
    spec.minutes.includes(fields.minute) &&
    spec.hours.includes(fields.hour) &&
    spec.months.includes(fields.month) &&
    dayMatches(spec, fields.year, fields.month, fields.day)
  );
}

/** The first matching wall-clock minute at or after `wall`, skipping by field. */
function nextMatchingWall(spec: CronSpec, wall: number, lastYear: number): number | undefined {
  const start = new Date(wall);
  let year = start.getUTCFullYear();
  let month = start.getUTCMonth() + 1;
  let day = start.getUTCDate();
  let hour = start.getUTCHours();
  let minute = start.getUTCMinutes();
  const firstMonth = spec.months[0];
  if (firstMonth === undefined) return undefined;
  while (year <= lastYear) {
    const nextMonth = nextIn(spec.months, month);
    if (nextMonth === undefined) {
      year++;
      month = firstMonth;
      day = 1;
      hour = 0;
      minute = 0;
      continue;
    }
    if (nextMonth !== month) {
      month = nextMonth;
      day = 1;
      hour = 0;
      minute = 0;
    }
    const days = daysInMonth(year, month);
    let nextDay = day;
    while (nextDay <= days && !dayMatches(spec, year, month, nextDay)) nextDay++;
    if (nextDay > days) {
      month++;
      if (month > 12) {
        year++;
        month = 1;
      }
      day = 1;
      hour = 0;
      minute = 0;
      continue;
    }
    if (nextDay !== day) {
      day = nextDay;
      hour = 0;
      minute = 0;
    }
    const nextHour = nextIn(spec.hours, hour);
    if (nextHour === undefined) {
      day++;
      hour = 0;
      minute = 0;
      continue;
    }
    if (nextHour !== hour) {
      hour = nextHour;
      minute = 0;
    }
    const nextMinute = nextIn(spec.minutes, minute);
    if (nextMinute === undefined) {
      hour++;
      minute = 0;
      continue;
    }
    return Date.UTC(year, month - 1, day, hour, nextMinute);
  }
  return undefined;
}

/**
 * The next `count` instants strictly after `after` at which the cron fires in `timeZone`, in
 * increasing order (see the DST rules at the top of this file). Returns fewer when the spec has no
 * run within 400 years (possible only for hand-built specs; parseCron refuses such text).
 * Throws RangeError for an unknown time zone, an invalid date or a count that is not a whole
 * number >= 0.
 */
export function nextRuns(spec: CronSpec, after: Date, timeZone: string, count = 1): Date[] {
  if (!isValidTimeZone(timeZone)) throw new RangeError(`unknown time zone '${timeZone}'`);
  const afterMs = after.getTime();
  if (Number.isNaN(afterMs)) throw new RangeError('invalid date');
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`invalid count ${count}`);
  const runs: Date[] = [];
  let last = afterMs;
  // Wall-clock minutes before the one `after` falls in fire no later than `after` itself.
  let wall = Math.floor(wallAt(afterMs, timeZone) / MINUTE) * MINUTE;
  const lastYear = new Date(wall).getUTCFullYear() + SEARCH_YEARS;
  while (runs.length < count) {
    const match = nextMatchingWall(spec, wall, lastYear);
    if (match === undefined) break;
    const instant = fireInstant(match, timeZone);
    if (instant > last) {
      runs.push(new Date(instant));
      last = instant;
    }
    wall = match + MINUTE;
  }
  return runs;
}
