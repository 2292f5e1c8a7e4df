// The shapes of the API's answers that the app reads (docs/api.md and /api/v1/openapi.json are
// the reference); only the fields the pages use.

import type { Role, SubmissionStatus } from '@poms/core';

export type { Role, SubmissionStatus };

export interface Me {
  username: string;
  display_name: string;
  root: boolean;
  via: string;
  must_change_password: boolean;
  memberships: { experiment: string; role: Role }[];
  acting_role?: Role;
  csrf?: string;
}

export interface Experiment {
  name: string;
  display_name: string;
  active: boolean;
  role: Role | null;
}

export interface CampaignSummary {
  id: string;
  experiment: string;
  name: string;
  current_revision: number;
  active: boolean;
  created_at: string;
  updated_at: string;
}

export interface CampaignDetail {
  id: string;
  experiment: string;
  name: string;
  current_revision: number;
  active: boolean;
  created_at: string;
  updated_at: string;
  text: string;
  tags: string[];
  role: Role;
  owner: string;
}

export interface Submission {
  id: string;
  experiment: string;
  campaign: string;
  campaign_id: string;
  campaign_revision: number;
  stage: string;
  stage_type: string;
  engine: string;
  status: SubmissionStatus;
  held_by_person: boolean;
  test: boolean;
  origin: string;
  launcher: string;
  parent_id: string | null;
  chain_root_id: string;
  upstream_ids: string[];
  recovery_type: string | null;
  input_query: string | null;
  parameter: string | null;
  split_seq: number | null;
  job_count: number;
  file_count: number;
  created_at: string;
  updated_at: string;
  status_at: string;
}

// Monitoring and control (src/pages/monitoring).

export interface FileStatistics {
  submitted: number;
  delivered: number;
  consumed: number;
  failed: number;
  skipped: number;
  unknown: number;
  with_outputs: number;
  with_located_outputs: number;
  pending: number;
  outputs: number;
  located_outputs: number;
}

export interface HistoryEntry {
  submission_id: string;
  seq: number;
  status: SubmissionStatus;
  reason: string;
  by: string | null;
  at: string;
}

export interface Job {
  submission_id: string;
  index: number;
  engine_id: string | null;
  state: string;
  exit_code: number | null;
  signal: string | null;
  reason: string | null;
  cpu_s: number | null;
  wall_s: number | null;
  max_rss_kb: number | null;
  host: string | null;
  started_at: string | null;
  ended_at: string | null;
  file_count: number;
  updated_at: string;
}

export interface SubmissionDetails {
  submission: Submission;
  statistics: FileStatistics;
  history: HistoryEntry[];
  /** Jobs by state; states with none are absent. The jobs: …/submissions/{id}/jobs, paged. */
  job_counts: Record<string, number>;
  /** Where the outputs stand outside the catalog; null when the stage asks for nothing. */
  publication: Publication | null;
}

export interface PublishedRule {
  id: string;
  copies: number;
  rse_expression: string;
  /** Rucio's rule state: OK, REPLICATING, STUCK, … ('' before the first look). */
  state: string;
  locks_ok: number;
  locks_replicating: number;
  locks_stuck: number;
  error?: string;
}

export interface Publication {
  submission_id: string;
  state: 'working' | 'waiting' | 'retrying' | 'done';
  declared: number;
  registered: number;
  rucio_dataset: string | null;
  rules: PublishedRule[];
  at_location: number;
  outputs: number;
  detail: string;
  failures: number;
  updated_at: string;
}

export type LedgerState = 'delivered' | 'consumed' | 'failed' | 'skipped';

export interface LedgerEntry {
  file: string;
  job_index: number;
  state: LedgerState;
  reason: string | null;
  updated_at: string;
}

export interface JobLogs {
  stdout: string;
  stderr: string;
  truncated: boolean;
  /** kept: the server's copy (outlives the job's folder); engine: read from the engine now. */
  source: 'kept' | 'engine' | 'none';
}

/** What happened when a submission was given to its engine. */
export interface LaunchLog {
  submission_id: string;
  text: string;
  /** False: not kept yet, rendered from the store now. */
  kept: boolean;
}

export type HoldScope =
  | { kind: 'global' }
  | { kind: 'experiment'; experiment: string }
  | { kind: 'stage'; experiment: string; campaignId: string; stage: string };

export interface Hold {
  scope: HoldScope;
  by: string;
  reason: string | null;
  created_at: string;
}

