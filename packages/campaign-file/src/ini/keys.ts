// The keys of a POMS campaign file, per section, and the few POMS-TS adds for what POMS could not
// say. The importer reads both; the exporter writes POMS's own where they suffice and names the
// extensions it used in the file's heading comment.

/** Keys of `[campaign_stage X]` and `[campaign_defaults]` that POMS knows. */
export const POMS_STAGE_KEYS = [
  'vo_role',
  'software_version',
  'output_ancestor_depth',
  'dataset_or_split_data',
  'cs_split_type',
  'test_split_type',
  'completion_type',
  'completion_pct',
  'param_overrides',
  'test_param_overrides',
  'login_setup',
  'job_type',
  'merge_overrides',
  'stage_type',
  'default_clear_cronjob',
  'state',
] as const;

export const POMS_CAMPAIGN_KEYS = [
  'experiment',
  'poms_role',
  'name',
  'state',
  'campaign_type',
  'campaign_keywords',
  'campaign_stage_list',
] as const;

export const POMS_LOGIN_SETUP_KEYS = ['host', 'account', 'setup'] as const;

export const POMS_JOB_TYPE_KEYS = [
  'launch_script',
  'parameters',
  'output_file_patterns',
  'recoveries',
] as const;

/** The campaign-file key each POMS key of a stage or of the defaults fills. */
export const STAGE_KEY_TARGETS: Readonly<Record<string, string>> = {
  dataset_or_split_data: 'input',
  cs_split_type: 'split',
  test_split_type: 'test_split',
  login_setup: 'launch_setup',
  param_overrides: 'overrides',
  test_param_overrides: 'test_overrides',
  default_clear_cronjob: 'clear_schedule_when_exhausted',
  completion_type: 'completion',
  completion_pct: 'completion',
  stage_type: 'type',
  state: 'active',
};

/** The campaign-file key each key of a job type or login setup fills. */
export const DEFINITION_KEY_TARGETS: Readonly<Record<string, string>> = {
  launch_script: 'command',
  output_file_patterns: 'output_patterns',
  recoveries: 'recovery',
};

/** POMS-TS extensions, by section kind. */
export const EXTENSION_KEYS = {
  campaign: ['description', 'tags'],
  campaign_defaults: ['wait'],
  campaign_stage: [
    'description',
    'wait',
    'keep_up',
    'output_location',
    'output_dataset',
    'publish',
  ],
  login_setup: [
    'description',
    'engine',
    'partition',
    'qos',
    'batch_account',
    'group',
    'role',
    'environment',
    'resources',
  ],
  job_type: ['description', 'max_running', 'resources'],
} as const;

/**
 * `KEY.json = "…"` gives KEY's text as a JSON string: the exporter's way to write text an .ini
 * line cannot hold as is (leading or trailing blanks, continuation lines starting with # or ;).
 */
export const JSON_TEXT_SUFFIX = '.json';

export type SectionKind =
  | 'campaign'
  | 'campaign_defaults'
  | 'node_positions'
  | 'campaign_stage'
  | 'login_setup'
  | 'job_type'
  | 'dependencies';

export const UNNAMED_SECTIONS: ReadonlySet<SectionKind> = new Set([
  'campaign',
  'campaign_defaults',
  'node_positions',
]);
export const NAMED_SECTIONS: ReadonlySet<SectionKind> = new Set([
  'campaign_stage',
  'login_setup',
  'job_type',
  'dependencies',
]);
