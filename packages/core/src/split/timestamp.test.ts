import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_TIMESTAMP, parseTimestamp } from './timestamp.ts';

function seconds(text: string): number {
  const result = parseTimestamp(text);
  assert.ok(result.ok, `${text}: ${result.ok ? '' : result.message}`);
  return result.seconds;
}

describe('parseTimestamp', () => {
  it('reads epoch seconds', () => {
    assert.equal(seconds('1497934800'), 1497934800);
    assert.equal(seconds('0'), 0);
  });

  it('reads an ISO date as UTC midnight', () => {
    assert.equal(seconds('2024-01-31'), 1706659200);
    assert.equal(seconds('2024-02-29'), 1709164800);
  });

  it('reads ISO date-times, without offset as UTC', () => {
    assert.equal(seconds('2024-01-31T10:00'), 1706659200 + 36000);
    assert.equal(seconds('2024-01-31T10:00:05'), 1706659200 + 36005);
    assert.equal(seconds('2024-01-31T10:00:05Z'), 1706659200 + 36005);
    assert.equal(seconds('2024-01-31t10:00:05z'), 1706659200 + 36005);
  });

  it('applies an explicit offset', () => {
    assert.equal(seconds('2024-01-31T12:00:00+02:00'), 1706659200 + 36000);
    assert.equal(seconds('2024-01-31T05:30:00-0430'), 1706659200 + 36000);
  });

  it('refuses impossible dates and times', () => {
    for (const text of [
      '2023-02-29',
      '2024-13-01',
      '2024-00-10',
      '2024-04-31',
      '2024-01-31T24:00',
      '2024-01-31T10:60',
      '2024-01-31T10:00:60',
      '2024-01-31T10:00+24:00',
      '2024-1-31',
      '31/01/2024',
      '2024-01-31T10',
      '2024-01-31T10:00:00.5Z',
      '1.5',
      '',
    ]) {
      const result = parseTimestamp(text);
      assert.deepEqual(result.ok ? 'ok' : result.code, 'split.bad-time', text);
    }
  });

  it('refuses times outside 1970…9999 as out of range', () => {
    for (const text of ['1969-12-31', '1970-01-01T00:30+01:00', String(MAX_TIMESTAMP + 1)]) {
      const result = parseTimestamp(text);
      assert.deepEqual(result.ok ? 'ok' : result.code, 'split.range', text);
    }
    assert.equal(seconds('9999-12-31T23:59:59Z'), MAX_TIMESTAMP);
  });
});
