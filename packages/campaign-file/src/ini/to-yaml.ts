// An imported campaign as YAML text: built with the yaml Document API, put in canonical shape by
// the package's printer (so `poms campaign fmt` leaves it unchanged), with parameter pairs in
// double quotes as POMS users read them (`- ["-Oglobal.x=", "%(dataset)s"]`), a heading comment
// and short comments on the entries the importer had something to say about.
import { Document, Scalar, isScalar, isSeq, visit, type Pair } from 'yaml';
import type { CampaignSpec } from '@poms/core';
import { PRINT_OPTIONS, canonicalize } from '../print.ts';
import { findPair } from '../yaml-nodes.ts';

export interface YamlComment {
  /** Keys from the root to the commented entry, e.g. ['stages', 'sim']. */
  path: string[];
  text: string;
}

export interface CampaignYamlOptions {
  header?: string;
  comments?: readonly YamlComment[];
}

const PARAM_LIST_KEYS = new Set(['parameters', 'overrides', 'test_overrides']);

export function campaignYaml(spec: CampaignSpec, options: CampaignYamlOptions = {}): string {
  const doc = new Document(spec);
  visit(doc, {
    Pair(_, pair: Pair) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      if (!PARAM_LIST_KEYS.has(key) || !isSeq(pair.value)) return;
      for (const item of pair.value.items) {
        if (!isSeq(item)) continue;
        for (const value of item.items) if (isScalar(value)) value.type = Scalar.QUOTE_DOUBLE;
      }
    },
  });
  canonicalize(doc);
  // An empty list reads best as `[]` on its key's line.
  visit(doc, {
    Seq(_, seq) {
      if (seq.items.length === 0) seq.flow = true;
    },
  });
  const grouped = new Map<string, { path: string[]; lines: string[] }>();
  for (const c of options.comments ?? []) {
    const id = c.path.join('\0');
    const group = grouped.get(id) ?? { path: c.path, lines: [] };
    if (!group.lines.includes(c.text)) group.lines.push(c.text);
    grouped.set(id, group);
  }
  for (const { path, lines } of grouped.values()) {
    const pair = pairAt(doc, path);
    if (pair && isScalar(pair.key)) {
      const text = lines.map((l) => ` ${l}`).join('\n');
      pair.key.commentBefore = pair.key.commentBefore ? `${pair.key.commentBefore}\n${text}` : text;
    }
  }
  if (options.header) doc.commentBefore = ` ${options.header}`;
  return doc.toString(PRINT_OPTIONS);
}

function pairAt(doc: Document, path: readonly string[]): Pair | undefined {
  let node: unknown = doc.contents;
  let pair: Pair | undefined;
  for (const key of path) {
    pair = findPair(node, key);
    if (!pair) return undefined;
    node = pair.value;
  }
  return pair;
}
