// The campaign as its file states it. Field names are the file's own (snake_case) so that one
// schema describes the YAML text, the API bodies and the JSON Schema editors use for completion.
// Values not written here come from `defaults` (see effective.ts), never from this schema, so
// that a printed file says only what its author wrote.
import { z } from 'zod';
import { ExperimentName } from '../access/experiment.ts';
import { parseDuration } from '../split/duration.ts';

/** Names of stages, job types, launch setups: no whitespace (POMS's whitespace names confused its tools). */
export const Name = z
  .string()
  .min(1)
  .max(100)
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_.-]*$/,
    'names start with a letter or digit and contain only letters, digits and _ . -',
  );
export type Name = z.infer<typeof Name>;

/**
 * One command-line parameter as POMS keeps it: the key carries its own separator
 * (`-Oglobal.x=`, `--stage=`, `-f `) and the value is appended to it verbatim.
 */
export const ParamPair = z.tuple([z.string(), z.string()]);
export type ParamPair = z.infer<typeof ParamPair>;

export const ParamList = z.array(ParamPair);
export type ParamList = z.infer<typeof ParamList>;

export const RECOVERY_TYPES = [
  'consumed_status',
  'process_status',
  'added_files',
  'pending_files',
  'delivered_not_consumed',
] as const;
export const RecoveryType = z.enum(RECOVERY_TYPES);
export type RecoveryType = z.infer<typeof RecoveryType>;

/** One step of a recovery recipe: which files to relaunch, with that step's own overrides. */
export const RecoveryStep = z.strictObject({
  type: RecoveryType,
  overrides: ParamList.optional(),
});
export type RecoveryStep = z.infer<typeof RecoveryStep>;

/** Sizes like `2GB`, `500MB`, `2048` (megabytes when unitless). */
export const SizeText = z
  .union([z.string(), z.number()])
  .transform(String)
  .pipe(
    z
      .string()
      .regex(
        /^\d+(\.\d+)?\s*([KMGT]i?B?)?$/i,
        'a size like 2GB, 500MB or 2048 (megabytes when no unit)',
      ),
  );

/**
 * Durations like `8h`, `1d12h`, `90m`, or `HH:MM:SS`, the units those of split specs. A bare number
 * is refused here: batch systems disagree on its unit (Slurm reads minutes), so the file says which.
 */
export const DurationText = z
  .union([z.string(), z.number()])
  .transform(String)
  .pipe(
    z
      .string()
      .refine(
        (text) =>
          /^\d+:\d{2}(:\d{2})?$/.test(text) || (!/^\d+$/.test(text) && parseDuration(text).ok),
        'a duration with units, like 8h, 1d12h or 90m, or HH:MM:SS',
      ),
  );

export const Resources = z.strictObject({
  memory: SizeText.optional(),
  disk: SizeText.optional(),
  time: DurationText.optional(),
  cpus: z.int().min(1).optional(),
  gpus: z.int().min(0).optional(),
});
export type Resources = z.infer<typeof Resources>;

export const INVOKE_MODES = ['per_file', 'once'] as const;
export const InvokeMode = z.enum(INVOKE_MODES);
export type InvokeMode = z.infer<typeof InvokeMode>;

/** How to run: the command, its ordered parameters, what it writes, and how to recover it. */
export const JobType = z.strictObject({
  description: z.string().optional(),
  command: z.string().min(1),
  /**
   * `per_file`: the command runs once per input file, the file's path as its last argument, and
   * each file is consumed or failed on its own. `once`: it runs once with all the job's files.
   */
  invoke: InvokeMode.optional(),
  /** Input files each job gets (default 1). */
  files_per_job: z.int().min(1).max(100_000).optional(),
  /** Jobs of a launch that has no input files, such as a generator's (default 1). */
  jobs: z.int().min(1).max(100_000).optional(),
  /** At most this many jobs of one submission run at once (Slurm's array `%N`); default no limit. */
  max_running: z.int().min(1).max(100_000).optional(),
  parameters: ParamList.optional(),
  output_patterns: z.array(z.string().min(1)).optional(),
  recovery: z.array(RecoveryStep).optional(),
  resources: Resources.optional(),
});
export type JobType = z.infer<typeof JobType>;

export const ENGINES = ['local', 'slurm', 'htcondor', 'jobsub'] as const;
export const Engine = z.enum(ENGINES);
export type Engine = z.infer<typeof Engine>;

/** Where and as whom to run (POMS's "login setup"): engine, host, account and setup lines. */
export const LaunchSetup = z.strictObject({
  description: z.string().optional(),
  engine: Engine.optional(),
  host: z.string().optional(),
  account: z.string().optional(),
  /** Shell lines run before the command; multi-line text is allowed (POMS forbade it). */
  setup: z.string().optional(),
  partition: z.string().optional(),
  qos: z.string().optional(),
  /** The batch allocation jobs are charged to: Slurm's --account, HTCondor's accounting group. */
  batch_account: z.string().optional(),
  /** jobsub's -G: the experiment's group (VO). */
  group: z.string().optional(),
  /** jobsub's --role, e.g. Production or Analysis. */
  role: z.string().optional(),
  environment: z.record(z.string(), z.string()).optional(),
  resources: Resources.optional(),
});
export type LaunchSetup = z.infer<typeof LaunchSetup>;

