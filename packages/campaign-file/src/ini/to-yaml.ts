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
  visit(doc, {
    Scalar(_, scalar) {
      // yaml 2.9 drops the indentation indicator of a block scalar in one case (" \n" reads
      // back as "\n"): text starting with a blank goes in double quotes.
      if (
        typeof scalar.value === 'string' &&
        /[\n\r]/.test(scalar.value) &&
        /^\s/.test(scalar.value)
      ) {
        scalar.type = Scalar.QUOTE_DOUBLE;
      }
    },
    Seq(_, seq) {
      if (seq.flow) seq.items.forEach(quoteMultiLine);
    },
    Map(_, map) {
      if (map.flow) for (const pair of map.items) quoteMultiLine(pair.value);
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

/**
 * Multi-line text inside a flow collection goes in double quotes: yaml 2.9 prints it as a
 * multi-line plain scalar there, which reads back wrongly when a line starts with `:`.
 */
function quoteMultiLine(node: unknown): void {
  if (isScalar(node) && typeof node.value === 'string' && /[\n\r]/.test(node.value)) {
    node.type = Scalar.QUOTE_DOUBLE;
  }
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
