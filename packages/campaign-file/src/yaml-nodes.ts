// Finding the YAML nodes behind a document path, and the source ranges of what was found.
import { isMap, isScalar, isSeq, type Document, type Node, type Pair, type Scalar } from 'yaml';
import type { DocPath } from '@poms/core';

export interface Located {
  /** The deepest node reached along the path (the value at the path when fully reached). */
  node: Node | undefined;
  /** The mapping entry whose value is `node`, when the last step was a key. */
  pair: Pair | undefined;
  /** How many steps of the path were found. */
  depth: number;
}

export function keyText(pair: Pair): string | undefined {
  const key = pair.key;
  if (!isScalar(key)) return undefined;
  const value = key.value;
  if (value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
  return undefined;
}

export function findPair(map: unknown, key: string): Pair | undefined {
  if (!isMap(map)) return undefined;
  return map.items.find((item) => keyText(item) === key);
}

/**
 * Pairs of unchanging mappings by key, for locating many paths in one document: a campaign of
 * 10^4 stages has 2·10^4 diagnostics, and a linear search for each was quadratic (21 s).
 */
export class PairIndex {
  private readonly byMap = new WeakMap<object, Map<string, Pair>>();

  find(map: unknown, key: string): Pair | undefined {
    if (!isMap(map)) return undefined;
    let pairs = this.byMap.get(map);
    if (!pairs) {
      pairs = new Map();
      for (const item of map.items) {
        const text = keyText(item);
        // The first of duplicate keys, as findPair finds it.
        if (text !== undefined && !pairs.has(text)) pairs.set(text, item);
      }
      this.byMap.set(map, pairs);
    }
    return pairs.get(key);
  }
}

/**
 * Walks `path` from the document root as far as it goes. Pass a PairIndex only while the
 * document does not change.
 */
export function locate(doc: Document, path: DocPath, index?: PairIndex): Located {
  let node: unknown = doc.contents;
  let pair: Pair | undefined;
  let depth = 0;
  for (const step of path) {
    if (typeof step === 'string' && isMap(node)) {
      const found = index ? index.find(node, step) : findPair(node, step);
      if (!found) break;
      pair = found;
      node = found.value;
    } else if (typeof step === 'number' && isSeq(node)) {
      const item: unknown = node.items[step];
      if (item === undefined) break;
      pair = undefined;
      node = item;
    } else {
      break;
    }
    depth++;
  }
  return { node: node as Node | undefined, pair, depth };
}

export type Range = readonly [start: number, end: number];

export function nodeRange(node: Node | null | undefined): Range | undefined {
  const range = node?.range;
  return range ? [range[0], range[1]] : undefined;
}

/** From the start of a mapping entry's key to the end of its value. */
export function pairRange(pair: Pair): Range | undefined {
  const key = nodeRange(pair.key as Node | null);
  const value = nodeRange(pair.value as Node | null);
  if (!key) return value;
  return [key[0], value ? Math.max(value[1], key[1]) : key[1]];
}

/**
 * The source range of `length` characters at `offset` inside a scalar's value: exact for plain,
 * quoted (escapes included) and literal block scalars; the whole scalar otherwise.
 */
export function spanInScalar(
  text: string,
  scalar: Scalar,
  offset: number,
  length: number,
): Range | undefined {
  const range = nodeRange(scalar);
  if (!range) return undefined;
  const value = typeof scalar.value === 'string' ? scalar.value : String(scalar.value);
  const source = text.slice(range[0], range[1]);
  const map = sourceOffsets(source, value, scalar.type);
  if (!map) return range;
  const start = map[offset];
  const end = map[offset + length] ?? range[1] - range[0];
  if (start === undefined) return range;
  return [range[0] + start, range[0] + Math.max(end, start + 1)];
}

/** For each index into `value` (and one past its end), the matching index into `source`. */
function sourceOffsets(source: string, value: string, type: Scalar['type']): number[] | undefined {
  switch (type) {
    case 'PLAIN':
      return source === value ? identity(value.length + 1) : undefined;
    case 'QUOTE_SINGLE':
      return walkQuoted(source, value, (s, i) => (s[i] === "'" && s[i + 1] === "'" ? 2 : 1));
    case 'QUOTE_DOUBLE':
      return walkQuoted(source, value, (s, i) => {
        if (s[i] !== '\\') return 1;
        const e = s[i + 1];
        if (e === 'x') return 4;
        if (e === 'u') return 6;
        if (e === 'U') return 10;
        return 2;
      });
    case 'BLOCK_LITERAL':
      return walkLiteralBlock(source, value);
    case 'BLOCK_FOLDED':
    case undefined:
      return undefined;
  }
}

function identity(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** Single-line quoted scalars: each value character comes from one escape step in the source. */
function walkQuoted(
  source: string,
  value: string,
  stepAt: (s: string, i: number) => number,
): number[] | undefined {
  if (source.includes('\n')) return undefined;
  const map: number[] = [];
  let i = 1;
  for (let v = 0; v < value.length; v++) {
    map.push(i);
    i += stepAt(source, i);
    // Escapes that produce two UTF-16 units (astral \U) are rare enough to fall back on.
    if (i > source.length) return undefined;
  }
  map.push(i);
  return map;
}

/** Literal blocks keep every line: value line k is source line k+1 after the header, indented. */
function walkLiteralBlock(source: string, value: string): number[] | undefined {
  const lines = source.split('\n');
  const contentLines = lines.slice(1);
  const indent = Math.min(
    ...contentLines.filter((l) => l.trim() !== '').map((l) => l.length - l.trimStart().length),
  );
  if (!Number.isFinite(indent)) return undefined;
  const map: number[] = [];
  let sourceOffset = (lines[0]?.length ?? 0) + 1;
  const valueLines = value.split('\n');
  for (let k = 0; k < valueLines.length; k++) {
    const sourceLine = contentLines[k] ?? '';
    const valueLine = valueLines[k] ?? '';
    const lineIndent = sourceLine.trim() === '' ? Math.min(indent, sourceLine.length) : indent;
    for (let c = 0; c <= valueLine.length; c++) {
      if (c === valueLine.length && k < valueLines.length - 1) break;
      map.push(sourceOffset + lineIndent + c);
    }
    if (k < valueLines.length - 1) map.push(sourceOffset + lineIndent + valueLine.length);
    sourceOffset += sourceLine.length + 1;
  }
  return map.length === value.length + 1 ? map : undefined;
}
