// Result and error shapes of the query parser. Codes are stable (DESIGN.md §8): the CLI, the API
// and the editor key on them, so add new ones rather than renaming (docs/queries.md lists them).
import type { Query } from './ast.ts';

export const QUERY_ERROR_CODES = [
  /** A token where it cannot go; the message says what was expected. */
  'query.syntax',
  /** A `(` or a quote that is never closed. */
  'query.unclosed',
  /** A number that cannot be used: too large, or not a whole number where one is required. */
  'query.bad-number',
  /** A date or date-time that does not exist or is not written as ISO 8601. */
  'query.bad-time',
  /** A value of the wrong type for a standard field, or `like` on a field that is not text. */
  'query.bad-field',
  /** Nothing but whitespace. */
  'query.empty',
  /** Longer than 64 Ki characters, or more than 500 operators (and, or, not, minus). */
  'query.too-large',
] as const;

export type QueryErrorCode = (typeof QUERY_ERROR_CODES)[number];

export interface QueryError {
  readonly code: QueryErrorCode;
  readonly message: string;
  /** 0-based offset of the first offending character (UTF-16 code units). */
  readonly column: number;
  /** 0-based offset just past the offending text; equals `column` at the end of the text. */
  readonly endColumn: number;
}

export type QueryResult =
  { readonly ok: true; readonly query: Query } | { readonly ok: false; readonly error: QueryError };

/** Thrown inside the parser's actions to stop at the first error; parseQuery turns it into a result. */
export class QueryParseFailure extends Error {
  constructor(readonly error: QueryError) {
    super(error.message);
    this.name = 'QueryParseFailure';
  }
}

export function fail(
  code: QueryErrorCode,
  message: string,
  column: number,
  endColumn: number,
): never {
  throw new QueryParseFailure({ code, message, column, endColumn });
}
