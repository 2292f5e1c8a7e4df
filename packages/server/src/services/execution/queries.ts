// Query trees the execution core builds: the files a dependency passes on, and names of files.
import type { Query } from '@poms/core';

/** Metadata the job runtime's outputs carry, so that queries can find a submission's outputs. */
export const SUBMISSION_FIELD = 'poms.submission';
export const STAGE_FIELD = 'poms.stage';
export const CAMPAIGN_FIELD = 'poms.campaign';

function anyOf(parts: Query[]): Query {
  const [first, ...rest] = parts;
  if (first === undefined) return { type: 'not', operand: { type: 'all' } };
  return rest.reduce<Query>((left, right) => ({ type: 'or', left, right }), first);
}

/** Outputs of these submissions whose names match any of the SQL LIKE patterns. */
export function outputsQuery(submissionIds: readonly string[], patterns: readonly string[]): Query {
  const outputs: Query = {
    type: 'in',
    field: SUBMISSION_FIELD,
    values: submissionIds.map((value) => ({ kind: 'string', value })),
  };
  if (patterns.length === 0 || patterns.includes('%')) return outputs;
  return {
    type: 'and',
    left: outputs,
    right: anyOf(patterns.map((pattern) => ({ type: 'like', field: 'file_name', pattern }))),
  };
}

export function union(queries: readonly Query[]): Query {
  return anyOf([...queries]);
}

/** SQL LIKE on a whole name: `%` any run, `_` one character, the rest literal. */
export function likeMatches(pattern: string, name: string): boolean {
  let re = '^';
  for (const c of pattern) {
    if (c === '%') re += '[\\s\\S]*';
    else if (c === '_') re += '[\\s\\S]';
    else re += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`${re}$`, 'u').test(name);
}
