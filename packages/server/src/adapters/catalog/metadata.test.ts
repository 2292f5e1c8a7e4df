import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normalizeFile, parseIsoTime } from './metadata.ts';
import { likeToGlob } from './translate.ts';

describe('parseIsoTime', () => {
  it('reads dates and date-times as epoch seconds, UTC unless an offset says otherwise', () => {
    const utc = Date.UTC(2025, 0, 31, 6, 0, 0) / 1000;
    assert.equal(parseIsoTime('2025-01-31'), Date.UTC(2025, 0, 31) / 1000);
    assert.equal(parseIsoTime('2025-01-31T06:00:00Z'), utc);
    assert.equal(parseIsoTime('2025-01-31T06:00:00'), utc);
    assert.equal(parseIsoTime('2025-01-31T06:00'), utc);
    assert.equal(parseIsoTime('2025-01-31 06:00:00Z'), utc);
    assert.equal(parseIsoTime('2025-01-31T07:30:00+01:30'), utc);
    assert.equal(parseIsoTime('2025-01-31T01:00:00-0500'), utc);
    assert.equal(parseIsoTime('2025-01-31T07:00:00+01'), utc);
    assert.equal(parseIsoTime('2025-01-31T06:00:00.250Z'), utc + 0.25);
    assert.equal(parseIsoTime('2024-02-29'), Date.UTC(2024, 1, 29) / 1000);
  });

  it('refuses what is not a time or names one that does not exist', () => {
    for (const text of [
      '',
      'yesterday',
      '2025-1-31',
      '2025-02-29',
      '2025-13-01',
      '2025-04-31',
      '2025-01-31T24:00:00Z',
      '2025-01-31T06:60:00Z',
      '2025-01-31T06:00:00+25:00',
      '2025-01-31T06:00:00 Z',
      '20250131',
    ]) {
      assert.equal(parseIsoTime(text), undefined, text);
    }
  });
});

describe('normalizeFile', () => {
  it('splits standard fields into columns and the rest into typed values', () => {
    const file = normalizeFile({
      name: 'a.root',
      size: 5,
      metadata: {
        run_number: 7,
        end_time: '2025-01-01T00:00:00Z',
        checksum: 'adler32:1',
        'x.n': 1.5,
        'x.t': 'text',
        'x.when': '2025-01-02',
        'x.flag': false,
        'x.none': null,
      },
    });
    assert.equal(file.columns.run_number, 7);
    assert.equal(file.columns.end_time, Date.UTC(2025, 0, 1) / 1000);
    assert.equal(file.columns.checksum, 'adler32:1');
    assert.equal(file.columns.size, 5);
    assert.deepEqual(file.custom, [
      { key: 'x.n', text: null, num: 1.5 },
      { key: 'x.t', text: 'text', num: null },
      { key: 'x.when', text: '2025-01-02', num: Date.UTC(2025, 0, 2) / 1000 },
      { key: 'x.flag', text: 'false', num: null },
    ]);
    // Keys sorted, so the same metadata in any order is the same JSON.
    assert.equal(
      file.metadataJson,
      normalizeFile({
        name: 'a.root',
        metadata: Object.fromEntries(
          Object.entries(JSON.parse(file.metadataJson) as object).reverse(),
        ),
      }).metadataJson,
    );
  });
});

describe('likeToGlob', () => {
  it('maps % and _ and quotes the GLOB metacharacters', () => {
    assert.equal(likeToGlob('gen_%.root'), 'gen?*.root');
    assert.equal(likeToGlob('a*b?c[d]e'), 'a[*]b[?]c[[]d]e');
    assert.equal(likeToGlob('back\\slash'), 'back\\slash');
    assert.equal(likeToGlob('ü_🚀%'), 'ü?🚀*');
  });
});
