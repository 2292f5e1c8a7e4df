// A campaign's progress stage by stage (once, or live as server-sent events), a stage's files over
// time with a forecast of its end, and a stage's split cursor: where it is, reset or rewind it.
import type { FastifyInstance } from 'fastify';
import type { ServerResponse } from 'node:http';
import { z } from 'zod';
import { SUBMISSION_STATUSES } from '@poms/core';
import type { CampaignProgress, ProgressOperations } from '../../services/operations/progress.ts';
import type { SplitCursorOperations } from '../../services/operations/split-cursor.ts';
import { callerOf } from '../caller.ts';
import { RequestShapeError, queryBool, queryInt, type RouteRegistry } from '../route.ts';
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

const HistoryQuery = z.strictObject({
  stage: z.string().min(1).max(100).optional().describe('one stage; absent: every stage together'),
  buckets: queryInt(2, 200).optional().describe('steps between start and end (default 60)'),
});

const ProgressHistorySchema = z.object({
  experiment: z.string(),
  campaign: z.string(),
  stage: z.string().nullable().describe('null: every stage of the campaign together'),
  start: time.nullable().describe("the first submission's creation; null: none yet"),
  end: time.nullable().describe('now while a submission is live, else the last change'),
  live: count.describe('submissions not in a final status'),
  expected: count.describe('distinct files given to the submissions'),
  outputs: count.describe('outputs declared'),
  points: z
    .array(
      z.object({
        at: time,
        processed: count.describe('files with a final word by then (each file once)'),
        located: count.describe("located outputs by then (counted from their job's end)"),
      }),
    )
    .describe('cumulative, at buckets + 1 evenly spaced instants from start to end'),
  forecast: z.object({
    rate_per_min: z
      .number()
      .nullable()
      .describe('files per minute over the window; null: no recent progress, or nothing live'),
    window_s: z
      .number()
      .describe('the recent past the rate is measured over: 30 % of the elapsed time, at most 1 h'),
    remaining: count,
    seconds_left: z.number().nullable().describe('remaining / rate; 0 when nothing remains'),
    done_at: time.nullable(),
  }),
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
    url: '/experiments/:experiment/campaigns/:campaign/progress/history',
    tag: 'campaigns',
    summary:
      "A stage's files over time (processed, located, expected) and a forecast of its end from the recent rate",
    params: CampaignParams,
    query: HistoryQuery,
    response: ProgressHistorySchema,
    handler: ({ params, query, request }) =>
      ops.progress.history(callerOf(request), params.experiment, params.campaign, {
        stage: query.stage,
        buckets: query.buckets ?? 60,
      }),
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
