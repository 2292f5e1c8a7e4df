// Wire schemas shared by the API's areas: what the answers look like, for the OpenAPI document
// and for readers. Records go on the wire as the store gives them (snake_case, ISO times).
import { z } from 'zod';
import {
  ENGINES,
  JOB_STATES,
  RECOVERY_TYPES,
  STAGE_TYPES,
  SUBMISSION_STATUSES,
  ParamList,
} from '@poms/core';
import { PUBLICATION_STATES } from '../../ports/publications.ts';
import { queryInt } from '../route.ts';

const time = z.string().describe('ISO 8601 UTC');
const nullableTime = time.nullable();

export const ExperimentParams = z.strictObject({ experiment: z.string().min(1).max(64) });
export const CampaignParams = ExperimentParams.extend({ campaign: z.string().min(1).max(128) });
export const StageParams = CampaignParams.extend({ stage: z.string().min(1).max(100) });
export const SubmissionParams = ExperimentParams.extend({ id: z.string().min(1).max(64) });

export const PageQuery = z.strictObject({
  limit: queryInt(1, 1000).optional(),
  offset: queryInt(0, 1_000_000_000).optional(),
});

export function offsetPage<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), total: z.number().int() });
}

export const CampaignSummary = z.object({
  id: z.string(),
  experiment: z.string(),
  name: z.string(),
  current_revision: z.number().int(),
  active: z.boolean(),
  created_at: time,
  updated_at: time,
});

export const RevisionSummary = z.object({
  campaign_id: z.string(),
  revision: z.number().int(),
  author: z.string(),
  message: z.string().nullable(),
  created_at: time,
});

export const Submission = z.object({
  id: z.string(),
  experiment: z.string(),
  campaign_id: z.string(),
  campaign: z.string(),
  campaign_revision: z.number().int(),
  stage: z.string(),
  stage_type: z.enum(STAGE_TYPES),
  engine: z.enum(ENGINES),
  status: z.enum(SUBMISSION_STATUSES),
  held_by_person: z.boolean(),
  origin: z.string(),
  test: z.boolean(),
  launch_key: z.string().nullable(),
  parent_id: z.string().nullable(),
  chain_root_id: z.string(),
  upstream_ids: z.array(z.string()).readonly(),
  recovery_step: z.number().int().nullable(),
  recovery_type: z.enum(RECOVERY_TYPES).nullable(),
  launcher: z.string(),
  dataset_query: z.string().nullable(),
  input_query: z.string().nullable(),
  input_snapshot_id: z.string().nullable(),
  parameter: z.string().nullable(),
  split_seq: z.number().int().nullable(),
  job_count: z.number().int(),
  file_count: z.number().int(),
  batch_id: z.string().nullable(),
  progressed: z.boolean(),
  chain_done_at: nullableTime,
  created_at: time,
  updated_at: time,
  status_at: time,
});

export const HistoryEntry = z.object({
  submission_id: z.string(),
  seq: z.number().int(),
  status: z.enum(SUBMISSION_STATUSES),
  reason: z.string(),
  by: z.string().nullable(),
  at: time,
});

/** A tracked job's state: the engine's, or `pending` before the engine has it. */
export const JobStateName = z.enum([...JOB_STATES, 'pending']);

export const Job = z.object({
  submission_id: z.string(),
  index: z.number().int(),
  engine_id: z.string().nullable(),
  state: JobStateName,
  exit_code: z.number().int().nullable(),
  signal: z.string().nullable(),
  reason: z.string().nullable(),
  cpu_s: z.number().nullable(),
  wall_s: z.number().nullable(),
  max_rss_kb: z.number().nullable(),
  host: z.string().nullable(),
  started_at: nullableTime,
  ended_at: nullableTime,
  request: z.string().nullable(),
  file_count: z.number().int(),
  updated_at: time,
});

// Job logs (services/logs): kept under the data folder, else read from the engine.
export const LogStreamName = z.enum(['stdout', 'stderr']);
const LogSource = z
  .enum(['kept', 'engine', 'none'])
  .describe('kept: the copy under the data folder; engine: read from the engine; none: no job yet');

