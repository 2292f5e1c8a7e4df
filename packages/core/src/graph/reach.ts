// Transitive reachability, breadth-first: linear per query, which at hundreds of stages is
// cheaper than keeping a closure matrix up to date.

/** Every node reachable from `start` through `next`, ascending (= file order), excluding `start`. */
export function reachable(start: number, next: readonly (readonly number[])[]): number[] {
  const seen = new Uint8Array(next.length);
  const queue = [start];
  for (let head = 0; head < queue.length; head++) {
    for (const w of next[queue[head] ?? start] ?? []) {
      if (seen[w]) continue;
      seen[w] = 1;
      queue.push(w);
    }
  }
  const found: number[] = [];
  seen.forEach((mark, v) => {
    if (mark && v !== start) found.push(v);
  });
  return found;
}
