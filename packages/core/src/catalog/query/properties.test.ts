import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { COMPARE_OPS, isStandardField, STANDARD_FIELDS, type Literal, type Query } from './ast.ts';
import { QUERY_ERROR_CODES } from './errors.ts';
import { formatQuery } from './format.ts';
import { parseQuery } from './parse.ts';
import { q } from './testing.ts';
import { KEYWORDS } from './tokens.ts';
import { querySpanless, subqueries } from './tree.ts';

/** Every span lies inside the text and covers something. */
function assertSpans(query: Query, length: number): void {
  const stack: Query[] = [query];
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    const { span } = node;
    assert.ok(span !== undefined && span.start >= 0 && span.start < span.end && span.end <= length);
    stack.push(...subqueries(node));
  }
}

/** Any text: a well-formed result, and a parsed query prints to text that parses back the same. */
function checkAnyText(text: string): void {
  const result = parseQuery(text);
  if (!result.ok) {
    const { code, column, endColumn, message } = result.error;
    assert.ok((QUERY_ERROR_CODES as readonly string[]).includes(code));
    assert.ok(
      0 <= column && column <= endColumn && endColumn <= text.length,
      `${column}–${endColumn}`,
    );
    assert.ok(message.length > 0);
    return;
  }
  assertSpans(result.query, text.length);
  const spanless = querySpanless(result.query);
  assert.deepEqual(q(formatQuery(result.query)), spanless, text);
}

const VOCABULARY = [
  ...KEYWORDS,
  ...KEYWORDS.map((keyword) => keyword.toUpperCase()),
  'isparentof:',
  'ischildof:',
  '(',
  ')',
  ',',
  ':',
  '..',
  ...COMPARE_OPS,
  '==',
  '<>',
  ...Object.keys(STANDARD_FIELDS),
  'x',
  'dune.campaign',
  'raw',
  'reco-pass2',
  'a.',
  '5',
  '-1.5',
  '1e999',
  '007',
  '0',
  '2025-01-31',
  '2025-02-30',
  '2025-01-31T06:00:00Z',
  "'a b'",
  '"and"',
  "'",
  '"',
  '\\',
  '#',
  '.',
  '-',
];

const vocabularyText = fc
  .array(fc.tuple(fc.constantFrom(...VOCABULARY), fc.constantFrom(' ', '', '\n', '  ')), {
    maxLength: 25,
  })
  .map((parts) => parts.map(([token, space]) => token + space).join(''));

/** Any UTF-16 code unit, lone surrogates included. */
const codeUnitText = fc.string({
  unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
});

// --- Syntax trees as parseQuery makes them: literals typed by their standard field, times that
// text can hold, no -0, names that are not empty.

const CUSTOM_FIELD = fc
  .stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,6}(\.[A-Za-z_][A-Za-z0-9_]{0,4}){0,2}$/)
  .filter((name) => !(KEYWORDS as readonly string[]).includes(name.toLowerCase()));
const STANDARD = Object.keys(STANDARD_FIELDS) as (keyof typeof STANDARD_FIELDS)[];
const field = fc.oneof(fc.constantFrom(...STANDARD), CUSTOM_FIELD);

const finite = fc.double({ noNaN: true, noDefaultInfinity: true }).map((v) => (v === 0 ? 0 : v));
const anyText = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.constantFrom('raw', 'and', 'OR', '5', '2025-01-31', 'a.', 'a..b', "it's", '"', '\\', ''),
);
const printableTime = fc
  .integer({ min: -62167219200000, max: 253402300799999 })
  .map((ms) => ms / 1000);

const numberLiteral = finite.map((value): Literal => ({ kind: 'number', value }));
const stringLiteral = anyText.map((value): Literal => ({ kind: 'string', value }));
const timeLiteral = (values: fc.Arbitrary<number>) =>
  values.map((value): Literal => ({ kind: 'time', value }));

