/** Query text as the catalog receives it (dataset definitions, saved queries): parsed once, here. */
import type { Query, QueryError } from '@poms/core';
import { parseQuery } from '@poms/core/query';
import { InvalidArgumentError } from '../../ports/errors.ts';
import { isStorableText } from './metadata.ts';

export const MAX_QUERY_TEXT = 100_000;

/** Parses query text; a bad one is an InvalidArgumentError on `field` that points at the column. */
export function parseQueryText(text: unknown, field = 'query'): Query {
  if (typeof text !== 'string') throw new InvalidArgumentError(field, 'must be a string');
  if (text.length > MAX_QUERY_TEXT) {
    throw new InvalidArgumentError(field, `must be at most ${MAX_QUERY_TEXT} characters`);
  }
  if (!isStorableText(text)) {
    throw new InvalidArgumentError(field, 'must be well-formed Unicode without NUL (U+0000)');
  }
  const parsed = parseQuery(text);
  if (parsed.ok) return parsed.query;
  throw new QueryTextError(field, parsed.error);
}

/** Query text that does not parse: where (0-based `column`) and why (`reason`, a query.* code). */
export class QueryTextError extends InvalidArgumentError {
  readonly reason: QueryError['code'];
  readonly column: number;
  readonly endColumn: number;

  constructor(field: string, error: QueryError) {
    super(field, `${error.message} (column ${error.column + 1})`);
    this.reason = error.code;
    this.column = error.column;
    this.endColumn = error.endColumn;
  }
}
