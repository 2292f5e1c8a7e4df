import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { QUERY_ERROR_CODES, type QueryErrorCode } from './errors.ts';
import { MAX_NESTING, MAX_OPERATORS, MAX_QUERY_LENGTH, parseQuery } from './parse.ts';
import { errorOf } from './testing.ts';

/** Asserts code, start column and the exact text covered; returns the message. */
function assertError(text: string, code: QueryErrorCode, column: number, covers: string): string {
  const seen = errorOf(text);
  assert.deepEqual(
    { code: seen.code, column: seen.column, covers: seen.covers },
    { code, column, covers },
    `${JSON.stringify(text)}: ${seen.message}`,
  );
  return seen.message;
}

describe('parseQuery errors: query.syntax', () => {
  it('says what was expected after what', () => {
    assert.equal(
      assertError('run_number = )', 'query.syntax', 13, ')'),
      "expected a value after '=' but found ')'",
    );
    assert.equal(
      assertError('run_number', 'query.syntax', 10, ''),
      "expected a comparison operator, 'in', 'not' or 'like' after 'run_number' but found the end of the query",
    );
    assert.equal(
      assertError('x not = 1', 'query.syntax', 6, '='),
      "expected 'in' or 'like' after 'not' but found '='",
    );
    assert.equal(
      assertError('x in 5', 'query.syntax', 6, ''),
      "expected '..' after '5' but found the end of the query",
    );
    assert.equal(
      assertError('x in )', 'query.syntax', 5, ')'),
      "expected '(' or a value after 'in' but found ')'",
    );
  });

  it('points at a missing condition', () => {
    assert.match(
      assertError(') a = 1', 'query.syntax', 0, ')'),
      /^expected a condition .* but found '\)'$/,
    );
    assert.match(
      assertError('a = 1 and', 'query.syntax', 9, ''),
      /^expected a condition .* after 'and' but found the end of the query$/,
    );
    assert.match(
      assertError('a = 1 or or b = 2', 'query.syntax', 9, 'or'),
      /after 'or' but found 'or'/,
    );
    assert.match(assertError('()', 'query.syntax', 1, ')'), /after '\(' but found '\)'/);
    assert.match(assertError('not', 'query.syntax', 3, ''), /after 'not'/);
    assert.match(assertError('5 = x', 'query.syntax', 0, '5'), /^expected a condition/);
  });

  it('reports text after a complete query', () => {
    assert.equal(
      assertError('a = 1 b = 2', 'query.syntax', 6, 'b'),
      "expected 'and', 'or', 'minus', 'with' or the end of the query after '1' but found 'b'",
    );
    assert.equal(
      assertError('a = 1 with limit 5 and b = 2', 'query.syntax', 19, 'and'),
      "expected 'limit', 'offset', 'stride' or the end of the query after '5' but found 'and'",
    );
    assert.equal(assertError('a = 1)', 'query.syntax', 5, ')'), "')' has no matching '('");
    assert.match(assertError('(a = 1 with limit 5) b', 'query.syntax', 21, 'b'), /'and', 'or'/);
  });

  it('reports a window without parts, with bad parts, or with a part twice', () => {
    assert.equal(
      assertError('all with', 'query.syntax', 8, ''),
      "expected 'limit', 'offset' or 'stride' after 'with' but found the end of the query",
    );
    assert.equal(
      assertError('all with top 5', 'query.syntax', 9, 'top'),
      "expected 'limit', 'offset' or 'stride' after 'with' but found 'top'",
    );
    assert.equal(
      assertError('all with limit x', 'query.syntax', 15, 'x'),
      "expected a whole number after 'limit' but found 'x'",
    );
    assert.match(
      assertError('all with limit 1 offset 2 LIMIT 3', 'query.syntax', 26, 'LIMIT'),
      /'limit' is given twice/,
    );
  });

  it('asks for quotes where a keyword stands as a value or a name', () => {
    assert.equal(
      assertError('data_tier = all', 'query.syntax', 12, 'all'),
      "expected a value after '=' but found 'all' ('all' is a keyword: quote it to use it as a value)",
    );
    assert.match(
      assertError('defname: with', 'query.syntax', 9, 'with'),
      /a dataset name .* quote it/,
    );
    assert.match(assertError('x in (a, or)', 'query.syntax', 9, 'or'), /quote it/);
  });

  it('reports malformed field names and missing pieces', () => {
    assert.match(
      assertError('reco-pass2 = 1', 'query.syntax', 0, 'reco-pass2'),
      /not a field name/,
    );
    assert.match(assertError('has 5x', 'query.syntax', 4, '5x'), /not a field name/);
    assert.equal(
      assertError('has', 'query.syntax', 3, ''),
      "expected a field name after 'has' but found the end of the query",
    );
    assert.equal(
      assertError('has and', 'query.syntax', 4, 'and'),
      "expected a field name after 'has' but found 'and'",
    );
    assert.equal(
      assertError('defname x', 'query.syntax', 8, 'x'),
      "expected ':' after 'defname' but found 'x'",
    );
    assert.match(assertError("defname: ''", 'query.syntax', 9, "''"), /cannot be empty/);
    assert.equal(
      assertError('snapshot: 2025-01-01', 'query.syntax', 10, '2025-01-01'),
      "expected a snapshot name or id after ':' but found '2025-01-01'",
    );
    assert.equal(
      assertError('children (all)', 'query.syntax', 9, '('),
      "expected 'of' after 'children' but found '('",
    );
    assert.equal(
      assertError('children of all', 'query.syntax', 12, 'all'),
      "expected '(' after 'of' but found 'all'",
    );
    assert.match(assertError('isparentof: all', 'query.syntax', 12, 'all'), /expected '\('/);
    assert.equal(
      assertError('file_name like gen_%', 'query.syntax', 15, 'gen_%'),
      "expected a quoted pattern (like 'gen_%.root') after 'like' but found 'gen_%'",
    );
    assert.equal(
      assertError('x in (1 2)', 'query.syntax', 8, '2'),
      "expected ',' or ')' after '1' but found '2'",
    );
    assert.match(assertError('x in (1,)', 'query.syntax', 8, ')'), /expected a value after ','/);
    assert.match(assertError('x in ()', 'query.syntax', 6, ')'), /expected a value after '\('/);
  });

  it('reports stray characters', () => {
    assert.equal(assertError('a = 1 # note', 'query.syntax', 6, '#'), "unexpected character '#'");
    assert.equal(assertError('a ! 1', 'query.syntax', 2, '!'), "unexpected character '!'");
    assert.equal(assertError('a = @@ 1', 'query.syntax', 4, '@@'), "unexpected characters '@@'");
    assert.match(assertError('x = 1..2', 'query.syntax', 5, '..'), /after '1' but found '\.\.'/);
    assert.match(assertError('x = .5', 'query.syntax', 4, '.'), /unexpected character/);
    assert.match(assertError('x = - 5', 'query.syntax', 4, '-'), /unexpected character/);
    assert.match(assertError('x = 1 and é = 2', 'query.syntax', 10, 'é'), /unexpected character/);
  });

  it('reports the first problem in text order', () => {
    // A syntax error before a stray character or an unclosed quote is the one reported…
    assertError('a = = 1 #', 'query.syntax', 4, '=');
    assertError("a = = 'x", 'query.syntax', 4, '=');
    assertError('run_number = x and y = "z', 'query.bad-field', 13, 'x');
    // …and a stray character before the syntax error is.
    assertError('a = # = =', 'query.syntax', 4, '#');
  });

  it('refuses nesting deeper than the limit, and takes it up to the limit', () => {
    const deep = (n: number) => `${'('.repeat(n)}a = 1${')'.repeat(n)}`;
    assert.ok(parseQuery(deep(MAX_NESTING)).ok);
    assert.match(
      assertError(deep(MAX_NESTING + 1), 'query.syntax', MAX_NESTING, '('),
      /nested parentheses/,
    );
    // Long chains parse as loops, but every operator is a level of the tree the SQL is made of
    // (5000 `not` overflowed SQLite's expression depth, 10^5 the stack): counted and limited.
    assert.ok(parseQuery(`${'not '.repeat(MAX_OPERATORS)}all`).ok);
    const chain = (n: number) => Array.from({ length: n }, (_, i) => `x = ${i}`).join(' or ');
    assert.ok(parseQuery(chain(MAX_OPERATORS + 1)).ok);
    const nots = `${'not '.repeat(MAX_OPERATORS + 1)}all`;
    assert.match(
      assertError(nots, 'query.too-large', MAX_OPERATORS * 4, 'not'),
      /more than 500 of 'and', 'or', 'not' and 'minus'/,
    );
    assertError(
      chain(100_000).slice(0, 60_000),
      'query.too-large',
      chain(502).lastIndexOf(' or ') + 1,
      'or',
    );
  });

  it('refuses a query longer than the limit, saying how long it is', () => {
    const text = `file_name = '${'x'.repeat(MAX_QUERY_LENGTH)}'`;
    const result = parseQuery(text);
    assert.equal(result.ok, false);
    assert.ok(!result.ok && result.error.code === 'query.too-large');
    assert.match(
      !result.ok ? result.error.message : '',
      /limited to 65536 characters; this one has 65550/,
    );
  });
});

