/**
 * The tables as Kysely sees them. Only the storage and catalog adapters import this; the ports'
 * records are built from these rows in repositories/ and adapters/catalog/.
 *
 * Column choices that keep SQLite and PostgreSQL identical:
 * - booleans are integers 0/1 (better-sqlite3 cannot bind JS booleans; SQLite has no boolean);
 * - timestamps are ISO 8601 UTC text from `toISOString()` (fixed width: text order = time order);
 * - JSON is text (`JSON.stringify`), parsed on read; the store never queries inside it;
 * - names compare byte-wise on both (see migrations/0001_foundation.ts).
 */
import type { ColumnType, Generated } from 'kysely';

export type SqlDialect = 'sqlite' | 'postgres';

/**
 * A file's row id: an integer identity. better-sqlite3 returns it as a number; pg returns
 * PostgreSQL's bigint as a string. Code passes it back to queries as it came and never does
 * arithmetic on it.
 */
export type FileRowId = number | string;

export interface ExperimentsTable {
  name: string;
  display_name: string;
  active: number;
  created_at: string;
  updated_at: string;
}

export interface CampaignsTable {
  id: string;
  experiment: string;
  name: string;
  current_revision: number;
  active: number;
  created_at: string;
  updated_at: string;
}

export interface CampaignRevisionsTable {
  campaign_id: string;
  revision: number;
  text: string;
  /** JSON text. */
  model: string;
  author: string;
  message: string | null;
  created_at: string;
}

// ---------------------------------------------------------------------------------------------
// Catalog (migrations/0002_catalog.ts). Numbers that queries compare (sizes, runs, times) are
// double precision on both stores, so a literal like 2.5 compares with an integer column the same
// way everywhere and pg returns them as numbers; times are epoch seconds.

export interface FilesTable {
  id: Generated<FileRowId>;
  experiment: string;
  name: string;
  size: number | null;
  checksum: string | null;
  run_number: number | null;
  subrun_number: number | null;
  data_tier: string | null;
  software_version: string | null;
  event_count: number | null;
  start_time: number | null;
  end_time: number | null;
  /** Epoch seconds: the declared `create_time`, else when the catalog first saw the file. */
  create_time: number;
  /** The declared metadata as JSON text (keys sorted), standard fields included. */
  metadata: string;
  created_at: string;
}

/** Experiment-defined fields, one row per field a file has (null values are not stored). */
export interface FileMetadataTable {
  file: FileRowId;
  key: string;
  /** Text values, and booleans as `true`/`false`. */
  text: string | null;
  /** Numbers, and ISO 8601 times as epoch seconds. */
  num: number | null;
}

export interface FileParentsTable {
  parent: FileRowId;
  child: FileRowId;
}

export interface ReplicasTable {
  file: FileRowId;
  location: string;
  path: string;
}

export interface DatasetsTable {
  experiment: string;
  name: string;
  /** '' for an open dataset. */
  query: string;
  created_at: string;
  updated_at: string;
  /** migrations/0009_open_datasets.ts: a saved query, or an explicit list that grows. */
  kind: ColumnType<'query' | 'open', 'query' | 'open' | undefined, 'query' | 'open'>;
  description: string | null;
  closed_at: string | null;
}

/** The members of an open dataset (migrations/0009_open_datasets.ts). */
export interface DatasetFilesTable {
  experiment: string;
  dataset: string;
  file: FileRowId;
  added_at: string;
}

export interface SnapshotsTable {
  id: string;
  experiment: string;
  dataset: string | null;
  query: string;
  owner: string | null;
  file_count: number;
  created_at: string;
}

export interface SnapshotFilesTable {
  snapshot: string;
  file: FileRowId;
  /** 1-based, in file name order at the time of the snapshot. */
  position: number;
}

export interface SplitStatesTable {
  experiment: string;
  owner: string;
  spec: string;
  /** JSON text (SplitCursor). */
  cursor: string;
  slices: number;
  updated_at: string;
}

export interface SplitSlicesTable {
  experiment: string;
  owner: string;
  seq: number;
  snapshot: string | null;
  parameter: string | null;
  label: string;
  file_count: number;
  /** JSON text: the cursor after this slice. */
  cursor: string;
  created_at: string;
}

// ---------------------------------------------------------------------------------------------
// Execution (migrations/0004_execution.ts).

export interface SubmissionsTable {
  id: string;
  experiment: string;
  campaign_id: string;
  campaign: string;
  campaign_revision: number;
  stage: string;
  stage_type: string;
  engine: string;
  status: string;
  held_by_person: number;
  origin: string;
  test: number;
  launch_key: string | null;
  parent_id: string | null;
  chain_root_id: string;
  /** JSON text: string[]. */
  upstream_ids: string;
  recovery_step: number | null;
  recovery_type: string | null;
  launcher: string;
  dataset_query: string | null;
  input_query: string | null;
  input_snapshot_id: string | null;
  parameter: string | null;
  split_seq: number | null;
  job_count: number;
  file_count: number;
  batch_id: string | null;
  progressed: number;
  chain_done_at: string | null;
  /** JSON text. */
  config: string;
  token_hash: string;
  created_at: string;
  updated_at: string;
  status_at: string;
}

export interface SubmissionHistoryTable {
  submission_id: string;
  seq: number;
  status: string;
  reason: string;
  by: string | null;
  at: string;
}

export interface JobsTable {
  submission_id: string;
  idx: number;
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
  request: string | null;
  file_count: number;
  updated_at: string;
}

export interface LedgerTable {
  submission_id: string;
  file: FileRowId;
  job_index: number;
  state: string;
  reason: string | null;
  updated_at: string;
}

