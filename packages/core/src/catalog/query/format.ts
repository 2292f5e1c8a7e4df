// Syntax tree → canonical text: lower-case keywords, parentheses only where precedence needs them,
// quotes only where a bare word would read differently, times in UTC. parseQuery(formatQuery(q))
// gives back q (spans aside); a tree that no text can give back (a `delivered` node, an empty `in`,
// a depth of 0…) makes formatQuery throw rather than print something that means another query.
import { isStandardField, STANDARD_FIELDS, type Literal, type Query } from './ast.ts';
import { formatTime, quote } from './literals.ts';
import { isKeyword, queryLexer, Word } from './tokens.ts';
import { isFieldName } from './typing.ts';

type Binary = Extract<Query, { type: 'and' | 'or' | 'minus' }>;

/** Binding strength, loosest first; operands that bind looser than their place get parentheses. */
const WINDOW = 0;
const MINUS = 1;
const OR = 2;
const AND = 3;
const NOT = 4;
const PRIMARY = 5;

const BINARY_PRECEDENCE = { minus: MINUS, or: OR, and: AND } as const;

function unprintable(what: string): never {
  throw new Error(`formatQuery: ${what} has no query text`);
}

/** The text stands alone as one bare word: it lexes as a single word token, and is no keyword. */
export function isBareWord(text: string): boolean {
  // A trailing '.' would merge with a following `..` in a range.
  if (text === '' || text.endsWith('.')) return false;
  const { tokens, errors } = queryLexer().tokenize(text);
  const [only] = tokens;
  return (
    errors.length === 0 && tokens.length === 1 && only?.tokenType === Word && only.image === text
  );
}

function word(text: string): string {
  return isBareWord(text) ? text : quote(text);
}

function numberText(value: number): string {
  if (!Number.isFinite(value)) unprintable(`the number ${value}`);
  return String(value);
}

function literal(field: string, value: Literal): string {
  switch (value.kind) {
    case 'number':
      return numberText(value.value);
    case 'string':
      return word(value.value);
    case 'time': {
      const iso = formatTime(value.value);
      if (iso !== undefined) return iso;
      // A standard time field reads a number as epoch seconds: the time survives as one.
      if (isStandardField(field) && STANDARD_FIELDS[field] === 'time')
        return numberText(value.value);
      return unprintable(`the time ${value.value} (not whole milliseconds in the years 0–9999)`);
    }
  }
}

function fieldName(field: string): string {
  // A field named like a keyword (`offset`) cannot be written: the keyword wins.
  if (!isFieldName(field) || isKeyword(field)) {
    unprintable(`the field name ${JSON.stringify(field)}`);
  }
  return field;
}

function whole(value: number, min: number, what: string): string {
  if (!Number.isSafeInteger(value) || value < min) unprintable(`${what} ${value}`);
  return String(value);
}

function precedence(query: Query): number {
  switch (query.type) {
    case 'window':
      return WINDOW;
    case 'minus':
    case 'or':
    case 'and':
      return BINARY_PRECEDENCE[query.type];
    case 'not':
      return query.operand.type === 'in' || query.operand.type === 'like' ? PRIMARY : NOT;
    case 'all':
    case 'compare':
    case 'range':
    case 'in':
    case 'like':
    case 'has':
    case 'defname':
    case 'snapshot':
    case 'children':
    case 'parents':
    case 'delivered':
      return PRIMARY;
  }
}

function format(query: Query, minimum: number): string {
  const text = bare(query);
  return precedence(query) < minimum ? `(${text})` : text;
}

function isSameBinary(query: Query, type: Binary['type']): query is Binary {
  return query.type === type;
}

/** A chain `a or b or c` is a left-deep tree: walked in a loop, so a long one cannot overflow. */
function binary(query: Binary): string {
  const level = BINARY_PRECEDENCE[query.type];
  const rights: Query[] = [];
  let node: Query = query;
  while (isSameBinary(node, query.type)) {
    rights.push(node.right);
    node = node.left;
  }
  let text = format(node, level);
  for (let i = rights.length - 1; i >= 0; i--) {
    text += ` ${query.type} ${format(rights[i] as Query, level + 1)}`;
  }
  return text;
}

function bare(query: Query): string {
  switch (query.type) {
    case 'all':
      return 'all';
    case 'compare':
      return `${fieldName(query.field)} ${query.op} ${literal(query.field, query.value)}`;
    case 'range':
      return `${fieldName(query.field)} in ${literal(query.field, query.low)}..${literal(query.field, query.high)}`;
    case 'in':
      if (query.values.length === 0) unprintable(`an 'in' without values`);
      return `${fieldName(query.field)} in (${query.values.map((v) => literal(query.field, v)).join(', ')})`;
    case 'like':
      return `${fieldName(query.field)} like ${quote(query.pattern)}`;
    case 'has':
      return `has ${fieldName(query.field)}`;
    case 'and':
    case 'or':
    case 'minus':
      return binary(query);
    case 'not': {
      const { operand } = query;
      // `not` around `in`/`like` is how `x not in (…)` and `x not like '…'` parse.
      if (operand.type === 'in' || operand.type === 'like') {
        const [field, rest] = splitFieldPredicate(bare(operand), operand.field);
        return `${field} not ${rest}`;
      }
      let prefixes = 1;
      let inner: Query = operand;
      while (inner.type === 'not' && precedence(inner) === NOT) {
        prefixes++;
        inner = inner.operand;
      }
      return `${'not '.repeat(prefixes)}${format(inner, NOT)}`;
    }
    case 'defname':
      if (query.name === '') unprintable('an empty dataset name');
      return `defname: ${word(query.name)}`;
    case 'snapshot':
      if (query.ref === '') unprintable('an empty snapshot reference');
      return `snapshot: ${/^\d+$/.test(query.ref) ? query.ref : word(query.ref)}`;
    case 'children':
    case 'parents': {
      const depth = query.depth === 1 ? '' : ` depth ${whole(query.depth, 1, 'the depth')}`;
      return `${query.type}${depth} of (${format(query.of, WINDOW)})`;
    }
    case 'window': {
      const parts: string[] = [];
      if (query.offset !== 0) parts.push(`offset ${whole(query.offset, 0, 'the offset')}`);
      if (query.stride !== 1) parts.push(`stride ${whole(query.stride, 1, 'the stride')}`);
      if (query.limit !== undefined) parts.push(`limit ${whole(query.limit, 0, 'the limit')}`);
      if (parts.length === 0) parts.push('offset 0');
      return `${format(query.query, MINUS)} with ${parts.join(' ')}`;
    }
    case 'delivered':
      return unprintable(`a 'delivered' node (files of earlier slices, built by splits)`);
  }
}

function splitFieldPredicate(text: string, field: string): [string, string] {
  return [text.slice(0, field.length), text.slice(field.length + 1)];
}

/** The canonical text of a query; throws for a tree that has no text (see the file comment). */
export function formatQuery(query: Query): string {
  return format(query, WINDOW);
}
