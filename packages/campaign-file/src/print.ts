// The canonical printer (`poms campaign fmt`). Keys go into the documented order, parameter pairs,
// layout positions and short name lists print on one line, indentation is two spaces, nothing is
// folded; comments and blank lines stay with the entries they were written next to. Printing its
// own output again changes nothing.
import {
  isMap,
  isPair,
  isScalar,
  isSeq,
  parseDocument,
  visit,
  type Document,
  type Node,
  type Pair,
  type ToStringOptions,
  type YAMLMap,
} from 'yaml';
import {
  CAMPAIGN_KEY_ORDER,
  JOB_TYPE_KEY_ORDER,
  LAUNCH_SETUP_KEY_ORDER,
  STAGE_KEY_ORDER,
} from '@poms/core';
import { jsonEqual } from './json-equal.ts';
import { findPair, keyText } from './yaml-nodes.ts';

export const PRINT_OPTIONS: ToStringOptions = {
  indent: 2,
  indentSeq: true,
  lineWidth: 0,
  minContentWidth: 0,
  flowCollectionPadding: false,
};

export type FormatResult = { ok: true; text: string } | { ok: false; message: string };

/** Formats campaign text. Text with YAML syntax errors is refused, never guessed at. */
export function formatCampaign(text: string): FormatResult {
  const doc = parseDocument(text, { version: '1.2', uniqueKeys: true });
  if (doc.errors.length > 0) {
    return { ok: false, message: `cannot format text with YAML errors: ${doc.errors[0]?.message}` };
  }
  const before: unknown = doc.toJS();
  canonicalize(doc);
  const printed = printDocument(doc);
  // The printer must never change what the file means; refuse rather than write a changed file
  // (the yaml package has known corner cases when it re-quotes odd strings).
  const after = parseDocument(printed, { version: '1.2', uniqueKeys: true });
  if (after.errors.length > 0 || !jsonEqual(after.toJS(), before)) {
    return {
      ok: false,
      message: 'formatting would change the meaning of this file; left as it is',
    };
  }
  return { ok: true, text: printed };
}

export function printDocument(doc: Document): string {
  return doc.toString(PRINT_OPTIONS);
}

/** Puts a parsed campaign document into canonical shape, in place. */
export function canonicalize(doc: Document): void {
  const root = doc.contents;
  if (!isMap(root)) return;
  root.flow = false;
  sortKeys(root, CAMPAIGN_KEY_ORDER);
  forEachEntry(findPair(root, 'job_types')?.value, (jobType) =>
    sortKeys(jobType, JOB_TYPE_KEY_ORDER),
  );
  forEachEntry(findPair(root, 'launch_setups')?.value, (setup) =>
    sortKeys(setup, LAUNCH_SETUP_KEY_ORDER),
  );
  const defaults = findPair(root, 'defaults')?.value;
  if (isMap(defaults)) sortKeys(defaults, STAGE_KEY_ORDER);
  forEachEntry(findPair(root, 'stages')?.value, (stage) => sortKeys(stage, STAGE_KEY_ORDER));
  styleDocument(doc);
}

function forEachEntry(map: unknown, fn: (value: YAMLMap) => void): void {
  if (!isMap(map)) return;
  // An empty mapping has no block form: `stages: {}` stays on one line.
  map.flow = map.items.length === 0;
  for (const pair of map.items) if (isMap(pair.value)) fn(pair.value);
}

/** Stable sort by the documented order; unknown keys keep their places after the known ones. */
function sortKeys(map: YAMLMap, order: readonly string[]): void {
  const rank = (pair: Pair) => {
    const i = order.indexOf(keyText(pair) ?? '');
    return i < 0 ? order.length : i;
  };
  const sorted = [...map.items].sort((a, b) => rank(a) - rank(b));
  // A comment written above the first entry describes the mapping, not that entry: keep it first.
  const firstBefore = map.items[0]?.key;
  if (sorted[0] !== map.items[0] && isScalar(firstBefore) && firstBefore.commentBefore) {
    const newFirst = sorted[0]?.key;
    if (isScalar(newFirst)) {
      newFirst.commentBefore = [firstBefore.commentBefore, newFirst.commentBefore]
        .filter(Boolean)
        .join('\n');
      firstBefore.commentBefore = undefined;
    }
  }
  map.items = sorted;
}

const FLOW_LIST_KEYS = new Set(['tags', 'output_patterns', 'patterns']);
const ONE_LINE_MAP_KEYS = new Set(['completion', 'resources']);
const PARAM_LIST_KEYS = new Set(['parameters', 'overrides', 'test_overrides']);

/** One line for things read as one item: parameter pairs, positions, short lists of names. */
export function styleDocument(doc: Document): void {
  visit(doc, {
    Map(_, map) {
      const keys = map.items.map(keyText);
      if (keys.length === 2 && keys.includes('x') && keys.includes('y')) map.flow = true;
    },
    Pair(_, pair) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      const value = pair.value as Node | null;
      if (PARAM_LIST_KEYS.has(key) && isSeq(value)) {
        value.flow = value.items.length === 0;
        for (const item of value.items) if (isSeq(item)) item.flow = true;
      } else if (FLOW_LIST_KEYS.has(key) && isSeq(value) && value.items.every(isScalar)) {
        value.flow = true;
      } else if (ONE_LINE_MAP_KEYS.has(key) && isMap(value)) {
        value.flow = value.items.every((p) => isScalar(p.value)) && !hasComments(value);
      } else if (key === 'needs' && isSeq(value)) {
        value.flow = value.items.every(isScalar) && !hasComments(value);
      } else if (key === 'input' && isSeq(value)) {
        value.flow = value.items.every((i) => isScalar(i) || isSeq(i)) && !hasComments(value);
        for (const item of value.items) if (isSeq(item)) item.flow = true;
      }
    },
  });
  const layout = findPair(doc.contents, 'layout')?.value;
  if (isMap(layout)) layout.flow = layout.items.length === 0;
}

/** Comments inside a collection (a comment after its last line is fine on one line too). */
function hasComments(node: Node): boolean {
  let found = false;
  visit(node, (_, n) => {
    if (n === node) return;
    if ((isScalar(n) || isMap(n) || isSeq(n)) && (n.comment || n.commentBefore)) found = true;
    if (isPair(n) && isScalar(n.key) && (n.key.comment || n.key.commentBefore)) found = true;
  });
  return found;
}
