// The caller's notification settings and a test message (docs/notifications.md). What to watch
// stays on the campaign routes (…/campaigns/:c/watch).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { DIGEST_MODES } from '../../ports/notifications.ts';
import type { NotificationOperations } from '../../services/notifications/settings.ts';
import { callerOf } from '../caller.ts';
import type { RouteRegistry } from '../route.ts';

const Settings = z.object({
  email: z.boolean(),
  email_address: z.string().nullable(),
  webhook_url: z.string().nullable(),
  webhook_secret_set: z.boolean(),
  webhook_secret_hint: z.string().nullable().describe("the secret's last 4 characters"),
  digest: z.enum(DIGEST_MODES),
  failure_threshold_pct: z.number(),
  updated_at: z.string().nullable(),
});

const Outcome = z.union([z.enum(['sent', 'not configured']), z.object({ error: z.string() })]);

export function notificationRoutes(
  app: FastifyInstance,
  routes: RouteRegistry,
  ops: NotificationOperations,
) {
  routes.add(app, {
    method: 'GET',
    url: '/me/notifications',
    tag: 'notifications',
    summary: "The caller's notification settings (the webhook secret only as set / last 4)",
    response: Settings,
    handler: ({ request }) => ops.get(callerOf(request)),
  });

  routes.add(app, {
    method: 'PUT',
    url: '/me/notifications',
    tag: 'notifications',
    summary: "Change the caller's notification settings; absent fields keep their value",
    description:
      'webhook_secret is write-only: set or rotate it here (16+ characters), null removes it. Webhook URLs must be https (http only to loopback).',
    body: z.strictObject({
      email: z.boolean().optional(),
      webhook_url: z.string().max(2000).nullable().optional(),
      webhook_secret: z.string().max(512).nullable().optional(),
      digest: z.enum(DIGEST_MODES).optional(),
      failure_threshold_pct: z.number().min(0).max(100).optional(),
    }),
    response: Settings,
    handler: ({ body, request }) =>
      ops.set(callerOf(request), {
        email: body.email,
        webhookUrl: body.webhook_url,
        webhookSecret: body.webhook_secret,
        digest: body.digest,
        failureThresholdPct: body.failure_threshold_pct,
      }),
  });

  routes.add(app, {
    method: 'POST',
    url: '/me/notifications/test',
    tag: 'notifications',
    summary: "Send a test message to the caller's configured channels now",
    response: z.object({ email: Outcome, webhook: Outcome }),
    handler: ({ request }) => ops.test(callerOf(request)),
  });
}
