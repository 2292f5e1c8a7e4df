// A campaign's progress stage by stage (once, or live as server-sent events), and a stage's split
// cursor: where it is, reset or rewind it.
import type { FastifyInstance } from 'fastify';
import type { ServerResponse } from 'node:http';
import { z } from 'zod';
import { SUBMISSION_STATUSES } from '@poms/core';
import type { CampaignProgress, ProgressOperations } from '../../services/operations/progress.ts';
import type { SplitCursorOperations } from '../../services/operations/split-cursor.ts';
import { callerOf } from '../caller.ts';
import { RequestShapeError, queryBool, type RouteRegistry } from '../route.ts';
import { CampaignParams, StageParams } from './schemas.ts';

const time = z.string().describe('ISO 8601 UTC');
const count = z.number().int();

export const StageProgress = z.object({
  stage: z.string(),
  type: z.string().nullable().describe('null: a stage the campaign no longer has'),
  held: z.boolean().describe('a stage hold is in effect'),
  schedule: z
    .object({ cron: z.string(), timezone: z.string(), next_run: time.nullable() })
    .nullable(),
  submissions: z.object({
    total: count,
    live: count.describe('not in a final status'),
    by_status: z.partialRecord(z.enum(SUBMISSION_STATUSES), count),
  }),
  files: z.object({
    delivered: count,
    consumed: count,
    failed: count,
    skipped: count,
    unknown: count.describe('delivered, no final word yet'),
    outputs: count,
    located: count.describe('located outputs'),
  }),
  jobs: z.object({
    idle: count,
    running: count,
    held: count,
    done: count,
    failed: count,
    cancelled: count,
    unknown: count,
  }),
  last_submission: z
    .object({ id: z.string(), status: z.enum(SUBMISSION_STATUSES), created_at: time })
    .nullable(),
});

export const CampaignProgressSchema = z.object({
  experiment: z.string(),
  campaign: z.string(),
  campaign_id: z.string(),
  revision: count,
  experiment_held: z.boolean(),
  global_held: z.boolean(),
  stages: z.array(StageProgress),
});

const SplitQuery = z.strictObject({
  test: queryBool.optional().describe("the test launches' cursor"),
});

const SplitView = z.object({
  owner: z.string(),
  test: z.boolean(),
  spec: z.string().describe("the split spec of the cursor ('' before the first slice)"),
  slices: count.describe('slices handed out: the next launch takes slice slices + 1'),
  updated_at: time.nullable(),
  history: z.array(
    z.object({
      seq: count,
      label: z.string(),
      parameter: z.string().nullable(),
      file_count: count,
      created_at: time,
    }),
  ),
});

const SplitBody = z.union([
  z.strictObject({ action: z.literal('reset'), test: z.boolean().optional() }),
  z.strictObject({
    action: z.literal('rewind'),
    to: z.number().int().min(0).describe('the last slice to keep (0: start over)'),
    test: z.boolean().optional(),
  }),
]);

const SplitChange = z.object({
  owner: z.string(),
  test: z.boolean(),
  action: z.enum(['reset', 'rewind']),
  from: count,
  to: count,
  dropped: z.array(z.object({ seq: count, label: z.string(), file_count: count })),
});

/** Between comments that keep an idle event stream open through proxies. */
export const HEARTBEAT_MS = 15_000;

export function progressRoutes(
  app: FastifyInstance,
  routes: RouteRegistry,
  ops: { progress: ProgressOperations; splits: SplitCursorOperations },
) {
  routes.add(app, {
    method: 'GET',
    url: '/experiments/:experiment/campaigns/:campaign/progress',
    tag: 'campaigns',
    summary:
      "A campaign's progress by stage: submissions by status, files, jobs, the last submission, holds and schedules",
    params: CampaignParams,
    response: CampaignProgressSchema,
    handler: ({ params, request }) =>
      ops.progress.progress(callerOf(request), params.experiment, params.campaign),
  });

  routes.add(app, {
    method: 'GET',
    url: '/experiments/:experiment/campaigns/:campaign/stages/:stage/split',
    tag: 'launches',
    summary: "A stage's split cursor: slices handed out so far, oldest first",
    params: StageParams,
    query: SplitQuery,
    response: SplitView,
    handler: ({ params, query, request }) =>
      ops.splits.state(
        callerOf(request),
        params.experiment,
        params.campaign,
        params.stage,
        query.test === true,
      ),
  });

  routes.add(app, {
    method: 'POST',
    url: '/experiments/:experiment/campaigns/:campaign/stages/:stage/split',
    tag: 'launches',
    summary:
      "Reset a stage's split to its first slice, or rewind it to just after slice `to`; refused (409 split.in-use) while a forgotten slice is still being processed",
    params: StageParams,
    body: SplitBody,
    response: SplitChange,
    handler: ({ params, body, request }) =>
      ops.splits.change(callerOf(request), params.experiment, params.campaign, params.stage, body),
  });

  // Server-sent events are not JSON answers: declared to Fastify directly, described in
  // docs/api.md, and left out of the OpenAPI document on purpose (api.test.ts says so).
  const open = new Set<ServerResponse>();
  app.addHook('preClose', (done) => {
    for (const stream of open) stream.end();
    open.clear();
    done();
  });
  app.get<{ Params: { experiment: string; campaign: string } }>(
    '/experiments/:experiment/campaigns/:campaign/events',
    async (request, reply) => {
      const caller = callerOf(request);
      const parsed = CampaignParams.safeParse(request.params);
      if (!parsed.success) {
        const path = ['params', ...(parsed.error.issues[0]?.path ?? []).map(String)].join('.');
        throw new RequestShapeError(path, `${path}: invalid`, []);
      }
      const params = parsed.data;
      const stream = reply.raw;
      const send = (progress: CampaignProgress) => {
        stream.write(`event: progress\ndata: ${JSON.stringify(progress)}\n\n`);
      };
      // The first summary is read (and the caller checked) before the answer starts, so a
      // refusal is an ordinary error answer.
      let stop: (() => void) | undefined;
      let pending: CampaignProgress | undefined;
      stop = await ops.progress.watch(caller, params.experiment, params.campaign, (p) => {
        if (stop === undefined) pending = p;
        else send(p);
      });
      reply.hijack();
      stream.writeHead(200, EVENT_STREAM_HEADERS);
      stream.write('retry: 3000\n\n');
      open.add(stream);
      if (pending !== undefined) send(pending);
      const heartbeat = setInterval(() => stream.write(': heartbeat\n\n'), HEARTBEAT_MS);
      const end = () => {
        clearInterval(heartbeat);
        stop?.();
        stop = undefined;
        open.delete(stream);
      };
      request.raw.on('close', end);
      stream.on('close', end);
    },
  );
}

/** The security headers every answer has (app.ts), which a hijacked answer must set itself. */
const EVENT_STREAM_HEADERS: Record<string, string> = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-store',
  connection: 'keep-alive',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'x-accel-buffering': 'no',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
};
