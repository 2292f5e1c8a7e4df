import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { SplitErrorCode } from './errors.ts';
import { SPLIT_ERROR_CODES } from './errors.ts';
import { parseSplitSpec } from './parse.ts';
import type { SplitSpec } from './spec.ts';

function spec(text: string): SplitSpec {
  const result = parseSplitSpec(text);
  assert.ok(result.ok, `${JSON.stringify(text)}: ${result.ok ? '' : result.error.message}`);
  return result.spec;
}

/** The error as code, start column and the exact text it covers. */
function error(text: string): {
  code: SplitErrorCode;
  column: number;
  covers: string;
  message: string;
} {
  const result = parseSplitSpec(text);
  assert.ok(!result.ok, `${JSON.stringify(text)} parsed`);
  const { code, column, endColumn, message } = result.error;
  return { code, column, covers: text.slice(column, endColumn), message };
}

function assertError(text: string, code: SplitErrorCode, column: number, covers: string): string {
  const found = error(text);
  assert.deepEqual(
    { code: found.code, column: found.column, covers: found.covers },
    { code, column, covers },
    `${JSON.stringify(text)}: ${found.message}`,
  );
  return found.message;
}

const NEW_DEFAULT = { type: 'new', window: 604800, round: 1, fts: 1800, localtime: false };

describe('parseSplitSpec: every type', () => {
  it('reads the types without parameters', () => {
    for (const type of ['none', 'draining', 'byexistingruns', 'list', 'multiparam'] as const) {
      assert.deepEqual(spec(type), { type });
    }
  });

  it('reads the count types', () => {
    assert.deepEqual(spec('mod(3)'), { type: 'mod', n: 3 });
    assert.deepEqual(spec('nfiles(10000)'), { type: 'nfiles', n: 10000 });
    assert.deepEqual(spec('limitn(5)'), { type: 'limitn', n: 5 });
    assert.deepEqual(spec('drainingn(7)'), { type: 'drainingn', n: 7 });
    assert.deepEqual(spec('stagedfiles(20)'), { type: 'stagedfiles', n: 20 });
    assert.deepEqual(spec('mod(007)'), { type: 'mod', n: 7 });
  });

  it('reads byrun with and without high', () => {
    assert.deepEqual(spec('byrun(low=1,high=4)'), { type: 'byrun', low: 1, high: 4 });
    assert.deepEqual(spec('byrun(high=4,low=1)'), { type: 'byrun', low: 1, high: 4 });
    assert.deepEqual(spec('byrun(low=0)'), { type: 'byrun', low: 0 });
    assert.deepEqual(spec('byrun(low=3,high=3)'), { type: 'byrun', low: 3, high: 3 });
  });

  it('reads byexistingruns with or without parentheses', () => {
    assert.deepEqual(spec('byexistingruns()'), { type: 'byexistingruns' });
    assert.deepEqual(spec('byexistingruns'), { type: 'byexistingruns' });
    assert.deepEqual(spec('none()'), { type: 'none' });
  });

  it('reads new with POMS defaults', () => {
    assert.deepEqual(spec('new'), NEW_DEFAULT);
    assert.deepEqual(spec('new()'), NEW_DEFAULT);
  });

  it('reads every new parameter', () => {
    assert.deepEqual(
      spec('new(window=1d,round=1h,fts=0,localtime=1,firsttime=1497934800,lasttime=2024-01-31)'),
      {
        type: 'new',
        window: 86400,
        round: 3600,
        fts: 0,
        localtime: true,
        firsttime: 1497934800,
        lasttime: 1706659200,
      },
    );
    assert.deepEqual(spec('new(window=6h)'), { ...NEW_DEFAULT, window: 21600 });
    assert.deepEqual(spec('new(window=1d12h)'), { ...NEW_DEFAULT, window: 129600 });
    assert.deepEqual(spec('new(window=3600)'), { ...NEW_DEFAULT, window: 3600 });
    assert.deepEqual(spec('new(localtime=true)'), { ...NEW_DEFAULT, localtime: true });
    assert.deepEqual(spec('new(firsttime=2024-01-31T10:00:00Z)'), {
      ...NEW_DEFAULT,
      firsttime: 1706695200,
    });
  });

  it('reads POMS new_local as new with local time', () => {
    assert.deepEqual(spec('new_local'), { ...NEW_DEFAULT, localtime: true });
    assert.deepEqual(spec('new_local(window=1d)'), {
      ...NEW_DEFAULT,
      window: 86400,
      localtime: true,
    });
    assert.deepEqual(spec('new_local(localtime=0)'), NEW_DEFAULT);
  });

  it('reads blank text as none, as an empty POMS field', () => {
    assert.deepEqual(spec(''), { type: 'none' });
    assert.deepEqual(spec('  \t'), { type: 'none' });
  });
});

