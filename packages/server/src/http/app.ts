// The HTTP application: one Fastify plugin per area under /api/v1, and one error body everywhere:
// {"error": {"code", "message"}}; 4xx for what the caller did wrong, 5xx only for our faults.
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
} from 'fastify';
import { requestIdOf } from './request-id.ts';
import type { Store } from '../ports/store.ts';
import type { AccessService } from '../services/access.ts';
import type { AuthService } from '../services/auth/auth-service.ts';
import type { JobReportService } from '../services/execution/job-reports.ts';
import type { HealthService } from '../services/health.ts';
import type { AuditOperations } from '../services/operations/audit.ts';
import type { CampaignOperations } from '../services/operations/campaigns.ts';
import type { CatalogOperations } from '../services/operations/catalog.ts';
import type { HoldOperations } from '../services/operations/holds.ts';
import type { ScheduleOperations } from '../services/operations/schedules.ts';
import type { SubmissionOperations } from '../services/operations/submissions.ts';
import type { TemplateOperations } from '../services/operations/templates.ts';
import type { ChangeBus } from '../services/events.ts';
import type { ProgressOperations } from '../services/operations/progress.ts';
import type { SplitCursorOperations } from '../services/operations/split-cursor.ts';
import type { NotificationOperations } from '../services/notifications/settings.ts';
import { notificationRoutes } from './api/notifications.ts';
import { progressRoutes } from './api/progress.ts';
import { templateRoutes } from './api/templates.ts';
import { triageRoutes } from './api/triage.ts';
import type { TriageOperations } from '../services/triage/operations.ts';
import type { UserOperations } from '../services/operations/users.ts';
import { auditRoutes } from './api/audit.ts';
import { campaignRoutes } from './api/campaigns.ts';
import { catalogRoutes } from './api/catalog.ts';
import { experimentRoutes } from './api/experiments.ts';
import { holdRoutes } from './api/holds.ts';
import { referenceRoutes } from './api/reference.ts';
import { scheduleRoutes } from './api/schedules.ts';
import { submissionRoutes } from './api/submissions.ts';
import { userRoutes } from './api/users.ts';
import { authRoutes, authenticateRequests, type AuthOptions } from './auth.ts';
import { knownError, storeUnavailable } from './errors.ts';
import { healthRoutes } from './health.ts';
import { jobRoutes } from './jobs.ts';
import { countFiles } from './metrics/file-counts.ts';
import type { PomsMetrics } from './metrics/metrics.ts';
import { serveMetrics } from './metrics/serve-metrics.ts';
import { RouteRegistry } from './route.ts';
import type { WebApp } from './web-app.ts';

/** The API proper: everything behind authentication. */
export interface ApiServices {
  store: Store;
  auth: AuthService;
  access: AccessService;
  campaigns: CampaignOperations;
  submissions: SubmissionOperations;
  holds: HoldOperations;
  schedules: ScheduleOperations;
  catalog: CatalogOperations;
  users: UserOperations;
  audit: AuditOperations;
  templates: TemplateOperations;
  /** Campaign progress (once and live) and split cursors; with `events`, rung after changes. */
  progress?: { progress: ProgressOperations; splits: SplitCursorOperations } | undefined;
  /** Failed jobs grouped by signature, and their recovery (docs/triage.md). */
  triage?: TriageOperations | undefined;
  events?: ChangeBus | undefined;
  /** The caller's notification settings and test message (docs/notifications.md). */
  notifications?: NotificationOperations | undefined;
  version: string;
  options?: AuthOptions | undefined;
}

export interface AppServices {
  health: HealthService;
  jobs?: JobReportService | undefined;
  api?: ApiServices | undefined;
  /** The built browser app served at `/` (see web-app.ts); absent: the API only. */
  web?: WebApp | undefined;
  /** Prometheus metrics: GET /metrics and the HTTP latency histogram (see metrics/). */
  metrics?: PomsMetrics | undefined;
}

/** Largest request body: a campaign text of 16 MiB in JSON, with room to spare. */
const BODY_LIMIT = 20 * 1024 * 1024;

