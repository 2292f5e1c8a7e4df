// The shapes of Rucio's successful answers this adapter reads, checked once at the edge. Only the
// fields used are required; Rucio sends many more and adds some in new versions.
import { RULE_STATES } from '@poms/core';
import { z } from 'zod';

/** `POST /rules/`: the ids of the rules made, one per DID. */
export const CreatedRuleIds = z.array(z.string().min(1)).min(1);

/** `GET /rules/<id>`. */
export const RuleAnswer = z.object({
  id: z.string(),
  state: z.enum(RULE_STATES),
  locks_ok_cnt: z.number().int(),
  locks_replicating_cnt: z.number().int(),
  locks_stuck_cnt: z.number().int(),
  error: z.string().nullish(),
});
export type RuleAnswer = z.infer<typeof RuleAnswer>;

/** One line of `GET /dids/<scope>/<name>/rules`: enough to recognise the same rule. */
export const DidRuleLine = z.object({
  id: z.string(),
  account: z.string(),
  rse_expression: z.string(),
  copies: z.number().int(),
});
export type DidRuleLine = z.infer<typeof DidRuleLine>;

/**
 * One line of `POST /replicas/list` asked with `all_states`: the RSEs holding a copy (with the
 * PFNs there) and, per RSE, the replica's state by name (`AVAILABLE`, `UNAVAILABLE`, `COPYING`,
 * `BEING_DELETED`, `BAD`, `TEMPORARY_UNAVAILABLE`).
 */
export const ReplicaLine = z.object({
  scope: z.string(),
  name: z.string(),
  rses: z.record(z.string(), z.array(z.string())).default({}),
  states: z.record(z.string(), z.string()).optional(),
});
export type ReplicaLine = z.infer<typeof ReplicaLine>;