describe('parseSplitSpec: whitespace and case', () => {
  it('tolerates whitespace between any tokens', () => {
    assert.deepEqual(spec('mod( 3 )'), { type: 'mod', n: 3 });
    assert.deepEqual(spec('  mod (3)  '), { type: 'mod', n: 3 });
    assert.deepEqual(spec('byrun( low=1, high=4 )'), { type: 'byrun', low: 1, high: 4 });
    assert.deepEqual(spec('byrun ( low = 1 ,\n high = 4 )'), { type: 'byrun', low: 1, high: 4 });
    assert.deepEqual(spec('new( window = 1w , fts = 1h )'), { ...NEW_DEFAULT, fts: 3600 });
    assert.deepEqual(spec('byexistingruns( )'), { type: 'byexistingruns' });
  });

  it('reads type names and keys in any case', () => {
    assert.deepEqual(spec('None'), { type: 'none' });
    assert.deepEqual(spec('NFILES(2)'), { type: 'nfiles', n: 2 });
    assert.deepEqual(spec('ByRun(Low=1,HIGH=2)'), { type: 'byrun', low: 1, high: 2 });
    assert.deepEqual(spec('New(Window=2h)'), { ...NEW_DEFAULT, window: 7200 });
    assert.deepEqual(spec('New_Local'), { ...NEW_DEFAULT, localtime: true });
  });
});

