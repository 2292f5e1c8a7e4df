import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseCron, type CronSpec } from './cron.ts';
import { isValidTimeZone, localFields, matchesLocal, nextRuns } from './next.ts';
import { cronText } from './testing.ts';

function spec(text: string): CronSpec {
  const result = parseCron(text);
  if (!result.ok) assert.fail(`${text}: ${result.error.message}`);
  return result.cron;
}

function runs(text: string, after: string, timeZone: string, count: number): string[] {
  return nextRuns(spec(text), new Date(after), timeZone, count).map((date) => date.toISOString());
}

const iso = (values: string[]) => values.map((value) => new Date(value).toISOString());

/** The zone's offset at an instant, in minutes. */
function offset(instant: number, timeZone: string): number {
  const f = localFields(instant, timeZone);
  const wall = Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second);
  return (wall - Math.floor(instant / 1000) * 1000) / 60_000;
}

describe('isValidTimeZone', () => {
  it('accepts IANA names and refuses the rest', () => {
    assert.equal(isValidTimeZone('UTC'), true);
    assert.equal(isValidTimeZone('Europe/Zurich'), true);
    assert.equal(isValidTimeZone('America/Chicago'), true);
    assert.equal(isValidTimeZone('Mars/Olympus_Mons'), false);
    assert.equal(isValidTimeZone(''), false);
  });

  it('makes nextRuns throw RangeError for a bad zone, date or count', () => {
    const s = spec('* * * * *');
    assert.throws(() => nextRuns(s, new Date(0), 'Nowhere/Town'), RangeError);
    assert.throws(() => nextRuns(s, new Date(Number.NaN), 'UTC'), RangeError);
    assert.throws(() => nextRuns(s, new Date(0), 'UTC', -1), RangeError);
    assert.throws(() => nextRuns(s, new Date(0), 'UTC', 1.5), RangeError);
    assert.deepEqual(nextRuns(s, new Date(0), 'UTC', 0), []);
  });
});

describe('nextRuns in UTC', () => {
  it('returns times strictly after the given one', () => {
    assert.deepEqual(
      runs('*/15 * * * *', '2026-01-01T10:15:00Z', 'UTC', 3),
      iso(['2026-01-01T10:30Z', '2026-01-01T10:45Z', '2026-01-01T11:00Z']),
    );
    assert.deepEqual(
      runs('*/15 * * * *', '2026-01-01T10:14:59.999Z', 'UTC', 1),
      iso(['2026-01-01T10:15Z']),
    );
    assert.deepEqual(
      runs('30 2 * * *', '2026-01-01T02:30:30Z', 'UTC', 1),
      iso(['2026-01-02T02:30Z']),
    );
  });

  it('defaults to one run', () => {
    assert.equal(nextRuns(spec('@hourly'), new Date('2026-01-01T00:00Z'), 'UTC').length, 1);
  });

  it('finds the leap day, skipping 2100', () => {
    assert.deepEqual(
      runs('0 0 29 2 *', '2026-01-01T00:00Z', 'UTC', 3),
      iso(['2028-02-29T00:00Z', '2032-02-29T00:00Z', '2036-02-29T00:00Z']),
    );
    assert.deepEqual(runs('0 0 29 2 *', '2096-03-01T00:00Z', 'UTC', 1), iso(['2104-02-29T00:00Z']));
  });

  it('runs @yearly on 1 January at midnight', () => {
    assert.deepEqual(
      runs('@yearly', '2026-06-01T00:00Z', 'UTC', 2),
      iso(['2027-01-01T00:00Z', '2028-01-01T00:00Z']),
    );
    assert.deepEqual(runs('@yearly', '2026-12-31T23:59:59Z', 'UTC', 1), iso(['2027-01-01T00:00Z']));
  });

  it('ORs restricted day of month and day of week, ANDs when one starts with *', () => {
    // 1st of the month or Monday (February 2026 starts on a Sunday).
    assert.deepEqual(
      runs('0 0 1 * MON', '2026-02-01T00:00Z', 'UTC', 6),
      iso([
        '2026-02-02T00:00Z',
        '2026-02-09T00:00Z',
        '2026-02-16T00:00Z',
        '2026-02-23T00:00Z',
        '2026-03-01T00:00Z',
        '2026-03-02T00:00Z',
      ]),
    );
    // Odd days that are Mondays.
    assert.deepEqual(
      runs('0 0 */2 * 1', '2026-02-01T00:00Z', 'UTC', 3),
      iso(['2026-02-09T00:00Z', '2026-02-23T00:00Z', '2026-03-09T00:00Z']),
    );
    // Day of month only.
    assert.deepEqual(
      runs('0 0 1 * *', '2026-02-01T00:00Z', 'UTC', 2),
      iso(['2026-03-01T00:00Z', '2026-04-01T00:00Z']),
    );
    // Day of week only; 7 is Sunday.
    assert.deepEqual(
      runs('0 12 * * 7', '2026-02-01T12:00Z', 'UTC', 2),
      iso(['2026-02-08T12:00Z', '2026-02-15T12:00Z']),
    );
  });

  it('skips 31 in months that lack it', () => {
    assert.deepEqual(
      runs('0 0 31 * *', '2026-01-31T00:00Z', 'UTC', 3),
      iso(['2026-03-31T00:00Z', '2026-05-31T00:00Z', '2026-07-31T00:00Z']),
    );
  });

  it('skips by field rather than by minute (rare schedules stay fast)', () => {
    const started = performance.now();
    // 29 February that is a Sunday: 2032, 2060, 2088, 2128 (2100 is no leap year).
    assert.deepEqual(
      runs('0 0 29 2 */7', '2030-01-01T00:00Z', 'UTC', 4),
      iso(['2032-02-29T00:00Z', '2060-02-29T00:00Z', '2088-02-29T00:00Z', '2128-02-29T00:00Z']),
    );
    assert.equal(
      nextRuns(spec('* * * * *'), new Date('2026-01-01T00:00Z'), 'Europe/Zurich', 2000).length,
      2000,
    );
    assert.ok(performance.now() - started < 2000);
  });

  it('returns fewer runs for a hand-built spec that never fires', () => {
    const never: CronSpec = {
      ...spec('0 0 * * *'),
      daysOfMonth: [31],
      months: [2],
      daysOfMonthStar: false,
    };
    assert.deepEqual(nextRuns(never, new Date('2026-01-01T00:00Z'), 'UTC', 2), []);
  });
});

