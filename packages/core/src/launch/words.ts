// A small POSIX-like word splitter for the job type's command. The command is never given to a
// shell (POMS-REFERENCE §10: launch commands built by string concatenation into ssh lines); it is
// cut into argv words once, here, and each word is substituted on its own, so a value can never
// add, remove or split words.
//
// Rules (a subset of POSIX sh token recognition, without expansions):
// - blanks (space, tab, newline) separate words; quotes make empty words possible (`''`);
// - `'…'` is literal up to the next `'`;
// - `"…"` is literal except `\` before `$`, `` ` ``, `"`, `\` or a newline (a backslash-newline
//   inside double quotes disappears, as in sh);
// - outside quotes `\c` is the literal `c`, and a backslash-newline disappears (line continuation).
//
// What a shell would have interpreted is refused rather than passed on literally, since a command
// written for a shell would otherwise run with wrong arguments: unquoted `; & | < > ( )`, an
// unquoted `#` at the start of a word, and `$` or `` ` `` outside single quotes. The parentheses
// of a `%(name)s` template are not operators. Shell code belongs
// in the launch setup or in a script the command runs.

export interface CommandWord {
  /** The word with quotes and escapes removed. */
  readonly text: string;
  /** For each character of `text`, its offset in the command as written. */
  readonly offsets: readonly number[];
  /** Offset of the word's first character (quote included) in the command. */
  readonly offset: number;
}

export type WordProblemCode =
  'launch.unclosed-quote' | 'launch.dangling-escape' | 'launch.shell-syntax';

export interface WordProblem {
  readonly code: WordProblemCode;
  readonly message: string;
  readonly offset: number;
  readonly length: number;
}

export type SplitWordsResult =
  | { readonly ok: true; readonly words: CommandWord[] }
  | { readonly ok: false; readonly problems: WordProblem[] };

const BLANK = new Set([' ', '\t', '\n']);
const OPERATOR = new Set([';', '&', '|', '<', '>', '(', ')']);
const DQ_ESCAPABLE = new Set(['$', '`', '"', '\\', '\n']);

function shellSyntax(char: string, offset: number, quoted: boolean): WordProblem {
  const what = char === '$' || char === '`' ? 'expansion' : char === '#' ? 'comment' : 'operator';
  const fix =
    char === '$' || char === '`'
      ? `write \\${char} or put it in '…' for a literal \`${char}\``
      : `put it in '…' for a literal \`${char}\``;
  return {
    code: 'launch.shell-syntax',
    message:
      `\`${char}\` ${quoted ? 'inside "…" ' : ''}is shell ${what}, but the command is not run by a shell: ` +
      `${fix}, or move shell code into the launch setup.`,
    offset,
    length: 1,
  };
}

/** Splits `command` into words; every problem is reported, in text order. */
export function splitWords(command: string): SplitWordsResult {
  const words: CommandWord[] = [];
  const problems: WordProblem[] = [];
  let text = '';
  let offsets: number[] = [];
  let start = -1;
  const begin = (at: number): void => {
    if (start < 0) start = at;
  };
  const add = (char: string, at: number): void => {
    text += char;
    offsets.push(at);
  };
  const end = (): void => {
    if (start >= 0) words.push({ text, offsets, offset: start });
    text = '';
    offsets = [];
    start = -1;
  };

  let i = 0;
  while (i < command.length) {
    const c = command.charAt(i);
    if (BLANK.has(c)) {
      end();
      i++;
    } else if (c === '\\') {
      if (i + 1 >= command.length) {
        problems.push({
          code: 'launch.dangling-escape',
          message: 'The command ends with `\\`, which escapes nothing: remove it or write `\\\\`.',
          offset: i,
          length: 1,
        });
        i++;
      } else if (command[i + 1] === '\n') {
        i += 2;
      } else {
        begin(i);
        add(command.charAt(i + 1), i + 1);
        i += 2;
      }
    } else if (c === "'") {
      begin(i);
      const close = command.indexOf("'", i + 1);
      if (close < 0) {
        problems.push(unclosed("'", i));
        break;
      }
      for (let j = i + 1; j < close; j++) add(command.charAt(j), j);
      i = close + 1;
    } else if (c === '"') {
      begin(i);
      let j = i + 1;
      let closed = false;
      while (j < command.length) {
        const d = command.charAt(j);
        if (d === '"') {
          closed = true;
          break;
        }
        if (d === '\\' && j + 1 < command.length && DQ_ESCAPABLE.has(command.charAt(j + 1))) {
          if (command[j + 1] !== '\n') add(command.charAt(j + 1), j + 1);
          j += 2;
          continue;
        }
        if (d === '$' || d === '`') problems.push(shellSyntax(d, j, true));
        add(d, j);
        j++;
      }
      if (!closed) {
        problems.push(unclosed('"', i));
        break;
      }
      i = j + 1;
    } else if (c === '%' && (command[i + 1] === '%' || command[i + 1] === '(')) {
      // `%%` and `%(name)s` are templates, not shell: the parentheses of a name are no operator.
      begin(i);
      add(c, i);
      add(command.charAt(i + 1), i + 1);
      i += 2;
      if (command[i - 1] === '(') {
        while (
          i < command.length &&
          !BLANK.has(command.charAt(i)) &&
          !`'"\\`.includes(command.charAt(i))
        ) {
          const d = command.charAt(i);
          add(d, i);
          i++;
          if (d === ')') break;
        }
      }
    } else {
      if (OPERATOR.has(c) || c === '$' || c === '`' || (c === '#' && start < 0)) {
        problems.push(shellSyntax(c, i, false));
      }
      begin(i);
      add(c, i);
      i++;
    }
  }
  end();
  return problems.length > 0 ? { ok: false, problems } : { ok: true, words };
}