export const COMPLETION_TYPES = ['located', 'complete'] as const;
export const CompletionType = z.enum(COMPLETION_TYPES);
export type CompletionType = z.infer<typeof CompletionType>;

export const CompletionRule = z.strictObject({
  type: CompletionType.optional(),
  pct: z.number().min(0).max(100).optional(),
});
export type CompletionRule = z.infer<typeof CompletionRule>;

export const STAGE_TYPES = ['regular', 'test', 'generator', 'approval', 'datatransfer'] as const;
export const StageType = z.enum(STAGE_TYPES);
export type StageType = z.infer<typeof StageType>;

/**
 * A stage's input: a dataset name or query (string), `from_parent` (the dataset its upstream
 * edges make), `none` (generators), a list of datasets (`list` split) or a list of value lists
 * (`multiparam` split).
 */
export const StageInput = z.union([
  z.string().min(1),
  z.array(z.string()),
  z.array(z.array(z.union([z.string(), z.number()]).transform(String))),
]);
export type StageInput = z.infer<typeof StageInput>;

/** An edge written on its downstream stage: the upstream's name, optionally with file patterns. */
export const Need = z.union([
  Name,
  z.strictObject({
    stage: Name,
    /** SQL LIKE patterns on output file names (`%` any run, `_` one character). */
    patterns: z.array(z.string().min(1)).optional(),
  }),
]);
export type Need = z.infer<typeof Need>;

export const FAN_IN_MODES = ['each', 'all'] as const;
export const FanIn = z.enum(FAN_IN_MODES);
export type FanIn = z.infer<typeof FanIn>;

/** Fields a stage may take from `defaults` when it does not state them itself. */
const inheritableStageFields = {
  type: StageType.optional().describe(
    'regular, test, generator (makes its own files), approval (waits for a person), datatransfer',
  ),
  job_type: Name.optional().describe('Name of a job type under job_types: how to run'),
  launch_setup: Name.optional().describe(
    'Name of a launch setup under launch_setups: where and as whom to run',
  ),
  vo_role: z.string().optional(),
  software_version: z.string().optional(),
  input: StageInput.optional().describe(
    'Dataset name or query, none, from_parent, a list of datasets (list split) or a list of value lists (multiparam split)',
  ),
  split: z
    .string()
    .optional()
    .describe(
      'How the input is cut into one slice per launch: none, draining, mod(n), nfiles(n), limitn(n), drainingn(n), stagedfiles(n), byrun(low=a,high=b), byexistingruns(), list, multiparam, new(window=1w,…)',
    ),
  test_split: z.string().optional().describe('Split used by test launches'),
  overrides: ParamList.optional().describe(
    '[key, value] pairs appended to the command; later keys win',
  ),
  test_overrides: ParamList.optional().describe('[key, value] pairs applied on test launches'),
  /** POMS's merge_overrides: prepend the defaults' overrides instead of replacing them. */
  merge_overrides: z.boolean().optional(),
  completion: CompletionRule.optional(),
  output_ancestor_depth: z.int().min(1).optional(),
  /** POMS's default_clear_cronjob: drop the stage's schedule when its split is exhausted. */
  clear_schedule_when_exhausted: z.boolean().optional(),
  /** Fan-in: launch once per finished parent (`each`, as POMS) or after all parents (`all`). */
  wait: FanIn.optional(),
  active: z.boolean().optional(),
};

export const StageDefaults = z.strictObject(inheritableStageFields);
export type StageDefaults = z.infer<typeof StageDefaults>;

/**
 * Keep-up processing: the stage launches by itself as its input dataset grows — once `files` new
 * files are there, or once `after` has passed since its last launch with at least one new file.
 * Its draining split is the watermark: no file is delivered twice.
 */
export const KeepUp = z
  .strictObject({
    files: z.int().min(1).max(1_000_000).optional(),
    after: DurationText.optional(),
  })
  .refine((k) => k.files !== undefined || k.after !== undefined, {
    message: 'keep_up needs files (a number of new files), after (a duration), or both',
  });
export type KeepUp = z.infer<typeof KeepUp>;

/** A replication rule made on each submission's Rucio dataset of outputs. */
export const PublishRule = z.strictObject({
  copies: z.int().min(1).max(20),
  /** An RSE name or expression (`type=TAPE`, `tier=1&disk=1`). */
  rse_expression: z.string().min(1).max(500),
  /** How long the copies are kept; none: for good. */
  lifetime: DurationText.optional(),
});
export type PublishRule = z.infer<typeof PublishRule>;

/**
 * Where a stage's outputs go beyond the embedded catalog, done by the server once a submission's
 * jobs have ended and before it is Located: declared to the experiment's metadata catalog
 * (MetaCat or SAM), registered in Rucio with one dataset per submission, and replicated by rules.
 */
