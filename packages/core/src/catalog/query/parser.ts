// The grammar of docs/queries.md as a chevrotain parser with embedded actions. Every action runs
// inside ACTION (chevrotain first calls each rule once to record the grammar, with fake tokens);
// an action that finds a typed error (bad number, time, field) throws QueryParseFailure, which
// stops the parse at that token. Precedence, loosest first: with, minus, or, and, not.
import {
  EmbeddedActionsParser,
  EOF,
  type IParserErrorMessageProvider,
  type IToken,
  type TokenType,
} from 'chevrotain';
import type { Literal, Query, Span } from './ast.ts';
import { fail } from './errors.ts';
import {
  All,
  And,
  Children,
  Colon,
  Comma,
  CompareOperator,
  DatasetName,
  Defname,
  Depth,
  DotDot,
  Has,
  In,
  IsChildOf,
  IsParentOf,
  isKeywordToken,
  Like,
  Limit,
  LParen,
  Minus,
  Not,
  NumberToken,
  Of,
  Offset,
  Or,
  Parents,
  RParen,
  Snapshot,
  SnapshotRef,
  Stride,
  StringToken,
  TOKEN_TYPES,
  tokenEnd,
  Value,
  With,
  Word,
} from './tokens.ts';
import { checkLikeField, isFieldName, numberValue, typedLiteral } from './typing.ts';
import { unquote } from './literals.ts';

interface WindowParts {
  offset?: number;
  stride?: number;
  limit?: number;
}

const COMPARE: Record<string, Extract<Query, { type: 'compare' }>['op']> = {
  '=': '=',
  '==': '=',
  '!=': '!=',
  '<>': '!=',
  '<': '<',
  '<=': '<=',
  '>': '>',
  '>=': '>=',
};

/** How a token is named in messages: `')'`, `'and'`, or the end of the query. */
export function describeToken(token: IToken): string {
  if (token.tokenType === EOF) return 'the end of the query';
  const image = token.image.length > 40 ? `${token.image.slice(0, 39)}…` : token.image;
  return `'${image}'`;
}

function labelOf(type: TokenType): string {
  return type.LABEL ?? type.name;
}

function listWords(words: readonly string[]): string {
  const unique = [...new Set(words)];
  if (unique.length <= 1) return unique.join('');
  return `${unique.slice(0, -1).join(', ')} or ${unique.at(-1)}`;
}

/** What a rule expects where the token type's own label would be too vague. */
function mismatchWords(ruleName: string, expected: TokenType): string {
  if (ruleName === 'fieldName') return 'a field name';
  if (ruleName === 'count') return 'a whole number';
  if (ruleName === 'likeTail' && expected === StringToken)
    return "a quoted pattern (like 'gen_%.root')";
  if (ruleName === 'inTail' && expected === RParen) return "',' or ')'";
  return labelOf(expected);
}

const CONDITION = 'a condition (like run_number = 5 or defname: NAME)';

const VALUE_LIKE: ReadonlySet<TokenType> = new Set([Value, DatasetName, SnapshotRef]);

function expectedMessage(
  expected: string,
  previous: IToken,
  actual: IToken,
  valueExpected: boolean,
): string {
  const after = previous.tokenType === EOF ? '' : ` after ${describeToken(previous)}`;
  const hint =
    valueExpected && isKeywordToken(actual)
      ? ` (${describeToken(actual)} is a keyword: quote it to use it as a value)`
      : '';
  return `expected ${expected}${after} but found ${describeToken(actual)}${hint}`;
}

/**
 * Messages in plain words. It also remembers what the last mismatch expected, so parseQuery can
 * tell a missing `)` at the end (query.unclosed) from other syntax errors.
 */
class MessageProvider implements IParserErrorMessageProvider {
  lastExpected: TokenType | undefined;

  buildMismatchTokenMessage(options: {
    expected: TokenType;
    actual: IToken;
    previous: IToken;
    ruleName: string;
  }): string {
    const { expected, actual, previous, ruleName } = options;
    this.lastExpected = expected;
    return expectedMessage(
      mismatchWords(ruleName, expected),
      previous,
      actual,
      VALUE_LIKE.has(expected),
    );
  }

  buildNotAllInputParsedMessage(options: { firstRedundant: IToken; ruleName: string }): string {
    // parseQuery words this one itself: it knows whether a window came before.
    return `unexpected ${describeToken(options.firstRedundant)}`;
  }

