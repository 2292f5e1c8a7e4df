// GET /metrics (Prometheus text exposition, outside /api/v1 like every exporter's) and the HTTP
// latency histogram. Routes are labelled by their pattern (`/api/v1/experiments/:experiment`),
// never by the raw URL: ids in label values would make a new series per request.
import type { FastifyInstance } from 'fastify';
import type { AuthService } from '../../services/auth/auth-service.ts';
import type { PomsMetrics } from './metrics.ts';
import { checkScraper } from './scrape-access.ts';

/** The route label of requests no route matched (404s, the web app's files). */
export const UNMATCHED_ROUTE = 'unmatched';

export function serveMetrics(
  app: FastifyInstance,
  metrics: PomsMetrics,
  auth: AuthService | undefined,
): void {
  app.addHook('onResponse', (request, reply, done) => {
    metrics.http.observe(
      {
        method: request.method,
        route: request.routeOptions.url ?? UNMATCHED_ROUTE,
        status: `${Math.floor(reply.statusCode / 100)}xx`,
      },
      reply.elapsedTime / 1000,
    );
    done();
  });
  // Without the API's authentication there is nobody who may read them.
  if (auth === undefined) return;
  app.get('/metrics', async (request, reply) => {
    await checkScraper(request, auth);
    const text = await metrics.scrape();
    return reply.header('content-type', metrics.contentType).send(text);
  });
}
