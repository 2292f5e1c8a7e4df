import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { shellQuote, shellQuoteCommand, splitWords } from './words.ts';

function words(text: string): string[] {
  const r = splitWords(text);
  assert.ok(r.ok, `expected ${JSON.stringify(text)} to split`);
  return r.words.map((w) => w.text);
}

function problems(text: string): { code: string; offset: number }[] {
  const r = splitWords(text);
  assert.ok(!r.ok, `expected ${JSON.stringify(text)} to fail`);
  return r.problems.map((p) => ({ code: p.code, offset: p.offset }));
}

describe('splitWords', () => {
  it('splits on blanks and ignores leading, trailing and repeated ones', () => {
    assert.deepEqual(words('  fife_launch\t-c  cfg.ini \n'), ['fife_launch', '-c', 'cfg.ini']);
    assert.deepEqual(words(''), []);
    assert.deepEqual(words(' \t\n'), []);
  });

  it('reads single quotes literally', () => {
    assert.deepEqual(words(`run 'a b' 'x\\y' '$HOME' 'a"b'`), [
      'run',
      'a b',
      'x\\y',
      '$HOME',
      'a"b',
    ]);
  });

  it('reads double quotes with sh escapes', () => {
    assert.deepEqual(words(`run "a b" "q\\"q" "x\\y" "\\$HOME" "b\\\\s"`), [
      'run',
      'a b',
      'q"q',
      'x\\y',
      '$HOME',
      'b\\s',
    ]);
  });

  it('escapes one character outside quotes and joins adjacent pieces into one word', () => {
    assert.deepEqual(words(`a\\ b c\\'d e'f'"g"h`), ['a b', "c'd", 'efgh']);
  });

  it('treats backslash-newline as a line continuation', () => {
    assert.deepEqual(words('run \\\n  -a \\\n-b'), ['run', '-a', '-b']);
    assert.deepEqual(words('"a\\\nb"'), ['ab']);
  });

  it('makes empty words from empty quotes', () => {
    assert.deepEqual(words(`run '' ""`), ['run', '', '']);
  });

  it('maps every character back to where it was written', () => {
    const r = splitWords(`x "a\\"b" 'c'd`);
    assert.ok(r.ok);
    assert.deepEqual(
      r.words.map((w) => [w.offset, w.offsets]),
      [
        [0, [0]],
        [2, [3, 5, 6]],
        [9, [10, 12]],
      ],
    );
  });

  it('reports an unclosed quote at the quote', () => {
    assert.deepEqual(problems(`run 'abc`), [{ code: 'launch.unclosed-quote', offset: 4 }]);
    assert.deepEqual(problems(`run "a\\"`), [{ code: 'launch.unclosed-quote', offset: 4 }]);
  });

  it('reports a trailing backslash', () => {
    assert.deepEqual(problems('run \\'), [{ code: 'launch.dangling-escape', offset: 4 }]);
  });

  it('refuses what a shell would have interpreted, unless quoted', () => {
    assert.deepEqual(problems('a; b | c $HOME `d` #e'), [
      { code: 'launch.shell-syntax', offset: 1 },
      { code: 'launch.shell-syntax', offset: 5 },
      { code: 'launch.shell-syntax', offset: 9 },
      { code: 'launch.shell-syntax', offset: 15 },
      { code: 'launch.shell-syntax', offset: 17 },
      { code: 'launch.shell-syntax', offset: 19 },
    ]);
    assert.deepEqual(problems('"$X"'), [{ code: 'launch.shell-syntax', offset: 1 }]);
    assert.deepEqual(words(`'a;b' "c|d" e\\;f \\$X a#b`), ['a;b', 'c|d', 'e;f', '$X', 'a#b']);
  });
});

describe('shellQuote', () => {
  it('leaves plain arguments alone and single-quotes the rest', () => {
    assert.equal(shellQuote('-Oglobal.x=a/b:c,1%'), '-Oglobal.x=a/b:c,1%');
    assert.equal(shellQuote(''), "''");
    assert.equal(shellQuote("it's $(x)"), `'it'\\''s $(x)'`);
  });

  it('is read back by splitWords as the same argv, for any strings', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary' })), (argv) => {
        assert.deepEqual(words(shellQuoteCommand(argv)), argv);
      }),
    );
  });
});

describe('splitWords and templates', () => {
  it('does not take the parentheses of %(name)s for shell operators', () => {
    assert.deepEqual(words(`run %(dataset)s -x%(a)s.%(b)s %% "%(c)s"`), [
      'run',
      '%(dataset)s',
      '-x%(a)s.%(b)s',
      '%%',
      '%(c)s',
    ]);
    assert.deepEqual(problems('a %%(b)'), [
      { code: 'launch.shell-syntax', offset: 4 },
      { code: 'launch.shell-syntax', offset: 6 },
    ]);
  });
});
