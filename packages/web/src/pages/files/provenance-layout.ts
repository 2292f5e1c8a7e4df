// The provenance graph's layout: parents above children (top to bottom), by elkjs's layered
// algorithm in the shared layout worker (graph/layout.worker.ts lays out any elk graph), with a
// simple row-per-depth layout shown at once and used whenever the worker fails.
import type { ElkNode } from 'elkjs/lib/elk-api.js';
import type { Provenance } from '../../api/types.ts';

export const FILE_NODE_WIDTH = 260;
export const FILE_NODE_HEIGHT = 58;
const GAP_X = 24;
const GAP_Y = 56;

/** At most this many files are drawn; the table lists them all. */
export const GRAPH_LIMIT = 300;

export type Positions = Record<string, { x: number; y: number }>;

export interface ShownGraph {
  nodes: Provenance['nodes'];
  edges: Provenance['edges'];
  /** Files of the walk left out of the drawing. */
  hidden: number;
}

/** The first GRAPH_LIMIT files of the walk (nearest first) and the edges among them. */
export function shownGraph(walk: Provenance, limit = GRAPH_LIMIT): ShownGraph {
  const nodes = walk.nodes.slice(0, limit);
  const names = new Set(nodes.map((n) => n.name));
  const edges = walk.edges.filter(
    (e) => e.parent !== e.child && names.has(e.parent) && names.has(e.child),
  );
  return { nodes, edges, hidden: walk.nodes.length - nodes.length };
}

/**
 * One row per depth, centred: ancestors have the deepest row on top (the file at the bottom),
 * descendants the file on top. Pure, immediate; the placeholder until elk answers.
 */
export function depthRows(graph: ShownGraph, direction: Provenance['direction']): Positions {
  const rows = new Map<number, string[]>();
  for (const n of graph.nodes) {
    const row = rows.get(n.depth) ?? [];
    row.push(n.name);
    rows.set(n.depth, row);
  }
  const deepest = Math.max(0, ...rows.keys());
  const widest = Math.max(1, ...[...rows.values()].map((r) => r.length));
  const out: Positions = {};
  for (const [depth, names] of rows) {
    const level = direction === 'ancestors' ? deepest - depth : depth;
    const offset = ((widest - names.length) * (FILE_NODE_WIDTH + GAP_X)) / 2;
    names.forEach((name, i) => {
      out[name] = {
        x: offset + i * (FILE_NODE_WIDTH + GAP_X),
        y: level * (FILE_NODE_HEIGHT + GAP_Y),
      };
    });
  }
  return out;
}

/** The elk input: parent → child edges laid out downwards, nodes in the walk's order. */
export function elkProvenanceGraph(graph: ShownGraph): ElkNode {
  const large = graph.nodes.length > 80;
  return {
    id: 'provenance',
    layoutOptions: {
      ...(large
        ? {
            'elk.layered.thoroughness': '1',
            'elk.layered.nodePlacement.strategy': 'LINEAR_SEGMENTS',
          }
        : {}),
      'elk.algorithm': 'layered',
      'elk.direction': 'DOWN',
      'elk.spacing.nodeNode': String(GAP_X),
      'elk.layered.spacing.nodeNodeBetweenLayers': String(GAP_Y),
      'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
      'elk.edgeRouting': 'POLYLINE',
    },
    children: graph.nodes.map((n) => ({
      id: n.name,
      width: FILE_NODE_WIDTH,
      height: FILE_NODE_HEIGHT,
    })),
    edges: graph.edges.map((e, i) => ({ id: `e${i}`, sources: [e.parent], targets: [e.child] })),
  };
}

let worker: Worker | undefined;
let nextId = 0;
const waiting = new Map<number, { resolve(p: ElkNode): void; reject(e: Error): void }>();

function layoutWorker(): Worker {
  if (worker) return worker;
  worker = new Worker(new URL('../../graph/layout.worker.ts', import.meta.url), {
    type: 'module',
  });
  worker.onmessage = (event: MessageEvent<{ id: number; laidOut?: ElkNode; error?: string }>) => {
    const pending = waiting.get(event.data.id);
    if (!pending) return;
    waiting.delete(event.data.id);
    if (event.data.laidOut) pending.resolve(event.data.laidOut);
    else pending.reject(new Error(event.data.error ?? 'layout failed'));
  };
  worker.onerror = () => {
    for (const pending of waiting.values()) pending.reject(new Error('layout worker failed'));
    waiting.clear();
  };
  return worker;
}

/** Positions by elk (in the worker). */
export async function layoutProvenance(graph: ShownGraph): Promise<Positions> {
  const id = ++nextId;
  const laidOut = await new Promise<ElkNode>((resolve, reject) => {
    waiting.set(id, { resolve, reject });
    layoutWorker().postMessage({ id, graph: elkProvenanceGraph(graph) });
  });
  const out: Positions = {};
  for (const child of laidOut.children ?? []) out[child.id] = { x: child.x ?? 0, y: child.y ?? 0 };
  return out;
}
