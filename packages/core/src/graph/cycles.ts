// One concrete cycle per strongly connected component, to show the user. Listing every
// elementary cycle can take exponential time; one per component is linear and enough to act on:
// breaking it either resolves the component or reveals the next cycle in it.

/**
 * The shortest cycle through the component's first stage (in file order), as stage indices
 * without repeating the start: [a, b, c] means a → b → c → a.
 */
export function cycleThrough(
  component: readonly number[],
  out: readonly (readonly number[])[],
  componentOf: Int32Array,
  id: number,
): number[] {
  const start = component[0];
  if (start === undefined) return [];
  // Breadth-first inside the component: the first edge back to start closes the shortest cycle.
  const parent = new Map<number, number>([[start, -1]]);
  const queue: number[] = [start];
  for (let head = 0; head < queue.length; head++) {
    const v: number = queue[head] ?? start;
    for (const w of out[v] ?? []) {
      if (componentOf[w] !== id) continue;
      if (w === start) {
        const path: number[] = [];
        for (let at = v; at !== -1; at = parent.get(at) ?? -1) path.push(at);
        return path.reverse();
      }
      if (!parent.has(w)) {
        parent.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start];
}
