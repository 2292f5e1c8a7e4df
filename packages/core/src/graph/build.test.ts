import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildStageGraph } from './build.ts';
import type { StageEdge } from './indexed.ts';

/** Edges from `a>b c>d` shorthand. */
function edges(text: string): StageEdge[] {
  return text
    .split(/\s+/)
    .filter(Boolean)
    .map((pair) => {
      const [from = '', to = ''] = pair.split('>');
      return { from, to };
    });
}

describe('buildStageGraph: a chain', () => {
  const graph = buildStageGraph(['gen', 'reco', 'ana'], edges('gen>reco reco>ana'));

  it('finds the lead stage, order and neighbours', () => {
    assert.deepEqual(graph.stages, ['gen', 'reco', 'ana']);
    assert.deepEqual(graph.leadStages(), ['gen']);
    assert.deepEqual(graph.topologicalOrder(), { ok: true, order: ['gen', 'reco', 'ana'] });
    assert.deepEqual(graph.upstreamOf('reco'), ['gen']);
    assert.deepEqual(graph.downstreamOf('reco'), ['ana']);
    assert.deepEqual(graph.cycles(), []);
  });

  it('answers transitive queries', () => {
    assert.deepEqual(graph.ancestors('ana'), ['gen', 'reco']);
    assert.deepEqual(graph.descendants('gen'), ['reco', 'ana']);
    assert.deepEqual(graph.ancestors('gen'), []);
    assert.deepEqual(graph.descendants('ana'), []);
  });
});

describe('buildStageGraph: self-edges', () => {
  const graph = buildStageGraph(['a', 'b', 'c'], edges('a>a a>b b>b b>c'));

  it('are not cycles', () => {
    assert.deepEqual(graph.cycles(), []);
    assert.deepEqual(graph.cycleComponents(), []);
  });

  it('do not stop a stage from leading (the POMS bug)', () => {
    assert.deepEqual(graph.leadStages(), ['a']);
    assert.deepEqual(buildStageGraph(['solo'], edges('solo>solo')).leadStages(), ['solo']);
  });

  it('are reported by hasSelfEdge and left out of neighbours', () => {
    assert.equal(graph.hasSelfEdge('a'), true);
    assert.equal(graph.hasSelfEdge('b'), true);
    assert.equal(graph.hasSelfEdge('c'), false);
    assert.deepEqual(graph.upstreamOf('b'), ['a']);
    assert.deepEqual(graph.downstreamOf('b'), ['c']);
    assert.deepEqual(graph.ancestors('b'), ['a']);
    assert.deepEqual(graph.descendants('a'), ['b', 'c']);
  });

  it('do not block the topological order', () => {
    assert.deepEqual(graph.topologicalOrder(), { ok: true, order: ['a', 'b', 'c'] });
  });
});

describe('buildStageGraph: shapes', () => {
  it('orders a diamond', () => {
    const graph = buildStageGraph(
      ['top', 'left', 'right', 'bottom'],
      edges('top>right top>left left>bottom right>bottom'),
    );
    assert.deepEqual(graph.topologicalOrder(), {
      ok: true,
      order: ['top', 'left', 'right', 'bottom'],
    });
    assert.deepEqual(graph.upstreamOf('bottom'), ['left', 'right']);
    assert.deepEqual(graph.downstreamOf('top'), ['left', 'right']);
    assert.deepEqual(graph.ancestors('bottom'), ['top', 'left', 'right']);
    assert.deepEqual(graph.leadStages(), ['top']);
  });

  it('handles fan-in from several leads', () => {
    const graph = buildStageGraph(['merge', 'p1', 'p2', 'p3'], edges('p3>merge p1>merge p2>merge'));
    assert.deepEqual(graph.leadStages(), ['p1', 'p2', 'p3']);
    assert.deepEqual(graph.upstreamOf('merge'), ['p1', 'p2', 'p3']);
    // merge comes first in the file but must wait for its parents.
    assert.deepEqual(graph.topologicalOrder(), { ok: true, order: ['p1', 'p2', 'p3', 'merge'] });
  });

  it('keeps disconnected stages in file order', () => {
    const graph = buildStageGraph(['x', 'a', 'y', 'b'], edges('a>b'));
    assert.deepEqual(graph.leadStages(), ['x', 'a', 'y']);
    assert.deepEqual(graph.topologicalOrder(), { ok: true, order: ['x', 'a', 'y', 'b'] });
    assert.deepEqual(graph.descendants('x'), []);
  });

  it('breaks ties by file order, not by edge order', () => {
    const graph = buildStageGraph(['s', 'c', 'b', 'a', 'z'], edges('s>a s>b s>c a>z'));
    assert.deepEqual(graph.topologicalOrder(), { ok: true, order: ['s', 'c', 'b', 'a', 'z'] });
  });

  it('ignores repeated edges', () => {
    const graph = buildStageGraph(['a', 'b'], edges('a>b a>b'));
    assert.deepEqual(graph.upstreamOf('b'), ['a']);
    assert.deepEqual(graph.topologicalOrder(), { ok: true, order: ['a', 'b'] });
  });

  it('handles an empty campaign', () => {
    const graph = buildStageGraph([], []);
    assert.deepEqual(graph.leadStages(), []);
    assert.deepEqual(graph.topologicalOrder(), { ok: true, order: [] });
    assert.deepEqual(graph.cycles(), []);
  });
});

