import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import fc from 'fast-check';
import {
  shellQuote,
  shellQuoteCommand,
  shellQuoteForExecution,
  splitWords,
  UnquotableArgumentError,
} from './words.ts';

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

// The quoting builds the remote command of ssh, which the launch account's shell executes: these
// run the quoted text through real shells, spawned with an argv (no shell on our side), and check
// the words that arrive. printf '%s\0' ends each word with NUL, which no word can contain.
const SHELLS = ['/bin/sh', '/bin/bash'].filter((shell) => existsSync(shell));

function throughShell(shell: string, script: string): { code: number | null; stdout: string } {
  const r = spawnSync(shell, ['-c', script], { encoding: 'utf8', env: { PATH: '/usr/bin:/bin' } });
  return { code: r.status, stdout: r.stdout };
}

function wordsFromShell(shell: string, argv: readonly string[]): string[] {
  // The first word keeps printf from printing its format once when argv is empty.
  const r = throughShell(shell, `printf '%s\\0' ${shellQuoteCommand(['first', ...argv])}`);
  assert.equal(r.code, 0, `${shell} failed on ${JSON.stringify(argv)}`);
  return r.stdout.split('\0').slice(1, -1);
}

// Strings that a careless quoting gets wrong, mixed into arbitrary unicode below.
const NASTY = [
  '',
  ' ',
  "'",
  "''",
  '"',
  '\\',
  '$(touch /tmp/poms-quote-test)',
  '`id`',
  '$HOME',
  '${x:-y}',
  '!',
  '!!',
  '-n',
  '--',
  '-e',
  '*',
  '?',
  '[a]',
  '~',
  '~root',
  '=ls',
  '{a,b}',
  'a;b',
  'a|b',
  'a&b',
  '#',
  'line\nbreak',
  '\n',
  '\r\n',
  '\t',
  'é ü 日本 🚀',
  '\u00a0',
  '%s',
];

const nastyString = fc.oneof(
  fc.constantFrom(...NASTY),
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: fc.constantFrom(...`'"\\$\`!*?[]{}~=;&|<>()# \n\t-%`) }),
  fc.string({ unit: 'binary' }).map((s) => s.replaceAll('\0', '')),
);

describe('shellQuote executed by real shells', () => {
  for (const shell of SHELLS) {
    it(`gives back exactly the same arguments through ${shell}`, () => {
      fc.assert(
        fc.property(fc.array(nastyString, { maxLength: 8 }), (argv) => {
          assert.deepEqual(wordsFromShell(shell, argv), argv);
        }),
        { numRuns: 200 },
      );
    });

    it(`runs argv[0] as a program through ${shell}, even when sh would read it as syntax`, () => {
      // 127 is "command not found": each word was looked up as a program, not read as an
      // assignment (exit 0) or a keyword (syntax error, exit 2).
      for (const program of ['A=b', 'if', 'done', 'while', '=ls', 'x y']) {
        const r = throughShell(shell, shellQuoteCommand([program, 'arg']));
        assert.equal(r.code, 127, `${shell} ran ${JSON.stringify(program)} as syntax`);
      }
      assert.equal(throughShell(shell, shellQuoteCommand(['true', 'A=b'])).code, 0);
    });
  }

  it('keeps plain programs and options readable', () => {
    assert.equal(
      shellQuoteCommand(['sbatch', '--parsable', '--array=0-9%4']),
      'sbatch --parsable --array=0-9%4',
    );
    assert.equal(shellQuoteCommand(['A=b', 'if']), `'A=b' if`);
    assert.equal(shellQuote('=ls'), `'=ls'`);
  });
});

describe('shellQuoteForExecution', () => {
  it('quotes like shellQuoteCommand', () => {
    assert.equal(shellQuoteForExecution(['echo', 'a b', '$x']), `echo 'a b' '$x'`);
  });

  it('refuses a NUL character, naming the argument', () => {
    assert.throws(
      () => shellQuoteForExecution(['echo', 'ok', 'a\0b']),
      (error: unknown) =>
        error instanceof UnquotableArgumentError && /argument 2 of "echo".*NUL/.test(error.message),
    );
  });

  it('refuses an empty command, and a program bash would take for a job', () => {
    assert.throws(() => shellQuoteForExecution([]), UnquotableArgumentError);
    assert.throws(() => shellQuoteForExecution(['%1']), /job to bash/);
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
