// /experiments: the experiments the caller belongs to (a global superuser sees all), with roles.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Store } from '../../ports/store.ts';
import type { AccessService } from '../../services/access.ts';
import { callerOf } from '../caller.ts';
import type { RouteRegistry } from '../route.ts';
import { ExperimentParams } from './schemas.ts';

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
    summary: 'The experiments the caller may act in, with the role in each',
    response: z.array(Experiment),
    handler: async ({ request }) => {
      const caller = callerOf(request);
      const all = await store.experiments.list();
      return all
        .filter((e) => caller.roles.has(e.name) || caller.root)
        .filter((e) => caller.experiment === undefined || caller.experiment === e.name)
        .map((e) => ({ ...e, role: caller.roles.get(e.name) ?? null }));
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