describe('parseQuery errors: query.unclosed', () => {
  it('points at the ( that is never closed', () => {
    assert.equal(
      assertError('(a = 1', 'query.unclosed', 0, '('),
      "this '(' is never closed: add ')'",
    );
    assertError('(a = 1 and (b = 2)', 'query.unclosed', 0, '(');
    assertError('(a = 1 and (b = 2', 'query.unclosed', 11, '(');
    assertError('children of (all', 'query.unclosed', 12, '(');
    assertError('isparentof:(all', 'query.unclosed', 11, '(');
    assertError('x in (1, 2', 'query.unclosed', 5, '(');
    assertError('(all with limit 1', 'query.unclosed', 0, '(');
  });

  it('is a syntax error when something else is missing first', () => {
    assertError('(a = ', 'query.syntax', 5, '');
    assertError('(a = 1 and', 'query.syntax', 10, '');
  });

  it('points at the quote that is never closed', () => {
    assert.equal(
      assertError("x = 'abc", 'query.unclosed', 4, "'"),
      "this quote is never closed: end the string with '",
    );
    assertError('x = "abc', 'query.unclosed', 4, '"');
    assertError(String.raw`x = 'abc\'`, 'query.unclosed', 4, "'");
    assertError("x = 'abc\\", 'query.unclosed', 4, "'");
    assertError("file_name like 'a%", 'query.unclosed', 15, "'");
    assertError("x = 'a' or y = 'b", 'query.unclosed', 15, "'");
    assertError("'", 'query.unclosed', 0, "'");
  });
});

