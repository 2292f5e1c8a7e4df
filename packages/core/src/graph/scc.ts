// Tarjan's strongly connected components, linear in stages + edges. Iterative, so a campaign
// with a long chain of stages cannot overflow the call stack.

/** Every component of more than one stage, each ascending, ordered by its first stage. */
export function cyclicComponents(out: readonly (readonly number[])[]): number[][] {
  const count = out.length;
  const order = new Int32Array(count).fill(-1);
  const low = new Int32Array(count);
  const onStack = new Uint8Array(count);
  const stack: number[] = [];
  const components: number[][] = [];
  // The explicit call stack: a node and how many of its edges it has looked at.
  const frames: number[] = [];
  const edgeAt: number[] = [];
  let visited = 0;

  const enter = (v: number) => {
    order[v] = low[v] = visited++;
    stack.push(v);
    onStack[v] = 1;
    frames.push(v);
    edgeAt.push(0);
  };

  for (let root = 0; root < count; root++) {
    if (order[root] !== -1) continue;
    enter(root);
    while (frames.length > 0) {
      const top = frames.length - 1;
      const v = frames[top] ?? 0;
      const i = edgeAt[top] ?? 0;
      const edges = out[v] ?? [];
      if (i < edges.length) {
        edgeAt[top] = i + 1;
        const w = edges[i] ?? 0;
        if (order[w] === -1) enter(w);
        else if (onStack[w]) low[v] = Math.min(low[v] ?? 0, order[w] ?? 0);
        continue;
      }
      frames.pop();
      edgeAt.pop();
      const parent = frames.at(-1);
      if (parent !== undefined) low[parent] = Math.min(low[parent] ?? 0, low[v] ?? 0);
      if (low[v] !== order[v]) continue;
      const component: number[] = [];
      let w: number | undefined;
      do {
        w = stack.pop();
        if (w === undefined) break;
        onStack[w] = 0;
        component.push(w);
      } while (w !== v);
      if (component.length > 1) components.push(component.sort((a, b) => a - b));
    }
  }
  return components.sort((a, b) => (a[0] ?? 0) - (b[0] ?? 0));
}
