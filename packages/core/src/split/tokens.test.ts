import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { tokenize } from './tokens.ts';

describe('tokenize', () => {
  it('cuts words at punctuation and whitespace, with columns', () => {
    assert.deepEqual(
      tokenize(' new( window=1d12h,\tfirsttime=2024-01-31T10:00:00+02:00 ) ').map((t) => [
        t.kind,
        t.text,
        t.start,
        t.end,
      ]),
      [
        ['word', 'new', 1, 4],
        ['(', '(', 4, 5],
        ['word', 'window', 6, 12],
        ['=', '=', 12, 13],
        ['word', '1d12h', 13, 18],
        [',', ',', 18, 19],
        ['word', 'firsttime', 20, 29],
        ['=', '=', 29, 30],
        ['word', '2024-01-31T10:00:00+02:00', 30, 55],
        [')', ')', 56, 57],
        ['end', '', 57, 57],
      ],
    );
  });

  it('ends with an end token even for blank text', () => {
    assert.deepEqual(tokenize('   '), [{ kind: 'end', text: '', start: 0, end: 0 }]);
  });
});