export const JobLogs = z.object({
  stdout: z.string(),
  stderr: z.string(),
  truncated: z.boolean(),
  source: LogSource,
});

export const LogChunk = z.object({
  stream: LogStreamName,
  offset: z.number().int(),
  next_offset: z.number().int().describe('where the next poll starts'),
  size: z.number().int().nullable().describe("the stream's size; null when the engine cut it"),
  text: z.string(),
  source: LogSource,
  final: z.boolean().describe('the job has ended'),
});

export const JobLogSizes = z.object({
  index: z.number().int(),
  state: JobStateName,
  exit_code: z.number().int().nullable(),
  stdout_bytes: z.number().int().nullable(),
  stderr_bytes: z.number().int().nullable(),
});

export const LaunchLog = z.object({
  submission_id: z.string(),
  text: z.string(),
  kept: z.boolean().describe('false: not kept yet, rendered from the store now'),
});

export const Publication = z.object({
  submission_id: z.string(),
  state: z
    .enum(PUBLICATION_STATES)
    .describe(
      'working; waiting (for rules or the output location); retrying (a step failed); done',
    ),
  declared: z.number().int().describe('outputs declared to MetaCat/SAM'),
  registered: z.number().int().describe('outputs registered in Rucio'),
  rucio_dataset: z.string().nullable().describe("the submission's Rucio dataset, scope:name"),
  rules: z.array(
    z.object({
      id: z.string(),
      copies: z.number().int(),
      rse_expression: z.string(),
      state: z.string().describe("Rucio's rule state: OK, REPLICATING, STUCK, …"),
      locks_ok: z.number().int(),
      locks_replicating: z.number().int(),
      locks_stuck: z.number().int(),
      error: z.string().optional(),
    }),
  ),
  at_location: z.number().int().describe("outputs with a replica at the stage's output_location"),
  outputs: z.number().int(),
  detail: z.string().describe('what it waits for, or what failed'),
  failures: z.number().int().describe('failed attempts since the last step that succeeded'),
  updated_at: z.string(),
});

export const FileStatistics = z.object({
  submitted: z.number().int(),
  delivered: z.number().int(),
  consumed: z.number().int(),
  failed: z.number().int(),
  skipped: z.number().int(),
  unknown: z.number().int(),
  with_outputs: z.number().int(),
  with_located_outputs: z.number().int(),
  pending: z.number().int(),
  outputs: z.number().int(),
  located_outputs: z.number().int(),
});

export const LedgerEntry = z.object({
  file: z.string(),
  job_index: z.number().int(),
  state: z.enum(['delivered', 'consumed', 'failed', 'skipped']),
  reason: z.string().nullable(),
  updated_at: time,
});

export const LaunchBody = z.strictObject({
  test: z.boolean().optional(),
  overrides: ParamList.optional(),
  dataset: z.string().min(1).max(10_000).optional().describe('a dataset name or a query'),
});

export const HoldScope = z.union([
  z.object({ kind: z.literal('global') }),
  z.object({ kind: z.literal('experiment'), experiment: z.string() }),
  z.object({
    kind: z.literal('stage'),
    experiment: z.string(),
    campaignId: z.string(),
    stage: z.string(),
  }),
]);

export const Hold = z.object({
  scope: HoldScope,
  by: z.string(),
  reason: z.string().nullable(),
  created_at: time,
});

export const HeldLaunch = z.object({
  id: z.string(),
  experiment: z.string(),
  campaign_id: z.string(),
  stage: z.string(),
  request: z.unknown(),
  launch_key: z.string().nullable(),
  by: z.string(),
  created_at: time,
  released_at: nullableTime,
  outcome: z.string().nullable(),
});

/** What a launch did: launched (or found the launch already made), queued behind a hold, or nothing. */
export const LaunchOutcome = z.union([
  z.object({ kind: z.literal('launched'), submission: Submission, created: z.boolean() }),
  z.object({ kind: z.literal('held'), entry: HeldLaunch, hold: Hold }),
  z.object({ kind: z.literal('nothing'), reason: z.string() }),
]);
