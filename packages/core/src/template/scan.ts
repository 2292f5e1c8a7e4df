// One pass over a launch template with Python's %-formatting rules (POMS-REFERENCE §3), cutting it
// into pieces. Checking, listing names and substituting all read the same pieces, so they can never
// disagree about what a `%` means.
//
// Deliberate narrowing of Python: only the `s` conversion, with no flags or width, is accepted.
// POMS commands are shell text; `%(x)d` or `%(x)10s` there is nearly always a typo, and an
// unsupported form rejected at save time beats a surprise at launch time.

/** Why a `%` sequence is not acceptable; check.ts turns these into messages. */
export type BadPercentReason =
  /** `%` followed by nothing that makes a conversion: `100% done`, a trailing `%`. */
  | 'lone-percent'
  /** A conversion without a `(name)`: `%s`, `%d`, `%5s`. */
  | 'missing-name'
  /** `%()s`. */
  | 'empty-name'
  /** `%(name)` not followed by a conversion letter: `%(experimenter)/`. */
  | 'missing-conversion'
  /** `%(name)` followed by anything other than a plain `s`: `%(x)d`, `%(x)-5s`. */
  | 'wrong-conversion'
  /** `%(` whose `)` never comes. */
  | 'unclosed';

/** A well-formed `%(name)s`. */
export interface NamePiece {
  readonly kind: 'name';
  readonly offset: number;
  readonly length: number;
  readonly name: string;
}

/** A `%` sequence that is not `%%` or `%(name)s`; offset/length cover exactly that sequence. */
export interface BadPiece {
  readonly kind: 'bad';
  readonly offset: number;
  readonly length: number;
  readonly reason: BadPercentReason;
  /** The text between the parentheses, when there were parentheses. */
  readonly name?: string;
  /** The conversion part as written (`d`, `-5s`), for messages. */
  readonly conversion?: string;
}

export type TemplatePiece =
  | { readonly kind: 'text'; readonly offset: number; readonly text: string }
  /** `%%`, a literal percent sign. */
  | { readonly kind: 'percent'; readonly offset: number }
  | NamePiece
  | BadPiece;

// Python's conversion spec after the optional key: flags, width, precision, length modifier,
// conversion letter. Matching the whole of it lets an error cover `%(x)-10d`, not just `%(x)`.
const CONVERSION = /[-+#0]*(?:\d+|\*)?(?:\.(?:\d+|\*)?)?[hlL]?[A-Za-z]/y;

function conversionAt(text: string, at: number): string | undefined {
  CONVERSION.lastIndex = at;
  const match = CONVERSION.exec(text);
  return match ? match[0] : undefined;
}

/**
 * Index of the `)` closing the `(` at `open`, or -1. Python counts nesting inside a mapping key,
 * so `%(a(b))s` names `a(b)`; we follow it so that our reading of a template is Python's.
 */
function closingParen(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
  }
  return -1;
}

function readNamed(text: string, start: number): NamePiece | BadPiece {
  const open = start + 1;
  const close = closingParen(text, open);
  if (close < 0) {
    // Cover what looks like the intended name, not the rest of the line: the user will most
    // likely add `)s` right after it.
    const name = /^[A-Za-z0-9_]*/.exec(text.slice(open + 1))?.[0] ?? '';
    return { kind: 'bad', offset: start, length: 2 + name.length, reason: 'unclosed', name };
  }
  const name = text.slice(open + 1, close);
  const conversion = conversionAt(text, close + 1);
  const length = close + 1 - start + (conversion?.length ?? 0);
  if (conversion === undefined) {
    return { kind: 'bad', offset: start, length, reason: 'missing-conversion', name };
  }
  if (conversion !== 's') {
    return { kind: 'bad', offset: start, length, reason: 'wrong-conversion', name, conversion };
  }
  if (name === '') return { kind: 'bad', offset: start, length, reason: 'empty-name', name };
  return { kind: 'name', offset: start, length, name };
}

export function scanTemplate(text: string): TemplatePiece[] {
  const pieces: TemplatePiece[] = [];
  let literalStart = 0;
  let i = 0;
  while (i < text.length) {
    const at = text.indexOf('%', i);
    if (at < 0) break;
    if (at > literalStart) {
      pieces.push({ kind: 'text', offset: literalStart, text: text.slice(literalStart, at) });
    }
    let piece: TemplatePiece;
    let length: number;
    const next = text[at + 1];
    if (next === '%') {
      piece = { kind: 'percent', offset: at };
      length = 2;
    } else if (next === '(') {
      piece = readNamed(text, at);
      length = piece.length;
    } else {
      const conversion = conversionAt(text, at + 1);
      length = 1 + (conversion?.length ?? 0);
      piece =
        conversion === undefined
          ? { kind: 'bad', offset: at, length, reason: 'lone-percent' }
          : { kind: 'bad', offset: at, length, reason: 'missing-name', conversion };
    }
    pieces.push(piece);
    i = at + length;
    literalStart = i;
  }
  if (literalStart < text.length) {
    pieces.push({ kind: 'text', offset: literalStart, text: text.slice(literalStart) });
  }
  return pieces;
}
