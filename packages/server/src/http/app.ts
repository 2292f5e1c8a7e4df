// The HTTP application: one Fastify plugin per area under /api/v1, and one error body everywhere:
// {"error": {"code", "message"}}; 4xx for what the caller did wrong, 5xx only for our faults.
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import type { JobReportService } from '../services/execution/job-reports.ts';
import type { HealthService } from '../services/health.ts';
import { healthRoutes } from './health.ts';
import { jobRoutes } from './jobs.ts';

export interface AppServices {
  health: HealthService;
  jobs?: JobReportService | undefined;
}

export function buildApp(
  services: AppServices,
  options: { logger?: boolean } = {},
): FastifyInstance {
  const app = Fastify({ logger: options.logger ?? false });
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
    if (status >= 500) request.log.error({ err: error }, 'unexpected error');
    return reply.code(status).send({
      error: {
        code: status >= 500 ? 'http.internal' : httpCode(error.code),
        message: status >= 500 ? 'internal error; see the server log' : error.message,
      },
    });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({
      error: {
        code: 'http.not-found',
        message: `no route ${request.method} ${request.url.split('?')[0]}`,
      },
    }),
  );
  void app.register(healthRoutes(services.health), { prefix: '/api/v1' });
  if (services.jobs) void app.register(jobRoutes(services.jobs), { prefix: '/api/v1' });
  return app;
}

/** Fastify's codes (FST_ERR_CTP_INVALID_MEDIA_TYPE) in our family.name form. */
function httpCode(code: string | undefined): string {
  if (!code) return 'http.bad-request';
  return `http.${code
    .replace(/^FST_ERR_/, '')
    .toLowerCase()
    .replaceAll('_', '-')}`;
}
