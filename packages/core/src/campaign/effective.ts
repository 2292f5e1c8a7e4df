// The effective campaign: every stage with the values it will launch with, after inheritance from
// `defaults` exactly as POMS applies campaign_defaults (a stage's own value wins; overrides are
// replaced, or prepended with the defaults' when merge_overrides is set), and built-in defaults
// for what neither states.
import {
  needStage,
  type CampaignRole,
  type CampaignSpec,
  type CompletionType,
  type Engine,
  type FanIn,
  type InvokeMode,
  type JobType,
  type LaunchSetup,
  type ParamList,
  type Position,
  type Publish,
  type RecoveryStep,
  type Resources,
  type Stage,
  type StageDefaults,
  type StageInput,
  type StageType,
} from './model.ts';
import { durationSeconds } from './units.ts';

export const DEFAULT_COMPLETION_PCT = 95;
export const DEFAULT_COMPLETION_TYPE: CompletionType = 'located';
/** Matches every output file (SQL LIKE). */
export const ALL_FILES_PATTERN = '%';

export interface EffectiveEdge {
  from: string;
  to: string;
  /** Output file patterns that flow along this edge (explicit, else the upstream's outputs). */
  patterns: string[];
  /** True when the patterns were written on the edge rather than taken from the job type. */
  explicit_patterns: boolean;
  self: boolean;
}

export interface EffectiveStage {
  name: string;
  description: string | undefined;
  type: StageType;
  active: boolean;
  job_type: string | undefined;
  launch_setup: string | undefined;
  vo_role: string | undefined;
  software_version: string | undefined;
  /** `none` and `from_parent` are spelled out; absent input is resolved (see resolveInput). */
  input: StageInput;
  split: string;
  test_split: string | undefined;
  overrides: ParamList;
  test_overrides: ParamList;
  merge_overrides: boolean;
  completion: { type: CompletionType; pct: number };
  output_ancestor_depth: number;
  clear_schedule_when_exhausted: boolean;
  wait: FanIn;
  needs: EffectiveEdge[];
  /** Keep-up launches: after `files` new input files, or `after_s` seconds with at least one. */
  keep_up: { files: number | undefined; after_s: number | undefined } | undefined;
  /** The storage location outputs must reach; undefined: where the jobs put them. */
  output_location: string | undefined;
  /** Open dataset (launch text) collecting the stage's outputs. */
  output_dataset: string | undefined;
  publish: EffectivePublish | undefined;
}

export interface EffectivePublish {
  metadata: boolean;
  metadata_dataset: string | undefined;
  rucio: boolean;
  rules: { copies: number; rse_expression: string; lifetime_s: number | undefined }[];
  wait_for_rules: boolean;
}

export interface EffectiveJobType {
  name: string;
  description: string | undefined;
  command: string;
  invoke: InvokeMode;
  files_per_job: number;
  jobs: number;
  /** Jobs of one submission running at once; undefined: no limit. */
  max_running: number | undefined;
  parameters: ParamList;
  output_patterns: string[];
  recovery: Required<RecoveryStep>[];
  resources: Resources;
}

export interface EffectiveLaunchSetup {
  name: string;
  description: string | undefined;
  engine: Engine;
  host: string | undefined;
  account: string | undefined;
  setup: string;
  partition: string | undefined;
  qos: string | undefined;
  batch_account: string | undefined;
  group: string | undefined;
  role: string | undefined;
  environment: Record<string, string>;
  resources: Resources;
}

export interface EffectiveCampaign {
  name: string;
  experiment: string | undefined;
  description: string | undefined;
  role: CampaignRole;
  test: boolean;
  active: boolean;
  keywords: Record<string, string>;
  tags: string[];
  job_types: EffectiveJobType[];
  launch_setups: EffectiveLaunchSetup[];
  /** In file order: the editor shows them in this order. */
  stages: EffectiveStage[];
  /** Every edge, in file order of the downstream stage's `needs`. */
  edges: EffectiveEdge[];
  layout: Record<string, Position>;
}

function pick<K extends keyof StageDefaults>(
  stage: Stage,
  defaults: StageDefaults,
  key: K,
): StageDefaults[K] {
  return stage[key] !== undefined ? stage[key] : defaults[key];
}

/** POMS: with merge_overrides the defaults' list comes first; otherwise the stage's replaces it. */
function inheritOverrides(
  own: ParamList | undefined,
  fromDefaults: ParamList | undefined,
  merge: boolean,
): ParamList {
  if (merge) return [...(fromDefaults ?? []), ...(own ?? [])];
  return [...(own ?? fromDefaults ?? [])];
}

/**
 * A stage without `input` reads its parents' outputs when it has upstream stages, and nothing
 * when it is a generator or approval gate; otherwise the input is missing (checkCampaign says so).
 */
export function resolveInput(
  input: StageInput | undefined,
  type: StageType,
  hasUpstream: boolean,
): StageInput | undefined {
  if (input !== undefined) return input;
  if (hasUpstream) return 'from_parent';
  if (type === 'generator') return 'none';
  return undefined;
}

