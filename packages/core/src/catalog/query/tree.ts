// Helpers over syntax trees: comparing without spans, and the datasets and snapshots a query names
// (a dataset definition must not reach itself through `defname:`).
import type { Query } from './ast.ts';

type Binary = Extract<Query, { type: 'and' | 'or' | 'minus' }>;

function isBinary(query: Query): query is Binary {
  return query.type === 'and' || query.type === 'or' || query.type === 'minus';
}

/** The same tree without any `span`: two queries that mean the same text compare equal. */
export function querySpanless(query: Query): Query {
  if (isBinary(query)) {
    // Left-deep chains (`a or b or c …`) are walked in a loop so a long one cannot overflow.
    const spine: Binary[] = [];
    let node: Query = query;
    while (isBinary(node)) {
      spine.push(node);
      node = node.left;
    }
    let result = querySpanless(node);
    for (let i = spine.length - 1; i >= 0; i--) {
      const { type, right } = spine[i] as Binary;
      result = { type, left: result, right: querySpanless(right) };
    }
    return result;
  }
  switch (query.type) {
    case 'all':
      return { type: 'all' };
    case 'compare':
      return { type: 'compare', field: query.field, op: query.op, value: { ...query.value } };
    case 'range':
      return { type: 'range', field: query.field, low: { ...query.low }, high: { ...query.high } };
    case 'in':
      return {
        type: 'in',
        field: query.field,
        values: query.values.map((value) => ({ ...value })),
      };
    case 'like':
      return { type: 'like', field: query.field, pattern: query.pattern };
    case 'has':
      return { type: 'has', field: query.field };
    case 'not':
      return { type: 'not', operand: querySpanless(query.operand) };
    case 'defname':
      return { type: 'defname', name: query.name };
    case 'snapshot':
      return { type: 'snapshot', ref: query.ref };
    case 'children':
    case 'parents':
      return { type: query.type, of: querySpanless(query.of), depth: query.depth };
    case 'window': {
      const window: Query = {
        type: 'window',
        query: querySpanless(query.query),
        offset: query.offset,
        stride: query.stride,
      };
      if (query.limit !== undefined) window.limit = query.limit;
      return window;
    }
    case 'delivered':
      return { type: 'delivered', owner: query.owner };
  }
}

export interface QueryReferences {
  /** Dataset names of `defname:` terms, each once, in order of appearance. */
  defnames: string[];
  /** Snapshot names or ids of `snapshot:` terms, each once, in order of appearance. */
  snapshots: string[];
}

/** The queries directly inside a query, in text order. */
export function subqueries(query: Query): Query[] {
  switch (query.type) {
    case 'and':
    case 'or':
    case 'minus':
      return [query.left, query.right];
    case 'not':
      return [query.operand];
    case 'children':
    case 'parents':
      return [query.of];
    case 'window':
      return [query.query];
    case 'all':
    case 'compare':
    case 'range':
    case 'in':
    case 'like':
    case 'has':
    case 'defname':
    case 'snapshot':
    case 'delivered':
      return [];
  }
}

/** The datasets and snapshots a query names, for cycle and existence checks. */
export function queryReferences(query: Query): QueryReferences {
  const defnames = new Set<string>();
  const snapshots = new Set<string>();
  // An explicit stack, children pushed right to left, visits in text order without recursion.
  const stack: Query[] = [query];
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    if (node.type === 'defname') defnames.add(node.name);
    else if (node.type === 'snapshot') snapshots.add(node.ref);
    stack.push(...subqueries(node).reverse());
  }
  return { defnames: [...defnames], snapshots: [...snapshots] };
}
