// The editor's graph, derived from a parse of the campaign text (DESIGN.md §6): nodes in file order
// (file order = visual order), pinned positions from `layout:`, edges with the patterns that flow
// along them. While the text is invalid the editor keeps the last good graph and greys it; this
// module says which graph that is.
import type { EdgeSource, ParsedCampaign } from '@poms/campaign-file';

export interface GraphNode {
  id: string;
  label: string;
  type: string;
  /** Pinned position, or undefined for the automatic layout to place. */
  position: { x: number; y: number } | undefined;
  /** Source range of the stage in the text, to select it when the node is selected. */
  range: readonly [number, number] | undefined;
  has_error: boolean;
}

export interface GraphEdge {
  id: string;
  source: string;
  target: string;
  self: boolean;
  patterns: string[];
  range: readonly [number, number] | undefined;
}

export interface GraphModel {
  nodes: GraphNode[];
  edges: GraphEdge[];
  /** False while the text does not parse: show this graph greyed, with the diagnostics. */
  current: boolean;
}

/** The graph of a parse, or `previous` (marked stale) when the parse has no model. */
export function graphModel(parsed: ParsedCampaign, previous?: GraphModel): GraphModel {
  const effective = parsed.effective;
  if (!effective) {
    return previous ? { ...previous, current: false } : { nodes: [], edges: [], current: false };
  }
  const stageRanges = new Map(parsed.sources.stages.map((s) => [s.name, s]));
  const errorsAt = parsed.diagnostics.filter((d) => d.severity === 'error');
  const nodes = effective.stages.map((stage): GraphNode => {
    const source = stageRanges.get(stage.name);
    return {
      id: stage.name,
      label: stage.name,
      type: stage.type,
      position: effective.layout[stage.name],
      range: source?.range,
      has_error: source
        ? errorsAt.some((d) => d.offset >= source.range[0] && d.offset < source.range[1])
        : false,
    };
  });
  const known = new Set(nodes.map((n) => n.id));
  // Where each edge is written (the first `needs` item naming it), looked up once per edge.
  const edgeSources = new Map<string, EdgeSource>();
  for (const e of parsed.sources.edges) {
    const key = `${e.from}\u0000${e.to}`;
    if (!edgeSources.has(key)) edgeSources.set(key, e);
  }
  const edges = effective.edges
    .filter((edge) => known.has(edge.from))
    .map((edge): GraphEdge => {
      const source = edgeSources.get(`${edge.from}\u0000${edge.to}`);
      return {
        id: `${edge.from}->${edge.to}`,
        source: edge.from,
        target: edge.to,
        self: edge.self,
        patterns: edge.patterns,
        range: source?.range,
      };
    });
  return { nodes, edges, current: true };
}

/** The stage whose text holds `offset` (for moving the graph's selection with the cursor). */
export function stageAtOffset(
  sources: ParsedCampaign['sources'],
  offset: number,
): string | undefined {
  for (const stage of sources.stages)
    if (offset >= stage.range[0] && offset <= stage.range[1]) return stage.name;
  return undefined;
}

/** A stage name not yet taken: `base`, else `base_2`, `base_3`, … */
export function freeStageName(model: Pick<GraphModel, 'nodes'>, base: string): string {
  const taken = new Set(model.nodes.map((n) => n.id));
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base}_${i}`)) return `${base}_${i}`;
}
