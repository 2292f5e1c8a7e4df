// Where each stage and each edge is written. Collected from the YAML tree itself, leniently, so
// that the editor can select a node's text (and the other way round) even while the file is not
// yet valid against the schema.
import { isMap, isScalar, isSeq, type Document, type Node } from 'yaml';
import { findPair, keyText, nodeRange, pairRange, type Range } from './yaml-nodes.ts';

export interface StageSource {
  name: string;
  /** The whole `name: {...}` entry. */
  range: Range;
  key_range: Range;
}

export interface EdgeSource {
  from: string;
  to: string;
  /** Index of the item in the downstream stage's `needs` list. */
  index: number;
  range: Range;
}

export interface CampaignSources {
  stages: StageSource[];
  edges: EdgeSource[];
}

export function collectSources(doc: Document): CampaignSources {
  const sources: CampaignSources = { stages: [], edges: [] };
  const stages = findPair(doc.contents, 'stages')?.value;
  if (!isMap(stages)) return sources;
  for (const pair of stages.items) {
    const name = keyText(pair);
    const range = pairRange(pair);
    const keyRange = nodeRange(pair.key as Node | null);
    if (name === undefined || !range || !keyRange) continue;
    sources.stages.push({ name, range, key_range: keyRange });
    const needs = findPair(pair.value, 'needs')?.value;
    if (!isSeq(needs)) continue;
    needs.items.forEach((item, index) => {
      const from = isScalar(item) ? item.value : findPair(item, 'stage')?.value;
      const upstream = isScalar(from) ? from.value : from;
      const itemRange = nodeRange(item as Node | null);
      if (typeof upstream !== 'string' || !itemRange) return;
      sources.edges.push({ from: upstream, to: name, index, range: itemRange });
    });
  }
  return sources;
}
