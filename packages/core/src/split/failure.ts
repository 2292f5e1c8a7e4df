// The parser's internal way out: thrown deep in the reading, caught once in parseSplitSpec and
// turned into an `{ ok: false }` result, so no caller ever sees an exception.
import type { SplitError, SplitErrorCode } from './errors.ts';

export class SplitParseError extends Error {
  readonly error: SplitError;

  constructor(code: SplitErrorCode, message: string, column: number, endColumn: number) {
    super(message);
    this.name = 'SplitParseError';
    this.error = { code, message, column, endColumn };
  }
}
