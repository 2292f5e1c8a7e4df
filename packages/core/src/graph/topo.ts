// Kahn's algorithm, taking among the ready stages the first in file order: the order is stable,
// and equals file order whenever file order already respects the edges.
import { MinHeap } from './heap.ts';

/** Stage indices in topological order, or undefined if the graph has a cycle. */
export function stableTopologicalOrder(
  out: readonly (readonly number[])[],
  inn: readonly (readonly number[])[],
): number[] | undefined {
  const waiting = inn.map((upstream) => upstream.length);
  const ready = new MinHeap();
  waiting.forEach((n, v) => {
    if (n === 0) ready.push(v);
  });
  const order: number[] = [];
  for (let v = ready.pop(); v !== undefined; v = ready.pop()) {
    order.push(v);
    for (const w of out[v] ?? []) {
      const left = (waiting[w] ?? 0) - 1;
      waiting[w] = left;
      if (left === 0) ready.push(w);
    }
  }
  return order.length === out.length ? order : undefined;
}