export function effectiveStage(
  name: string,
  stage: Stage,
  defaults: StageDefaults,
): EffectiveStage {
  const type = pick(stage, defaults, 'type') ?? 'regular';
  const merge = pick(stage, defaults, 'merge_overrides') ?? false;
  // Edges without patterns get their upstream's output patterns in effectiveCampaign, where
  // the upstream's own inheritance is known.
  const needs = (stage.needs ?? []).map((need) => {
    const { stage: from, patterns } = needStage(need);
    return {
      from,
      to: name,
      patterns: patterns ?? [ALL_FILES_PATTERN],
      explicit_patterns: patterns !== undefined,
      self: from === name,
    };
  });
  const hasUpstream = needs.some((edge) => !edge.self);
  return {
    name,
    description: stage.description,
    type,
    active: pick(stage, defaults, 'active') ?? true,
    job_type: pick(stage, defaults, 'job_type'),
    launch_setup: pick(stage, defaults, 'launch_setup'),
    vo_role: pick(stage, defaults, 'vo_role'),
    software_version: pick(stage, defaults, 'software_version'),
    input: resolveInput(pick(stage, defaults, 'input'), type, hasUpstream) ?? 'none',
    split: pick(stage, defaults, 'split') ?? 'none',
    test_split: pick(stage, defaults, 'test_split'),
    overrides: inheritOverrides(stage.overrides, defaults.overrides, merge),
    test_overrides: inheritOverrides(stage.test_overrides, defaults.test_overrides, merge),
    merge_overrides: merge,
    completion: {
      type: stage.completion?.type ?? defaults.completion?.type ?? DEFAULT_COMPLETION_TYPE,
      pct: stage.completion?.pct ?? defaults.completion?.pct ?? DEFAULT_COMPLETION_PCT,
    },
    output_ancestor_depth: pick(stage, defaults, 'output_ancestor_depth') ?? 1,
    clear_schedule_when_exhausted: pick(stage, defaults, 'clear_schedule_when_exhausted') ?? false,
    wait: pick(stage, defaults, 'wait') ?? 'each',
    needs,
    keep_up:
      stage.keep_up === undefined
        ? undefined
        : {
            files: stage.keep_up.files,
            after_s:
              stage.keep_up.after === undefined ? undefined : durationSeconds(stage.keep_up.after),
          },
    output_location: stage.output_location,
    output_dataset: stage.output_dataset,
    publish: stage.publish === undefined ? undefined : effectivePublish(stage.publish),
  };
}

function effectivePublish(publish: Publish): EffectivePublish {
  const rules = (publish.rules ?? []).map((rule) => ({
    copies: rule.copies,
    rse_expression: rule.rse_expression,
    lifetime_s: rule.lifetime === undefined ? undefined : durationSeconds(rule.lifetime),
  }));
  return {
    metadata: publish.metadata ?? false,
    metadata_dataset: publish.metadata_dataset,
    rucio: (publish.rucio ?? false) || rules.length > 0,
    rules,
    wait_for_rules: publish.wait_for_rules ?? false,
  };
}

export function effectiveJobType(name: string, jobType: JobType): EffectiveJobType {
  return {
    name,
    description: jobType.description,
    command: jobType.command,
    invoke: jobType.invoke ?? 'per_file',
    files_per_job: jobType.files_per_job ?? 1,
    jobs: jobType.jobs ?? 1,
    max_running: jobType.max_running,
    parameters: jobType.parameters ?? [],
    output_patterns: jobType.output_patterns ?? [ALL_FILES_PATTERN],
    recovery: (jobType.recovery ?? []).map((step) => ({
      type: step.type,
      overrides: step.overrides ?? [],
    })),
    resources: jobType.resources ?? {},
  };
}

export function effectiveLaunchSetup(name: string, setup: LaunchSetup): EffectiveLaunchSetup {
  return {
    name,
    description: setup.description,
    engine: setup.engine ?? 'local',
    host: setup.host,
    account: setup.account,
    setup: setup.setup ?? '',
    partition: setup.partition,
    qos: setup.qos,
    batch_account: setup.batch_account,
    group: setup.group,
    role: setup.role,
    environment: setup.environment ?? {},
    resources: setup.resources ?? {},
  };
}

/** Resolves the whole campaign. Total: works on any schema-valid spec, even one with semantic errors. */
export function effectiveCampaign(spec: CampaignSpec): EffectiveCampaign {
  const defaults = spec.defaults ?? {};
  const jobTypes = spec.job_types ?? {};
  const stages = Object.entries(spec.stages).map(([name, stage]) =>
    effectiveStage(name, stage, defaults),
  );
  // An edge without patterns carries its upstream's output patterns: the upstream's job type
  // is known only once that stage's own inheritance is resolved, so fill them in here.
  const byName = new Map(stages.map((s) => [s.name, s]));
  for (const stage of stages) {
    for (const edge of stage.needs) {
      if (edge.explicit_patterns) continue;
      const upstreamJobType = byName.get(edge.from)?.job_type;
      const patterns = upstreamJobType ? jobTypes[upstreamJobType]?.output_patterns : undefined;
      edge.patterns = patterns ? [...patterns] : [ALL_FILES_PATTERN];
    }
  }
  return {
    name: spec.campaign,
    experiment: spec.experiment,
    description: spec.description,
    role: spec.role ?? 'production',
    test: spec.test ?? false,
    active: spec.active ?? true,
    keywords: { ...(spec.keywords ?? {}) },
    tags: [...(spec.tags ?? [])],
    job_types: Object.entries(jobTypes).map(([name, jt]) => effectiveJobType(name, jt)),
    launch_setups: Object.entries(spec.launch_setups ?? {}).map(([name, ls]) =>
      effectiveLaunchSetup(name, ls),
    ),
    stages,
    edges: stages.flatMap((s) => s.needs),
    layout: { ...(spec.layout ?? {}) },
  };
}