export function buildApp(
  services: AppServices,
  options: {
    logger?: boolean | { write(line: string): void };
    /** The server's operational log (JSON lines), shared with the services; wins over `logger`. */
    loggerInstance?: FastifyBaseLogger;
  } = {},
): FastifyInstance & { routes: RouteRegistry } {
  const logger = options.logger ?? false;
  const app = Fastify({
    ...(options.loggerInstance === undefined
      ? { logger: typeof logger === 'boolean' ? logger : { level: 'info', stream: logger } }
      : { loggerInstance: options.loggerInstance }),
    genReqId: requestIdOf,
    logController: new LogController({ requestIdLogLabel: 'request_id' }),
    bodyLimit: BODY_LIMIT,
  });
  const routes = new RouteRegistry();
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.registered.push({ method, url: route.url });
  });
  // Answers are data, never pages to frame or sniff.
  app.addHook('onSend', async (request, reply) => {
    void reply.header('x-request-id', request.id);
    void reply.header('x-content-type-options', 'nosniff');
    void reply.header('x-frame-options', 'DENY');
    void reply.header('referrer-policy', 'no-referrer');
    // The web app's files set their own (cacheable assets, a policy that lets the app run).
    if (!reply.hasHeader('cache-control')) void reply.header('cache-control', 'no-store');
    if (!reply.hasHeader('content-security-policy')) {
      void reply.header(
        'content-security-policy',
        "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
      );
    }
  });
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const known = knownError(error);
    if (known) return reply.code(known.status).send(known.body);
    const unavailable = storeUnavailable(error);
    if (unavailable) {
      request.log.warn({ err: { message: error.message, code: error.code } }, 'store unavailable');
      return reply.code(503).header('retry-after', '2').send(unavailable);
    }
    const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
    if (status >= 500) request.log.error({ err: error }, 'unexpected error');
    return reply.code(status).send({
      error: {
        code: status >= 500 ? 'http.internal' : httpCode(error.code),
        message: status >= 500 ? 'internal error; see the server log' : error.message,
      },
    });
  });
  app.setNotFoundHandler(async (request, reply) => {
    if (services.web && (await services.web.serve(request, reply))) return reply;
    return reply.code(404).send({
      error: {
        code: 'http.not-found',
        message: `no route ${request.method} ${request.url.split('?')[0]}`,
      },
    });
  });
  if (services.metrics) {
    serveMetrics(app, services.metrics, services.api?.auth);
    services.jobs?.onFilesReported(countFiles(services.metrics));
  }
  void app.register(healthRoutes(services.health), { prefix: '/api/v1' });
  if (services.jobs) void app.register(jobRoutes(services.jobs), { prefix: '/api/v1' });
  const api = services.api;
  if (api) {
    authenticateRequests(app, api.store, api.auth, api.options);
    const events = api.events;
    if (events) {
      // A change a person (or a job) made: the live views look again.
      app.addHook('onResponse', async (request, reply) => {
        if (request.method !== 'GET' && request.method !== 'HEAD' && reply.statusCode < 400) {
          events.notify();
        }
      });
    }
    void app.register(
      // eslint-disable-next-line @typescript-eslint/require-await -- Fastify plugins are async by contract
      async (scope) => {
        authRoutes(scope, routes, api.store, api.auth);
        experimentRoutes(scope, routes, api.store, api.access);
        campaignRoutes(scope, routes, api.campaigns);
        submissionRoutes(scope, routes, api.submissions);
        holdRoutes(scope, routes, api.holds);
        scheduleRoutes(scope, routes, api.schedules);
        catalogRoutes(scope, routes, api.catalog);
        userRoutes(scope, routes, api.users);
        auditRoutes(scope, routes, api.audit);
        templateRoutes(scope, routes, api.templates);
        if (api.progress) progressRoutes(scope, routes, api.progress);
        if (api.notifications) notificationRoutes(scope, routes, api.notifications);
        if (api.triage) triageRoutes(scope, routes, api.triage);
        referenceRoutes(scope, routes, api.version);
      },
      { prefix: '/api/v1' },
    );
  }
  return Object.assign(app, { routes });
}

/** Fastify's codes (FST_ERR_CTP_INVALID_MEDIA_TYPE) in our family.name form. */
function httpCode(code: string | undefined): string {
  if (!code) return 'http.bad-request';
  return `http.${code
    .replace(/^FST_ERR_/, '')
    .toLowerCase()
    .replaceAll('_', '-')}`;
}
