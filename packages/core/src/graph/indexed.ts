// The stage graph as small integers: stage i is the i-th stage in file order, so sorting by index
// *is* file order, and every algorithm here can use plain arrays instead of maps of strings.

export interface StageEdge {
  /** The upstream stage. */
  readonly from: string;
  /** The downstream stage; `from === to` is a self-edge (relaunch the stage on its next split). */
  readonly to: string;
}

/** One endpoint of an input edge that names no stage. */
export interface UnknownEndpoint {
  /** Position of the edge in the `edges` given to buildStageGraph. */
  readonly edgeIndex: number;
  readonly side: 'from' | 'to';
  readonly name: string;
}

export interface IndexedGraph {
  /** Stage names in file order, each once. */
  readonly names: readonly string[];
  readonly indexOf: ReadonlyMap<string, number>;
  /** Direct downstream stages of each stage, ascending, without duplicates or self. */
  readonly out: readonly (readonly number[])[];
  /** Direct upstream stages of each stage, ascending, without duplicates or self. */
  readonly in: readonly (readonly number[])[];
  readonly selfEdge: readonly boolean[];
  readonly unknown: readonly UnknownEndpoint[];
}

/**
 * Edges with an unknown endpoint are set aside (and listed) rather than thrown on: the editor
 * must still draw the rest of a half-typed campaign. A repeated stage name keeps its first place.
 */
export function indexGraph(stages: readonly string[], edges: readonly StageEdge[]): IndexedGraph {
  const indexOf = new Map<string, number>();
  const names: string[] = [];
  for (const name of stages) {
    if (indexOf.has(name)) continue;
    indexOf.set(name, names.length);
    names.push(name);
  }
  const outSets = names.map(() => new Set<number>());
  const inSets = names.map(() => new Set<number>());
  const selfEdge = names.map(() => false);
  const unknown: UnknownEndpoint[] = [];
  edges.forEach((edge, edgeIndex) => {
    const from = indexOf.get(edge.from);
    const to = indexOf.get(edge.to);
    if (from === undefined) unknown.push({ edgeIndex, side: 'from', name: edge.from });
    if (to === undefined) unknown.push({ edgeIndex, side: 'to', name: edge.to });
    if (from === undefined || to === undefined) return;
    if (from === to) selfEdge[from] = true;
    else {
      outSets[from]?.add(to);
      inSets[to]?.add(from);
    }
  });
  const ascending = (set: Set<number>) => [...set].sort((a, b) => a - b);
  return {
    names,
    indexOf,
    out: outSets.map(ascending),
    in: inSets.map(ascending),
    selfEdge,
    unknown,
  };
}
