// Bad input for the dataset query language, beyond properties.test.ts: the limits (64 nested
// parentheses, 500 operators, 64 Ki characters) at and past their edges, nesting far past them,
// huge literals, unicode of every kind, and token soups built from the constructs that recurse.
// Always a result, never a throw or a stack overflow; an error has a query.* code and a span
// inside the text; a query that parses prints back to text that parses the same.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { QUERY_ERROR_CODES, type QueryResult } from './errors.ts';
import { formatQuery } from './format.ts';
import { MAX_NESTING, MAX_OPERATORS, MAX_QUERY_LENGTH, parseQuery } from './parse.ts';
import { querySpanless } from './tree.ts';

function check(text: string): QueryResult {
  const result = parseQuery(text);
  if (!result.ok) {
    const { code, column, endColumn, message } = result.error;
    assert.ok((QUERY_ERROR_CODES as readonly string[]).includes(code), code);
    assert.ok(
      0 <= column && column <= endColumn && endColumn <= text.length,
      `${column}–${endColumn}`,
    );
    assert.ok(message.length > 0 && message.length < 500, message.slice(0, 100));
    return result;
  }
  const again = parseQuery(formatQuery(result.query));
  assert.ok(again.ok, formatQuery(result.query).slice(0, 200));
  assert.deepEqual(querySpanless(again.query), querySpanless(result.query));
  return result;
}

function codeOf(text: string): string {
  const result = check(text);
  return result.ok ? 'ok' : result.error.code;
}

describe('parseQuery at and past its limits', () => {
  it('takes 64 nested parentheses and refuses 65, however deep it goes after', () => {
    const nested = (n: number) => `${'('.repeat(n)}run_number = 1${')'.repeat(n)}`;
    assert.equal(codeOf(nested(MAX_NESTING)), 'ok');
    for (const n of [MAX_NESTING + 1, 1000, 30_000]) {
      const result = parseQuery(nested(n));
      assert.ok(!result.ok);
      assert.equal(result.error.code, 'query.syntax');
      assert.match(result.error.message, /nested parentheses/);
      // At the parenthesis that goes too deep.
      assert.equal(result.error.column, MAX_NESTING);
    }
    // Unclosed, and as deep as the length limit allows.
    assert.equal(codeOf('('.repeat(MAX_QUERY_LENGTH)), 'query.syntax');
    assert.equal(codeOf('('.repeat(MAX_QUERY_LENGTH + 1)), 'query.too-large');
    // Through the keywords that take a parenthesized query.
    assert.equal(codeOf(`${'children of ('.repeat(2000)}all${')'.repeat(2000)}`), 'query.syntax');
    assert.equal(codeOf(`${'isparentof:('.repeat(3000)}all${')'.repeat(3000)}`), 'query.syntax');
  });

  it('takes 500 operators and refuses 501, of every kind and far more', () => {
    const chains: [string, (n: number) => string][] = [
      ['not', (n) => `${'not '.repeat(n)}has x`],
      ['or', (n) => Array.from({ length: n + 1 }, (_, i) => `run_number = ${i}`).join(' or ')],
      ['and', (n) => Array.from({ length: n + 1 }, () => 'has x').join(' and ')],
      ['minus', (n) => Array.from({ length: n + 1 }, () => 'all').join(' minus ')],
    ];
    for (const [name, chain] of chains) {
      assert.equal(codeOf(chain(MAX_OPERATORS)), 'ok', name);
      assert.equal(codeOf(chain(MAX_OPERATORS + 1)), 'query.too-large', name);
      assert.equal(codeOf(chain(10_000).slice(0, MAX_QUERY_LENGTH)), 'query.too-large', name);
    }
    // 10^5 `not` is past the length limit: refused before any parse.
    assert.equal(codeOf('not '.repeat(100_000)), 'query.too-large');
    // A list of values has no operator limit.
    const list = `run_number in (${Array.from({ length: 5000 }, (_, i) => i).join(',')})`;
    assert.equal(codeOf(list), 'ok');
  });

  it('takes literals up to the length limit and refuses one character more', () => {
    const quoted = (n: number) => `file_name = '${'x'.repeat(n)}'`;
    assert.equal(codeOf(quoted(MAX_QUERY_LENGTH - 14)), 'ok');
    assert.equal(codeOf(quoted(MAX_QUERY_LENGTH - 13)), 'query.too-large');
    assert.equal(codeOf(`run_number = ${'9'.repeat(60_000)}`), 'query.bad-number');
    assert.equal(codeOf(`x = ${'9'.repeat(400)}`), 'query.bad-number');
    assert.equal(codeOf('start_time > 2025-02-30'), 'query.bad-time');
    assert.equal(codeOf(`x = '${'\\'.repeat(20_001)}`), 'query.unclosed');
    assert.equal(codeOf(`x like '${'%_'.repeat(20_000)}'`), 'ok');
  });
});

describe('parseQuery on unicode and token soups', () => {
  const unicode = fc.constantFrom(
    '\u0000',
    '\u202e',
    '\u200b',
    '\ufeff',
    '\ud800',
    '\udfff',
    '🙂',
    '𝕩',
    'é',
    'ß',
    'İ',
    '\u3000',
    '\u00a0',
    '\u2028',
    '<script>',
    "' or '1'='1",
    '; drop table files',
    '$(id)',
    '../',
  );
  const recursive = fc.constantFrom(
    '(',
    ')',
    'not ',
    ' and ',
    ' or ',
    ' minus ',
    'children of (',
    'parents depth 3 of (',
    'isparentof:(',
    'ischildof:(',
    ' with limit 1',
    ' offset 2 stride 3',
    'defname: ',
    'snapshot: ',
    'all',
    'has x',
    'run_number = 1',
    'run_number in 1..5',
    "file_name like 'a%'",
    'x in (1, 2',
    "'",
    '"',
    ',',
    ' ',
  );

  it('never throws on token soups of the constructs that recurse', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(recursive, unicode), { maxLength: 80 }), (parts) => {
        check(parts.join(''));
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws on long soups repeated past the limits', () => {
    fc.assert(
      fc.property(
        fc.array(recursive, { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 50, max: 20_000 }),
        (parts, times) => {
          check(
            parts
              .join('')
              .repeat(times)
              .slice(0, MAX_QUERY_LENGTH + 10),
          );
        },
      ),
      { numRuns: 60 },
    );
  });

  it('keeps unicode in strings and names exactly, or refuses it with a span', () => {
    fc.assert(
      fc.property(fc.oneof(unicode, fc.string({ unit: 'binary', maxLength: 20 })), (value) => {
        const quoted = `file_name = '${value.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
        const result = check(quoted);
        if (result.ok && result.query.type === 'compare' && result.query.value.kind === 'string') {
          assert.equal(result.query.value.value, value);
        }
        check(`${value} = 1`);
        check(`defname: ${value}`);
      }),
      { numRuns: 500 },
    );
  });
});