export const Publish = z
  .strictObject({
    /** Declare the outputs to the experiment's MetaCat or SAM. */
    metadata: z.boolean().optional(),
    /** The metadata catalog's dataset they join (MetaCat `namespace:name`); launch text. */
    metadata_dataset: z.string().min(1).max(500).optional(),
    /** Register the outputs in Rucio, attached to a dataset per submission. */
    rucio: z.boolean().optional(),
    /** Rules made on each submission's Rucio dataset (implies `rucio`). */
    rules: z.array(PublishRule).max(10).optional(),
    /** Completion criterion: a submission is Located only once every rule is OK. */
    wait_for_rules: z.boolean().optional(),
  })
  .refine((p) => p.wait_for_rules !== true || (p.rules?.length ?? 0) > 0, {
    message: 'wait_for_rules needs rules to wait for',
    path: ['wait_for_rules'],
  });
export type Publish = z.infer<typeof Publish>;

export const Stage = z.strictObject({
  description: z.string().optional(),
  ...inheritableStageFields,
  keep_up: KeepUp.optional().describe(
    'Launch by itself as the input dataset grows: after `files` new files, or `after` a duration with at least one',
  ),
  output_location: z
    .string()
    .min(1)
    .max(100)
    .optional()
    .describe(
      'Storage location where outputs must land: a submission is Located once its outputs have replicas there',
    ),
  output_dataset: z
    .string()
    .min(1)
    .max(255)
    .optional()
    .describe('Open dataset of the catalog that collects every output of the stage (launch text)'),
  publish: Publish.optional().describe(
    "Declare outputs to the experiment's MetaCat/SAM, register them in Rucio, replicate them by rules",
  ),
  needs: z
    .array(Need)
    .optional()
    .describe(
      'Upstream stages whose outputs this stage reads; a stage may need itself (relaunch with the next slice)',
    ),
});
export type Stage = z.infer<typeof Stage>;

export const Position = z.strictObject({ x: z.number(), y: z.number() });
export type Position = z.infer<typeof Position>;

export const CAMPAIGN_ROLES = ['analysis', 'production'] as const;
export const CampaignRole = z.enum(CAMPAIGN_ROLES);
export type CampaignRole = z.infer<typeof CampaignRole>;

export const KeywordName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'keyword names are identifiers: letters, digits and _');

/** The whole campaign file. */
export const CampaignSpec = z.strictObject({
  campaign: Name,
  experiment: ExperimentName.optional(),
  description: z.string().optional(),
  /** Who owns it (POMS's poms_role): production or analysis. */
  role: CampaignRole.optional(),
  /** A test campaign forces test launches (POMS campaign type `test`). */
  test: z.boolean().optional(),
  active: z.boolean().optional(),
  /** Substituted as `%(name)s` in launch text. */
  keywords: z.record(KeywordName, z.union([z.string(), z.number()]).transform(String)).optional(),
  tags: z.array(z.string().min(1)).optional(),
  defaults: StageDefaults.optional(),
  job_types: z.record(Name, JobType).optional(),
  launch_setups: z.record(Name, LaunchSetup).optional(),
  stages: z.record(Name, Stage),
  /** Pinned editor node positions; stages not listed are laid out automatically. */
  layout: z.record(Name, Position).optional(),
});
export type CampaignSpec = z.infer<typeof CampaignSpec>;

/** The keys of a campaign file in canonical order (the printer and the docs follow it). */
export const CAMPAIGN_KEY_ORDER = [
  'campaign',
  'experiment',
  'description',
  'role',
  'test',
  'active',
  'keywords',
  'tags',
  'defaults',
  'job_types',
  'launch_setups',
  'stages',
  'layout',
] as const satisfies readonly (keyof CampaignSpec)[];

export const STAGE_KEY_ORDER = [
  'description',
  'type',
  'active',
  'needs',
  'wait',
  'job_type',
  'launch_setup',
  'vo_role',
  'software_version',
  'input',
  'split',
  'test_split',
  'overrides',
  'test_overrides',
  'merge_overrides',
  'completion',
  'output_ancestor_depth',
  'clear_schedule_when_exhausted',
  'keep_up',
  'output_location',
  'output_dataset',
  'publish',
] as const satisfies readonly (keyof Stage)[];

export const JOB_TYPE_KEY_ORDER = [
  'description',
  'command',
  'invoke',
  'files_per_job',
  'jobs',
  'max_running',
  'parameters',
  'output_patterns',
  'recovery',
  'resources',
] as const satisfies readonly (keyof JobType)[];

export const LAUNCH_SETUP_KEY_ORDER = [
  'description',
  'engine',
  'host',
  'account',
  'partition',
  'qos',
  'batch_account',
  'group',
  'role',
  'setup',
  'environment',
  'resources',
] as const satisfies readonly (keyof LaunchSetup)[];

/** Normalises a `needs` item to its object form. */
export function needStage(need: Need): { stage: string; patterns: string[] | undefined } {
  return typeof need === 'string'
    ? { stage: need, patterns: undefined }
    : { stage: need.stage, patterns: need.patterns };
}
