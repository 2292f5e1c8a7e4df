// Asks the layout worker for the positions of a graph. Layouts are cached by what decides them
// (layoutKey), so an edit that changes no stage, edge or pin costs nothing.
import type { ElkNode } from 'elkjs/lib/elk-api.js';
import type { GraphModel } from '../editor/graph-model.ts';
import { elkGraphOf, layoutKey, positionsOf, type Positions } from './elk-graph.ts';

let worker: Worker | undefined;
let nextId = 0;
const waiting = new Map<number, { resolve(p: ElkNode): void; reject(e: Error): void }>();
const cache = new Map<string, Positions>();
const CACHE_SIZE = 50;

function layoutWorker(): Worker {
  if (worker) return worker;
  worker = new Worker(new URL('./layout.worker.ts', import.meta.url), { type: 'module' });
  worker.onmessage = (event: MessageEvent<{ id: number; laidOut?: ElkNode; error?: string }>) => {
    const pending = waiting.get(event.data.id);
    if (!pending) return;
    waiting.delete(event.data.id);
    if (event.data.laidOut) pending.resolve(event.data.laidOut);
    else pending.reject(new Error(event.data.error ?? 'layout failed'));
  };
  return worker;
}

export async function layoutGraph(model: Pick<GraphModel, 'nodes' | 'edges'>): Promise<Positions> {
  const key = layoutKey(model);
  const known = cache.get(key);
  if (known) return known;
  const id = ++nextId;
  const laidOut = await new Promise<ElkNode>((resolve, reject) => {
    waiting.set(id, { resolve, reject });
    layoutWorker().postMessage({ id, graph: elkGraphOf(model) });
  });
  const positions = positionsOf(laidOut, model);
  cache.set(key, positions);
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
  return positions;
}
