import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatTime, parseTime, quote, unquote } from './literals.ts';

function seconds(text: string): number {
  const result = parseTime(text);
  assert.ok(result.ok, `${text}: ${result.ok ? '' : result.message}`);
  return result.seconds;
}

describe('times', () => {
  it('agree with Date for ISO UTC text', () => {
    for (const iso of [
      '1970-01-01',
      '2000-02-29',
      '2025-01-31T06:00:00Z',
      '9999-12-31T23:59:59Z',
    ]) {
      assert.equal(
        seconds(iso),
        Date.parse(iso.length === 10 ? `${iso}T00:00:00Z` : iso) / 1000,
        iso,
      );
    }
    assert.equal(seconds('0001-01-01'), Date.parse('0001-01-01T00:00:00Z') / 1000);
    assert.equal(seconds('0000-03-01'), Date.parse('0000-03-01T00:00:00Z') / 1000);
  });

  it('print midnight as a date and other times with seconds, in UTC', () => {
    assert.equal(formatTime(seconds('2025-01-31')), '2025-01-31');
    assert.equal(formatTime(seconds('2025-01-31T06:00:00+01:00')), '2025-01-31T05:00:00Z');
    assert.equal(formatTime(seconds('2025-01-31T06:00:00.07Z')), '2025-01-31T06:00:00.070Z');
    assert.equal(formatTime(0), '1970-01-01');
    assert.equal(formatTime(-1), '1969-12-31T23:59:59Z');
  });

  it('have no text below milliseconds or outside the years 0000–9999', () => {
    assert.equal(formatTime(0.0001), undefined);
    assert.equal(formatTime(Number.NaN), undefined);
    assert.equal(formatTime(253402300800), undefined);
    assert.equal(formatTime(-62167219201), undefined);
    assert.equal(formatTime(-62167219200), '0000-01-01');
  });

  it('round-trip every millisecond of the years 0000–9999', () => {
    fc.assert(
      fc.property(fc.integer({ min: -62167219200000, max: 253402300799999 }), (ms) => {
        const text = formatTime(ms / 1000);
        assert.ok(text !== undefined);
        assert.equal(seconds(text), ms / 1000);
        assert.equal(new Date(ms).toISOString().slice(0, text.length - 1), text.slice(0, -1));
      }),
    );
  });
});

describe('quoted strings', () => {
  it('escape only what must be escaped, and prefer the quote the text lacks', () => {
    assert.equal(quote('a b'), "'a b'");
    assert.equal(quote("it's"), `"it's"`);
    assert.equal(quote(`it's "x"`), String.raw`'it\'s "x"'`);
    assert.equal(quote('a\\_b'), String.raw`'a\_b'`);
    assert.equal(quote('end\\'), String.raw`'end\\'`);
    // The first backslash would escape the second: doubled; the second escapes nothing: kept.
    assert.equal(quote('a\\\\b'), String.raw`'a\\\b'`);
  });

  it('read back as the same text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        assert.equal(unquote(quote(text)), text);
      }),
    );
  });
});
