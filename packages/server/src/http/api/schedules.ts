// Stage schedules: list the experiment's, set (create or replace) and remove a stage's.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ScheduleOperations } from '../../services/operations/schedules.ts';
import { callerOf } from '../caller.ts';
import type { RouteRegistry } from '../route.ts';
import { ExperimentParams, PageQuery, StageParams, offsetPage } from './schemas.ts';

const time = z.string().describe('ISO 8601 UTC');

export const Schedule = z.object({
  id: z.string(),
  experiment: z.string(),
  campaign_id: z.string(),
  stage: z.string(),
  cron: z.string(),
  timezone: z.string(),
  enabled: z.boolean(),
  next_run: time.nullable(),
  last_run: time.nullable(),
  by: z.string(),
  created_at: time,
  updated_at: time,
});

export function scheduleRoutes(
  app: FastifyInstance,
  routes: RouteRegistry,
  ops: ScheduleOperations,
) {
  routes.add(app, {
    method: 'GET',
    url: '/experiments/:experiment/schedules',
    tag: 'schedules',
    summary: "The experiment's stage schedules, by campaign id and stage, a page at a time",
    params: ExperimentParams,
    query: PageQuery.extend({
      campaign: z.string().min(1).max(128).optional().describe("only this campaign's schedules"),
    }),
    response: offsetPage(Schedule),
    handler: ({ params, query, request }) => ops.list(callerOf(request), params.experiment, query),
  });

  routes.add(app, {
    method: 'PUT',
    url: '/experiments/:experiment/campaigns/:campaign/stages/:stage/schedule',
    tag: 'schedules',
    summary: "Set a stage's schedule (5-field cron in an IANA time zone); replaces any other",
    params: StageParams,
    body: z.strictObject({
      cron: z.string().min(1).max(200).describe('minute hour day-of-month month day-of-week'),
      timezone: z.string().min(1).max(100).describe('UTC, America/Chicago, …'),
    }),
    response: Schedule.extend({ description: z.string().describe('the cron in words') }),
    handler: ({ params, body, request }) =>
      ops.set(callerOf(request), params.experiment, params.campaign, params.stage, body),
  });

  routes.add(app, {
    method: 'DELETE',
    url: '/experiments/:experiment/campaigns/:campaign/stages/:stage/schedule',
    tag: 'schedules',
    summary: "Remove a stage's schedule",
    params: StageParams,
    response: z.object({ removed: z.boolean() }),
    handler: ({ params, request }) =>
      ops.remove(callerOf(request), params.experiment, params.campaign, params.stage),
  });
}