describe('parseSplitSpec: errors and their columns', () => {
  it('split.unknown-type, with a suggestion when close', () => {
    assert.match(
      assertError('nfile(3)', 'split.unknown-type', 0, 'nfile'),
      /did you mean `nfiles`/,
    );
    assert.match(assertError('  Mode(3)', 'split.unknown-type', 2, 'Mode'), /did you mean `mod`/);
    assert.match(
      assertError('chunks(3)', 'split.unknown-type', 0, 'chunks'),
      /known types are none/,
    );
    assertError('mod[3]', 'split.unknown-type', 0, 'mod[3]');
  });

  it('split.syntax: missing closing parenthesis points at the open one', () => {
    assertError('mod(3', 'split.syntax', 3, '(');
    assertError('byrun( low=1, ', 'split.syntax', 5, '(');
    assertError('new(', 'split.syntax', 3, '(');
  });

  it('split.syntax: trailing text is covered to its end', () => {
    assert.match(assertError('mod(3) x y ', 'split.syntax', 7, 'x y'), /nothing may follow/);
    assertError('mod(3))', 'split.syntax', 6, ')');
    assert.match(assertError('mod 3', 'split.syntax', 4, '3'), /parentheses/);
    assertError('none none', 'split.syntax', 5, 'none');
  });

  it('split.syntax: misplaced punctuation', () => {
    assertError('(3)', 'split.syntax', 0, '(');
    assertError(',', 'split.syntax', 0, ',');
    assertError('mod(3,)', 'split.syntax', 5, ',');
    assertError('mod(3,,4)', 'split.syntax', 5, ',');
    assertError('mod(,3)', 'split.syntax', 4, ',');
    assertError('mod((3))', 'split.syntax', 4, '(');
    assertError('byrun(=1)', 'split.syntax', 6, '=');
    assert.match(assertError('byrun(low=)', 'split.syntax', 9, '='), /value after `low=`/);
    assertError('byrun(low=,high=2)', 'split.syntax', 9, '=');
    assertError('byrun(low=1 high=2)', 'split.syntax', 12, 'high');
    assertError('byrun(low=1=2)', 'split.syntax', 11, '=');
  });

  it('split.syntax: parameters a type does not take', () => {
    assert.match(assertError('none(3)', 'split.syntax', 5, '3'), /takes no parameters/);
    assertError('list(a, b)', 'split.syntax', 5, 'a, b');
    assertError('mod(3, 4, 5)', 'split.syntax', 7, '4, 5');
    assert.match(assertError('mod(n=3)', 'split.syntax', 4, 'n=3'), /write `mod\(3\)`/);
    assertError('byrun(1, 4)', 'split.syntax', 6, '1');
  });

  it('split.syntax: a count type needs its count', () => {
    assertError('mod', 'split.syntax', 0, 'mod');
    assertError(' nfiles ', 'split.syntax', 1, 'nfiles');
    assertError('mod( )', 'split.syntax', 3, '( )');
  });

  it('split.bad-number', () => {
    assertError('mod(abc)', 'split.bad-number', 4, 'abc');
    assertError('mod( 1.5 )', 'split.bad-number', 5, '1.5');
    assertError('mod(-3)', 'split.bad-number', 4, '-3');
    assertError('mod(1e3)', 'split.bad-number', 4, '1e3');
    assertError('byrun(low=x)', 'split.bad-number', 10, 'x');
    assertError('byrun(low=1, high=4a)', 'split.bad-number', 18, '4a');
  });

  it('split.range', () => {
    assert.match(assertError('mod(0)', 'split.range', 4, '0'), /at least 1/);
    assertError('nfiles(99999999999999999999)', 'split.range', 7, '99999999999999999999');
    assert.match(assertError('byrun(low=5, high=3)', 'split.range', 18, '3'), /below `low`/);
    assertError('new(window=0)', 'split.range', 11, '0');
    assertError('new(round=0s)', 'split.range', 10, '0s');
    assert.match(
      assertError('new(window=90m, round=1h)', 'split.range', 11, '90m'),
      /whole number/,
    );
    assertError('new(round=5d)', 'split.range', 10, '5d');
    assertError('new(firsttime=2024-02-01,lasttime=2024-01-01)', 'split.range', 34, '2024-01-01');
    assertError('new(firsttime=1969-07-20)', 'split.range', 14, '1969-07-20');
  });

  it('split.bad-duration', () => {
    assertError('new(window=1y)', 'split.bad-duration', 11, '1y');
    assertError('new( fts = 1h1d )', 'split.bad-duration', 11, '1h1d');
    assertError('new(round=soon)', 'split.bad-duration', 10, 'soon');
  });

  it('split.bad-time', () => {
    assertError('new(firsttime=yesterday)', 'split.bad-time', 14, 'yesterday');
    assertError('new(lasttime=2024-02-30)', 'split.bad-time', 13, '2024-02-30');
  });

  it('split.bad-flag', () => {
    assertError('new(localtime=yes)', 'split.bad-flag', 14, 'yes');
    assertError('new(localtime=2)', 'split.bad-flag', 14, '2');
  });

  it('split.unknown-key, with a suggestion when close', () => {
    assert.match(assertError('byrun(lo=1)', 'split.unknown-key', 6, 'lo'), /did you mean `low`/);
    assert.match(
      assertError('new(windw=1d)', 'split.unknown-key', 4, 'windw'),
      /did you mean `window`/,
    );
    assert.match(
      assertError('new(step=1d)', 'split.unknown-key', 4, 'step'),
      /it takes window, round/,
    );
  });

  it('split.duplicate-key points at the second occurrence', () => {
    assertError('byrun(low=1, low=2)', 'split.duplicate-key', 13, 'low');
    assertError('new(window=1d,WINDOW=2d)', 'split.duplicate-key', 14, 'WINDOW');
  });

  it('split.missing-key', () => {
    assert.match(assertError('byrun(high=4)', 'split.missing-key', 5, '(high=4)'), /low=/);
    assertError('byrun()', 'split.missing-key', 5, '()');
    assertError('byrun', 'split.missing-key', 0, 'byrun');
  });

  it('reports the leftmost problem first', () => {
    assertError('new(fts=bad, window=worse)', 'split.bad-duration', 8, 'bad');
    assertError('new(window=bad, nope=1)', 'split.bad-duration', 11, 'bad');
    assertError('byrun(high=x, low=y)', 'split.bad-number', 11, 'x');
  });

  it('has a test above for every error code', () => {
    // Guards the list: a new code must come with a test of its column.
    assert.deepEqual([...SPLIT_ERROR_CODES].sort(), [
      'split.bad-duration',
      'split.bad-flag',
      'split.bad-number',
      'split.bad-time',
      'split.duplicate-key',
      'split.missing-key',
      'split.range',
      'split.syntax',
      'split.unknown-key',
      'split.unknown-type',
    ]);
  });
});