export interface OutputsTable {
  submission_id: string;
  file: FileRowId;
  job_index: number;
  located: number;
}

export interface HoldsTable {
  scope_key: string;
  kind: string;
  experiment: string | null;
  campaign_id: string | null;
  stage: string | null;
  by: string;
  reason: string | null;
  created_at: string;
}

export interface HeldLaunchesTable {
  id: string;
  experiment: string;
  campaign_id: string;
  stage: string;
  /** JSON text. */
  request: string;
  launch_key: string | null;
  by: string;
  created_at: string;
  released_at: string | null;
  outcome: string | null;
}

export interface SchedulesTable {
  id: string;
  experiment: string;
  campaign_id: string;
  stage: string;
  cron: string;
  timezone: string;
  enabled: number;
  next_run: string | null;
  last_run: string | null;
  by: string;
  created_at: string;
  updated_at: string;
}

// ---------------------------------------------------------------------------------------------
// Identity (migrations/0005_identity.ts).

export interface UsersTable {
  id: string;
  username: string;
  display_name: string;
  email: string | null;
  password_hash: string | null;
  is_root: number;
  active: number;
  must_change_password: number;
  created_at: string;
  updated_at: string;
}

export interface MembershipsTable {
  experiment: string;
  user_id: string;
  role: string;
  granted_by: string;
  created_at: string;
  updated_at: string;
}

export interface SessionsTable {
  id: string;
  user_id: string;
  /** SHA-256 hex of the cookie secret. */
  token_hash: string;
  csrf_hash: string;
  experiment: string | null;
  role: string | null;
  created_at: string;
  expires_at: string;
  last_seen_at: string;
}

export interface ApiTokensTable {
  id: string;
  user_id: string;
  name: string;
  /** SHA-256 hex of the token secret. */
  token_hash: string;
  /** JSON text: string[]. */
  scopes: string;
  experiment: string | null;
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface AuditLogTable {
  id: string;
  at: string;
  actor: string;
  acting_role: string | null;
  experiment: string | null;
  action: string;
  object_type: string;
  object_id: string;
  summary: string;
  /** JSON text. */
  before: string | null;
  /** JSON text. */
  after: string | null;
  request_id: string | null;
}

// Tags and watches (migrations/0006_tags_watches.ts).

export interface CampaignTagsTable {
  campaign_id: string;
  tag: string;
}

export interface WatchesTable {
  username: string;
  experiment: string;
  campaign_id: string;
  /** '' for the whole campaign. */
  stage: string;
  created_at: string;
}

// Templates saved in an experiment (migrations/0007_experiment_templates.ts).

export interface ExperimentTemplatesTable {
  experiment: string;
  name: string;
  description: string | null;
  /** JSON text: string[]. */
  tags: string;
  /** JSON text: string[], the stage names of the text. */
  stages: string;
  /** The campaign name the text states. */
  campaign: string;
  text: string;
  author: string;
  created_at: string;
}

// Outputs published outside the embedded catalog (migrations/0010_publications.ts).

export interface PublicationsTable {
  submission_id: string;
  state: 'working' | 'waiting' | 'retrying' | 'done';
  declared: number;
  registered: number;
  rucio_dataset: string | null;
  /** JSON text: PublishedRule[]. */
  rules: string;
  at_location: number;
  outputs: number;
  detail: string;
  failures: number;
  updated_at: string;
}

export interface Database {
  experiments: ExperimentsTable;
  campaigns: CampaignsTable;
  campaign_revisions: CampaignRevisionsTable;
  files: FilesTable;
  file_metadata: FileMetadataTable;
  file_parents: FileParentsTable;
  replicas: ReplicasTable;
  datasets: DatasetsTable;
  dataset_files: DatasetFilesTable;
  snapshots: SnapshotsTable;
  snapshot_files: SnapshotFilesTable;
  split_states: SplitStatesTable;
  split_slices: SplitSlicesTable;
  submissions: SubmissionsTable;
  campaign_tags: CampaignTagsTable;
  watches: WatchesTable;
  publications: PublicationsTable;
  submission_history: SubmissionHistoryTable;
  jobs: JobsTable;
  ledger: LedgerTable;
  outputs: OutputsTable;
  holds: HoldsTable;
  held_launches: HeldLaunchesTable;
  schedules: SchedulesTable;
  users: UsersTable;
  memberships: MembershipsTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  audit_log: AuditLogTable;
  experiment_templates: ExperimentTemplatesTable;
  metadata_fields: MetadataFieldsTable;
  notification_settings: NotificationSettingsTable;
  notification_outbox: NotificationOutboxTable;
  notifier_cursors: NotifierCursorsTable;
}

export interface MetadataFieldsTable {
  experiment: string;
  name: string;
  type: string;
  required: number;
  /** JSON list of the values the field may take, or null for any. */
  allowed: string | null;
  description: string | null;
  updated_at: string;
}

// ---------------------------------------------------------------------------------------------
// Notifications (migrations/0011_notifications.ts).

export interface NotificationSettingsTable {
  username: string;
  email_enabled: number;
  webhook_url: string | null;
  /** Needed to sign webhooks; never logged, never answered in full. */
  webhook_secret: string | null;
  digest: string;
  failure_threshold: number;
  updated_at: string;
}

export interface NotificationOutboxTable {
  id: string;
  username: string;
  channel: string;
  /** JSON text: NotificationEvent. */
  event: string;
  state: string;
  attempts: number;
  next_at: string;
  sent_at: string | null;
  error: string | null;
  created_at: string;
}

export interface NotifierCursorsTable {
  name: string;
  /** JSON text. */
  value: string;
  updated_at: string;
}
