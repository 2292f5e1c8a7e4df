// Helpers for the query tests (not exported from index.ts). They throw plain errors rather than
// use node:assert, so this file stays as pure as the rest of core.
import type { CompareOp, Literal, Query } from './ast.ts';
import type { QueryErrorCode } from './errors.ts';
import { parseQuery } from './parse.ts';
import { querySpanless } from './tree.ts';

/** The parsed tree without spans; throws when the text does not parse. */
export function q(text: string): Query {
  const result = parseQuery(text);
  if (!result.ok) {
    throw new Error(`${JSON.stringify(text)} did not parse: ${result.error.message}`);
  }
  return querySpanless(result.query);
}

export interface ErrorSeen {
  code: QueryErrorCode;
  column: number;
  /** The text between column and endColumn. */
  covers: string;
  message: string;
}

/** The error of a text that must not parse; throws when it parses. */
export function errorOf(text: string): ErrorSeen {
  const result = parseQuery(text);
  if (result.ok) throw new Error(`${JSON.stringify(text)} parsed`);
  const { code, column, endColumn, message } = result.error;
  if (column < 0 || endColumn < column || endColumn > text.length) {
    throw new Error(`${JSON.stringify(text)}: columns ${column}–${endColumn} outside the text`);
  }
  return { code, column, covers: text.slice(column, endColumn), message };
}

export const num = (value: number): Literal => ({ kind: 'number', value });
export const str = (value: string): Literal => ({ kind: 'string', value });
export const time = (value: number): Literal => ({ kind: 'time', value });

export function cmp(field: string, op: CompareOp, value: Literal): Query {
  return { type: 'compare', field, op, value };
}

/** Epoch seconds of a UTC date-time, for expected values. */
export function utc(iso: string): number {
  return Date.parse(iso) / 1000;
}
