// The shape every split spec shares: `name`, optionally followed by `( param, param, … )` where a
// param is `value` or `key=value`. Reading that shape first, the same way for all types, keeps the
// punctuation errors uniform; params.ts then gives the words their meaning per type.
import { SplitParseError } from './failure.ts';
import type { Token } from './tokens.ts';

export interface Param {
  readonly key?: Token;
  readonly value: Token;
  /** Columns of the whole `key=value`, for errors about the parameter as a whole. */
  readonly start: number;
  readonly end: number;
}

export interface Call {
  readonly name: Token;
  /** Present when the spec has parentheses. */
  readonly parens?: { readonly open: Token; readonly close: Token };
  readonly params: readonly Param[];
}

class Cursor {
  private index = 0;
  constructor(private readonly tokens: readonly Token[]) {}

  peek(): Token {
    // tokenize() always ends with an `end` token, and take() never moves past it.
    return this.tokens[this.index] ?? this.last();
  }

  take(): Token {
    const token = this.peek();
    if (token.kind !== 'end') this.index++;
    return token;
  }

  last(): Token {
    const last = this.tokens.at(-1);
    if (!last) throw new Error('tokenize() returned no end token');
    return last;
  }
}

function describe(token: Token): string {
  return token.kind === 'end' ? 'the end' : `\`${token.text}\``;
}

/** Trailing text is reported as one span, up to the last non-space character. */
function trailing(cursor: Cursor, why: string): never {
  const token = cursor.peek();
  throw new SplitParseError(
    'split.syntax',
    `Unexpected ${describe(token)}: ${why}`,
    token.start,
    cursor.last().start,
  );
}

function unclosed(open: Token): never {
  throw new SplitParseError('split.syntax', 'Missing `)` to close this `(`.', open.start, open.end);
}

function readParam(cursor: Cursor, open: Token): Param {
  const first = cursor.take();
  switch (first.kind) {
    case 'word':
      break;
    case 'end':
      return unclosed(open);
    case '=':
      throw new SplitParseError(
        'split.syntax',
        'Expected a parameter name before `=`.',
        first.start,
        first.end,
      );
    case ',':
    case '(':
    case ')':
      throw new SplitParseError(
        'split.syntax',
        `Expected a parameter, found ${describe(first)}.`,
        first.start,
        first.end,
      );
  }
  if (cursor.peek().kind !== '=') return { value: first, start: first.start, end: first.end };
  const equals = cursor.take();
  const value = cursor.peek();
  if (value.kind !== 'word') {
    throw new SplitParseError(
      'split.syntax',
      `Expected a value after \`${first.text}=\`.`,
      equals.start,
      equals.end,
    );
  }
  cursor.take();
  return { key: first, value, start: first.start, end: value.end };
}

export function readCall(tokens: readonly Token[]): Call {
  const cursor = new Cursor(tokens);
  const name = cursor.take();
  if (name.kind !== 'word') {
    throw new SplitParseError(
      'split.syntax',
      `Expected a split type such as \`nfiles(100)\`, found ${describe(name)}.`,
      name.start,
      name.end,
    );
  }
  const next = cursor.peek();
  if (next.kind === 'end') return { name, params: [] };
  if (next.kind !== '(')
    return trailing(cursor, `parameters go in parentheses, e.g. \`${name.text}(…)\`.`);
  const open = cursor.take();
  const params: Param[] = [];
  if (cursor.peek().kind !== ')') {
    for (;;) {
      params.push(readParam(cursor, open));
      const separator = cursor.take();
      if (separator.kind === ')') return finish(cursor, name, open, separator, params);
      if (separator.kind === 'end') return unclosed(open);
      if (separator.kind !== ',') {
        throw new SplitParseError(
          'split.syntax',
          `Expected \`,\` or \`)\` before ${describe(separator)}.`,
          separator.start,
          separator.end,
        );
      }
      const after = cursor.peek();
      if (after.kind === ')' || after.kind === ',') {
        throw new SplitParseError(
          'split.syntax',
          'Expected a parameter after `,`.',
          separator.start,
          separator.end,
        );
      }
    }
  }
  return finish(cursor, name, open, cursor.take(), params);
}

function finish(cursor: Cursor, name: Token, open: Token, close: Token, params: Param[]): Call {
  if (cursor.peek().kind !== 'end') trailing(cursor, 'nothing may follow the closing `)`.');
  return { name, parens: { open, close }, params };
}
