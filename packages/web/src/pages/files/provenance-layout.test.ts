// The provenance graph's drawing: capped at GRAPH_LIMIT files with the rest counted, parents above
// children (in elk's layout and in the row-per-depth placeholder); and the search's query text.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import ELK from 'elkjs/lib/elk.bundled.js';
import type { Provenance } from '../../api/types.ts';
import { middleEllipsis, searchQuery } from './format.ts';
import { GRAPH_LIMIT, depthRows, elkProvenanceGraph, shownGraph } from './provenance-layout.ts';

/** hist ← reco_i ← gen_i (i < width): the ancestors of hist. */
function chain(width: number): Provenance {
  const nodes: Provenance['nodes'] = [{ name: 'hist', depth: 0, produced_by: null }];
  const edges: Provenance['edges'] = [];
  for (let i = 0; i < width; i++) {
    nodes.push({ name: `reco_${i}`, depth: 1, produced_by: null });
    edges.push({ parent: `reco_${i}`, child: 'hist' });
  }
  for (let i = 0; i < width; i++) {
    nodes.push({ name: `gen_${i}`, depth: 2, produced_by: null });
    edges.push({ parent: `gen_${i}`, child: `reco_${i}` });
  }
  return { file: 'hist', direction: 'ancestors', nodes, edges, truncated: false };
}

describe('the provenance graph', () => {
  it('draws at most GRAPH_LIMIT files, nearest first, and counts the others', () => {
    const walk = chain(200); // 401 files
    const shown = shownGraph(walk);
    assert.equal(shown.nodes.length, GRAPH_LIMIT);
    assert.equal(shown.hidden, 401 - GRAPH_LIMIT);
    const names = new Set(shown.nodes.map((n) => n.name));
    assert.ok(shown.edges.every((e) => names.has(e.parent) && names.has(e.child)));
    assert.equal(shownGraph(chain(3)).hidden, 0);
  });

  it('puts parents above children: ancestors end at the file, descendants start at it', () => {
    const walk = chain(3);
    const up = depthRows(shownGraph(walk), 'ancestors');
    assert.ok(up['gen_0']!.y < up['reco_0']!.y && up['reco_0']!.y < up['hist']!.y);
    const down = depthRows(shownGraph(walk), 'descendants');
    assert.ok(down['hist']!.y < down['reco_0']!.y);
  });

  it('is laid out downwards by elk', async () => {
    const laidOut = await new ELK().layout(elkProvenanceGraph(shownGraph(chain(3))));
    const y = (id: string) => laidOut.children!.find((c) => c.id === id)!.y!;
    assert.ok(y('gen_1') < y('reco_1') && y('reco_1') < y('hist'));
  });
});

describe('the file search and names', () => {
  it('turns a name part into a like query, quotes escaped', () => {
    assert.equal(searchQuery('hist_', 'name'), "file_name like '%hist_%'");
    assert.equal(searchQuery("it's\\", 'name'), "file_name like '%it\\'s\\\\%'");
    assert.equal(searchQuery('data_tier = raw', 'query'), 'data_tier = raw');
  });

  it('shortens long names in the middle', () => {
    assert.equal(middleEllipsis('short.evt'), 'short.evt');
    const long = middleEllipsis('gen_01m8k2yq753snk5sw21cn9bgzm_0.evt');
    assert.equal(long.length, 33);
    assert.ok(long.startsWith('gen_') && long.endsWith('_0.evt'));
  });
});