export interface HeldLaunch {
  id: string;
  experiment: string;
  campaign_id: string;
  stage: string;
  request: unknown;
  launch_key: string | null;
  by: string;
  created_at: string;
  released_at: string | null;
  outcome: string | null;
}

export type LaunchOutcome =
  | { kind: 'launched'; submission: Submission; created: boolean }
  | { kind: 'held'; entry: HeldLaunch; hold: Hold }
  | { kind: 'nothing'; reason: string };

export interface Released {
  released: boolean;
  launched: LaunchOutcome[];
}

export interface JobActionResult {
  submissions: string[];
  jobs: number;
}

export interface Watch {
  username: string;
  experiment: string;
  campaign_id: string;
  /** The campaign's current name. */
  campaign: string;
  stage: string | null;
  created_at: string;
}

/** The caller's notification settings (GET/PUT /me/notifications); the secret never comes back. */
export interface NotificationSettings {
  email: boolean;
  email_address: string | null;
  webhook_url: string | null;
  webhook_secret_set: boolean;
  /** The secret's last 4 characters. */
  webhook_secret_hint: string | null;
  digest: 'immediate' | 'daily';
  failure_threshold_pct: number;
  updated_at: string | null;
}

/** What a test message did on one channel. */
export type NotificationTestOutcome = 'sent' | 'not configured' | { error: string };

/** A campaign as the list answers it: enough for a row without reading the campaign. */
export interface CampaignListItem extends CampaignSummary {
  tags: string[];
  role: string;
  owner: string;
  /** Stage names, in file order. */
  stages: string[];
  stage_count: number;
  /** Stages whose launches are held. */
  held_stages: string[];
}

export interface CampaignPage {
  items: CampaignListItem[];
  next_cursor: string | null;
  total: number;
}

export interface AuditEntry {
  id: string;
  at: string;
  actor: string;
  acting_role: string | null;
  experiment: string | null;
  action: string;
  object_type: string;
  object_id: string;
  summary: string;
  before: unknown;
  after: unknown;
  request_id: string | null;
}

/** A built-in template (GET /templates). */
export interface BuiltinTemplate {
  file: string;
  campaign: string;
  description: string | null;
  tags: string[];
  stages: string[];
}

/** A template of an experiment's library (GET /experiments/{e}/templates): built-in or saved. */
export interface LibraryTemplate {
  name: string;
  source: 'builtin' | 'experiment';
  campaign: string;
  description: string | null;
  tags: string[];
  stages: string[];
  file: string | null;
  author: string | null;
  created_at: string | null;
}

export interface LibraryTemplateDetail extends LibraryTemplate {
  text: string;
}

// Campaign overview and stage page (src/pages/campaign).

/** One stage of GET /experiments/{e}/campaigns/{c}/progress (also the `progress` event). */
export interface StageProgress {
  stage: string;
  /** null: a stage the campaign no longer has, whose submissions remain. */
  type: string | null;
  held: boolean;
  schedule: { cron: string; timezone: string; next_run: string | null } | null;
  submissions: {
    total: number;
    live: number;
    by_status: Partial<Record<SubmissionStatus, number>>;
  };
  files: {
    delivered: number;
    consumed: number;
    failed: number;
    skipped: number;
    unknown: number;
    outputs: number;
    located: number;
  };
  jobs: {
    idle: number;
    running: number;
    held: number;
    done: number;
    failed: number;
    cancelled: number;
    unknown: number;
  };
  last_submission: { id: string; status: SubmissionStatus; created_at: string } | null;
}

export interface CampaignProgress {
  experiment: string;
  campaign: string;
  campaign_id: string;
  revision: number;
  experiment_held: boolean;
  global_held: boolean;
  stages: StageProgress[];
}

/** GET …/stages/{s}/split */
export interface SplitView {
  owner: string;
  test: boolean;
  spec: string;
  slices: number;
  updated_at: string | null;
  history: {
    seq: number;
    label: string;
    parameter: string | null;
    file_count: number;
    created_at: string;
  }[];
}

/** POST …/stages/{s}/split */
export interface SplitChange {
  owner: string;
  test: boolean;
  action: 'reset' | 'rewind';
  from: number;
  to: number;
  dropped: { seq: number; label: string; file_count: number }[];
}

export interface DryRunJob {
  index: number;
  files: string[];
  runtime_argv: string[];
  runs: { argv: string[]; shell_setup: string[] }[];
  env: Record<string, string>;
}