  buildNoViableAltMessage(options: {
    expectedPathsPerAlt: TokenType[][][];
    actual: IToken[];
    previous: IToken;
    customUserDescription?: string;
    ruleName: string;
  }): string {
    const { expectedPathsPerAlt, actual, previous, ruleName } = options;
    const firsts = expectedPathsPerAlt.flatMap((paths) =>
      paths.flatMap((path) => (path[0] === undefined ? [] : [labelOf(path[0])])),
    );
    const words = ruleName === 'primary' ? CONDITION : listWords(firsts);
    const found = actual[0] ?? previous;
    const valueExpected = expectedPathsPerAlt.some((paths) =>
      paths.some((path) => path[0] !== undefined && VALUE_LIKE.has(path[0])),
    );
    return expectedMessage(words, previous, found, valueExpected);
  }

  buildEarlyExitMessage(options: {
    expectedIterationPaths: TokenType[][];
    actual: IToken[];
    previous: IToken;
    customUserDescription?: string;
    ruleName: string;
  }): string {
    const { expectedIterationPaths, actual, previous } = options;
    const firsts = expectedIterationPaths.flatMap((path) =>
      path[0] === undefined ? [] : [labelOf(path[0])],
    );
    return expectedMessage(listWords(firsts), previous, actual[0] ?? previous, false);
  }
}

export class QueryParser extends EmbeddedActionsParser {
  readonly messages: MessageProvider;

  constructor() {
    const messages = new MessageProvider();
    super(TOKEN_TYPES, { errorMessageProvider: messages, maxLookahead: 2 });
    this.messages = messages;
    this.performSelfAnalysis();
  }

  /** From `first`'s start to the end of the last token consumed. */
  private spanFrom(first: IToken): Span {
    return { start: first.startOffset, end: tokenEnd(this.LA(0)) };
  }

  readonly query = this.RULE('query', (): Query => {
    const first = this.LA(1);
    const body = this.SUBRULE(this.minusExpr);
    const parts = this.OPTION(() => this.SUBRULE(this.window));
    return this.ACTION(() => {
      if (parts === undefined) return body;
      const window: Query = {
        type: 'window',
        query: body,
        offset: parts.offset ?? 0,
        stride: parts.stride ?? 1,
        span: this.spanFrom(first),
      };
      if (parts.limit !== undefined) window.limit = parts.limit;
      return window;
    });
  });

  private readonly window = this.RULE('window', (): WindowParts => {
    this.CONSUME(With);
    const parts: WindowParts = {};
    const set = (keyword: IToken, part: keyof WindowParts, value: number): void => {
      if (parts[part] !== undefined) {
        fail(
          'query.syntax',
          `'${part}' is given twice: each of limit, offset and stride may appear once`,
          keyword.startOffset,
          tokenEnd(keyword),
        );
      }
      parts[part] = value;
    };
    this.AT_LEAST_ONE(() => {
      this.OR([
        {
          ALT: () => {
            const keyword = this.CONSUME(Limit);
            const n = this.SUBRULE(this.count, { ARGS: [0, 'limit'] });
            this.ACTION(() => set(keyword, 'limit', n));
          },
        },
        {
          ALT: () => {
            const keyword = this.CONSUME(Offset);
            const n = this.SUBRULE1(this.count, { ARGS: [0, 'offset'] });
            this.ACTION(() => set(keyword, 'offset', n));
          },
        },
        {
          ALT: () => {
            const keyword = this.CONSUME(Stride);
            const n = this.SUBRULE2(this.count, { ARGS: [1, 'stride'] });
            this.ACTION(() => set(keyword, 'stride', n));
          },
        },
      ]);
    });
    return parts;
  });

  /** A whole number of at least `min`, for limit, offset, stride and depth. */
  private readonly count = this.RULE('count', (min = 0, what = 'it'): number => {
    const token = this.CONSUME(NumberToken);
    return this.ACTION(() => {
      const value = numberValue(token.image, token);
      if (!Number.isSafeInteger(value) || value < min) {
        fail(
          'query.bad-number',
          `${what} must be a whole number of at least ${min}, not ${describeToken(token)}`,
          token.startOffset,
          tokenEnd(token),
        );
      }
      return value;
    });
  });

