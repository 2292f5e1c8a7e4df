// The parser's internal way out: thrown deep in the reading, caught once in parseSplitSpec and
// turned into an `{ ok: false }` result, so no caller ever sees an exception.
import type { SplitError, SplitErrorCode } from './errors.ts';

/** Longest piece of the spec a message quotes: the columns point at the rest. */
const QUOTED_MAX = 40;
const MESSAGE_MAX = 300;

export class SplitParseError extends Error {
  readonly error: SplitError;

  constructor(code: SplitErrorCode, message: string, column: number, endColumn: number) {
    const readable = readableQuotes(message);
    super(readable);
    this.name = 'SplitParseError';
    this.error = { code, message: readable, column, endColumn };
  }
}

/**
 * Messages quote the spec's text in backticks: a 100 000-digit count or a NUL would make them
 * unreadable (and as long as the input), so long quotes are cut and control characters shown.
 */
function readableQuotes(message: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what is replaced
  const shown = message.replace(/[\u0000-\u0008\u000a-\u001f\u007f]/g, (c) => {
    return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
  const clipped = shown.replace(/`([^`]*)`/g, (_, quoted: string) =>
    quoted.length > QUOTED_MAX ? `\`${quoted.slice(0, QUOTED_MAX)}…\`` : `\`${quoted}\``,
  );
  // A backtick in the spec itself can pair the quotes wrongly: a last cut keeps any message short.
  return clipped.length > MESSAGE_MAX ? `${clipped.slice(0, MESSAGE_MAX)}…` : clipped;
}
