// Holds and the held-launch queue (experiment, stage, global), and job actions over a whole stage
// or campaign: kill, hold-jobs, release-jobs of every live submission.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { HoldOperations } from '../../services/operations/holds.ts';
import { callerOf } from '../caller.ts';
import type { RouteRegistry } from '../route.ts';
import {
  CampaignParams,
  ExperimentParams,
  HeldLaunch,
  Hold,
  LaunchOutcome,
  PageQuery,
  StageParams,
  offsetPage,
} from './schemas.ts';

const HoldBody = z.strictObject({ reason: z.string().min(1).max(500).optional() });
const Released = z.object({
  released: z.boolean().describe('false when there was no such hold'),
  launched: z.array(LaunchOutcome).describe('the queued launches the release let go'),
});
const JobAction = z.object({ submissions: z.array(z.string()), jobs: z.number().int() });
const VERBS = {
  kill: 'Kill',
  'hold-jobs': 'Hold the jobs of',
  'release-jobs': 'Release the jobs of',
} as const;

export function holdRoutes(app: FastifyInstance, routes: RouteRegistry, ops: HoldOperations) {
  routes.add(app, {
    method: 'GET',
    url: '/experiments/:experiment/holds',
    tag: 'holds',
    summary:
      'Holds in effect for the experiment (the global one included), oldest first, a page at a time',
    params: ExperimentParams,
    query: PageQuery.extend({
      scope: z.enum(['global', 'experiment', 'stage']).optional().describe('only this kind'),
      campaign: z.string().min(1).max(128).optional().describe("only this campaign's stage holds"),
    }),
    response: offsetPage(Hold),
    handler: ({ params, query, request }) => ops.holds(callerOf(request), params.experiment, query),
  });

  routes.add(app, {
    method: 'GET',
    url: '/experiments/:experiment/held-launches',
    tag: 'holds',
    summary: 'Launches queued behind a hold, oldest first, a page at a time',
    params: ExperimentParams,
    query: PageQuery.extend({
      campaign: z.string().min(1).max(128).optional().describe("only this campaign's launches"),
    }),
    response: offsetPage(HeldLaunch),
    handler: ({ params, query, request }) =>
      ops.heldLaunches(callerOf(request), params.experiment, query),
  });

  routes.add(app, {
    method: 'PUT',
    url: '/experiments/:experiment/hold',
    tag: 'holds',
    summary: "Hold every launch of the experiment (they queue until it's released)",
    params: ExperimentParams,
    body: HoldBody,
    response: Hold,
    handler: ({ params, body, request }) =>
      ops.holdExperiment(callerOf(request), params.experiment, body.reason),
  });

  routes.add(app, {
    method: 'DELETE',
    url: '/experiments/:experiment/hold',
    tag: 'holds',
    summary: "Release the experiment's hold and launch what no other hold still stops",
    params: ExperimentParams,
    response: Released,
    handler: ({ params, request }) => ops.releaseExperiment(callerOf(request), params.experiment),
  });

  routes.add(app, {
    method: 'PUT',
    url: '/experiments/:experiment/campaigns/:campaign/stages/:stage/hold',
    tag: 'holds',
    summary: "Hold a stage's launches",
    params: StageParams,
    body: HoldBody,
    response: Hold,
    handler: ({ params, body, request }) =>
      ops.holdStage(
        callerOf(request),
        params.experiment,
        params.campaign,
        params.stage,
        body.reason,
      ),
  });

  routes.add(app, {
    method: 'DELETE',
    url: '/experiments/:experiment/campaigns/:campaign/stages/:stage/hold',
    tag: 'holds',
    summary: "Release a stage's hold and launch what no other hold still stops",
    params: StageParams,
    response: Released,
    handler: ({ params, request }) =>
      ops.releaseStage(callerOf(request), params.experiment, params.campaign, params.stage),
  });

  routes.add(app, {
    method: 'PUT',
    url: '/holds/global',
    tag: 'holds',
    summary: 'Hold every launch of every experiment (a global superuser only)',
    body: HoldBody,
    response: Hold,
    handler: ({ body, request }) => ops.holdGlobal(callerOf(request), body.reason),
  });

  routes.add(app, {
    method: 'DELETE',
    url: '/holds/global',
    tag: 'holds',
    summary: 'Release the global hold (a global superuser only)',
    response: Released,
    handler: ({ request }) => ops.releaseGlobal(callerOf(request)),
  });

  for (const [verb, words] of Object.entries(VERBS) as [keyof typeof VERBS, string][]) {
    routes.add(app, {
      method: 'POST',
      url: `/experiments/:experiment/campaigns/:campaign/${verb}`,
      tag: 'holds',
      summary: `${words} every live submission of the campaign`,
      params: CampaignParams,
      response: JobAction,
      status: 202,
      handler: ({ params, request }) =>
        ops.jobAction(callerOf(request), params.experiment, params.campaign, undefined, verb),
    });
    routes.add(app, {
      method: 'POST',
      url: `/experiments/:experiment/campaigns/:campaign/stages/:stage/${verb}`,
      tag: 'holds',
      summary: `${words} every live submission of the stage`,
      params: StageParams,
      response: JobAction,
      status: 202,
      handler: ({ params, request }) =>
        ops.jobAction(callerOf(request), params.experiment, params.campaign, params.stage, verb),
    });
  }
}