describe('parseQuery errors: query.bad-number', () => {
  it('reports numbers too large to hold', () => {
    assert.match(assertError('x = 1e999', 'query.bad-number', 4, '1e999'), /too large/);
    assertError('x in (1, -1e400)', 'query.bad-number', 9, '-1e400');
    assertError("run_number = '1e999'", 'query.bad-number', 13, "'1e999'");
  });

  it('reports counts that are not whole numbers of the least allowed', () => {
    assert.equal(
      assertError('all with stride 0', 'query.bad-number', 16, '0'),
      "stride must be a whole number of at least 1, not '0'",
    );
    assertError('all with limit 1.5', 'query.bad-number', 15, '1.5');
    assertError('all with offset -1', 'query.bad-number', 16, '-1');
    assertError('all with limit 1e20', 'query.bad-number', 15, '1e20');
    assertError('children depth 0 of (all)', 'query.bad-number', 15, '0');
    assertError('parents depth 2.5 of (all)', 'query.bad-number', 14, '2.5');
    assert.match(assertError('snapshot: 1.5', 'query.bad-number', 10, '1.5'), /whole number/);
    assertError('snapshot: -3', 'query.bad-number', 10, '-3');
  });
});

describe('parseQuery errors: query.bad-time', () => {
  it('reports dates and times that do not exist or are malformed', () => {
    assert.match(assertError('x = 2025-13-01', 'query.bad-time', 4, '2025-13-01'), /no such day/);
    assertError('x = 2025-02-29', 'query.bad-time', 4, '2025-02-29');
    assertError('x = 2025-04-31', 'query.bad-time', 4, '2025-04-31');
    assertError('x = 2025-01-31T24:00:00Z', 'query.bad-time', 4, '2025-01-31T24:00:00Z');
    assertError('x = 2025-01-31T06:60', 'query.bad-time', 4, '2025-01-31T06:60');
    assertError('x = 2025-01-31T06', 'query.bad-time', 4, '2025-01-31T06');
    assertError('x = 2025-01-31T', 'query.bad-time', 4, '2025-01-31T');
    assertError('x = 2025-01-31Tnoon', 'query.bad-time', 4, '2025-01-31Tnoon');
    assertError('x = 2025-01-31T06:00:00+25:00', 'query.bad-time', 4, '2025-01-31T06:00:00+25:00');
    assertError('x = 2025-01-31T06:00:00.1234Z', 'query.bad-time', 4, '2025-01-31T06:00:00.1234Z');
    assertError('x in 2025-01-01..2025-02-30', 'query.bad-time', 17, '2025-02-30');
    // Quoted ISO-looking text is checked on time fields, left alone elsewhere.
    assertError("end_time > '2025-02-30'", 'query.bad-time', 11, "'2025-02-30'");
    assert.ok(parseQuery("x > '2025-02-30'").ok);
  });
});

