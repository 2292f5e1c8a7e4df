// Launches (stage, whole campaign, dry run) and submissions (list, details, ledger, config, kill,
// hold, release, recover, approve, reject, force Located).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { RECOVERY_TYPES, SUBMISSION_STATUSES } from '@poms/core';
import type { SubmissionOperations } from '../../services/operations/submissions.ts';
import { callerOf } from '../caller.ts';
import { queryBool, queryInt, type RouteRegistry } from '../route.ts';
import {
  CampaignParams,
  ExperimentParams,
  FileStatistics,
  HistoryEntry,
  Job,
  JobLogSizes,
  JobLogs,
  JobStateName,
  LaunchLog,
  LaunchBody,
  LaunchOutcome,
  LedgerEntry,
  LogChunk,
  LogStreamName,
  Publication,
  StageParams,
  Submission,
  SubmissionParams,
  offsetPage,
} from './schemas.ts';

const statusList = z
  .string()
  .transform((text) => text.split(',').map((s) => s.trim()))
  .pipe(z.array(z.enum(SUBMISSION_STATUSES)))
  .describe('comma-separated statuses, e.g. Running,Held');

const jobStateList = z
  .string()
  .transform((text) => text.split(',').map((s) => s.trim()))
  .pipe(z.array(JobStateName))
  .describe('comma-separated job states, e.g. failed,cancelled');

