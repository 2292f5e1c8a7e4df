// Low-level splices on YAML text guided by the parsed tree: insert an entry into a mapping, an item
// into a list, remove either, replace a value. Each returns TextChanges that touch only the lines
// of the entry concerned; flow collections (`{…}`, `[…]`) are rewritten whole, since they are one line.
import {
  Document,
  isMap,
  isScalar,
  isSeq,
  type Node,
  type Pair,
  type Scalar,
  type YAMLMap,
  type YAMLSeq,
} from 'yaml';
import { PRINT_OPTIONS, styleDocument } from '../print.ts';
import { columnOf, endOfLastLine, lineEndOf, lineStartOf, type TextChange } from '../text-edits.ts';
import { nodeRange } from '../yaml-nodes.ts';

/** YAML text for `key: value` at an indentation, styled as the printer would, ending in a newline. */
export function renderEntry(key: string, value: unknown, indent: number): string {
  const doc = new Document({ [key]: value });
  styleDocument(doc);
  return indentLines(doc.toString(PRINT_OPTIONS), indent);
}

/** YAML text for one list item (`- value`) at the indentation of the dash. */
export function renderItem(value: unknown, indent: number): string {
  const doc = new Document([value]);
  styleDocument(doc);
  return indentLines(doc.toString(PRINT_OPTIONS), indent);
}

/** A value on one line (scalars, flow lists and maps), as it would follow `key: `. */
export function renderInline(value: unknown): string {
  const doc = new Document(value);
  const contents = doc.contents;
  if (isSeq(contents) || isMap(contents)) contents.flow = true;
  return doc.toString({ ...PRINT_OPTIONS, flowCollectionPadding: false }).replace(/\n$/, '');
}

function indentLines(text: string, indent: number): string {
  const pad = ' '.repeat(indent);
  return text
    .split('\n')
    .map((line) => (line === '' ? line : pad + line))
    .join('\n');
}

function start(node: Node | null | undefined): number | undefined {
  return nodeRange(node)?.[0];
}

/** Where a mapping entry ends: after the value (or the key, for `key:` with nothing after it). */
export function pairEnd(pair: Pair): number {
  const value = nodeRange(pair.value as Node | null);
  const key = nodeRange(pair.key as Node | null);
  return Math.max(value?.[1] ?? 0, key?.[1] ?? 0);
}

/** Comment lines written directly above a line (no blank line between) at the same indentation. */
function ownCommentStart(text: string, lineStart: number, indent: number): number {
  let start = lineStart;
  while (start > 0) {
    const prevStart = lineStartOf(text, start - 1);
    const prev = text.slice(prevStart, start - 1).replace(/\r$/, '');
    const trimmed = prev.trimStart();
    if (!trimmed.startsWith('#') || prev.length - trimmed.length !== indent) break;
    start = prevStart;
  }
  return start;
}

/** Deletes a block mapping entry with its own comment lines above it. */
export function removeBlockPair(text: string, pair: Pair): TextChange {
  const keyStart = start(pair.key as Node | null) ?? 0;
  const lineStart = lineStartOf(text, keyStart);
  const from = ownCommentStart(text, lineStart, keyStart - lineStart);
  return { from, to: endOfLastLine(text, pairEnd(pair)), insert: '' };
}

/** Inserts `key: value` as the last entry of a block mapping, or right after `after`. */
export function insertIntoBlockMap(
  text: string,
  map: YAMLMap,
  key: string,
  value: unknown,
  after?: Pair,
): TextChange {
  const first = map.items[0];
  const anchor = after ?? map.items[map.items.length - 1];
  if (!first || !anchor) throw new Error('insertIntoBlockMap needs a non-empty block mapping');
  const indent = columnOf(text, start(first.key as Node | null) ?? 0);
  const at = endOfLastLine(text, pairEnd(anchor));
  const lead = at > 0 && text[at - 1] !== '\n' ? '\n' : '';
  return { from: at, to: at, insert: lead + renderEntry(key, value, indent) };
}

/** Inserts `key: value` as the first entry of a block mapping (used to keep key order). */
export function insertBeforeFirst(
  text: string,
  map: YAMLMap,
  key: string,
  value: unknown,
): TextChange {
  const first = map.items[0];
  if (!first) throw new Error('insertBeforeFirst needs a non-empty block mapping');
  const keyStart = start(first.key as Node | null) ?? 0;
  const lineStart = lineStartOf(text, keyStart);
  const at = ownCommentStart(text, lineStart, keyStart - lineStart);
  return { from: at, to: at, insert: renderEntry(key, value, keyStart - lineStart) };
}

/**
 * Gives a mapping entry a new value. Scalars and one-line collections replace the old value in
 * place (comments on the line survive); block values rewrite the entry's lines.
 */
