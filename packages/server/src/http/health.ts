// GET /api/v1/health: is the service up and can it reach its store. Needs no login, so load
// balancers and `poms start` scripts can poll it.
import type { FastifyPluginAsync } from 'fastify';
import type { HealthService } from '../services/health.ts';

export function healthRoutes(health: HealthService): FastifyPluginAsync {
  // eslint-disable-next-line @typescript-eslint/require-await -- Fastify plugins are async by contract
  return async (app) => {
    app.get('/health', async (_request, reply) => {
      const report = await health.check();
      return reply.code(report.status === 'ok' ? 200 : 503).send(report);
    });
  };
}
