// Points in time in split specs (`new`'s firsttime/lasttime): epoch seconds as POMS takes them,
// or an ISO date / date-time, which people can read. Parsed by hand rather than with Date.parse,
// whose reading of offset-less date-times depends on the machine's time zone: core stays pure.

export type TimestampResult =
  | { readonly ok: true; readonly seconds: number }
  | {
      readonly ok: false;
      readonly code: 'split.bad-time' | 'split.range';
      readonly message: string;
    };

/** 9999-12-31T23:59:59Z: beyond it ISO needs expanded years, and no campaign runs that long. */
export const MAX_TIMESTAMP = 253402300799;

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt](\d{2}):(\d{2})(?::(\d{2}))?(?:([Zz])|([+-])(\d{2}):?(\d{2}))?)?$/;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * Epoch seconds from `1700000000`, `2024-01-31`, `2024-01-31T10:00`, `2024-01-31T10:00:00Z` or
 * `2024-01-31T10:00:00+02:00`. A date or date-time without an offset is read as UTC, the default
 * of POMS's `new` (localtime=0); write an offset to mean another zone.
 */
export function parseTimestamp(text: string): TimestampResult {
  if (/^\d+$/.test(text)) return inRange(Number(text), text);
  const match = ISO.exec(text);
  const bad: TimestampResult = {
    ok: false,
    code: 'split.bad-time',
    message: `\`${text}\` is not a time: write epoch seconds, a date like \`2024-01-31\` or a date-time like \`2024-01-31T10:00:00Z\`.`,
  };
  if (!match) return bad;
  const [, y, mo, d, h = '0', mi = '0', s = '0', , sign, oh = '0', om = '0'] = match;
  const [year, month, day] = [Number(y), Number(mo), Number(d)];
  const [hour, minute, second] = [Number(h), Number(mi), Number(s)];
  const [offsetHours, offsetMinutes] = [Number(oh), Number(om)];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return bad;
  if (hour > 23 || minute > 59 || second > 59 || offsetHours > 23 || offsetMinutes > 59) return bad;
  const offset = (sign === '-' ? -1 : 1) * (offsetHours * 3600 + offsetMinutes * 60);
  // Date.UTC maps years 0–99 to 1900–1999; those are before 1970 either way and fail below.
  const utc = Date.UTC(year, month - 1, day, hour, minute, second) / 1000;
  return inRange(utc - offset, text);
}

function inRange(seconds: number, text: string): TimestampResult {
  if (seconds >= 0 && seconds <= MAX_TIMESTAMP) return { ok: true, seconds };
  return {
    ok: false,
    code: 'split.range',
    message: `\`${text}\` is outside 1970-01-01 … 9999-12-31 (UTC).`,
  };
}
