// Query text → syntax tree, or the first error in text order with its exact columns. Lexical
// problems (a stray character, an unclosed quote) do not stop the parse at once: the tokens before
// them are parsed first, so an earlier mistake is the one reported.
import { EOF, type IToken } from 'chevrotain';
import type { Query } from './ast.ts';
import { QueryParseFailure, type QueryError, type QueryResult } from './errors.ts';
import { describeToken, queryParser } from './parser.ts';
import {
  And,
  LParen,
  Minus,
  Not,
  Or,
  queryLexer,
  RParen,
  tokenEnd,
  UnclosedString,
  With,
} from './tokens.ts';

/** Deeper nesting is refused rather than risking the stack (the parser recurses on `(`). */
export const MAX_NESTING = 64;
/**
 * More operators than this are refused: each `not` is a level of recursion, and every `and`, `or`
 * and `minus` a level of the tree the SQL is made from (SQLite refuses expressions deeper than
 * 1000). A list of values is written `field in (a, b, …)`, which has no such limit.
 */
export const MAX_OPERATORS = 500;
/** A query is a line a person writes or a program generates; 64 Ki characters is far beyond. */
export const MAX_QUERY_LENGTH = 65_536;

function failed(error: QueryError): QueryResult {
  return { ok: false, error };
}

/** The first lexical problem, and how many tokens come before it. */
function lexicalProblem(
  text: string,
  tokens: IToken[],
  errors: { offset: number; length: number }[],
): { error: QueryError; before: number } | undefined {
  const unclosed = tokens.findIndex((token) => token.tokenType === UnclosedString);
  const stray = errors[0];
  const unclosedAt = unclosed === -1 ? Infinity : (tokens[unclosed]?.startOffset ?? Infinity);
  if (stray !== undefined && stray.offset < unclosedAt) {
    const chars = text.slice(stray.offset, stray.offset + stray.length);
    return {
      error: {
        code: 'query.syntax',
        message: `unexpected character${[...chars].length > 1 ? 's' : ''} '${chars}'`,
        column: stray.offset,
        endColumn: stray.offset + stray.length,
      },
      before: tokens.filter((token) => token.startOffset < stray.offset).length,
    };
  }
  if (unclosed !== -1) {
    const quote = text.charAt(unclosedAt);
    return {
      error: {
        code: 'query.unclosed',
        message: `this quote is never closed: end the string with ${quote}`,
        column: unclosedAt,
        endColumn: unclosedAt + 1,
      },
      before: unclosed,
    };
  }
  return undefined;
}

function tooDeep(tokens: IToken[]): QueryError | undefined {
  let depth = 0;
  for (const token of tokens) {
    if (token.tokenType === LParen && ++depth > MAX_NESTING) {
      return {
        code: 'query.syntax',
        message: `more than ${MAX_NESTING} nested parentheses`,
        column: token.startOffset,
        endColumn: tokenEnd(token),
      };
    }
    if (token.tokenType === RParen) depth = Math.max(0, depth - 1);
  }
  let operators = 0;
  for (const token of tokens) {
    const type = token.tokenType;
    if (
      (type === Not || type === And || type === Or || type === Minus) &&
      ++operators > MAX_OPERATORS
    ) {
      return {
        code: 'query.too-large',
        message: `more than ${MAX_OPERATORS} of 'and', 'or', 'not' and 'minus': write lists of values as field in (a, b, …)`,
        column: token.startOffset,
        endColumn: tokenEnd(token),
      };
    }
  }
  return undefined;
}

/** The innermost `(` still open at the end of the tokens. */
function unclosedParen(tokens: IToken[]): IToken | undefined {
  const open: IToken[] = [];
  for (const token of tokens) {
    if (token.tokenType === LParen) open.push(token);
    else if (token.tokenType === RParen) open.pop();
  }
  return open.at(-1);
}

/** Text left after a complete query: say what could have continued it. */
function trailingMessage(tokens: IToken[], redundant: IToken): string {
  const index = tokens.indexOf(redundant);
  const previous = tokens[index - 1];
  const after = previous === undefined ? '' : ` after ${describeToken(previous)}`;
  if (redundant.tokenType === RParen) return `${describeToken(redundant)} has no matching '('`;
  let depth = 0;
  let windowed = false;
  for (const token of tokens.slice(0, index)) {
    if (token.tokenType === LParen) depth++;
    else if (token.tokenType === RParen) depth--;
    else if (token.tokenType === With && depth === 0) windowed = true;
  }
  const expected = windowed
    ? "'limit', 'offset', 'stride' or the end of the query"
    : "'and', 'or', 'minus', 'with' or the end of the query";
  return `expected ${expected}${after} but found ${describeToken(redundant)}`;
}

/** Parses a dataset query (docs/queries.md). Never throws on any text. */
export function parseQuery(text: string): QueryResult {
  if (text.length > MAX_QUERY_LENGTH) {
    return failed({
      code: 'query.too-large',
      message: `queries are limited to ${MAX_QUERY_LENGTH} characters; this one has ${text.length}`,
      column: MAX_QUERY_LENGTH,
      endColumn: text.length,
    });
  }
  const lexed = queryLexer().tokenize(text);
  const problem = lexicalProblem(text, lexed.tokens, lexed.errors);
  const tokens = problem === undefined ? lexed.tokens : lexed.tokens.slice(0, problem.before);
  if (tokens.length === 0) {
    if (problem !== undefined) return failed(problem.error);
    return failed({
      code: 'query.empty',
      message: 'the query is empty: write a condition like run_number = 5, or all',
      column: text.length,
      endColumn: text.length,
    });
  }
  const deep = tooDeep(tokens);
  if (deep !== undefined) return failed(deep);

  const parser = queryParser();
  parser.input = tokens;
  parser.messages.lastExpected = undefined;
  let query: Query;
  try {
    query = parser.query();
  } catch (e) {
    if (e instanceof QueryParseFailure) return failed(e.error);
    throw e;
  }
  const error = parser.errors[0];
  if (error === undefined)
    return problem === undefined ? { ok: true, query } : failed(problem.error);

  const token = error.token;
  if (token.tokenType === EOF) {
    // The parse ran into the cut made before a lexical problem: that problem comes first.
    if (problem !== undefined) return failed(problem.error);
    const open = unclosedParen(tokens);
    if (
      error.name === 'MismatchedTokenException' &&
      parser.messages.lastExpected === RParen &&
      open
    ) {
      return failed({
        code: 'query.unclosed',
        message: "this '(' is never closed: add ')'",
        column: open.startOffset,
        endColumn: tokenEnd(open),
      });
    }
    return failed({
      code: 'query.syntax',
      message: error.message,
      column: text.length,
      endColumn: text.length,
    });
  }
  const message =
    error.name === 'NotAllInputParsedException' ? trailingMessage(tokens, token) : error.message;
  return failed({
    code: 'query.syntax',
    message,
    column: token.startOffset,
    endColumn: tokenEnd(token),
  });
}
