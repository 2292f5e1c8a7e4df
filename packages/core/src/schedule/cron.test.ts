import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatCron, parseCron, type CronErrorCode, type CronSpec } from './cron.ts';
import { describeCron } from './describe.ts';
import { cronText } from './testing.ts';

function spec(text: string): CronSpec {
  const result = parseCron(text);
  if (!result.ok) assert.fail(`${text}: ${result.error.message}`);
  return result.cron;
}

function range(from: number, to: number, step = 1): number[] {
  const values: number[] = [];
  for (let value = from; value <= to; value += step) values.push(value);
  return values;
}

/** Asserts the error code and that [column, endColumn) covers exactly `covers`. */
function assertError(text: string, code: CronErrorCode, column: number, covers: string): void {
  const result = parseCron(text);
  assert.equal(result.ok, false, `${text} should not parse`);
  if (result.ok) return;
  const { error } = result;
  assert.deepEqual(
    { code: error.code, column: error.column, covers: text.slice(error.column, error.endColumn) },
    { code, column, covers },
    `${text}: ${error.message}`,
  );
  assert.ok(error.message.length > 0);
}

describe('parseCron syntax', () => {
  it('reads *, numbers, ranges, steps and lists', () => {
    assert.deepEqual(spec('* * * * *'), {
      minutes: range(0, 59),
      hours: range(0, 23),
      daysOfMonth: range(1, 31),
      months: range(1, 12),
      daysOfWeek: range(0, 6),
      daysOfMonthStar: true,
      daysOfWeekStar: true,
    });
    const s = spec('*/15 9-17 1,15,31 1-12/3 1-5');
    assert.deepEqual(s.minutes, [0, 15, 30, 45]);
    assert.deepEqual(s.hours, range(9, 17));
    assert.deepEqual(s.daysOfMonth, [1, 15, 31]);
    assert.deepEqual(s.months, [1, 4, 7, 10]);
    assert.deepEqual(s.daysOfWeek, [1, 2, 3, 4, 5]);
    assert.equal(s.daysOfMonthStar, false);
    assert.equal(s.daysOfWeekStar, false);
    assert.deepEqual(spec('5,1,3,1 * * * *').minutes, [1, 3, 5]);
    assert.deepEqual(spec('10-50/20,7 * * * *').minutes, [7, 10, 30, 50]);
    assert.deepEqual(spec('0 */5 * * *').hours, [0, 5, 10, 15, 20]);
  });

  it('reads month and day names in any case, and 7 as Sunday', () => {
    const s = spec('0 0 * jan-MAR,Dec sun,Sat');
    assert.deepEqual(s.months, [1, 2, 3, 12]);
    assert.deepEqual(s.daysOfWeek, [0, 6]);
    assert.deepEqual(spec('0 0 * * 7').daysOfWeek, [0]);
    assert.deepEqual(spec('0 0 * * 5-7').daysOfWeek, [0, 5, 6]);
    assert.deepEqual(spec('0 0 * * MON-FRI/2').daysOfWeek, [1, 3, 5]);
    assert.deepEqual(spec('0 0 * * */2').daysOfWeek, [0, 2, 4, 6]);
  });

  it('expands the macros', () => {
    const same = (macro: string, text: string) => assert.deepEqual(spec(macro), spec(text), macro);
    same('@yearly', '0 0 1 1 *');
    same('@annually', '0 0 1 1 *');
    same('@monthly', '0 0 1 * *');
    same('@weekly', '0 0 * * 0');
    same('@daily', '0 0 * * *');
    same('@midnight', '0 0 * * *');
    same('@hourly', '0 * * * *');
    same('  @DAILY ', '0 0 * * *');
  });

  it('tolerates any whitespace between and around fields', () => {
    assert.deepEqual(spec('  */5\t*   * *\n* '), spec('*/5 * * * *'));
  });

  it('marks a day field as star when its text starts with * (Vixie)', () => {
    assert.equal(spec('0 0 */2 * 1').daysOfMonthStar, true);
    assert.equal(spec('0 0 1-31 * 1').daysOfMonthStar, false);
    assert.equal(spec('0 0 1 * 0-6').daysOfWeekStar, false);
  });
});