  private readonly minusExpr = this.RULE('minusExpr', (): Query => {
    const first = this.LA(1);
    let left = this.SUBRULE(this.orExpr);
    this.MANY(() => {
      this.CONSUME(Minus);
      const right = this.SUBRULE1(this.orExpr);
      left = this.ACTION(() => ({ type: 'minus', left, right, span: this.spanFrom(first) }));
    });
    return left;
  });

  private readonly orExpr = this.RULE('orExpr', (): Query => {
    const first = this.LA(1);
    let left = this.SUBRULE(this.andExpr);
    this.MANY(() => {
      this.CONSUME(Or);
      const right = this.SUBRULE1(this.andExpr);
      left = this.ACTION(() => ({ type: 'or', left, right, span: this.spanFrom(first) }));
    });
    return left;
  });

  private readonly andExpr = this.RULE('andExpr', (): Query => {
    const first = this.LA(1);
    let left = this.SUBRULE(this.notExpr);
    this.MANY(() => {
      this.CONSUME(And);
      const right = this.SUBRULE1(this.notExpr);
      left = this.ACTION(() => ({ type: 'and', left, right, span: this.spanFrom(first) }));
    });
    return left;
  });

  // `not not x` is a loop rather than recursion: a long chain cannot overflow the stack.
  private readonly notExpr = this.RULE('notExpr', (): Query => {
    const nots: IToken[] = [];
    this.MANY(() => {
      nots.push(this.CONSUME(Not));
    });
    const operand = this.SUBRULE(this.primary);
    return this.ACTION(() => {
      const end = tokenEnd(this.LA(0));
      return nots.reduceRight<Query>(
        (inner, not) => ({ type: 'not', operand: inner, span: { start: not.startOffset, end } }),
        operand,
      );
    });
  });

  private readonly primary = this.RULE('primary', (): Query =>
    this.OR([
      { ALT: () => this.SUBRULE(this.group) },
      {
        ALT: () => {
          const token = this.CONSUME(All);
          return this.ACTION(() => ({ type: 'all', span: this.spanFrom(token) }));
        },
      },
      {
        ALT: () => {
          const first = this.CONSUME(Defname);
          this.CONSUME(Colon);
          const name = this.CONSUME(DatasetName);
          return this.ACTION(() => ({
            type: 'defname',
            name: this.nameOf(name, 'a dataset name'),
            span: this.spanFrom(first),
          }));
        },
      },
      {
        ALT: () => {
          const first = this.CONSUME(Snapshot);
          this.CONSUME1(Colon);
          const ref = this.CONSUME(SnapshotRef);
          return this.ACTION(() => ({
            type: 'snapshot',
            ref: this.snapshotRefOf(ref),
            span: this.spanFrom(first),
          }));
        },
      },
      { ALT: () => this.SUBRULE(this.lineage) },
      {
        ALT: () => {
          const first = this.CONSUME(Has);
          const field = this.SUBRULE(this.fieldName);
          return this.ACTION(() => ({
            type: 'has',
            field: field.image,
            span: this.spanFrom(first),
          }));
        },
      },
      { ALT: () => this.SUBRULE(this.predicate) },
    ]),
  );

  private readonly group = this.RULE('group', (): Query => {
    this.CONSUME(LParen);
    const query = this.SUBRULE(this.query);
    this.CONSUME(RParen);
    return query;
  });

  /** `children [depth N] of (Q)`, `parents …`, and SAM's `isparentof:(Q)`, `ischildof:(Q)`. */
  private readonly lineage = this.RULE('lineage', (): Query => {
    const first = this.LA(1);
    return this.OR([
      {
        ALT: () => {
          const which = this.OR1([
            { ALT: () => this.CONSUME(Children) },
            { ALT: () => this.CONSUME(Parents) },
          ]);
          const depth = this.OPTION(() => {
            this.CONSUME(Depth);
            return this.SUBRULE(this.count, { ARGS: [1, 'depth'] });
          });
          this.CONSUME(Of);
          const of = this.SUBRULE(this.group);
          return this.ACTION(() => ({
            type: which.tokenType === Children ? 'children' : 'parents',
            of,
            depth: depth ?? 1,
            span: this.spanFrom(first),
          }));
        },
      },
      // SAM: isparentof:(Q) is the files that are parents of Q's files.
      {
        ALT: () => {
          this.CONSUME(IsParentOf);
          const of = this.SUBRULE1(this.group);
          return this.ACTION(() => ({ type: 'parents', of, depth: 1, span: this.spanFrom(first) }));
        },
      },
      {
        ALT: () => {
          this.CONSUME(IsChildOf);
          const of = this.SUBRULE2(this.group);
          return this.ACTION(() => ({
            type: 'children',
            of,
            depth: 1,
            span: this.spanFrom(first),
          }));
        },
      },
    ]);
  });