function literalFor(name: string): fc.Arbitrary<Literal> {
  if (!isStandardField(name)) {
    return fc.oneof(numberLiteral, stringLiteral, timeLiteral(printableTime));
  }
  switch (STANDARD_FIELDS[name]) {
    case 'number':
      return numberLiteral;
    case 'string':
      return stringLiteral;
    case 'time':
      // Any finite number: those that ISO cannot write are written as epoch seconds.
      return timeLiteral(fc.oneof(printableTime, finite));
  }
}

const name = anyText.filter((text) => text !== '');
// Plain objects, like the parser's (fast-check's default has a null prototype).
const RECORD = { noNullPrototype: true } as const;
const TEXT_FIELDS = ['file_name', 'data_tier', 'software_version', 'checksum'] as const;

const leaf: fc.Arbitrary<Query> = fc.oneof(
  fc.constant<Query>({ type: 'all' }),
  field.chain((f) =>
    fc.record(
      {
        type: fc.constant('compare' as const),
        field: fc.constant(f),
        op: fc.constantFrom(...COMPARE_OPS),
        value: literalFor(f),
      },
      RECORD,
    ),
  ),
  field.chain((f) =>
    fc.record(
      {
        type: fc.constant('range' as const),
        field: fc.constant(f),
        low: literalFor(f),
        high: literalFor(f),
      },
      RECORD,
    ),
  ),
  field.chain((f) =>
    fc.record(
      {
        type: fc.constant('in' as const),
        field: fc.constant(f),
        values: fc.array(literalFor(f), { minLength: 1, maxLength: 4 }),
      },
      RECORD,
    ),
  ),
  fc.record(
    {
      type: fc.constant('like' as const),
      field: fc.oneof(fc.constantFrom(...TEXT_FIELDS), CUSTOM_FIELD),
      pattern: anyText,
    },
    RECORD,
  ),
  fc.record({ type: fc.constant('has' as const), field }, RECORD),
  fc.record({ type: fc.constant('defname' as const), name }, RECORD),
  fc.record(
    {
      type: fc.constant('snapshot' as const),
      ref: fc.oneof(name, fc.stringMatching(/^\d{1,25}$/)),
    },
    RECORD,
  ),
);

const { query: queryTree } = fc.letrec<{ query: Query }>((tie) => ({
  query: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.record(
      {
        type: fc.constantFrom('and' as const, 'or' as const, 'minus' as const),
        left: tie('query'),
        right: tie('query'),
      },
      RECORD,
    ),
    fc.record({ type: fc.constant('not' as const), operand: tie('query') }, RECORD),
    fc.record(
      {
        type: fc.constantFrom('children' as const, 'parents' as const),
        of: tie('query'),
        depth: fc.integer({ min: 1, max: 5 }),
      },
      RECORD,
    ),
    fc
      .record({
        query: tie('query'),
        offset: fc.nat(),
        stride: fc.integer({ min: 1, max: 1000 }),
        limit: fc.option(fc.nat(), { nil: undefined }),
      })
      .map(({ query, offset, stride, limit }): Query => {
        const window: Query = { type: 'window', query, offset, stride };
        if (limit !== undefined) window.limit = limit;
        return window;
      }),
  ),
}));

describe('parseQuery properties', () => {
  it('never throws on arbitrary text, and errors stay inside it', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), checkAnyText), { numRuns: 500 });
    fc.assert(fc.property(codeUnitText, checkAnyText), { numRuns: 500 });
  });

  it('never throws on text made of its own tokens', () => {
    fc.assert(fc.property(vocabularyText, checkAnyText), { numRuns: 3000 });
  });
});

describe('formatQuery properties', () => {
  it('prints every tree as text that parses back to it', () => {
    fc.assert(
      fc.property(queryTree, (query) => {
        const text = formatQuery(query);
        assert.deepEqual(q(text), query, text);
        // Canonical: printing the parse again gives the same text.
        assert.equal(formatQuery(q(text)), text);
      }),
      { numRuns: 1000 },
    );
  });
});