describe('parseCron errors', () => {
  it('counts fields', () => {
    assertError('', 'cron.fields', 0, '');
    assertError('   ', 'cron.fields', 0, '   ');
    assertError('* * * *', 'cron.fields', 0, '* * * *');
    assertError(' 1 2', 'cron.fields', 1, '1 2');
    assertError('* * * * * 2026', 'cron.fields', 10, '2026');
    assertError('* * * * * a b', 'cron.fields', 10, 'a b');
    assertError('@daily 5', 'cron.fields', 7, '5');
  });

  it('reports syntax errors at the bad token', () => {
    assertError('@reboot', 'cron.syntax', 0, '@reboot');
    assertError('1,,2 * * * *', 'cron.syntax', 2, ',');
    assertError(',1 * * * *', 'cron.syntax', 0, ',');
    assertError('* 1, * * *', 'cron.syntax', 3, ',');
    assertError('x * * * *', 'cron.syntax', 0, 'x');
    assertError('* * * foo *', 'cron.syntax', 6, 'foo');
    assertError('* * * * january', 'cron.syntax', 8, 'january');
    assertError('* * * JAN-x *', 'cron.syntax', 10, 'x');
    assertError('1-@ * * * *', 'cron.syntax', 2, '@');
    assertError('1- * * * *', 'cron.syntax', 1, '-');
    assertError('*/ * * * *', 'cron.syntax', 1, '/');
    assertError('*/x * * * *', 'cron.syntax', 1, '/x');
    assertError('5/3 * * * *', 'cron.syntax', 0, '5/3');
    assertError('** * * * *', 'cron.syntax', 1, '*');
    assertError('1-2-3 * * * *', 'cron.syntax', 3, '-3');
    assertError('* * * * 1?', 'cron.syntax', 9, '?');
  });

  it('reports values out of range at the number', () => {
    assertError('60 * * * *', 'cron.range', 0, '60');
    assertError('* 24 * * *', 'cron.range', 2, '24');
    assertError('* * 0 * *', 'cron.range', 4, '0');
    assertError('* * 32 * *', 'cron.range', 4, '32');
    assertError('* * * 13 *', 'cron.range', 6, '13');
    assertError('* * * 0 *', 'cron.range', 6, '0');
    assertError('* * * * 8', 'cron.range', 8, '8');
    assertError('1,2,99 * * * *', 'cron.range', 4, '99');
    assertError('10-5 * * * *', 'cron.range', 0, '10-5');
    assertError('* * * * SAT-SUN', 'cron.range', 8, 'SAT-SUN');
    assertError('*/0 * * * *', 'cron.range', 2, '0');
    assertError('*/61 * * * *', 'cron.range', 2, '61');
    assertError('* * * * */8', 'cron.range', 10, '8');
    assertError('0 0 31 2 *', 'cron.range', 4, '31');
    assertError('0 0 30,31 2 *', 'cron.range', 4, '30,31');
  });

  it('accepts days that exist in some chosen month or are OR-ed with a day of week', () => {
    assert.ok(parseCron('0 0 31 2,3 *').ok);
    assert.ok(parseCron('0 0 31 2 1').ok);
    assert.ok(parseCron('0 0 29 2 *').ok);
  });

  it('never throws, whatever the text', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          cronText(),
          fc.string({ unit: fc.constantFrom(...'0123456789*-/, @aAnNJ\t') }),
        ),
        (text) => {
          const result = parseCron(text);
          if (!result.ok) {
            assert.ok(result.error.column >= 0 && result.error.column <= result.error.endColumn);
            assert.ok(result.error.endColumn <= text.length);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('formatCron', () => {
  it('writes canonical text', () => {
    const cases: [string, string][] = [
      ['* * * * *', '* * * * *'],
      ['0-59 0-23 * 1-12 *', '* * * * *'],
      ['*/15 * * * *', '*/15 * * * *'],
      ['0,15,30,45 */6 * * *', '*/15 */6 * * *'],
      ['30 2 * * *', '30 2 * * *'],
      ['0 9-17 * * mon-fri', '0 9-17 * * 1-5'],
      ['0 0 1-31 * 0-6', '0 0 1-31 * 0-6'],
      ['0 0 1-31/2 * *', '0 0 1-31/2 * *'],
      ['0 0 */2 * *', '0 0 */2 * *'],
      ['0 0 */2,4 * *', '0 0 */2,4 * *'],
      ['0 0 * * 7', '0 0 * * 0'],
      ['0 0 * * */7', '0 0 * * */7'],
      ['1,2,5,6,7,9 * * * *', '1,2,5-7,9 * * * *'],
      ['@yearly', '0 0 1 1 *'],
      ['@hourly', '0 * * * *'],
    ];
    for (const [text, canonical] of cases) assert.equal(formatCron(spec(text)), canonical, text);
  });

  it('round-trips: parse(format(spec)) has the same fields', () => {
    fc.assert(
      fc.property(cronText(), (text) => {
        const result = parseCron(text);
        fc.pre(result.ok);
        if (!result.ok) return;
        const again = parseCron(formatCron(result.cron));
        assert.ok(again.ok, formatCron(result.cron));
        assert.deepEqual(again.cron, result.cron);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('describeCron', () => {
  it('speaks plain English for common schedules', () => {
    const cases: [string, string][] = [
      ['* * * * *', 'every minute'],
      ['*/15 * * * *', 'every 15 minutes'],
      ['5 * * * *', 'every hour at minute 5'],
      ['0 */6 * * *', 'every 6 hours at minute 0'],
      ['30 2 * * *', 'at 02:30 every day'],
      ['@daily', 'at 00:00 every day'],
      ['0 8,20 * * *', 'at 08:00 and 20:00 every day'],
      ['0 9 * * MON-FRI', 'at 09:00 on Monday through Friday'],
      ['0 9 * * 1,3', 'at 09:00 on Monday and Wednesday'],
      ['@weekly', 'at 00:00 on Sunday'],
      ['@monthly', 'at 00:00 on day 1 of the month'],
      ['@yearly', 'at 00:00 on day 1 of the month in January'],
      ['0 0 29 2 *', 'at 00:00 on day 29 of the month in February'],
      ['0 0 1,15 * 5', 'at 00:00 on days 1 and 15 of the month or on Friday'],
      ['*/10 * * 6-8 *', 'every 10 minutes in June through August'],
      ['0 0 1-31 * 1', 'at 00:00 every day'],
    ];
    for (const [text, english] of cases) assert.equal(describeCron(spec(text)), english, text);
  });

  it('falls back to the canonical text', () => {
    assert.equal(describeCron(spec('0 0 */2 * *')), '0 0 */2 * *');
    assert.equal(describeCron(spec('1-5,7 */5 * * *')), '1-5,7 */5 * * *');
    assert.equal(describeCron(spec('*/7 * * * *')), '*/7 * * * *');
    assert.equal(
      describeCron(spec('0 */5 * * *')),
      'at 00:00, 05:00, 10:00, 15:00 and 20:00 every day',
    );
    assert.equal(describeCron(spec('0 */7 * * *')), 'at 00:00, 07:00, 14:00 and 21:00 every day');
    assert.equal(describeCron(spec('*/20 */7 * * *')), '*/20 */7 * * *');
  });
});
