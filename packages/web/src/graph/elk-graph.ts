// The campaign graph as elkjs lays it out: stages left to right in the order of their edges, and
// among equals in file order (file order = visual order, DESIGN.md §6). Pinned positions (the
// `layout:` section) win over the computed ones. Pure, so it runs in the worker and in tests.
import type { ElkNode } from 'elkjs/lib/elk-api.js';
import type { GraphModel } from '../editor/graph-model.ts';

export const NODE_WIDTH = 190;
export const NODE_HEIGHT = 64;

export type Positions = Record<string, { x: number; y: number }>;

/** The elk input for a graph: nodes in file order, self-edges left out (they do not rank). */
export function elkGraphOf(model: Pick<GraphModel, 'nodes' | 'edges'>): ElkNode {
  return {
    id: 'campaign',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.spacing.nodeNode': '28',
      'elk.layered.spacing.nodeNodeBetweenLayers': '70',
      'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
      'elk.layered.crossingMinimization.forceNodeModelOrder': 'true',
      'elk.edgeRouting': 'SPLINES',
    },
    children: model.nodes.map((n) => ({ id: n.id, width: NODE_WIDTH, height: NODE_HEIGHT })),
    edges: model.edges
      .filter((e) => !e.self)
      .map((e) => ({ id: e.id, sources: [e.source], targets: [e.target] })),
  };
}

/** Positions from elk's answer, with pinned positions put back on top. */
export function positionsOf(laidOut: ElkNode, model: Pick<GraphModel, 'nodes'>): Positions {
  const out: Positions = {};
  for (const child of laidOut.children ?? []) out[child.id] = { x: child.x ?? 0, y: child.y ?? 0 };
  for (const node of model.nodes) if (node.position) out[node.id] = { ...node.position };
  return out;
}

/** A key that changes only when the layout would: the nodes, their order, edges and pins. */
export function layoutKey(model: Pick<GraphModel, 'nodes' | 'edges'>): string {
  return JSON.stringify([
    model.nodes.map((n) => [n.id, n.position?.x, n.position?.y]),
    model.edges.map((e) => e.id),
  ]);
}