describe('buildStageGraph: cycles', () => {
  it('finds a cycle starting at its first stage in file order', () => {
    const graph = buildStageGraph(['a', 'b', 'c'], edges('b>c c>a a>b'));
    assert.deepEqual(graph.cycles(), [['a', 'b', 'c']]);
    assert.deepEqual(graph.topologicalOrder(), { ok: false, cycle: ['a', 'b', 'c'] });
    assert.deepEqual(graph.leadStages(), []);
  });

  it('finds two separate cycles, in file order, with the rest of the graph around them', () => {
    const graph = buildStageGraph(
      ['lead', 'p', 'q', 'mid', 'x', 'y', 'z', 'tail'],
      edges('lead>p p>q q>p q>mid mid>x x>y y>z z>x z>tail tail>tail'),
    );
    assert.deepEqual(graph.cycles(), [
      ['p', 'q'],
      ['x', 'y', 'z'],
    ]);
    assert.deepEqual(graph.cycleComponents(), [
      ['p', 'q'],
      ['x', 'y', 'z'],
    ]);
    assert.deepEqual(graph.topologicalOrder(), { ok: false, cycle: ['p', 'q'] });
    assert.deepEqual(graph.leadStages(), ['lead']);
  });

  it('reports the shortest cycle through the first stage of a tangled group', () => {
    // a→b→c→d→a loops through all four, but c→a closes a shorter loop through a.
    const graph = buildStageGraph(['a', 'b', 'c', 'd'], edges('a>b b>c c>d d>a c>a'));
    assert.deepEqual(graph.cycles(), [['a', 'b', 'c']]);
    assert.deepEqual(graph.cycleComponents(), [['a', 'b', 'c', 'd']]);
  });

  it('excludes the stage itself from its ancestors inside a cycle', () => {
    const graph = buildStageGraph(['a', 'b'], edges('a>b b>a'));
    assert.deepEqual(graph.ancestors('a'), ['b']);
    assert.deepEqual(graph.descendants('a'), ['b']);
  });
});

describe('buildStageGraph: unknown names', () => {
  it('sets aside edges with unknown endpoints and lists them', () => {
    const graph = buildStageGraph(['a', 'b'], edges('a>b ghost>b a>nowhere x>y'));
    assert.deepEqual(graph.unknownEndpoints(), [
      { edgeIndex: 1, side: 'from', name: 'ghost' },
      { edgeIndex: 2, side: 'to', name: 'nowhere' },
      { edgeIndex: 3, side: 'from', name: 'x' },
      { edgeIndex: 3, side: 'to', name: 'y' },
    ]);
    assert.deepEqual(graph.upstreamOf('b'), ['a']);
    assert.deepEqual(graph.downstreamOf('a'), ['b']);
  });

  it('answers queries on unknown stages with nothing', () => {
    const graph = buildStageGraph(['a'], []);
    assert.deepEqual(graph.upstreamOf('zz'), []);
    assert.deepEqual(graph.downstreamOf('zz'), []);
    assert.deepEqual(graph.ancestors('zz'), []);
    assert.deepEqual(graph.descendants('zz'), []);
    assert.equal(graph.hasSelfEdge('zz'), false);
  });

  it('keeps the first place of a repeated stage name', () => {
    const graph = buildStageGraph(['a', 'b', 'a'], edges('b>a'));
    assert.deepEqual(graph.stages, ['a', 'b']);
    assert.deepEqual(graph.topologicalOrder(), { ok: true, order: ['b', 'a'] });
  });

  it('hands out copies the caller may change', () => {
    const graph = buildStageGraph(['a', 'b'], edges('a>b'));
    graph.upstreamOf('b').push('x');
    graph.leadStages().pop();
    assert.deepEqual(graph.upstreamOf('b'), ['a']);
    assert.deepEqual(graph.leadStages(), ['a']);
  });
});

