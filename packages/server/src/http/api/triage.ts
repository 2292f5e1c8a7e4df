// Failure triage: an experiment's failed jobs grouped by signature or by exit code, and the
// recovery of exactly one group's files (docs/triage.md).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { GROUP_BY } from '../../services/triage/groups.ts';
import type { TriageOperations } from '../../services/triage/operations.ts';
import { MAX_JOBS, sinceTime } from '../../services/triage/triage.ts';
import { callerOf } from '../caller.ts';
import { RequestShapeError, queryInt, type RouteRegistry } from '../route.ts';
import { ExperimentParams, LaunchOutcome } from './schemas.ts';

const time = z.string().describe('ISO 8601 UTC');
const count = z.number().int();

const TriageQuery = z.strictObject({
  campaign: z.string().min(1).max(128).optional(),
  stage: z.string().min(1).max(100).optional(),
  since: z
    .string()
    .max(40)
    .optional()
    .describe('7d, 36h or an ISO date/time: failed jobs that ended since (default 7d)'),
  limit: queryInt(1, MAX_JOBS)
    .optional()
    .describe(`failed jobs looked at, newest first (default ${MAX_JOBS})`),
  group_by: z
    .enum(GROUP_BY)
    .optional()
    .describe(
      'signature (exit code and log tail, the default) or exit_code (one group per exit code or signal, its signatures listed)',
    ),
});

export const TriageGroup = z.object({
  signature: z
    .string()
    .describe(
      'the group key: exit code (or signal) and a hash of the normalised log tail; in the exit_code view the exit key alone (exit65, SIGKILL, exit)',
    ),
  exit_code: z.number().int().nullable(),
  signal: z.string().nullable(),
  title: z
    .string()
    .describe('the last line that reads like an error, normalised (of its commonest signature)'),
  tail: z
    .array(z.string())
    .describe('the normalised last lines the signature was made of (of its commonest signature)'),
  count: count.describe('failed jobs'),
  files: count.describe('their files that still want work: what recover relaunches'),
  failed_files: count.describe('their files reported failed'),
  submissions: count,
  first_seen: time,
  last_seen: time,
  stages: z.array(
    z.object({ campaign: z.string(), stage: z.string(), count: count, files: count }),
  ),
  signatures: z
    .array(
      z.object({
        signature: z.string(),
        title: z.string(),
        count: count,
        files: count,
        last_seen: time,
      }),
    )
    .describe('the signatures of its jobs, most jobs first (in the signature view, itself)'),
  examples: z.array(
    z.object({
      submission_id: z.string(),
      index: count,
      campaign: z.string(),
      stage: z.string(),
      state: z.string(),
      exit_code: z.number().int().nullable(),
      signal: z.string().nullable(),
      ended_at: time.nullable(),
      excerpt: z.array(z.string()).describe("the last 20 lines of the job's log, as written"),
    }),
  ),
});

const TriageReport = z.object({
  since: time,
  group_by: z.enum(GROUP_BY),
  jobs: count.describe('failed jobs looked at'),
  truncated: z.boolean().describe('more failed jobs than the limit: the oldest were left out'),
  groups: z.array(TriageGroup),
});

const RecoverBody = z.strictObject({
  campaign: z.string().min(1).max(128).optional(),
  stage: z.string().min(1).max(100).optional(),
  since: z.string().max(40).optional(),
});

const RecoverAnswer = z.object({
  signature: z.string(),
  launches: z.array(
    z.object({
      campaign: z.string(),
      stage: z.string(),
      files: z.array(z.string()),
      outcome: LaunchOutcome,
    }),
  ),
});

function since(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const parsed = sinceTime(text, new Date());
  if (parsed === undefined) {
    const message = `'${text}' is not 7d, 36h or an ISO date/time`;
    throw new RequestShapeError('since', `since: ${message}`, [{ path: 'since', message }]);
  }
  return parsed;
}

export function triageRoutes(app: FastifyInstance, routes: RouteRegistry, ops: TriageOperations) {
  routes.add(app, {
    method: 'GET',
    url: '/experiments/:experiment/triage',
    tag: 'submissions',
    summary:
      "Failed jobs across submissions grouped by log signature (or by exit code alone), most jobs first, with examples and their logs' ends",
    params: ExperimentParams,
    query: TriageQuery,
    response: TriageReport,
    handler: ({ params, query, request }) =>
      ops.report(callerOf(request), params.experiment, { ...query, since: since(query.since) }),
  });

  routes.add(app, {
    method: 'POST',
    url: '/experiments/:experiment/triage/:signature/recover',
    tag: 'submissions',
    summary:
      'Relaunch exactly the open files of one failure group (a signature, or an exit key such as exit65): one launch per campaign stage, once (a repeat finds the same launches)',
    params: ExperimentParams.extend({ signature: z.string().min(1).max(100) }),
    body: RecoverBody,
    response: RecoverAnswer,
    status: 201,
    handler: ({ params, body, request }) =>
      ops.recover(callerOf(request), params.experiment, params.signature, {
        ...body,
        since: since(body.since),
      }),
  });
}
