// The experiment's audit log: who changed what, as which role, newest first.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AuditOperations } from '../../services/operations/audit.ts';
import { callerOf } from '../caller.ts';
import { queryInt, type RouteRegistry } from '../route.ts';
import { ExperimentParams, offsetPage } from './schemas.ts';

const time = z.string().describe('ISO 8601 UTC');

export const AuditEntry = z.object({
  id: z.string(),
  at: time,
  actor: z.string(),
  acting_role: z.string().nullable(),
  experiment: z.string().nullable(),
  action: z.string().describe('object.verb, e.g. campaign.save, hold.set'),
  object_type: z.string(),
  object_id: z.string(),
  summary: z.string(),
  before: z.unknown(),
  after: z.unknown(),
  request_id: z.string().nullable(),
});

export function auditRoutes(app: FastifyInstance, routes: RouteRegistry, ops: AuditOperations) {
  routes.add(app, {
    method: 'GET',
    url: '/experiments/:experiment/audit',
    tag: 'audit',
    summary: "The experiment's audit log, newest first, filtered",
    params: ExperimentParams,
    query: z.strictObject({
      actor: z.string().max(64).optional(),
      action: z.string().max(100).optional(),
      object_type: z.string().max(100).optional(),
      object_id: z.string().max(500).optional(),
      since: time.optional().describe('inclusive, ISO 8601 UTC'),
      until: time.optional().describe('exclusive, ISO 8601 UTC'),
      limit: queryInt(1, 1000).optional(),
      offset: queryInt(0, 1_000_000_000).optional(),
    }),
    response: offsetPage(AuditEntry),
    handler: ({ params, query, request }) =>
      ops.list(callerOf(request), params.experiment, {
        actor: query.actor,
        action: query.action,
        objectType: query.object_type,
        objectId: query.object_id,
        since: query.since,
        until: query.until,
        limit: query.limit,
        offset: query.offset,
      }),
  });
}