  private readonly fieldName = this.RULE('fieldName', (): IToken => {
    const token = this.CONSUME(Word);
    this.ACTION(() => {
      if (!isFieldName(token.image)) {
        fail(
          'query.syntax',
          `${describeToken(token)} is not a field name: a field is letters, digits and '_', in parts joined by '.' (like run_number or dune.campaign)`,
          token.startOffset,
          tokenEnd(token),
        );
      }
    });
    return token;
  });

  /** What follows a field name: an operator and its value(s). */
  private readonly predicate = this.RULE('predicate', (): Query => {
    const field = this.SUBRULE(this.fieldName);
    return this.OR([
      {
        ALT: () => {
          const op = this.CONSUME(CompareOperator);
          const value = this.CONSUME(Value);
          return this.ACTION((): Query => ({
            type: 'compare',
            field: field.image,
            op: COMPARE[op.image] ?? '=',
            value: typedLiteral(field.image, value),
            span: this.spanFrom(field),
          }));
        },
      },
      {
        ALT: () => {
          this.CONSUME(In);
          return this.SUBRULE(this.inTail, { ARGS: [field] });
        },
      },
      {
        ALT: () => {
          this.CONSUME(Not);
          const negated = this.OR1([
            {
              ALT: () => {
                this.CONSUME1(In);
                return this.SUBRULE1(this.inTail, { ARGS: [field] });
              },
            },
            { ALT: () => this.SUBRULE1(this.likeTail, { ARGS: [field] }) },
          ]);
          return this.ACTION((): Query => ({
            type: 'not',
            operand: negated,
            span: this.spanFrom(field),
          }));
        },
      },
      { ALT: () => this.SUBRULE(this.likeTail, { ARGS: [field] }) },
    ]);
  });

  /** After `field in`: a list `(a, b)` or a range `a..b`. */
  private readonly inTail = this.RULE('inTail', (field?: IToken): Query => {
    return this.OR([
      {
        ALT: () => {
          this.CONSUME(LParen);
          const tokens = [this.CONSUME(Value)];
          this.MANY(() => {
            this.CONSUME(Comma);
            tokens.push(this.CONSUME1(Value));
          });
          this.CONSUME(RParen);
          return this.ACTION((): Query => {
            const name = (field as IToken).image;
            const values: Literal[] = tokens.map((token) => typedLiteral(name, token));
            return { type: 'in', field: name, values, span: this.spanFrom(field as IToken) };
          });
        },
      },
      {
        ALT: () => {
          const low = this.CONSUME2(Value);
          this.CONSUME(DotDot);
          const high = this.CONSUME3(Value);
          return this.ACTION((): Query => {
            const name = (field as IToken).image;
            return {
              type: 'range',
              field: name,
              low: typedLiteral(name, low),
              high: typedLiteral(name, high),
              span: this.spanFrom(field as IToken),
            };
          });
        },
      },
    ]);
  });

  private readonly likeTail = this.RULE('likeTail', (field?: IToken): Query => {
    this.CONSUME(Like);
    this.ACTION(() => checkLikeField(field as IToken));
    const pattern = this.CONSUME(StringToken);
    return this.ACTION((): Query => ({
      type: 'like',
      field: (field as IToken).image,
      pattern: unquote(pattern.image),
      span: this.spanFrom(field as IToken),
    }));
  });

  private nameOf(token: IToken, what: string): string {
    const name = token.tokenType === StringToken ? unquote(token.image) : token.image;
    if (name === '')
      fail('query.syntax', `${what} cannot be empty`, token.startOffset, tokenEnd(token));
    return name;
  }

  private snapshotRefOf(token: IToken): string {
    if (token.tokenType === NumberToken && !/^\d+$/.test(token.image)) {
      fail(
        'query.bad-number',
        `a snapshot id is a whole number, not ${describeToken(token)}`,
        token.startOffset,
        tokenEnd(token),
      );
    }
    return this.nameOf(token, 'a snapshot name');
  }
}

let parser: QueryParser | undefined;

/** One instance, built on first use (chevrotain's grammar analysis is the costly part). */
export function queryParser(): QueryParser {
  parser ??= new QueryParser();
  return parser;
}
