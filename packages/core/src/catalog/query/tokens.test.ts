import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { KEYWORDS, queryLexer } from './tokens.ts';

/** Token names and images, or the lexer's errors. */
function lex(text: string): string[] {
  const { tokens, errors } = queryLexer().tokenize(text);
  assert.deepEqual(errors, [], text);
  return tokens.map((token) => `${token.tokenType.name}:${token.image}`);
}

describe('query tokens', () => {
  it('tells numbers, times, ranges and words apart', () => {
    assert.deepEqual(lex('1..3'), ['Number:1', 'DotDot:..', 'Number:3']);
    assert.deepEqual(lex('1.5..-2'), ['Number:1.5', 'DotDot:..', 'Number:-2']);
    assert.deepEqual(lex('-5 1e5 1.5E-3 007'), [
      'Number:-5',
      'Number:1e5',
      'Number:1.5E-3',
      'Number:007',
    ]);
    assert.deepEqual(lex('5abc 1.5.3 5-6 1e5x 1.'), [
      'Word:5abc',
      'Word:1.5.3',
      'Word:5-6',
      'Word:1e5x',
      'Word:1.',
    ]);
    assert.deepEqual(lex('2025-01-31'), ['Time:2025-01-31']);
    assert.deepEqual(lex('2025-01-31T06:00:00+01:00'), ['Time:2025-01-31T06:00:00+01:00']);
    assert.deepEqual(lex('2025-01-31..2025-02-01T06:00:00Z'), [
      'Time:2025-01-31',
      'DotDot:..',
      'Time:2025-02-01T06:00:00Z',
    ]);
    assert.deepEqual(lex('2025-01-31T06:00:00.5Z..2025-02-01'), [
      'Time:2025-01-31T06:00:00.5Z',
      'DotDot:..',
      'Time:2025-02-01',
    ]);
    assert.deepEqual(lex('2025-01-31x 2025-01-31.root 2025-1-31'), [
      'Word:2025-01-31x',
      'Word:2025-01-31.root',
      'Word:2025-1-31',
    ]);
    assert.deepEqual(lex('a..b v1.0..v2.0'), [
      'Word:a',
      'DotDot:..',
      'Word:b',
      'Word:v1.0',
      'DotDot:..',
      'Word:v2.0',
    ]);
  });

  it('reads every keyword in any case, and words that merely contain one', () => {
    for (const keyword of KEYWORDS) {
      const name = keyword.charAt(0).toUpperCase() + keyword.slice(1);
      assert.deepEqual(lex(keyword), [`${name}:${keyword}`]);
      assert.deepEqual(lex(keyword.toUpperCase()), [`${name}:${keyword.toUpperCase()}`]);
      assert.deepEqual(lex(`${keyword}x`), [`Word:${keyword}x`]);
      assert.deepEqual(lex(`${keyword}.x`), [`Word:${keyword}.x`]);
      assert.deepEqual(lex(`x${keyword}`), [`Word:x${keyword}`]);
    }
    assert.deepEqual(lex('offset of'), ['Offset:offset', 'Of:of']);
    assert.deepEqual(lex('in(1)'), ['In:in', 'LParen:(', 'Number:1', 'RParen:)']);
  });

  it("reads SAM's spellings only with their colon", () => {
    assert.deepEqual(lex('isparentof:('), ['IsParentOf:isparentof:', 'LParen:(']);
    assert.deepEqual(lex('IsChildOf:'), ['IsChildOf:IsChildOf:']);
    assert.deepEqual(lex('isparentof :'), ['Word:isparentof', 'Colon::']);
  });

  it('reads operators longest first', () => {
    assert.deepEqual(lex('= == != <> < <= > >='), [
      'Op=:=',
      'Op==:==',
      'Op!=:!=',
      'Op<>:<>',
      'Op<:<',
      'Op<=:<=',
      'Op>:>',
      'Op>=:>=',
    ]);
    assert.deepEqual(lex('a<=5'), ['Word:a', 'Op<=:<=', 'Number:5']);
  });

  it('reads quoted strings whole, escapes included, and an unclosed quote to the end', () => {
    assert.deepEqual(lex(String.raw`'a\'b' "c\"d" 'x"y'`), [
      String.raw`String:'a\'b'`,
      String.raw`String:"c\"d"`,
      `String:'x"y'`,
    ]);
    assert.deepEqual(lex("'a\nb'"), ["String:'a\nb'"]);
    assert.deepEqual(lex("x 'abc and y"), ['Word:x', "UnclosedString:'abc and y"]);
  });
});
