// Literal values: numbers, ISO 8601 times and quoted strings, read and written. Times are computed
// with calendar arithmetic rather than Date.parse, whose reading of zone-less date-times depends on
// the machine's time zone: core stays pure and a query means the same everywhere.

/** The whole text is a number as the query language writes one. */
export const NUMBER_TEXT = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/** The text has the shape of a time token (a date, maybe followed by `T…`). */
export const TIME_SHAPE = /^\d{4}-\d{2}-\d{2}(?:[Tt].*)?$/s;

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)?)?$/;

export type ParsedTime = { ok: true; seconds: number } | { ok: false; message: string };

const MS_PER_DAY = 86_400_000;

/** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra =
    yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const dayOfEra = z - era * 146097;
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1460) +
      Math.floor(dayOfEra / 36524) -
      Math.floor(dayOfEra / 146096)) /
      365,
  );
  const dayOfYear =
    dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeap(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/**
 * Epoch seconds of `2025-01-31`, `2025-01-31T06:00`, `2025-01-31T06:00:00Z`,
 * `2025-01-31T06:00:00.250+01:00`. Without an offset the time is UTC.
 */
export function parseTime(text: string): ParsedTime {
  const match = ISO.exec(text);
  if (!match) {
    return {
      ok: false,
      message: `'${text}' is not a time: write a date like 2025-01-31 or a date-time like 2025-01-31T06:00:00Z`,
    };
  }
  const [, y, mo, d, h = '0', mi = '0', s = '0', fraction = '', , sign, oh = '0', om = '0'] = match;
  const [year, month, day] = [Number(y), Number(mo), Number(d)];
  const [hour, minute, second] = [Number(h), Number(mi), Number(s)];
  const [offsetHours, offsetMinutes] = [Number(oh), Number(om)];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    return { ok: false, message: `'${text}' is not a date: there is no such day` };
  }
  if (hour > 23 || minute > 59 || second > 59) {
    return {
      ok: false,
      message: `'${text}' is not a time of day: hours go to 23, minutes and seconds to 59`,
    };
  }
  if (offsetHours > 23 || offsetMinutes > 59) {
    return { ok: false, message: `'${text}' has an impossible zone offset` };
  }
  const offset = (sign === '-' ? -1 : 1) * (offsetHours * 3600 + offsetMinutes * 60) * 1000;
  const ms =
    daysFromCivil(year, month, day) * MS_PER_DAY +
    (hour * 3600 + minute * 60 + second) * 1000 +
    Number(fraction.padEnd(3, '0')) -
    offset;
  return { ok: true, seconds: ms / 1000 };
}

/**
 * ISO 8601 in UTC: `2025-01-31` at midnight, else `2025-01-31T06:00:00Z` (with milliseconds when
 * there are any). Undefined when the value has no such form: below millisecond precision, or
 * outside the years 0000–9999.
 */
export function formatTime(seconds: number): string | undefined {
  if (!Number.isFinite(seconds)) return undefined;
  const ms = Math.round(seconds * 1000);
  if (ms / 1000 !== seconds) return undefined;
  const days = Math.floor(ms / MS_PER_DAY);
  const { year, month, day } = civilFromDays(days);
  if (year < 0 || year > 9999) return undefined;
  const date = `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
  const inDay = ms - days * MS_PER_DAY;
  if (inDay === 0) return date;
  const time = `${pad(Math.floor(inDay / 3_600_000), 2)}:${pad(Math.floor(inDay / 60_000) % 60, 2)}:${pad(Math.floor(inDay / 1000) % 60, 2)}`;
  const millis = inDay % 1000;
  return `${date}T${time}${millis === 0 ? '' : `.${pad(millis, 3)}`}Z`;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** The value of a quoted string token: `\'`, `\"` and `\\` escape; any other `\x` stays as is. */
export function unquote(image: string): string {
  return image.slice(1, -1).replace(/\\(['"\\])/g, '$1');
}

/** A quoted string that unquote() reads back as `value`: single quotes unless they need escaping. */
export function quote(value: string): string {
  const q = value.includes("'") && !value.includes('"') ? '"' : "'";
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value.charAt(i);
    // A backslash is doubled only where unquote() would otherwise read an escape.
    if (c === '\\') {
      const next = value.charAt(i + 1);
      out += next === "'" || next === '"' || next === '\\' || next === '' ? '\\\\' : '\\';
    } else if (c === q) {
      out += `\\${q}`;
    } else {
      out += c;
    }
  }
  return `${q}${out}${q}`;
}
