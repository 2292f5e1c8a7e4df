// The campaign graph as elkjs lays it out: stages left to right in the order of their edges, and
// among equals in file order (file order = visual order, DESIGN.md §6). Pinned positions (the
// `layout:` section) win over the computed ones. Pure, so it runs in the worker and in tests.
import type { ElkNode } from 'elkjs/lib/elk-api.js';
import type { GraphModel } from '../editor/graph-model.ts';

export const NODE_WIDTH = 190;
export const NODE_HEIGHT = 64;

export type Positions = Record<string, { x: number; y: number }>;

/** Above this many stages the layout trades some polish for speed (elkjs is slow on big graphs). */
export const LARGE_GRAPH = 80;

/** The elk input for a graph: nodes in file order, self-edges left out (they do not rank). */
export function elkGraphOf(model: Pick<GraphModel, 'nodes' | 'edges'>): ElkNode {
  const large = model.nodes.length > LARGE_GRAPH;
  return {
    id: 'campaign',
    layoutOptions: {
      ...(large
        ? {
            'elk.layered.thoroughness': '1',
            'elk.layered.nodePlacement.strategy': 'LINEAR_SEGMENTS',
          }
        : {}),
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.spacing.nodeNode': '28',
      'elk.layered.spacing.nodeNodeBetweenLayers': '70',
      'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
      'elk.layered.crossingMinimization.forceNodeModelOrder': 'true',
      // React Flow draws the edges itself: elk's routes are not used, so the cheapest routing.
      'elk.edgeRouting': 'POLYLINE',
    },
    children: model.nodes.map((n) => ({ id: n.id, width: NODE_WIDTH, height: NODE_HEIGHT })),
    edges: model.edges
      .filter((e) => !e.self)
      .map((e) => ({ id: e.id, sources: [e.source], targets: [e.target] })),
  };
}

/**
 * Positions from elk's answer, with pinned positions put back on top. elk does not know the pins,
 * so a computed position that would cover a pinned node (or one placed before it) moves down
 * until it is free.
 */
export function positionsOf(laidOut: ElkNode, model: Pick<GraphModel, 'nodes'>): Positions {
  const out: Positions = {};
  const placed: { x: number; y: number }[] = [];
  for (const node of model.nodes) {
    if (!node.position) continue;
    out[node.id] = { ...node.position };
    placed.push(node.position);
  }
  const pinned = placed.length > 0;
  const overlaps = (at: { x: number; y: number }) =>
    placed.some((p) => Math.abs(p.x - at.x) < NODE_WIDTH && Math.abs(p.y - at.y) < NODE_HEIGHT);
  for (const child of laidOut.children ?? []) {
    if (out[child.id]) continue;
    const at = { x: child.x ?? 0, y: child.y ?? 0 };
    if (pinned) {
      for (let tries = 0; tries < 1000 && overlaps(at); tries++) at.y += NODE_HEIGHT + 28;
      placed.push(at);
    }
    out[child.id] = at;
  }
  return out;
}

/** A key that changes only when the layout would: the nodes, their order, edges and pins. */
export function layoutKey(model: Pick<GraphModel, 'nodes' | 'edges'>): string {
  return JSON.stringify([
    model.nodes.map((n) => [n.id, n.position?.x, n.position?.y]),
    model.edges.map((e) => e.id),
  ]);
}