describe('parseQuery errors: query.bad-field', () => {
  it('reports text where a standard number field needs a number', () => {
    assert.equal(
      assertError('run_number = abc', 'query.bad-field', 13, 'abc'),
      "run_number is a number: 'abc' is not a number",
    );
    assertError("event_count > 'many'", 'query.bad-field', 14, "'many'");
    assertError('file_size in (1, 2, big)', 'query.bad-field', 20, 'big');
    assertError('subrun_number in 1..x', 'query.bad-field', 20, 'x');
    // `1.` is a bare word, not a number.
    assertError('run_number = 1.', 'query.bad-field', 13, '1.');
    assert.match(
      assertError('run_number = 2025-01-31', 'query.bad-field', 13, '2025-01-31'),
      /is a time/,
    );
  });

  it('reports values that are no time on a standard time field', () => {
    assert.match(
      assertError('end_time > yesterday', 'query.bad-field', 11, 'yesterday'),
      /end_time is a time: 'yesterday' is neither/,
    );
    assertError("start_time = 'x'", 'query.bad-field', 13, "'x'");
    assertError('create_time in (2025-01-01, soon)', 'query.bad-field', 28, 'soon');
  });

  it('reports like on a field that is not text, at the field', () => {
    assert.match(
      assertError("run_number like '1%'", 'query.bad-field', 0, 'run_number'),
      /'like' matches text, but run_number is a number/,
    );
    assertError("a = 1 and end_time not like '2025%'", 'query.bad-field', 10, 'end_time');
    for (const field of ['file_name', 'data_tier', 'software_version', 'checksum', 'dune.x']) {
      assert.ok(parseQuery(`${field} like 'a%'`).ok, field);
    }
  });
});

describe('parseQuery errors: query.empty', () => {
  it('reports empty and blank text at its end', () => {
    assert.match(assertError('', 'query.empty', 0, ''), /empty/);
    assertError('   ', 'query.empty', 3, '');
    assertError('\n\t ', 'query.empty', 3, '');
  });
});

describe('parseQuery errors: codes', () => {
  it('uses every documented code', () => {
    const seen = new Set(
      [
        'x = )',
        '(all',
        'x = 1e999',
        'x = 2025-13-01',
        'run_number = a',
        '',
        'not '.repeat(501),
      ].map((text) => errorOf(text).code),
    );
    assert.deepEqual([...seen].sort(), [...QUERY_ERROR_CODES].sort());
  });
});