export function replacePairValue(
  text: string,
  pair: Pair,
  value: unknown,
  keyName: string,
): TextChange {
  const keyRange = nodeRange(pair.key as Node | null);
  const old = pair.value as Node | null;
  const oldRange = nodeRange(old);
  const inline = fitsInline(value);
  if (inline !== undefined && oldRange && !(isMap(old) || isSeq(old))) {
    return { from: oldRange[0], to: oldRange[1], insert: inline };
  }
  if (inline !== undefined && oldRange && (isMap(old) || isSeq(old)) && old.flow) {
    return { from: oldRange[0], to: oldRange[1], insert: inline };
  }
  const keyStart = keyRange?.[0] ?? 0;
  const lineStart = lineStartOf(text, keyStart);
  // An entry that does not start its line is inside a flow mapping (`{a: 1, key: …}`): its value
  // must stay on the line, in flow style, whatever its size.
  if (oldRange && text.slice(lineStart, keyStart).trim() !== '') {
    return { from: oldRange[0], to: oldRange[1], insert: renderInline(value) };
  }
  return {
    from: lineStart,
    to: endOfLastLine(text, pairEnd(pair)),
    insert: renderEntry(keyName, value, keyStart - lineStart),
  };
}

/** The one-line form of a value, when one line is how the printer writes it. */
function fitsInline(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return renderInline(value);
  if (Array.isArray(value)) {
    const line = renderInline(value);
    const simple = value.every((v) => v === null || typeof v !== 'object' || Array.isArray(v));
    return simple && line.length <= 80 ? line : undefined;
  }
  const entries = Object.values(value as Record<string, unknown>);
  const line = renderInline(value);
  return entries.every((v) => typeof v !== 'object') && line.length <= 60 ? line : undefined;
}

/** Appends an item to a list: a new `- item` line in block lists, `, item` in flow lists. */
export function appendToSeq(text: string, seq: YAMLSeq, value: unknown): TextChange {
  const last = seq.items[seq.items.length - 1] as Node | undefined;
  const range = nodeRange(seq);
  if (seq.flow || !last) {
    if (!range) throw new Error('list without a source range');
    const values: unknown[] = [...seq.toJSON(), value];
    return { from: range[0], to: range[1], insert: renderInline(values) };
  }
  const firstStart = start(seq.items[0] as Node) ?? 0;
  const lineStart = lineStartOf(text, firstStart);
  const dash = text.slice(lineStart, firstStart).lastIndexOf('-');
  const at = endOfLastLine(text, nodeRange(last)?.[1] ?? firstStart);
  const lead = at > 0 && text[at - 1] !== '\n' ? '\n' : '';
  return { from: at, to: at, insert: lead + renderItem(value, Math.max(0, dash)) };
}

/** Removes item `index` of a list that keeps at least one other item. */
export function removeFromSeq(text: string, seq: YAMLSeq, index: number): TextChange {
  const item = seq.items[index] as Node | undefined;
  const range = nodeRange(item);
  if (!item || !range) throw new Error(`no list item ${index}`);
  if (seq.flow) {
    const values = seq.toJSON().filter((_, i) => i !== index);
    const whole = nodeRange(seq);
    if (!whole) throw new Error('list without a source range');
    return { from: whole[0], to: whole[1], insert: renderInline(values) };
  }
  const lineStart = lineStartOf(text, range[0]);
  const dashColumn = text.slice(lineStart, range[0]).lastIndexOf('-');
  const from = ownCommentStart(text, lineStart, Math.max(0, dashColumn));
  return { from, to: endOfLastLine(text, range[1]), insert: '' };
}

/** Replaces a scalar by another scalar value, quoting only if needed. */
export function replaceScalar(scalar: Scalar, value: string): TextChange {
  const range = nodeRange(scalar);
  if (!range) throw new Error('scalar without a source range');
  return { from: range[0], to: range[1], insert: renderInline(value) };
}

/** Rewrites a whole flow or empty mapping value (one line) with new contents. */
export function rewriteMapInline(map: YAMLMap, entries: Record<string, unknown>): TextChange {
  const range = nodeRange(map);
  if (!range) throw new Error('mapping without a source range');
  return {
    from: range[0],
    to: range[1],
    insert: renderInline({ ...(map.toJSON() as object), ...entries }),
  };
}

/** For an entry written `key:` with nothing after it: adds a block value on the following lines. */
export function fillEmptyPair(text: string, pair: Pair, key: string, value: unknown): TextChange {
  const keyStart = start(pair.key as Node | null) ?? 0;
  const lineStart = lineStartOf(text, keyStart);
  return {
    from: lineStart,
    to: lineEndOf(text, keyStart),
    insert: renderEntry(key, value, keyStart - lineStart),
  };
}

export function isEmptyValue(node: unknown): boolean {
  return node === null || node === undefined || (isScalar(node) && node.value === null);
}