function unclosed(quote: string, offset: number): WordProblem {
  return {
    code: 'launch.unclosed-quote',
    message: `The \`${quote}\` here is never closed: add the closing \`${quote}\`.`,
    offset,
    length: 1,
  };
}

// Quoting argv into sh text. This is the one quoting used to run commands elsewhere: the ssh runner
// (server adapters/engines/commands/ssh.ts) sends argv to a launch host as one command line that
// the account's login shell reads, so a word quoted wrong there would run as shell code. The
// tests (words.test.ts) run the quoted text through real /bin/sh (dash) and bash and check every
// word comes back unchanged, for arbitrary strings. Single quotes are POSIX: the login shell must
// be sh-like (sh, dash, bash, ksh, zsh), not csh/tcsh, which treat `!` and newlines differently.

// Characters that never need quoting in sh: the output stays readable for ordinary arguments.
const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

// Words the shell reads as syntax in command position, whatever their characters: a plain
// `if` or `time` as argv[0] would be a keyword (or a syntax error), not a program (sh, bash, zsh).
const RESERVED = new Set([
  ...['if', 'then', 'else', 'elif', 'fi', 'case', 'esac', 'for', 'while', 'until', 'do', 'done'],
  ...['in', 'function', 'select', 'time', 'coproc', 'repeat', 'foreach', 'end', 'nocorrect'],
  ...['noglob'],
]);

/**
 * One argument as an sh-like shell reads it back as exactly that argument. Used to build the
 * remote command that ssh runs on a launch host, and for display; tested against dash and bash.
 */
export function shellQuote(arg: string): string {
  // A leading `=` is expanded by zsh (`=ls` is the path of ls), so it is quoted too.
  if (SAFE.test(arg) && !arg.startsWith('=')) return arg;
  return `'${arg.replaceAll("'", `'\\''`)}'`;
}

/**
 * argv as one line of sh text that runs argv[0] with exactly the other words as arguments. Used
 * as the remote command of ssh (through shellQuoteForExecution) and for display.
 */
export function shellQuoteCommand(argv: readonly string[]): string {
  return argv.map((arg, i) => (i === 0 ? quoteProgram(arg) : shellQuote(arg))).join(' ');
}

// In command position an unquoted `A=b` is a variable assignment and a reserved word is syntax:
// quoted, each is the program of that name.
function quoteProgram(arg: string): string {
  const quoted = shellQuote(arg);
  if (quoted !== arg) return quoted;
  if (arg.includes('=') || RESERVED.has(arg)) return `'${arg}'`;
  return quoted;
}

/** An argument that cannot be given to a program: argv strings end at NUL, shell text too. */
export class UnquotableArgumentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnquotableArgumentError';
  }
}

/**
 * argv as the sh command line to execute elsewhere (the remote command of ssh). Refuses a NUL
 * character, which no program can receive in an argument and which ssh and the remote shell would
 * truncate silently, so the command would run with a different argument than asked.
 */
export function shellQuoteForExecution(argv: readonly string[]): string {
  if (argv.length === 0) throw new UnquotableArgumentError('an empty command');
  // bash takes a command word starting with `%` for a job (`fg %1`), quoted or not.
  if (argv[0]?.startsWith('%')) {
    throw new UnquotableArgumentError(
      `program ${JSON.stringify(argv[0])}: a name starting with % is a job to bash, not a program`,
    );
  }
  argv.forEach((arg, i) => {
    if (arg.includes('\0')) {
      throw new UnquotableArgumentError(
        `argument ${i} of ${JSON.stringify(argv[0])} contains a NUL character, which no command can receive`,
      );
    }
  });
  return shellQuoteCommand(argv);
}