describe('nextRuns across daylight-saving changes', () => {
  // Europe/Zurich 2026: 29 March 02:00 CET → 03:00 CEST at 01:00Z; 25 October 03:00 CEST → 02:00 CET
  // at 01:00Z. America/Chicago 2026: 8 March 02:00 CST → 03:00 CDT at 08:00Z; 1 November 02:00 CDT →
  // 01:00 CST at 07:00Z.
  it('fires a time in the spring-forward gap at the end of the gap (Zurich)', () => {
    assert.deepEqual(
      runs('30 2 * * *', '2026-03-28T12:00Z', 'Europe/Zurich', 3),
      iso(['2026-03-29T01:00Z', '2026-03-30T00:30Z', '2026-03-31T00:30Z']),
    );
    // Every gap time collapses into one run at 03:00 CEST.
    assert.deepEqual(
      runs('*/15 * * * *', '2026-03-29T00:50Z', 'Europe/Zurich', 3),
      iso(['2026-03-29T01:00Z', '2026-03-29T01:15Z', '2026-03-29T01:30Z']),
    );
  });

  it('fires a repeated fall-back time once, at its first occurrence (Zurich)', () => {
    assert.deepEqual(
      runs('30 2 * * *', '2026-10-24T12:00Z', 'Europe/Zurich', 2),
      iso(['2026-10-25T00:30Z', '2026-10-26T01:30Z']),
    );
    assert.deepEqual(
      runs('*/30 * * * *', '2026-10-25T00:00Z', 'Europe/Zurich', 3),
      iso(['2026-10-25T00:30Z', '2026-10-25T02:00Z', '2026-10-25T02:30Z']),
    );
    // From inside the repeated hour, the first occurrences are already past.
    assert.deepEqual(
      runs('*/30 * * * *', '2026-10-25T01:10Z', 'Europe/Zurich', 1),
      iso(['2026-10-25T02:00Z']),
    );
  });

  it('handles both changes in America/Chicago', () => {
    assert.deepEqual(
      runs('30 2 * * *', '2026-03-07T12:00Z', 'America/Chicago', 2),
      iso(['2026-03-08T08:00Z', '2026-03-09T07:30Z']),
    );
    assert.deepEqual(
      runs('30 1 * * *', '2026-10-31T12:00Z', 'America/Chicago', 2),
      iso(['2026-11-01T06:30Z', '2026-11-02T07:30Z']),
    );
    assert.deepEqual(
      runs('0 0 * * *', '2026-03-07T12:00Z', 'America/Chicago', 2),
      iso(['2026-03-08T06:00Z', '2026-03-09T05:00Z']),
    );
  });
});

describe('nextRuns properties', () => {
  const zones = [
    'UTC',
    'Europe/Zurich',
    'America/Chicago',
    'Australia/Lord_Howe',
    'America/St_Johns',
    'Asia/Kolkata',
  ];
  const after = fc.date({
    min: new Date('2000-01-01T00:00Z'),
    max: new Date('2040-01-01T00:00Z'),
    noInvalidDate: true,
  });

  it('gives strictly increasing runs after `after`, each matching the spec in the zone', () => {
    fc.assert(
      fc.property(cronText(), after, fc.constantFrom(...zones), (text, from, zone) => {
        const result = parseCron(text);
        fc.pre(result.ok);
        if (!result.ok) return;
        const found = nextRuns(result.cron, from, zone, 5);
        assert.equal(found.length, 5);
        let previous = from.getTime();
        for (const run of found) {
          const t = run.getTime();
          assert.ok(t > previous, `${run.toISOString()} after ${new Date(previous).toISOString()}`);
          assert.equal(t % 60_000, 0);
          previous = t;
          const matches = matchesLocal(result.cron, localFields(t, zone));
          // The only runs whose local time does not match are gap times moved to the gap's end.
          const atTransition = offset(t - 1000, zone) < offset(t, zone);
          assert.ok(matches || atTransition, `${text} in ${zone}: ${run.toISOString()}`);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('misses no matching minute in UTC (brute force over short spans)', () => {
    fc.assert(
      fc.property(cronText(), after, (text, from) => {
        const result = parseCron(text);
        fc.pre(result.ok);
        if (!result.ok) return;
        const found = nextRuns(result.cron, from, 'UTC', 3).map((date) => date.getTime());
        const last = found[found.length - 1] ?? 0;
        fc.pre(last - from.getTime() < 3 * 86_400_000);
        const expected: number[] = [];
        for (let t = Math.floor(from.getTime() / 60_000 + 1) * 60_000; t <= last; t += 60_000) {
          const d = new Date(t);
          const fields = {
            year: d.getUTCFullYear(),
            month: d.getUTCMonth() + 1,
            day: d.getUTCDate(),
            hour: d.getUTCHours(),
            minute: d.getUTCMinutes(),
          };
          if (matchesLocal(result.cron, fields)) expected.push(t);
        }
        assert.deepEqual(found, expected);
      }),
      { numRuns: 200 },
    );
  });
});