/** POST …/stages/{s}/dry-run */
export type DryRunResult =
  | {
      dry_run: true;
      outcome: 'would-launch';
      campaign: string;
      stage: string;
      test: boolean;
      status: SubmissionStatus;
      input: { label: string; query: string | null; files: number };
      split: { spec: string; slice: number; label: string } | null;
      command_text: string | null;
      params: [string, string][];
      jobs_total: number;
      jobs: DryRunJob[];
    }
  | { dry_run: true; outcome: 'would-queue'; hold: Hold }
  | { dry_run: true; outcome: 'nothing'; reason: string };

/** PUT …/stages/{s}/schedule */
export interface ScheduleSaved {
  id: string;
  stage: string;
  cron: string;
  timezone: string;
  next_run: string | null;
  last_run: string | null;
  description: string;
}

/** A catalog file as GET …/files lists it. */
export interface FileRecord {
  name: string;
  size: number | null;
  checksum: string | null;
  metadata: Record<string, unknown>;
  created_at: string;
}

/** GET …/files?query=… (a page in name order; pass `next` as `after`) */
export interface FileQueryPage {
  files: FileRecord[];
  next: string | null;
}

/** GET …/datasets (items): a saved query (live) or an open dataset (a list that grows until closed). */
export interface Dataset {
  name: string;
  kind: 'query' | 'open';
  /** The saved query; '' for an open dataset. */
  query: string;
  description: string | null;
  created_at: string;
  /** When an open dataset was closed; null while open (and for a saved query). */
  closed_at: string | null;
}

/** GET …/datasets/{name}: with how many files it selects (or holds) now. */
export interface CountedDataset extends Dataset {
  file_count: number;
}

/** GET …/snapshots/{id}: a frozen list of files. */
export interface Snapshot {
  id: string;
  /** The dataset it froze, when it froze a named one. */
  dataset: string | null;
  query: string;
  /** The split (a stage's slices) that made it, else null. */
  owner: string | null;
  file_count: number;
  created_at: string;
}

/** GET …/files/{name} */
export interface FileDetails extends FileRecord {
  parents: string[];
  children: string[];
  replicas: { location: string; path: string }[];
}

/** The submission (and its campaign revision, stage, job) that produced a file. */
export interface ProducedBy {
  submission_id: string;
  job_index: number;
  campaign: string;
  campaign_id: string;
  campaign_revision: number;
  stage: string;
}

export type ProvenanceDirection = 'ancestors' | 'descendants';

/** GET …/files/{name}/provenance */
export interface Provenance {
  file: string;
  direction: ProvenanceDirection;
  nodes: { name: string; depth: number; produced_by: ProducedBy | null }[];
  edges: { parent: string; child: string }[];
  truncated: boolean;
}

/** GET …/campaigns/{c}/outputs (items) */
export interface ProducedFile {
  name: string;
  located: boolean;
  produced_by: ProducedBy;
}

/** GET …/campaigns/{c}/progress/history?stage=&buckets= */
export interface ProgressHistory {
  experiment: string;
  campaign: string;
  /** null: every stage of the campaign together. */
  stage: string | null;
  start: string | null;
  end: string | null;
  live: number;
  expected: number;
  outputs: number;
  /** Cumulative, at evenly spaced instants from start to end. */
  points: { at: string; processed: number; located: number }[];
  forecast: {
    rate_per_min: number | null;
    window_s: number;
    remaining: number;
    seconds_left: number | null;
    done_at: string | null;
  };
}

/** GET /experiments/:e/triage: failed jobs grouped by signature or exit code (docs/triage.md). */
export type TriageGroupBy = 'signature' | 'exit_code';

export interface TriageGroup {
  /** The signature, or in the exit-code view the exit key (`exit65`). */
  signature: string;
  exit_code: number | null;
  signal: string | null;
  title: string;
  tail: string[];
  count: number;
  files: number;
  failed_files: number;
  submissions: number;
  first_seen: string;
  last_seen: string;
  stages: { campaign: string; stage: string; count: number; files: number }[];
  signatures: {
    signature: string;
    title: string;
    count: number;
    files: number;
    last_seen: string;
  }[];
  examples: {
    submission_id: string;
    index: number;
    campaign: string;
    stage: string;
    state: string;
    exit_code: number | null;
    signal: string | null;
    ended_at: string | null;
    excerpt: string[];
  }[];
}

export interface TriageReport {
  since: string;
  group_by: TriageGroupBy;
  jobs: number;
  truncated: boolean;
  groups: TriageGroup[];
}

/** POST /experiments/:e/triage/:signature/recover */
export interface TriageRecovery {
  signature: string;
  launches: { campaign: string; stage: string; files: string[]; outcome: LaunchOutcome }[];
}
