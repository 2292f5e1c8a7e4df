// Turning one parameter word into a number, with errors placed on that word.
import { parseDuration } from './duration.ts';
import { SplitParseError } from './failure.ts';
import { parseTimestamp } from './timestamp.ts';
import type { Token } from './tokens.ts';

function wholeNumber(token: Token, what: string): number {
  if (!/^\d+$/.test(token.text)) {
    throw new SplitParseError(
      'split.bad-number',
      `\`${token.text}\` is not a valid ${what}: write digits only, e.g. \`10\`.`,
      token.start,
      token.end,
    );
  }
  const value = Number(token.text);
  if (!Number.isSafeInteger(value)) {
    throw new SplitParseError(
      'split.range',
      `\`${token.text}\` is too large a ${what}.`,
      token.start,
      token.end,
    );
  }
  return value;
}

/** A count of files or slices: a zero count would never advance. */
export function readCount(token: Token): number {
  const value = wholeNumber(token, 'count');
  if (value < 1) {
    throw new SplitParseError(
      'split.range',
      'The count must be at least 1.',
      token.start,
      token.end,
    );
  }
  return value;
}

export function readRunNumber(token: Token): number {
  return wholeNumber(token, 'run number');
}

export function readDuration(token: Token): number {
  const result = parseDuration(token.text);
  if (!result.ok)
    throw new SplitParseError('split.bad-duration', result.message, token.start, token.end);
  return result.seconds;
}

export function readTimestamp(token: Token): number {
  const result = parseTimestamp(token.text);
  if (!result.ok) throw new SplitParseError(result.code, result.message, token.start, token.end);
  return result.seconds;
}

/** POMS wrote `localtime=0|1`; true/false are accepted because people write them. */
export function readFlag(token: Token): boolean {
  const text = token.text.toLowerCase();
  if (text === '1' || text === 'true') return true;
  if (text === '0' || text === 'false') return false;
  throw new SplitParseError(
    'split.bad-flag',
    `\`${token.text}\` is not a flag: write \`1\` (yes) or \`0\` (no).`,
    token.start,
    token.end,
  );
}

export function rangeError(token: Token, message: string): never {
  throw new SplitParseError('split.range', message, token.start, token.end);
}
