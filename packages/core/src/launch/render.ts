// What a launch will run, as data (POMS-REFERENCE §3, DESIGN.md §5 "render job scripts"): argv
// words, setup lines, where to run and the merged parameters, every `%(name)s` substituted. Nothing
// here builds a shell line from user data; command_text is for people to read.
import type { EffectiveCampaign, EffectiveStage } from '../campaign/effective.ts';
import type { Engine, ParamList, RecoveryType } from '../campaign/model.ts';
import { checkTemplate, substituteTemplate, type BuiltinTemplateName } from '../template/index.ts';
import { mergeLevels, type ParamLevel, type ParamSource } from './params.ts';
import type { LaunchField, LaunchProblem } from './problems.ts';
import { shellQuoteCommand, splitWords, type CommandWord } from './words.ts';

export interface LaunchKind {
  /** A test launch: adds the stage's test overrides. A test campaign makes every launch a test. */
  test: boolean;
  /** Index into the job type's recovery recipe, for a recovery launch. */
  recoveryStep?: number;
  /** Overrides given with this launch (highest precedence). */
  overrides?: ParamList;
}

/** The values of the built-in template names that depend on the launch. */
export interface LaunchValues {
  /** The slice's dataset name (or, for a multiparam split, the parameter value). */
  dataset: string;
  experimenter: string;
  experiment: string;
  /** Defaults to the experiment, as in POMS. */
  group?: string;
}

export interface LaunchInput {
  campaign: EffectiveCampaign;
  stage: string;
  kind: LaunchKind;
  values: LaunchValues;
}

export interface RenderedLaunch {
  stage: string;
  job_type: string;
  launch_setup: string;
  test: boolean;
  recovery: { step: number; type: RecoveryType } | undefined;
  /** argv: the job type's command split into words, then one argument per parameter. */
  command: string[];
  /** The same argv, each word shell-quoted: for display only, never executed. */
  command_text: string;
  /** The launch setup's lines (shell text written by the campaign's author), substituted. */
  setup: string[];
  host: string | undefined;
  account: string | undefined;
  engine: Engine;
  /**
   * The launch setup's environment, substituted. The launcher adds jobEnvironment() on top of it,
   * and ours wins, so a setup cannot pass for another submission.
   */
  environment: Record<string, string>;
  /** Merged (see mergeParams) and substituted, keys included. */
  params: ParamList;
}

export type RenderLaunchResult =
  { ok: true; launch: RenderedLaunch } | { ok: false; problems: LaunchProblem[] };

/**
 * The values `%(name)s` can take in a launch: the campaign keywords, then the built-ins, which win
 * over a keyword of the same name (they are facts about this launch). `version` is the stage's
 * software_version, empty when it has none.
 */
export function launchTemplateValues(
  campaign: EffectiveCampaign,
  stage: EffectiveStage,
  values: LaunchValues,
): Record<string, string> {
  const builtins: Record<BuiltinTemplateName, string> = {
    dataset: values.dataset,
    parameter: values.dataset,
    version: stage.software_version ?? '',
    group: values.group ?? values.experiment,
    experimenter: values.experimenter,
    experiment: values.experiment,
    campaign: campaign.name,
    stage: stage.name,
  };
  // fromEntries defines own properties, so even a keyword named `__proto__` is a plain value.
  return Object.fromEntries([...Object.entries(campaign.keywords), ...Object.entries(builtins)]);
}

class Renderer {
  readonly problems: LaunchProblem[] = [];
  private readonly known: ReadonlySet<string>;

  constructor(private readonly values: Record<string, string>) {
    this.known = new Set(Object.keys(values));
  }

  /** Substitutes one text field; problems point into the text as written. */
  text(text: string, field: LaunchField, source?: ParamSource, base = 0): string {
    const found = checkTemplate(text, this.known);
    for (const p of found) {
      this.problems.push({
        code: p.code,
        message: p.message,
        field,
        ...(source === undefined ? {} : { source }),
        offset: base + p.offset,
        length: p.length,
        ...(p.replacement === undefined ? {} : { replacement: p.replacement }),
      });
    }
    return found.length > 0 ? '' : substituteTemplate(text, this.values);
  }

  /** Substitutes one word of the command, mapping problems back through quotes and escapes. */
  word(word: CommandWord): string {
    const found = checkTemplate(word.text, this.known);
    for (const p of found) {
      const start = word.offsets[p.offset] ?? word.offset;
      const last = word.offsets[p.offset + p.length - 1] ?? start;
      this.problems.push({
        code: p.code,
        message: p.message,
        field: ['command'],
        offset: start,
        length: last + 1 - start,
        ...(p.replacement === undefined ? {} : { replacement: p.replacement }),
      });
    }
    return found.length > 0 ? '' : substituteTemplate(word.text, this.values);
  }
}

/** Lines of a multi-line text with the offset each starts at; a final newline ends the last line. */
function lines(text: string): { line: string; offset: number }[] {
  const out: { line: string; offset: number }[] = [];
  let start = 0;
  while (start < text.length) {
    const nl = text.indexOf('\n', start);
    const stop = nl < 0 ? text.length : nl;
    out.push({ line: text.slice(start, stop).replace(/\r$/, ''), offset: start });
    start = stop + 1;
  }
  return out;
}

