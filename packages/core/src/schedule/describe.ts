// Plain-English description of a cron for the GUI ("at 02:30 every day", "every 15 minutes").
// Covers the common shapes; anything else falls back to the canonical cron text.
import { formatCron, type CronSpec } from './cron.ts';

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

function pad(value: number): string {
  return String(value).padStart(2, '0');
}

/** "a", "a and b", "a, b and c" */
function join(words: readonly string[]): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

/** Named values with consecutive runs of 3+ as "X through Y". */
function names(values: readonly number[], label: (value: number) => string): string {
  const parts: string[] = [];
  let i = 0;
  while (i < values.length) {
    let j = i;
    while (j + 1 < values.length && values[j + 1] === (values[j] ?? 0) + 1) j++;
    const first = values[i] ?? 0;
    const last = values[j] ?? 0;
    if (j - i >= 2) parts.push(`${label(first)} through ${label(last)}`);
    else for (let k = i; k <= j; k++) parts.push(label(values[k] ?? 0));
    i = j + 1;
  }
  return join(parts);
}

/**
 * The step n when values are exactly min, min+n, … up to max (n >= 2) and n divides the span, so
 * that the gap across the wrap is n too (`*` + `/7` on minutes is not "every 7 minutes").
 */
function everyStep(values: readonly number[], min: number, max: number): number | undefined {
  const second = values[1];
  if (values[0] !== min || second === undefined) return undefined;
  const step = second - min;
  if (step < 2 || (max - min + 1) % step !== 0) return undefined;
  const expected = Math.floor((max - min) / step) + 1;
  if (values.length !== expected) return undefined;
  return values.every((value, i) => value === min + i * step) ? step : undefined;
}

/** The time-of-day part, and whether it already says how often (so "every day" is implied). */
function timePart(spec: CronSpec): { text: string; repeating: boolean } | undefined {
  const { minutes, hours } = spec;
  const allHours = hours.length === 24;
  const minute = minutes.length === 1 ? minutes[0] : undefined;
  if (minutes.length === 60 && allHours) return { text: 'every minute', repeating: true };
  const minuteStep = everyStep(minutes, 0, 59);
  if (minuteStep !== undefined && allHours) {
    return { text: `every ${minuteStep} minutes`, repeating: true };
  }
  if (minute !== undefined && allHours) {
    return { text: `every hour at minute ${minute}`, repeating: true };
  }
  const hourStep = everyStep(hours, 0, 23);
  if (minute !== undefined && hourStep !== undefined) {
    return { text: `every ${hourStep} hours at minute ${minute}`, repeating: true };
  }
  if (minutes.length * hours.length <= 6) {
    const times = hours.flatMap((hour) => minutes.map((m) => `${pad(hour)}:${pad(m)}`));
    return { text: `at ${join(times)}`, repeating: false };
  }
  return undefined;
}

/** The day part ("" when every day), or undefined when it has no simple wording. */
function dayPart(spec: CronSpec): string | undefined {
  const allDom = spec.daysOfMonth.length === 31;
  const allDow = spec.daysOfWeek.length === 7;
  // Stepped `*` fields ("every other day") are left to the canonical text.
  if ((spec.daysOfMonthStar && !allDom) || (spec.daysOfWeekStar && !allDow)) return undefined;
  const dom =
    spec.daysOfMonthStar || allDom
      ? undefined
      : `on day${spec.daysOfMonth.length > 1 ? 's' : ''} ${join(spec.daysOfMonth.map(String))} of the month`;
  const dow =
    spec.daysOfWeekStar || allDow
      ? undefined
      : `on ${names(spec.daysOfWeek, (d) => DAYS[d] ?? '')}`;
  // Neither field starts with `*`: a day matches if EITHER matches, so a full one means every day.
  const everyDay = !spec.daysOfMonthStar && !spec.daysOfWeekStar && (allDom || allDow);
  const days = everyDay
    ? ''
    : dom !== undefined && dow !== undefined
      ? `${dom} or ${dow}`
      : (dom ?? dow ?? '');
  const months =
    spec.months.length === 12 ? '' : `in ${names(spec.months, (m) => MONTHS[m - 1] ?? '')}`;
  return [days, months].filter((part) => part !== '').join(' ');
}

/** Plain English for common schedules, else the canonical cron text. */
export function describeCron(spec: CronSpec): string {
  const time = timePart(spec);
  const days = dayPart(spec);
  if (time === undefined || days === undefined) return formatCron(spec);
  if (days === '') return time.repeating ? time.text : `${time.text} every day`;
  return `${time.text} ${days}`;
}
