// /experiments: the experiments the caller belongs to (a global superuser sees all), with roles.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Store } from '../../ports/store.ts';
import type { AccessService } from '../../services/access.ts';
import { recordChange } from '../../services/operations/audit.ts';
import { containsText, pageOf } from '../../services/operations/paging.ts';
import { requireRoot } from '../../services/operations/users.ts';
import { callerOf } from '../caller.ts';
import { queryBool, type RouteRegistry } from '../route.ts';
import { ExperimentParams, PageQuery, offsetPage } from './schemas.ts';

const Experiment = z.object({
  name: z.string(),
  display_name: z.string(),
  active: z.boolean(),
  role: z.string().nullable().describe("the caller's role; null for a global superuser"),
  created_at: z.string(),
  updated_at: z.string(),
});

export function experimentRoutes(
  app: FastifyInstance,
  routes: RouteRegistry,
  store: Store,
  access: AccessService,
): void {
  routes.add(app, {
    method: 'GET',
    url: '/experiments',
    tag: 'experiments',
    summary:
      'The experiments the caller may act in, with the role in each, by name, a page at a time',
    query: PageQuery.extend({
      active: queryBool.optional().describe('only active (true) or inactive (false) experiments'),
      q: z
        .string()
        .min(1)
        .max(200)
        .optional()
        .describe('part of the name or display name, any case'),
    }),
    response: offsetPage(Experiment),
    handler: async ({ query, request }) => {
      const caller = callerOf(request);
      const { q, active } = query;
      const all = await store.experiments.list();
      const mine = all
        .filter((e) => caller.roles.has(e.name) || caller.root)
        .filter((e) => caller.experiment === undefined || caller.experiment === e.name)
        .filter((e) => active === undefined || e.active === active)
        .filter(
          (e) => q === undefined || containsText(e.name, q) || containsText(e.display_name, q),
        )
        .map((e) => ({ ...e, role: caller.roles.get(e.name) ?? null }));
      return pageOf(mine, query);
    },
  });

  routes.add(app, {
    method: 'POST',
    url: '/experiments',
    tag: 'experiments',
    summary: 'Create an experiment (a global superuser only); give it members with PUT …/members',
    body: z.strictObject({
      name: z.string().min(1).max(64),
      display_name: z.string().min(1).max(200),
    }),
    response: Experiment,
    status: 201,
    handler: async ({ body, request }) => {
      const caller = callerOf(request);
      requireRoot(caller, 'creating experiments');
      const created = await store.transaction(async (tx) => {
        const experiment = await tx.experiments.create({
          name: body.name,
          display_name: body.display_name,
        });
        await recordChange(tx, caller, {
          experiment: experiment.name,
          action: 'experiment.create',
          objectType: 'experiment',
          objectId: experiment.name,
          summary: `experiment ${experiment.name} (${experiment.display_name}) created`,
        });
        return experiment;
      });
      return { ...created, role: null };
    },
  });

  routes.add(app, {
    method: 'GET',
    url: '/experiments/:experiment',
    tag: 'experiments',
    summary: 'One experiment',
    params: ExperimentParams,
    response: Experiment,
    handler: async ({ params, request }) => {
      const caller = callerOf(request);
      access.check(caller, 'view', { experiment: params.experiment });
      const experiment = await store.experiments.get(params.experiment);
      return { ...experiment, role: caller.roles.get(experiment.name) ?? null };
    },
  });
}
