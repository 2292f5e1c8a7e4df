/**
 * A query ready for SQL: `defname:` replaced by the dataset's saved query (or, for an open
 * dataset, by its member list) and `snapshot:` by the id of the snapshot it names. resolve.ts makes these; translate.ts turns them into SQL.
 */
import type { CompareOp, Literal, Query } from '@poms/core';

type Leaf = Extract<
  Query,
  { type: 'all' | 'compare' | 'range' | 'in' | 'like' | 'has' | 'delivered' }
>;

export type ResolvedQuery =
  | Leaf
  | { type: 'and' | 'or' | 'minus'; left: ResolvedQuery; right: ResolvedQuery }
  | { type: 'not'; operand: ResolvedQuery }
  | { type: 'children' | 'parents'; of: ResolvedQuery; depth: number }
  | { type: 'window'; query: ResolvedQuery; offset: number; stride: number; limit?: number }
  | { type: 'snapshot'; id: string }
  /** The files listed in an open dataset. */
  | { type: 'members'; dataset: string };

export type { CompareOp, Literal };