describe('buildStageGraph: scale', () => {
  it('handles a long chain and a wide graph quickly, without deep recursion', () => {
    const n = 20000;
    const names = Array.from({ length: n }, (_, i) => `s${i}`);
    const chain = names.slice(1).map((to, i) => ({ from: names[i] ?? '', to }));
    const ring = buildStageGraph(names, [...chain, { from: names[n - 1] ?? '', to: 's0' }]);
    assert.equal(ring.cycles()[0]?.length, n);
    const line = buildStageGraph(names, chain);
    const result = line.topologicalOrder();
    assert.ok(result.ok);
    assert.equal(result.order.length, n);
    assert.equal(line.descendants('s0').length, n - 1);
  });
});

/** A random DAG over shuffled names: edges go from lower to higher rank, file order is random. */
const dag = fc
  .integer({ min: 0, max: 40 })
  .chain((n) =>
    fc.record({
      n: fc.constant(n),
      fileOrder: fc.shuffledSubarray(
        Array.from({ length: n }, (_, i) => i),
        { minLength: n, maxLength: n },
      ),
      pairs: fc.array(fc.tuple(fc.nat(Math.max(0, n - 1)), fc.nat(Math.max(0, n - 1))), {
        maxLength: 3 * n,
      }),
      selfs: fc.array(fc.nat(Math.max(0, n - 1)), { maxLength: n }),
    }),
  )
  .map(({ n, fileOrder, pairs, selfs }) => {
    const name = (rank: number) => `r${rank}`;
    const stages = fileOrder.map(name);
    const dagEdges = pairs
      .filter(([a, b]) => a !== b && n > 0)
      .map(([a, b]) => ({ from: name(Math.min(a, b)), to: name(Math.max(a, b)) }));
    const selfEdges = n > 0 ? selfs.map((s) => ({ from: name(s), to: name(s) })) : [];
    return { stages, edges: [...dagEdges, ...selfEdges] };
  });

describe('buildStageGraph: properties', () => {
  it('orders every random DAG so that each edge goes forward', () => {
    fc.assert(
      fc.property(dag, ({ stages, edges }) => {
        const graph = buildStageGraph(stages, edges);
        const result = graph.topologicalOrder();
        assert.ok(result.ok);
        assert.deepEqual([...result.order].sort(), [...stages].sort());
        const position = new Map(result.order.map((s, i) => [s, i]));
        for (const { from, to } of edges) {
          if (from !== to)
            assert.ok((position.get(from) ?? 0) < (position.get(to) ?? 0), `${from}>${to}`);
        }
        assert.deepEqual(graph.cycles(), []);
        // Lead stages are exactly those with no upstream edge from another stage.
        const hasUpstream = new Set(edges.filter((e) => e.from !== e.to).map((e) => e.to));
        assert.deepEqual(
          graph.leadStages(),
          stages.filter((s) => !hasUpstream.has(s)),
        );
      }),
    );
  });

  it('on any graph, reports a real cycle exactly when there is no order', () => {
    const graphs = fc.integer({ min: 1, max: 12 }).chain((n) =>
      fc.record({
        n: fc.constant(n),
        pairs: fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: 2 * n }),
      }),
    );
    fc.assert(
      fc.property(graphs, ({ n, pairs }) => {
        const stages = Array.from({ length: n }, (_, i) => `s${i}`);
        const edgeList = pairs.map(([a, b]) => ({ from: `s${a}`, to: `s${b}` }));
        const graph = buildStageGraph(stages, edgeList);
        const has = new Set(edgeList.map((e) => `${e.from}>${e.to}`));
        const cycles = graph.cycles();
        for (const cycle of cycles) {
          assert.ok(cycle.length >= 2);
          assert.equal(new Set(cycle).size, cycle.length);
          cycle.forEach((s, i) => assert.ok(has.has(`${s}>${cycle[(i + 1) % cycle.length]}`)));
        }
        const result = graph.topologicalOrder();
        assert.equal(result.ok, cycles.length === 0);
        if (!result.ok) assert.deepEqual(result.cycle, cycles[0]);
        // Within a cycle, every stage is both an ancestor and a descendant of the others.
        for (const cycle of cycles) {
          const [first] = cycle;
          if (first === undefined) continue;
          for (const other of cycle.slice(1)) {
            assert.ok(graph.ancestors(first).includes(other));
            assert.ok(graph.descendants(first).includes(other));
          }
        }
      }),
      { numRuns: 500 },
    );
  });
});
