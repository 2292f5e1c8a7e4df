// /templates: the template library; cloning one makes a campaign in an experiment.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { TemplateOperations } from '../../services/operations/templates.ts';
import { callerOf } from '../caller.ts';
import type { RouteRegistry } from '../route.ts';
import {
  CampaignSummary,
  ExperimentParams,
  PageQuery,
  RevisionSummary,
  offsetPage,
} from './schemas.ts';

const Template = z.object({
  file: z.string(),
  campaign: z.string(),
  description: z.string().nullable(),
  tags: z.array(z.string()),
  stages: z.array(z.string()),
});

export function templateRoutes(
  app: FastifyInstance,
  routes: RouteRegistry,
  ops: TemplateOperations,
) {
  routes.add(app, {
    method: 'GET',
    url: '/templates',
    tag: 'templates',
    summary: 'The template library, by file name, a page at a time',
    query: PageQuery.extend({
      q: z
        .string()
        .min(1)
        .max(200)
        .optional()
        .describe('part of the campaign name, file name or description, any case'),
      tag: z.string().min(1).max(200).optional().describe('only templates with this tag'),
    }),
    response: offsetPage(Template),
    handler: ({ query }) => Promise.resolve(ops.page(query)),
  });
  routes.add(app, {
    method: 'GET',
    url: '/templates/:name',
    tag: 'templates',
    summary: 'A template with its text',
    params: z.strictObject({ name: z.string().min(1).max(128) }),
    response: Template.extend({ text: z.string() }),
    handler: ({ params }) => Promise.resolve(ops.get(params.name)),
  });
  routes.add(app, {
    method: 'POST',
    url: '/experiments/:experiment/campaigns/from-template',
    tag: 'templates',
    summary: 'Create a campaign from a template: a new name, and strings replaced through the text',
    params: ExperimentParams,
    body: z.strictObject({
      template: z.string().min(1).max(128),
      name: z.string().min(1).max(128),
      replace: z
        .array(z.strictObject({ from: z.string().min(1).max(1000), to: z.string().max(1000) }))
        .max(100)
        .optional(),
    }),
    response: z.object({ campaign: CampaignSummary, revision: RevisionSummary }),
    status: 201,
    handler: ({ params, body, request }) =>
      ops.clone(callerOf(request), params.experiment, {
        template: body.template,
        name: body.name,
        ...(body.replace === undefined ? {} : { replace: body.replace }),
      }),
  });
}
