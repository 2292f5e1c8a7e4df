// The stage dependency graph of a campaign: lead stages, cycles, a stable launch order and
// up/downstream queries, by stage name. Self-edges (a stage relaunching itself on its next split)
// are a normal POMS feature, not a cycle, and do not stop a stage from being a lead stage: POMS
// got that last point wrong (POMS-REFERENCE §10).
import { cycleThrough } from './cycles.ts';
import { indexGraph, type StageEdge, type UnknownEndpoint } from './indexed.ts';
import { reachable } from './reach.ts';
import { cyclicComponents } from './scc.ts';
import { stableTopologicalOrder } from './topo.ts';

export type TopologicalOrderResult =
  | { readonly ok: true; readonly order: string[] }
  /** A cycle as in StageGraph.cycles(): [a, b, c] means a → b → c → a. */
  | { readonly ok: false; readonly cycle: string[] };

/**
 * Queries on an immutable graph. Every list is in file order unless said otherwise, and is a
 * fresh array the caller may keep or change. Unknown stage names give empty answers.
 */
export interface StageGraph {
  /** Stage names in file order, each once. */
  readonly stages: readonly string[];
  /**
   * One cycle per group of stages that depend on each other, as the stages along it without
   * repeating the first: [a, b, c] means a → b → c → a. Starts at the group's first stage in file
   * order; groups are ordered the same way. Self-edges are not cycles.
   */
  cycles(): string[][];
  /** Every stage of each group in cycles(), for highlighting all of them. */
  cycleComponents(): string[][];
  /** Stages with no upstream stage other than themselves: where a campaign launch starts. */
  leadStages(): string[];
  /** Upstream before downstream, ties broken by file order; fails with a cycle if there is one. */
  topologicalOrder(): TopologicalOrderResult;
  /** Direct upstream stages, excluding the stage itself. */
  upstreamOf(name: string): string[];
  /** Direct downstream stages, excluding the stage itself. */
  downstreamOf(name: string): string[];
  hasSelfEdge(name: string): boolean;
  /** All stages upstream, transitively; never the stage itself, even inside a cycle. */
  ancestors(name: string): string[];
  /** All stages downstream, transitively; never the stage itself, even inside a cycle. */
  descendants(name: string): string[];
  /** Endpoints of input edges that name no stage; such edges are left out of the graph. */
  unknownEndpoints(): UnknownEndpoint[];
}

export function buildStageGraph(
  stages: readonly string[],
  edges: readonly StageEdge[],
): StageGraph {
  const graph = indexGraph(stages, edges);
  const { names, indexOf, out } = graph;
  const toNames = (indices: readonly number[]) => indices.map((i) => names[i] ?? '');

  // Cycles are needed by both cycles() and topologicalOrder(): compute them once, on first use.
  let memo: { components: number[][]; cycles: number[][] } | undefined;
  const cyclic = () => {
    if (memo) return memo;
    const components = cyclicComponents(out);
    const componentOf = new Int32Array(names.length).fill(-1);
    components.forEach((members, id) => {
      for (const v of members) componentOf[v] = id;
    });
    const cycles = components.map((members, id) => cycleThrough(members, out, componentOf, id));
    memo = { components, cycles };
    return memo;
  };

  const neighbours = (name: string, lists: readonly (readonly number[])[]) => {
    const i = indexOf.get(name);
    return i === undefined ? [] : toNames(lists[i] ?? []);
  };
  const reach = (name: string, lists: readonly (readonly number[])[]) => {
    const i = indexOf.get(name);
    return i === undefined ? [] : toNames(reachable(i, lists));
  };

  return {
    stages: names,
    cycles: () => cyclic().cycles.map(toNames),
    cycleComponents: () => cyclic().components.map(toNames),
    leadStages: () => names.filter((_, i) => (graph.in[i]?.length ?? 0) === 0),
    topologicalOrder: () => {
      const order = stableTopologicalOrder(out, graph.in);
      if (order) return { ok: true, order: toNames(order) };
      return { ok: false, cycle: toNames(cyclic().cycles[0] ?? []) };
    },
    upstreamOf: (name) => neighbours(name, graph.in),
    downstreamOf: (name) => neighbours(name, out),
    hasSelfEdge: (name) => {
      const i = indexOf.get(name);
      return i !== undefined && graph.selfEdge[i] === true;
    },
    ancestors: (name) => reach(name, graph.in),
    descendants: (name) => reach(name, out),
    unknownEndpoints: () => [...graph.unknown],
  };
}