export function submissionRoutes(
  app: FastifyInstance,
  routes: RouteRegistry,
  ops: SubmissionOperations,
) {
  routes.add(app, {
    method: 'POST',
    url: '/experiments/:experiment/campaigns/:campaign/stages/:stage/launch',
    tag: 'launches',
    summary: 'Launch a stage (a test launch with test: true); queued if a hold applies',
    params: StageParams,
    body: LaunchBody,
    response: LaunchOutcome,
    status: 201,
    handler: ({ params, body, request }) =>
      ops.launch(callerOf(request), params.experiment, params.campaign, params.stage, body),
  });

  routes.add(app, {
    method: 'POST',
    url: '/experiments/:experiment/campaigns/:campaign/stages/:stage/dry-run',
    tag: 'launches',
    changes: false,
    summary:
      "What a launch would do: slice, every job's files, commands and environment; writes nothing",
    params: StageParams,
    body: LaunchBody,
    response: z.looseObject({ dry_run: z.literal(true), outcome: z.string() }),
    handler: ({ params, body, request }) =>
      ops.dryRun(callerOf(request), params.experiment, params.campaign, params.stage, body),
  });

  routes.add(app, {
    method: 'POST',
    url: '/experiments/:experiment/campaigns/:campaign/launch',
    tag: 'launches',
    summary: 'Launch a whole campaign: each of its lead stages',
    params: CampaignParams,
    body: LaunchBody.omit({ dataset: true }),
    response: z.array(z.object({ stage: z.string(), outcome: LaunchOutcome })),
    status: 201,
    handler: ({ params, body, request }) =>
      ops.launchCampaign(callerOf(request), params.experiment, params.campaign, body),
  });

  routes.add(app, {
    method: 'GET',
    url: '/experiments/:experiment/submissions',
    tag: 'submissions',
    summary: 'Submissions, newest first, filtered by campaign, stage, status, test and chain',
    params: ExperimentParams,
    query: z.strictObject({
      campaign: z.string().optional(),
      stage: z.string().optional(),
      status: statusList.optional(),
      test: queryBool.optional().describe('only test launches (true) or only production (false)'),
      chain: z
        .string()
        .min(1)
        .max(100)
        .optional()
        .describe("only the submissions of this chain: its root submission's id"),
      limit: queryInt(1, 1000).optional(),
      offset: queryInt(0, 1_000_000_000).optional(),
    }),
    response: offsetPage(Submission),
    handler: ({ params, query, request }) =>
      ops.list(callerOf(request), params.experiment, {
        campaign: query.campaign,
        stage: query.stage,
        statuses: query.status,
        test: query.test,
        chain: query.chain,
        limit: query.limit,
        offset: query.offset,
      }),
  });

  routes.add(app, {
    method: 'GET',
    url: '/experiments/:experiment/submissions/:id',
    tag: 'submissions',
    summary:
      'A submission with its file statistics, status history and job counts by state (the jobs: …/jobs)',
    params: SubmissionParams,
    response: z.object({
      submission: Submission,
      statistics: FileStatistics,
      history: z.array(HistoryEntry),
      job_counts: z
        .partialRecord(JobStateName, z.number().int())
        .describe('jobs by state; states with none are absent'),
      publication: Publication.nullable().describe(
        "where the outputs stand outside the catalog (MetaCat/SAM, Rucio, the stage's output location); null when the stage asks for nothing",
      ),
    }),
    handler: ({ params, request }) => ops.details(callerOf(request), params.experiment, params.id),
  });

  routes.add(app, {
    method: 'GET',
    url: '/experiments/:experiment/submissions/:id/jobs',
    tag: 'submissions',
    summary: "The submission's jobs by index, a page at a time, filtered by state or failure",
    params: SubmissionParams,
    query: z.strictObject({
      state: jobStateList.optional(),
      failed: queryBool
        .optional()
        .describe('only jobs that failed (true: a non-zero exit code, failed or cancelled)'),
      limit: queryInt(1, 1000).optional(),
      offset: queryInt(0, 1_000_000_000).optional(),
    }),
    response: offsetPage(Job),
    handler: ({ params, query, request }) =>
      ops.jobs(callerOf(request), params.experiment, params.id, {
        states: query.state,
        failed: query.failed,
        limit: query.limit,
        offset: query.offset,
      }),
  });

  routes.add(app, {
    method: 'GET',
    url: '/experiments/:experiment/submissions/:id/ledger',
    tag: 'submissions',
    summary: "The file ledger: every delivered file's state, by name",
    params: SubmissionParams,
    query: z.strictObject({
      state: z.enum(['delivered', 'consumed', 'failed', 'skipped']).optional(),
      limit: queryInt(1, 10_000).optional(),
      offset: queryInt(0, 1_000_000_000).optional(),
    }),
    response: offsetPage(LedgerEntry),
    handler: ({ params, query, request }) =>
      ops.ledger(callerOf(request), params.experiment, params.id, {
        ...(query.state === undefined ? {} : { state: query.state }),
        ...(query.limit === undefined ? {} : { limit: query.limit }),
        ...(query.offset === undefined ? {} : { offset: query.offset }),
      }),
  });

  const JobParams = SubmissionParams.extend({ index: z.coerce.number().int().min(0) });
  routes.add(app, {
    method: 'GET',
    url: '/experiments/:experiment/submissions/:id/jobs/:index/logs',
    tag: 'submissions',
    summary:
      "A job's logs, the kept copy first: the end of stdout and stderr (max_bytes per stream, default 64 KiB); with stream, that stream from offset (max_bytes, default 1 MiB) for following",
    params: JobParams,
    query: z.strictObject({
      max_bytes: queryInt(1, 16 * 1024 * 1024).optional(),
      stream: LogStreamName.optional(),
      offset: queryInt(0, Number.MAX_SAFE_INTEGER).optional(),
    }),
    response: z.union([LogChunk, JobLogs]),
    handler: ({ params, query, request }) => {
      const caller = callerOf(request);
      if (query.stream === undefined) {
        return ops.logs(caller, params.experiment, params.id, params.index, query.max_bytes);
      }
      return ops.logChunk(
        caller,
        params.experiment,
        params.id,
        params.index,
        query.stream,
        query.offset ?? 0,
        query.max_bytes,
      );
    },
  });

  routes.add(app, {
    method: 'GET',
    url: '/experiments/:experiment/submissions/:id/jobs/:index/logs/download',
    tag: 'submissions',
    summary: "A job's whole kept stdout or stderr as a text/plain attachment",
    params: JobParams,
    query: z.strictObject({ stream: LogStreamName.default('stdout') }),
    response: z.string(),
    handler: async ({ params, query, request, reply }) => {
      const file = await ops.logDownload(
        callerOf(request),
        params.experiment,
        params.id,
        params.index,
        query.stream,
      );
      void reply.header('content-type', 'text/plain; charset=utf-8');
      void reply.header('content-disposition', `attachment; filename="${file.filename}"`);
      void reply.header('x-poms-log-source', file.source);
      return file.bytes as unknown as string;
    },
  });

  routes.add(app, {
    method: 'GET',
    url: '/experiments/:experiment/submissions/:id/logs',
    tag: 'submissions',
    summary: "The submission's jobs with the sizes of their kept logs (null: not kept yet)",
    params: SubmissionParams,
    response: z.object({ jobs: z.array(JobLogSizes) }),
    handler: ({ params, request }) => ops.logSizes(callerOf(request), params.experiment, params.id),
  });

  routes.add(app, {
    method: 'GET',
    url: '/experiments/:experiment/submissions/:id/launch-log',
    tag: 'submissions',
    summary:
      'What happened when the submission was given to its engine: outcome, command, environment names, history',
    params: SubmissionParams,
    response: LaunchLog,
    handler: ({ params, request }) =>
      ops.launchLog(callerOf(request), params.experiment, params.id),
  });

  routes.add(app, {
    method: 'GET',
    url: '/experiments/:experiment/submissions/:id/config',
    tag: 'submissions',
    summary:
      'The config frozen at launch: revision, effective stage, job type, launch setup, command',
    params: SubmissionParams,
    response: z.unknown(),
    handler: ({ params, request }) => ops.config(callerOf(request), params.experiment, params.id),
  });

  const JobAction = z.object({ submissions: z.array(z.string()), jobs: z.number().int() });
  for (const action of ['kill', 'hold', 'release'] as const) {
    routes.add(app, {
      method: 'POST',
      url: `/experiments/:experiment/submissions/:id/${action}`,
      tag: 'submissions',
      summary: `${action[0]?.toUpperCase()}${action.slice(1)} the submission's jobs (or some, by index)`,
      params: SubmissionParams,
      body: z.strictObject({ indexes: z.array(z.number().int().min(0)).max(100_000).optional() }),
      response: JobAction,
      status: 202,
      handler: ({ params, body, request }) =>
        ops.jobAction(callerOf(request), params.experiment, params.id, action, body.indexes),
    });
  }

  routes.add(app, {
    method: 'POST',
    url: '/experiments/:experiment/submissions/:id/recover',
    tag: 'submissions',
    summary: "Relaunch the submission's unprocessed files with a recovery type of its recipe",
    params: SubmissionParams,
    body: z.strictObject({ type: z.enum(RECOVERY_TYPES).optional() }),
    response: LaunchOutcome,
    status: 201,
    handler: ({ params, body, request }) =>
      ops.recover(callerOf(request), params.experiment, params.id, body.type),
  });

  for (const decision of ['approve', 'reject', 'force-located'] as const) {
    routes.add(app, {
      method: 'POST',
      url: `/experiments/:experiment/submissions/:id/${decision}`,
      tag: 'submissions',
      summary:
        decision === 'force-located'
          ? 'Move a Completed submission to Located now'
          : `${decision === 'approve' ? 'Approve' : 'Reject'} a submission awaiting approval`,
      params: SubmissionParams,
      response: Submission,
      handler: ({ params, request }) =>
        ops.decide(callerOf(request), params.experiment, params.id, decision),
    });
  }
}
