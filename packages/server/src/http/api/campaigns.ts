// /experiments/:experiment/campaigns: list, create (push), read (text, role, owner, effective
// model), save a revision (refused when stale), revisions.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { CampaignOperations } from '../../services/operations/campaigns.ts';
import { callerOf } from '../caller.ts';
import { queryInt, type RouteRegistry } from '../route.ts';
import {
  CampaignParams,
  CampaignSummary,
  ExperimentParams,
  PageQuery,
  RevisionSummary,
  offsetPage,
} from './schemas.ts';

const CampaignListItem = CampaignSummary.extend({
  tags: z.array(z.string()).describe('in byte order'),
  role: z.string(),
  owner: z.string().describe("the author of the campaign's first revision"),
  stages: z.array(z.string()).describe("the stages' names, in file order"),
  stage_count: z.number().int(),
  held_stages: z.array(z.string()).describe('stages whose launches are held, oldest hold first'),
});

const Saved = z.object({ campaign: CampaignSummary, revision: RevisionSummary });
const text = z
  .string()
  .min(1)
  .max(16 * 1024 * 1024);

export function campaignRoutes(
  app: FastifyInstance,
  routes: RouteRegistry,
  ops: CampaignOperations,
) {
  routes.add(app, {
    method: 'GET',
    url: '/experiments/:experiment/campaigns',
    tag: 'campaigns',
    summary:
      "The experiment's campaigns, by name, a page at a time, each with its tags, role, owner, stages and held stages",
    params: ExperimentParams,
    query: z.strictObject({
      limit: queryInt(1, 1000).optional(),
      cursor: z.string().optional(),
      name: z.string().max(128).optional().describe('part of the name, any case'),
      tag: z.string().min(1).max(200).optional().describe('only campaigns with this tag'),
    }),
    response: z.object({
      items: z.array(CampaignListItem),
      next_cursor: z.string().nullable(),
      total: z.number().int(),
    }),
    handler: ({ params, query, request }) =>
      ops.list(callerOf(request), params.experiment, {
        ...(query.limit === undefined ? {} : { limit: query.limit }),
        ...(query.cursor === undefined ? {} : { cursor: query.cursor }),
        ...(query.name === undefined ? {} : { nameContains: query.name }),
        ...(query.tag === undefined ? {} : { tag: query.tag }),
      }),
  });

  routes.add(app, {
    method: 'POST',
    url: '/experiments/:experiment/campaigns',
    tag: 'campaigns',
    summary: 'Create a campaign from its text (push); the caller owns it',
    params: ExperimentParams,
    body: z.strictObject({ text, message: z.string().max(2000).optional() }),
    response: Saved,
    status: 201,
    handler: ({ params, body, request }) =>
      ops.create(callerOf(request), params.experiment, body.text, body.message),
  });

  routes.add(app, {
    method: 'GET',
    url: '/experiments/:experiment/campaigns/:campaign',
    tag: 'campaigns',
    summary: 'A campaign: its text, role, owner and effective model (every inherited value)',
    params: CampaignParams,
    response: CampaignSummary.extend({
      text: z.string(),
      tags: z.array(z.string()),
      role: z.string(),
      owner: z.string(),
      effective: z.unknown(),
    }),
    handler: ({ params, request }) =>
      ops.get(callerOf(request), params.experiment, params.campaign),
  });

  routes.add(app, {
    method: 'PUT',
    url: '/experiments/:experiment/campaigns/:campaign',
    tag: 'campaigns',
    summary:
      'Save a new revision; refused (409 store.stale-revision) unless expected_revision is current',
    params: CampaignParams,
    body: z.strictObject({
      text,
      expected_revision: z.number().int().min(1),
      message: z.string().max(2000).optional(),
    }),
    response: Saved,
    handler: ({ params, body, request }) =>
      ops.save(callerOf(request), params.experiment, params.campaign, {
        text: body.text,
        expectedRevision: body.expected_revision,
        ...(body.message === undefined ? {} : { message: body.message }),
      }),
  });

  routes.add(app, {
    method: 'GET',
    url: '/experiments/:experiment/campaigns/:campaign/revisions',
    tag: 'campaigns',
    summary: 'Revisions, newest first',
    params: CampaignParams,
    query: PageQuery,
    response: offsetPage(RevisionSummary),
    handler: ({ params, query, request }) =>
      ops.revisions(callerOf(request), params.experiment, params.campaign, {
        ...(query.limit === undefined ? {} : { limit: query.limit }),
        ...(query.offset === undefined ? {} : { offset: query.offset }),
      }),
  });

  routes.add(app, {
    method: 'POST',
    url: '/experiments/:experiment/campaigns/:campaign/restore',
    tag: 'campaigns',
    summary: "Make an old revision's text the current one (as a new revision)",
    params: CampaignParams,
    body: z.strictObject({
      revision: z.number().int().min(1),
      expected_revision: z.number().int().min(1),
    }),
    response: Saved,
    handler: ({ params, body, request }) =>
      ops.restore(callerOf(request), params.experiment, params.campaign, {
        revision: body.revision,
        expectedRevision: body.expected_revision,
      }),
  });

  routes.add(app, {
    method: 'POST',
    url: '/experiments/:experiment/campaigns/:campaign/clone',
    tag: 'campaigns',
    summary: 'Copy a campaign under a new name (maybe into another experiment), replacing strings',
    params: CampaignParams,
    body: z.strictObject({
      name: z.string().min(1).max(128),
      to_experiment: z.string().min(1).max(64).optional(),
      replace: z
        .array(z.strictObject({ from: z.string().min(1).max(1000), to: z.string().max(1000) }))
        .max(100)
        .optional(),
    }),
    response: Saved,
    status: 201,
    handler: ({ params, body, request }) =>
      ops.clone(callerOf(request), params.experiment, params.campaign, {
        name: body.name,
        ...(body.to_experiment === undefined ? {} : { toExperiment: body.to_experiment }),
        ...(body.replace === undefined ? {} : { replace: body.replace }),
      }),
  });

  routes.add(app, {
    method: 'GET',
    url: '/experiments/:experiment/campaigns/:campaign/diff',
    tag: 'campaigns',
    summary: 'What changed between two revisions, stage by stage (inherited values included)',
    params: CampaignParams,
    query: z.strictObject({ from: queryInt(1, 1_000_000), to: queryInt(1, 1_000_000) }),
    response: z.object({ from: z.number(), to: z.number(), changes: z.array(z.string()) }),
    handler: ({ params, query, request }) =>
      ops.diff(callerOf(request), params.experiment, params.campaign, query.from, query.to),
  });

  routes.add(app, {
    method: 'GET',
    url: '/experiments/:experiment/campaigns/:campaign/revisions/:revision',
    tag: 'campaigns',
    summary: 'One revision with its text',
    params: CampaignParams.extend({ revision: z.coerce.number().int().min(1) }),
    response: RevisionSummary.extend({ text: z.string(), model: z.unknown() }),
    handler: ({ params, request }) =>
      ops.revision(callerOf(request), params.experiment, params.campaign, params.revision),
  });

  const Watch = z.object({
    username: z.string(),
    experiment: z.string(),
    campaign_id: z.string(),
    campaign: z.string().describe("the campaign's current name"),
    stage: z.string().nullable(),
    created_at: z.string(),
  });
  const WatchBody = z.strictObject({ stage: z.string().min(1).max(100).optional() });

  routes.add(app, {
    method: 'PUT',
    url: '/experiments/:experiment/campaigns/:campaign/watch',
    tag: 'campaigns',
    summary: 'Watch a campaign (or one stage): its events are sent to the caller',
    params: CampaignParams,
    body: WatchBody,
    response: Watch,
    handler: ({ params, body, request }) =>
      ops.watch(callerOf(request), params.experiment, params.campaign, body.stage),
  });

  routes.add(app, {
    method: 'DELETE',
    url: '/experiments/:experiment/campaigns/:campaign/watch',
    tag: 'campaigns',
    summary: 'Stop watching a campaign (or one stage: ?stage=)',
    params: CampaignParams,
    query: z.strictObject({ stage: z.string().min(1).max(100).optional() }),
    response: z.object({ removed: z.boolean() }),
    handler: async ({ params, query, request }) => ({
      removed: await ops.unwatch(
        callerOf(request),
        params.experiment,
        params.campaign,
        query.stage,
      ),
    }),
  });

  routes.add(app, {
    method: 'GET',
    url: '/experiments/:experiment/watches',
    tag: 'campaigns',
    summary:
      'What the caller watches in the experiment, by campaign id then stage (whole campaign first), a page at a time',
    params: ExperimentParams,
    query: PageQuery.extend({
      campaign: z.string().min(1).max(128).optional().describe("only this campaign's watches"),
    }),
    response: offsetPage(Watch),
    handler: ({ params, query, request }) =>
      ops.watches(callerOf(request), params.experiment, query),
  });
}
