// Tokens of the query language (docs/queries.md). Chevrotain takes the first pattern that matches,
// except that a pattern with `longer_alt` yields to the bare word when the word is longer: that
// keeps `offset` from being `of` + `fset`, `2025-01-31x` and `5abc` whole words, and `android` a
// word rather than `and`. A bare word never contains `..`, so `1..3`, `a..b` and
// `2025-01-01..2025-02-01` split into range parts.
import { createToken, Lexer, type IToken, type TokenType } from 'chevrotain';

/** Categories for the parser: what may stand as a value, a dataset name, a snapshot reference. */
export const Value = createToken({ name: 'Value', pattern: Lexer.NA, label: 'a value' });
export const DatasetName = createToken({
  name: 'DatasetName',
  pattern: Lexer.NA,
  label: 'a dataset name',
});
export const SnapshotRef = createToken({
  name: 'SnapshotRef',
  pattern: Lexer.NA,
  label: 'a snapshot name or id',
});
/** A bare word: field names, unquoted values and names. */
export const Word = createToken({
  name: 'Word',
  pattern: /[A-Za-z0-9_](?:[A-Za-z0-9_%+-]|\.(?!\.))*/,
  categories: [Value, DatasetName, SnapshotRef],
  label: 'a word',
});

/** Anything shaped like an ISO date, then checked strictly (a bad one is `query.bad-time`). */
export const Time = createToken({
  name: 'Time',
  pattern: /\d{4}-\d{2}-\d{2}(?:[Tt](?:[0-9A-Za-z_%+:-]|\.(?!\.))*)?/,
  longer_alt: Word,
  categories: [Value],
  label: 'a time',
});

export const NumberToken = createToken({
  name: 'Number',
  pattern: /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/,
  longer_alt: Word,
  categories: [Value, SnapshotRef],
  label: 'a number',
});

export const StringToken = createToken({
  name: 'String',
  pattern: /'(?:[^'\\]|\\[\s\S])*'|"(?:[^"\\]|\\[\s\S])*"/,
  line_breaks: true,
  categories: [Value, DatasetName, SnapshotRef],
  label: 'a quoted string',
});

/** A quote with no closing quote: everything to the end of the text (`query.unclosed`). */
export const UnclosedString = createToken({
  name: 'UnclosedString',
  pattern: /['"][\s\S]*/,
  line_breaks: true,
});

const WhiteSpace = createToken({
  name: 'WhiteSpace',
  pattern: /\s+/,
  group: Lexer.SKIPPED,
  line_breaks: true,
});

export const LParen = createToken({ name: 'LParen', pattern: '(', label: "'('" });
export const RParen = createToken({ name: 'RParen', pattern: ')', label: "')'" });
export const Comma = createToken({ name: 'Comma', pattern: ',', label: "','" });
export const Colon = createToken({ name: 'Colon', pattern: ':', label: "':'" });
export const DotDot = createToken({ name: 'DotDot', pattern: '..', label: "'..'" });

/** Category of the comparison operators, so the parser consumes "any operator" at once. */
export const CompareOperator = createToken({
  name: 'CompareOperator',
  pattern: Lexer.NA,
  label: 'a comparison operator',
});
// Longest first: `<=` before `<`, `==` before `=`.
const OPERATORS = ['==', '!=', '<>', '<=', '>=', '=', '<', '>'].map((op) =>
  createToken({ name: `Op${op}`, pattern: op, categories: [CompareOperator], label: `'${op}'` }),
);

/** Words that are syntax; as values they must be quoted. */
export const KEYWORDS = [
  'and',
  'or',
  'not',
  'minus',
  'with',
  'limit',
  'offset',
  'stride',
  'in',
  'like',
  'has',
  'all',
  'defname',
  'snapshot',
  'children',
  'parents',
  'depth',
  'of',
] as const;
export type Keyword = (typeof KEYWORDS)[number];

function keyword(word: Keyword): TokenType {
  return createToken({
    name: word.charAt(0).toUpperCase() + word.slice(1),
    pattern: new RegExp(word, 'i'),
    longer_alt: Word,
    label: `'${word}'`,
  });
}

export const And = keyword('and');
export const Or = keyword('or');
export const Not = keyword('not');
export const Minus = keyword('minus');
export const With = keyword('with');
export const Limit = keyword('limit');
export const Offset = keyword('offset');
export const Stride = keyword('stride');
export const In = keyword('in');
export const Like = keyword('like');
export const Has = keyword('has');
export const All = keyword('all');
export const Defname = keyword('defname');
export const Snapshot = keyword('snapshot');
export const Children = keyword('children');
export const Parents = keyword('parents');
export const Depth = keyword('depth');
export const Of = keyword('of');
const KEYWORD_TOKENS = [
  And,
  Or,
  Not,
  Minus,
  With,
  Limit,
  Offset,
  Stride,
  In,
  Like,
  Has,
  All,
  Defname,
  Snapshot,
  Children,
  Parents,
  Depth,
  Of,
];

// SAM's spellings, one token each (the colon is part of them, as SAM writes them). Without the
// colon they are ordinary words, so neither is a keyword.
export const IsParentOf = createToken({
  name: 'IsParentOf',
  pattern: /isparentof:/i,
  label: "'isparentof:'",
});
export const IsChildOf = createToken({
  name: 'IsChildOf',
  pattern: /ischildof:/i,
  label: "'ischildof:'",
});

/** Every token type, in the lexer's order of preference. */
export const TOKEN_TYPES: TokenType[] = [
  WhiteSpace,
  StringToken,
  UnclosedString,
  IsParentOf,
  IsChildOf,
  // Longer keywords first, so `offset` is tried before `of`.
  ...[...KEYWORD_TOKENS].sort((a, b) => b.name.length - a.name.length),
  Time,
  NumberToken,
  Word,
  DotDot,
  LParen,
  RParen,
  Comma,
  Colon,
  ...OPERATORS,
  // Categories are not lexed but the parser must know them.
  CompareOperator,
  Value,
  DatasetName,
  SnapshotRef,
];

const KEYWORD_SET: ReadonlySet<TokenType> = new Set(KEYWORD_TOKENS);

export function isKeywordToken(token: IToken): boolean {
  return KEYWORD_SET.has(token.tokenType);
}

export function isKeyword(word: string): boolean {
  return (KEYWORDS as readonly string[]).includes(word.toLowerCase());
}

let lexer: Lexer | undefined;

/** Built on first use: importing @poms/core should not pay for the lexer's analysis. */
export function queryLexer(): Lexer {
  lexer ??= new Lexer(TOKEN_TYPES, { positionTracking: 'onlyOffset', ensureOptimizations: false });
  return lexer;
}

/** 0-based offset just past a token (chevrotain's endOffset is inclusive, and absent here). */
export function tokenEnd(token: IToken): number {
  return token.startOffset + token.image.length;
}