function problem(code: LaunchProblem['code'], message: string, field: LaunchField): LaunchProblem {
  return { code, message, field };
}

/** Renders a launch of `input.stage`; every problem is reported, none is thrown. */
export function renderLaunch(input: LaunchInput): RenderLaunchResult {
  const { campaign, kind } = input;
  const stage = campaign.stages.find((s) => s.name === input.stage);
  if (stage === undefined) {
    return fail(
      problem('launch.unknown-stage', `No stage '${input.stage}' in this campaign.`, ['stage']),
    );
  }
  if (stage.type === 'approval') {
    return fail(
      problem(
        'launch.nothing-to-run',
        `Stage '${stage.name}' is an approval stage: it waits for a person and runs no job.`,
        ['stage'],
      ),
    );
  }
  const early: LaunchProblem[] = [];
  const jobType =
    stage.job_type === undefined
      ? undefined
      : campaign.job_types.find((j) => j.name === stage.job_type);
  if (stage.job_type === undefined) {
    early.push(
      problem('launch.no-job-type', `Stage '${stage.name}' has no job type.`, ['job_type']),
    );
  } else if (jobType === undefined) {
    early.push(
      problem('launch.unknown-job-type', `Job type '${stage.job_type}' is not defined.`, [
        'job_type',
      ]),
    );
  }
  const setup =
    stage.launch_setup === undefined
      ? undefined
      : campaign.launch_setups.find((l) => l.name === stage.launch_setup);
  if (stage.launch_setup === undefined) {
    early.push(
      problem('launch.no-launch-setup', `Stage '${stage.name}' has no launch setup.`, [
        'launch_setup',
      ]),
    );
  } else if (setup === undefined) {
    early.push(
      problem(
        'launch.unknown-launch-setup',
        `Launch setup '${stage.launch_setup}' is not defined.`,
        ['launch_setup'],
      ),
    );
  }
  let recovery: RenderedLaunch['recovery'];
  if (kind.recoveryStep !== undefined && jobType !== undefined) {
    const step = jobType.recovery[kind.recoveryStep];
    if (!Number.isInteger(kind.recoveryStep) || step === undefined) {
      early.push(
        problem(
          'launch.unknown-recovery-step',
          `Job type '${jobType.name}' has ${jobType.recovery.length} recovery step(s); there is no step ${kind.recoveryStep}.`,
          ['recovery_step'],
        ),
      );
    } else {
      recovery = { step: kind.recoveryStep, type: step.type };
    }
  }
  if (jobType === undefined || setup === undefined || early.length > 0)
    return { ok: false, problems: early };

  const test = kind.test || campaign.test;
  const r = new Renderer(launchTemplateValues(campaign, stage, input.values));

  const command: string[] = [];
  const split = splitWords(jobType.command);
  if (!split.ok) {
    for (const p of split.problems) r.problems.push({ ...p, field: ['command'] });
  } else if (split.words.length === 0) {
    r.problems.push(
      problem('launch.empty-command', `Job type '${jobType.name}' has an empty command.`, [
        'command',
      ]),
    );
  } else {
    for (const word of split.words) command.push(r.word(word));
  }

  const levels: { level: ParamLevel; params: ParamList }[] = [
    { level: 'job_type', params: jobType.parameters },
    { level: 'stage', params: stage.overrides },
  ];
  if (recovery !== undefined) {
    levels.push({ level: 'recovery', params: jobType.recovery[recovery.step]?.overrides ?? [] });
  }
  if (test) levels.push({ level: 'test', params: stage.test_overrides });
  levels.push({ level: 'launch', params: kind.overrides ?? [] });
  const params: ParamList = mergeLevels(levels).map((p, i) => [
    r.text(p.key, ['params', i, 'key'], p.source),
    r.text(p.value, ['params', i, 'value'], p.source),
  ]);
  // One argument per parameter, key and value joined, as POMS appended them — except that a key
  // ending in blanks (`"-c "`) is an option and its value: two arguments, as POMS's shell split
  // them. The value is never split, whatever it holds.
  for (const [key, value] of params) {
    const option = key.trimEnd();
    if (option !== key && option !== '') command.push(option, value);
    else command.push(key + value);
  }

  const setupLines = lines(setup.setup).map(({ line, offset }) =>
    r.text(line, ['setup'], undefined, offset),
  );
  const host = setup.host === undefined ? undefined : r.text(setup.host, ['host']);
  const account = setup.account === undefined ? undefined : r.text(setup.account, ['account']);
  const environment = Object.fromEntries(
    Object.entries(setup.environment).map(([name, value]) => [
      name,
      r.text(value, ['environment', name]),
    ]),
  );

  if (r.problems.length > 0) return { ok: false, problems: r.problems };
  return {
    ok: true,
    launch: {
      stage: stage.name,
      job_type: jobType.name,
      launch_setup: setup.name,
      test,
      recovery,
      command,
      command_text: shellQuoteCommand(command),
      setup: setupLines,
      host,
      account,
      engine: setup.engine,
      environment,
      params,
    },
  };
}

function fail(p: LaunchProblem): RenderLaunchResult {
  return { ok: false, problems: [p] };
}
