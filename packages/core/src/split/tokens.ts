// Tokens of a split spec. Only `(`, `)`, `,` and `=` are punctuation; everything else between
// them and whitespace is one word. Values like `1d12h` or `2024-01-31T10:00:00+02:00` thus stay
// whole, and each parameter decides what its word must look like, with the word's exact columns.

export type TokenKind = 'word' | '(' | ')' | ',' | '=' | 'end';

export interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  /** 0-based offset of the first character. */
  readonly start: number;
  /** 0-based offset just past the last character. */
  readonly end: number;
}

const PUNCTUATION = new Set(['(', ')', ',', '=']);
const SPACE = /\s/;

/** Always ends with one `end` token, placed just past the last non-space character. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text.charAt(i);
    if (SPACE.test(c)) {
      i++;
    } else if (PUNCTUATION.has(c)) {
      tokens.push({ kind: c as TokenKind, text: c, start: i, end: i + 1 });
      i++;
    } else {
      const start = i;
      while (i < text.length && !SPACE.test(text.charAt(i)) && !PUNCTUATION.has(text.charAt(i)))
        i++;
      tokens.push({ kind: 'word', text: text.slice(start, i), start, end: i });
    }
  }
  const last = tokens.at(-1)?.end ?? 0;
  tokens.push({ kind: 'end', text: '', start: last, end: last });
  return tokens;
}
