// Values as written → Literals, typed by the field they are compared with. A standard field gets
// literals of its own kind only (number fields numbers, time fields times, text fields strings), so
// the SQL translation can trust the tree; other fields are experiment-defined and take any value.
import type { IToken } from 'chevrotain';
import { isStandardField, STANDARD_FIELDS, type Literal } from './ast.ts';
import { fail } from './errors.ts';
import { NUMBER_TEXT, parseTime, TIME_SHAPE, unquote } from './literals.ts';
import { NumberToken, StringToken, Time, tokenEnd } from './tokens.ts';

const FIELD = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$/;

export function isFieldName(text: string): boolean {
  return FIELD.test(text);
}

function shown(token: IToken): string {
  return token.image.length > 40 ? `${token.image.slice(0, 39)}…` : token.image;
}

/** A number from its text; an overflow to infinity is an error at the token. */
export function numberValue(text: string, token: IToken): number {
  const value = Number(text);
  if (!Number.isFinite(value)) {
    fail(
      'query.bad-number',
      `'${shown(token)}' is too large a number`,
      token.startOffset,
      tokenEnd(token),
    );
  }
  // -0 would print as 0 and compare unequal to itself after a round trip.
  return value === 0 ? 0 : value;
}

/** The literal a value token stands for, whatever the field. */
export function literalOf(token: IToken): Literal {
  if (token.tokenType === StringToken) return { kind: 'string', value: unquote(token.image) };
  if (token.tokenType === NumberToken)
    return { kind: 'number', value: numberValue(token.image, token) };
  if (token.tokenType === Time) {
    const time = parseTime(token.image);
    if (!time.ok) fail('query.bad-time', time.message, token.startOffset, tokenEnd(token));
    return { kind: 'time', value: time.seconds };
  }
  return { kind: 'string', value: token.image };
}

/** The literal a value token stands for when compared with `field`. */
export function typedLiteral(field: string, token: IToken): Literal {
  const literal = literalOf(token);
  if (!isStandardField(field)) return literal;
  const kind = STANDARD_FIELDS[field];
  const at = (message: string): never =>
    fail('query.bad-field', message, token.startOffset, tokenEnd(token));
  switch (kind) {
    case 'string':
      // A text field compares text: `software_version = 1.10` means the text "1.10", not 1.1.
      return literal.kind === 'string' ? literal : { kind: 'string', value: token.image };
    case 'number':
      if (literal.kind === 'number') return literal;
      if (literal.kind === 'string' && NUMBER_TEXT.test(literal.value)) {
        return { kind: 'number', value: numberValue(literal.value, token) };
      }
      return at(
        literal.kind === 'time'
          ? `${field} is a number: '${shown(token)}' is a time`
          : `${field} is a number: '${shown(token)}' is not a number`,
      );
    case 'time':
      if (literal.kind === 'time') return literal;
      // Epoch seconds, as POMS and SAM store times.
      if (literal.kind === 'number') return { kind: 'time', value: literal.value };
      if (NUMBER_TEXT.test(literal.value)) {
        return { kind: 'time', value: numberValue(literal.value, token) };
      }
      if (token.tokenType === StringToken && TIME_SHAPE.test(literal.value)) {
        const time = parseTime(literal.value);
        if (!time.ok) fail('query.bad-time', time.message, token.startOffset, tokenEnd(token));
        return { kind: 'time', value: time.seconds };
      }
      return at(
        `${field} is a time: '${shown(token)}' is neither a date (2025-01-31), a date-time (2025-01-31T06:00:00Z) nor epoch seconds`,
      );
  }
}

/** `like` matches text: on a standard number or time field it is an error at the field name. */
export function checkLikeField(fieldToken: IToken): void {
  const field = fieldToken.image;
  if (isStandardField(field) && STANDARD_FIELDS[field] !== 'string') {
    fail(
      'query.bad-field',
      `'like' matches text, but ${field} is a ${STANDARD_FIELDS[field]}: compare it with =, <, >, in instead`,
      fieldToken.startOffset,
      tokenEnd(fieldToken),
    );
  }
}
