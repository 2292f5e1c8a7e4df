// /templates: the built-in template library; /experiments/{e}/templates: an experiment's library
// (built-in plus saved templates); cloning one makes a campaign in that experiment.
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

const TemplateQuery = PageQuery.extend({
  q: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .describe('part of the name, campaign name, file name or description, any case'),
  tag: z.string().min(1).max(200).optional().describe('only templates with this tag'),
});

const LibraryTemplate = z.object({
  name: z.string(),
  source: z.enum(['builtin', 'experiment']),
  campaign: z.string(),
  description: z.string().nullable(),
  tags: z.array(z.string()),
  stages: z.array(z.string()),
  file: z.string().nullable(),
  author: z.string().nullable(),
  created_at: z.string().nullable(),
});

const TemplateParams = ExperimentParams.extend({ name: z.string().min(1).max(128) });

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
    query: TemplateQuery,
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
    method: 'GET',
    url: '/experiments/:experiment/templates',
    tag: 'templates',
    summary:
      "An experiment's template library: the built-in templates and the ones saved in it, by name",
    params: ExperimentParams,
    query: TemplateQuery,
    response: offsetPage(LibraryTemplate),
    handler: ({ params, query, request }) =>
      ops.experimentPage(callerOf(request), params.experiment, query),
  });
  routes.add(app, {
    method: 'GET',
    url: '/experiments/:experiment/templates/:name',
    tag: 'templates',
    summary: "A template of the experiment's library with its text (a saved one before a built-in)",
    params: TemplateParams,
    response: LibraryTemplate.extend({ text: z.string() }),
    handler: ({ params, request }) =>
      ops.experimentGet(callerOf(request), params.experiment, params.name),
  });
  routes.add(app, {
    method: 'POST',
    url: '/experiments/:experiment/templates',
    tag: 'templates',
    summary:
      'Save a template in the experiment, from one of its campaigns or from a text; an existing name needs overwrite',
    params: ExperimentParams,
    body: z.strictObject({
      name: z.string().min(1).max(128),
      description: z.string().max(2000).optional(),
      tags: z.array(z.string().min(1).max(200)).max(100).optional(),
      from_campaign: z.string().min(1).max(128).optional(),
      text: z.string().min(1).optional(),
      overwrite: z.boolean().optional(),
    }),
    response: LibraryTemplate.extend({ text: z.string() }),
    status: 201,
    handler: ({ params, body, request }) =>
      ops.save(callerOf(request), params.experiment, {
        name: body.name,
        description: body.description,
        tags: body.tags,
        fromCampaign: body.from_campaign,
        text: body.text,
        overwrite: body.overwrite,
      }),
  });
  routes.add(app, {
    method: 'DELETE',
    url: '/experiments/:experiment/templates/:name',
    tag: 'templates',
    summary: 'Delete a template saved in the experiment (its author or an experiment admin)',
    params: TemplateParams,
    response: z.object({ deleted: z.literal(true) }),
    handler: async ({ params, request }) => {
      await ops.remove(callerOf(request), params.experiment, params.name);
      return { deleted: true as const };
    },
  });
  routes.add(app, {
    method: 'POST',
    url: '/experiments/:experiment/campaigns/from-template',
    tag: 'templates',
    summary:
      "Create a campaign from a template of the experiment's library: a new name, keyword values, and strings replaced through the text",
    params: ExperimentParams,
    body: z.strictObject({
      template: z.string().min(1).max(128),
      name: z.string().min(1).max(128),
      replace: z
        .array(z.strictObject({ from: z.string().min(1).max(1000), to: z.string().max(1000) }))
        .max(100)
        .optional(),
      keywords: z
        .record(z.string().min(1).max(100), z.string().max(1000))
        .optional()
        .describe('new values of keywords the template declares'),
    }),
    response: z.object({ campaign: CampaignSummary, revision: RevisionSummary }),
    status: 201,
    handler: ({ params, body, request }) =>
      ops.clone(callerOf(request), params.experiment, {
        template: body.template,
        name: body.name,
        replace: body.replace,
        keywords: body.keywords,
      }),
  });
}
