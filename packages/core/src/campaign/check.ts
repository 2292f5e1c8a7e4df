// Semantic checks of a schema-valid campaign: what the schema alone cannot say. Every problem
// is reported (not just the first) with the path of the value that has to change.
import { buildStageGraph } from '../graph/index.ts';
import { parseSplitSpec, splitNeedsListInput, type SplitSpec } from '../split/index.ts';
import { BUILTIN_TEMPLATE_NAMES, checkTemplate, closestMatch } from '../template/index.ts';
import { resolveInput } from './effective.ts';
import { issue, type CampaignIssue, type DocPath } from './issues.ts';
import { needStage, type CampaignSpec, type ParamList, type StageDefaults } from './model.ts';

/** Names a `%(name)s` may use in this campaign: the built-ins plus the campaign's keywords. */
export function templateNamesOf(spec: CampaignSpec): Set<string> {
  return new Set([...BUILTIN_TEMPLATE_NAMES, ...Object.keys(spec.keywords ?? {})]);
}

export function checkCampaign(spec: CampaignSpec): CampaignIssue[] {
  const issues: CampaignIssue[] = [];
  checkTemplates(spec, issues);
  checkReferences(spec, issues);
  checkSplits(spec, issues);
  checkGraph(spec, issues);
  checkLayout(spec, issues);
  return issues;
}

function checkText(
  text: string | undefined,
  path: DocPath,
  known: ReadonlySet<string>,
  out: CampaignIssue[],
): void {
  if (text === undefined) return;
  for (const problem of checkTemplate(text, known)) {
    out.push(
      issue(problem.code, problem.message, path, {
        span: { offset: problem.offset, length: problem.length },
      }),
    );
  }
}

function checkParams(
  params: ParamList | undefined,
  path: DocPath,
  known: ReadonlySet<string>,
  out: CampaignIssue[],
): void {
  params?.forEach(([key, value], i) => {
    checkText(key, [...path, i, 0], known, out);
    checkText(value, [...path, i, 1], known, out);
  });
}

function checkTemplates(spec: CampaignSpec, out: CampaignIssue[]): void {
  const known = templateNamesOf(spec);
  // Keyword values are inserted as written: a `%(x)s` inside one reaches the job unsubstituted.
  for (const [name, value] of Object.entries(spec.keywords ?? {})) {
    if (/%\(/.test(value)) {
      out.push(
        issue(
          'campaign.keyword-template',
          `keyword '${name}' contains '%(': keyword values are inserted as they are, not substituted again`,
          ['keywords', name],
          { severity: 'warning' },
        ),
      );
    }
  }
  for (const [name, jt] of Object.entries(spec.job_types ?? {})) {
    const base = ['job_types', name];
    checkText(jt.command, [...base, 'command'], known, out);
    checkParams(jt.parameters, [...base, 'parameters'], known, out);
    jt.recovery?.forEach((step, i) =>
      checkParams(step.overrides, [...base, 'recovery', i, 'overrides'], known, out),
    );
  }
  for (const [name, ls] of Object.entries(spec.launch_setups ?? {})) {
    const base = ['launch_setups', name];
    checkText(ls.host, [...base, 'host'], known, out);
    checkText(ls.account, [...base, 'account'], known, out);
    checkText(ls.setup, [...base, 'setup'], known, out);
    for (const [key, value] of Object.entries(ls.environment ?? {})) {
      checkText(value, [...base, 'environment', key], known, out);
    }
  }
  const stageLike: [DocPath, StageDefaults][] = [
    [['defaults'], spec.defaults ?? {}],
    ...Object.entries(spec.stages).map(([n, s]): [DocPath, StageDefaults] => [['stages', n], s]),
  ];
  for (const [base, stage] of stageLike) {
    checkParams(stage.overrides, [...base, 'overrides'], known, out);
    checkParams(stage.test_overrides, [...base, 'test_overrides'], known, out);
    if (typeof stage.input === 'string') checkText(stage.input, [...base, 'input'], known, out);
  }
}

/** Where a stage's inherited value is written: on the stage, else in `defaults`. */
function sourceOf(spec: CampaignSpec, stage: string, key: keyof StageDefaults): DocPath {
  return spec.stages[stage]?.[key] !== undefined ? ['stages', stage, key] : ['defaults', key];
}

function checkReferences(spec: CampaignSpec, out: CampaignIssue[]): void {
  const defaults = spec.defaults ?? {};
  const jobTypes = new Set(Object.keys(spec.job_types ?? {}));
  const setups = new Set(Object.keys(spec.launch_setups ?? {}));
  const usedJobTypes = new Set<string>();
  const usedSetups = new Set<string>();
  for (const [name, stage] of Object.entries(spec.stages)) {
    const type = stage.type ?? defaults.type ?? 'regular';
    const needsJob = type !== 'approval';
    const jobType = stage.job_type ?? defaults.job_type;
    const setup = stage.launch_setup ?? defaults.launch_setup;
    if (jobType !== undefined) {
      usedJobTypes.add(jobType);
      if (!jobTypes.has(jobType)) {
        out.push(
          issue(
            'campaign.unknown-job-type',
            `stage '${name}' uses job type '${jobType}', which is not defined under job_types${suggest(jobType, jobTypes)}`,
            sourceOf(spec, name, 'job_type'),
          ),
        );
      }
    } else if (needsJob) {
      out.push(
        issue(
          'campaign.missing-value',
          `stage '${name}' has no job_type (set it on the stage or in defaults)`,
          ['stages', name],
          { at_key: true },
        ),
      );
    }
    if (setup !== undefined) {
      usedSetups.add(setup);
      if (!setups.has(setup)) {
        out.push(
          issue(
            'campaign.unknown-launch-setup',
            `stage '${name}' uses launch setup '${setup}', which is not defined under launch_setups${suggest(setup, setups)}`,
            sourceOf(spec, name, 'launch_setup'),
          ),
        );
      }
    } else if (needsJob) {
      out.push(
        issue(
          'campaign.missing-value',
          `stage '${name}' has no launch_setup (set it on the stage or in defaults)`,
          ['stages', name],
          { at_key: true },
        ),
      );
    }
    const hasUpstream = (stage.needs ?? []).some((n) => needStage(n).stage !== name);
    const input = stage.input ?? defaults.input;
    if (resolveInput(input, type, hasUpstream) === undefined && type !== 'approval') {
      out.push(
        issue(
          'campaign.missing-value',
          `stage '${name}' has no input: give a dataset, 'none' for a generator, or upstream stages in needs`,
          ['stages', name],
          { at_key: true },
        ),
      );
    }
    if (input === 'from_parent' && !hasUpstream) {
      out.push(
        issue(
          'campaign.no-parent',
          `stage '${name}' reads 'from_parent' but needs no upstream stage`,
          sourceOf(spec, name, 'input'),
        ),
      );
    }
    // Generators may take parameter lists (list, multiparam), but not a dataset of files.
    if (type === 'generator' && typeof input === 'string' && input !== 'none') {
      out.push(
        issue(
          'campaign.generator-input',
          `generator stage '${name}' has an input; generators make their files and read none`,
          sourceOf(spec, name, 'input'),
          { severity: 'warning' },
        ),
      );
    }
  }
  for (const name of jobTypes) {
    if (!usedJobTypes.has(name)) {
      out.push(
        issue('campaign.unused', `job type '${name}' is used by no stage`, ['job_types', name], {
          severity: 'warning',
          at_key: true,
        }),
      );
    }
  }
  for (const name of setups) {
    if (!usedSetups.has(name)) {
      out.push(
        issue(
          'campaign.unused',
          `launch setup '${name}' is used by no stage`,
          ['launch_setups', name],
          { severity: 'warning', at_key: true },
        ),
      );
    }
  }
}

function checkSplits(spec: CampaignSpec, out: CampaignIssue[]): void {
  const check = (text: string | undefined, path: DocPath) => {
    if (text === undefined) return undefined;
    const result = parseSplitSpec(text);
    if (result.ok) return result.spec;
    const { code, message, column, endColumn } = result.error;
    out.push(
      issue(code, message, path, {
        span: { offset: column, length: Math.max(1, endColumn - column) },
      }),
    );
    return undefined;
  };
  check(spec.defaults?.split, ['defaults', 'split']);
  check(spec.defaults?.test_split, ['defaults', 'test_split']);
  for (const [name, stage] of Object.entries(spec.stages)) {
    const split = check(stage.split, ['stages', name, 'split']);
    const testSplit = check(stage.test_split, ['stages', name, 'test_split']);
    checkTestSplit(spec, name, split, testSplit, out);
    const effectiveSplit = split ?? (stage.split === undefined ? defaultsSplit(spec) : undefined);
    checkKeepUp(spec, name, stage.split === undefined || split ? effectiveSplit : undefined, out);
    checkOutputHandling(spec, name, out);
    if (!effectiveSplit) continue;
    const shape = splitNeedsListInput(effectiveSplit);
    const input = stage.input ?? spec.defaults?.input;
    const inputPath = sourceOf(spec, name, 'input');
    if (shape === 'list' && !isStringList(input)) {
      out.push(
        issue(
          'campaign.split-input',
          `stage '${name}' splits by 'list': its input must be a list of datasets, e.g. [ds1, ds2]`,
          input === undefined ? ['stages', name] : inputPath,
          { at_key: input === undefined },
        ),
      );
    }
    if (shape === 'list-of-lists' && !isListOfLists(input)) {
      out.push(
        issue(
          'campaign.split-input',
          `stage '${name}' splits by 'multiparam': its input must be a list of value lists, e.g. [[a, b], [1, 2]]`,
          input === undefined ? ['stages', name] : inputPath,
          { at_key: input === undefined },
        ),
      );
    }
    if (shape === 'none' && Array.isArray(input)) {
      out.push(
        issue(
          'campaign.split-input',
          `stage '${name}' has a list as input, which only the 'list' and 'multiparam' splits take`,
          inputPath,
        ),
      );
    }
  }
}

/**
 * Keep-up launches come by themselves as the dataset grows: only a draining split, which hands out
 * files no earlier slice had, keeps them from delivering a file twice. `split` is undefined when
 * the stage states none (then `none`), or when its split does not parse (reported elsewhere).
 */
function checkKeepUp(
  spec: CampaignSpec,
  name: string,
  split: SplitSpec | undefined,
  out: CampaignIssue[],
): void {
  const stage = spec.stages[name];
  if (stage?.keep_up === undefined) return;
  const type = stage.type ?? spec.defaults?.type;
  if (type === 'generator' || type === 'approval') {
    out.push(
      issue(
        'campaign.keep-up',
        `stage '${name}' is a${type === 'approval' ? 'n' : ''} ${type} stage: keep_up follows a growing input dataset, which it has none of`,
        ['stages', name, 'keep_up'],
        { at_key: true },
      ),
    );
    return;
  }
  const unparsed = stage.split !== undefined && split === undefined;
  if (unparsed) return;
  if (split === undefined || (split.type !== 'draining' && split.type !== 'drainingn')) {
    out.push(
      issue(
        'campaign.keep-up',
        `stage '${name}' keeps up with its dataset, so its split must hand out only new files: use drainingn(n) or draining, not ${split === undefined ? 'none' : `'${split.type}'`}`,
        stage.split === undefined ? ['stages', name, 'keep_up'] : ['stages', name, 'split'],
        { at_key: stage.split === undefined },
      ),
    );
  }
}

/** An approval stage runs no job, so it has no outputs to gather, publish or land anywhere. */
function checkOutputHandling(spec: CampaignSpec, name: string, out: CampaignIssue[]): void {
  const stage = spec.stages[name];
  if ((stage?.type ?? spec.defaults?.type) !== 'approval') return;
  for (const key of ['output_location', 'output_dataset', 'publish'] as const) {
    if (stage?.[key] === undefined) continue;
    out.push(
      issue(
        'campaign.outputs',
        `stage '${name}' is an approval stage: it runs no job, so it has no outputs for ${key}`,
        ['stages', name, key],
        { at_key: true },
      ),
    );
  }
}

/** A test launch reads the same input: its split must take the same shape of input as the split. */
function checkTestSplit(
  spec: CampaignSpec,
  name: string,
  split: SplitSpec | undefined,
  testSplit: SplitSpec | undefined,
  out: CampaignIssue[],
): void {
  const main = split ?? (spec.stages[name]?.split === undefined ? defaultsSplit(spec) : undefined);
  if (!main || !testSplit) return;
  if (splitNeedsListInput(main) !== splitNeedsListInput(testSplit)) {
    out.push(
      issue(
        'campaign.split-input',
        `stage '${name}': test_split '${testSplit.type}' takes a different kind of input than split '${main.type}'`,
        ['stages', name, 'test_split'],
      ),
    );
  }
}

function defaultsSplit(spec: CampaignSpec) {
  const text = spec.defaults?.split;
  if (text === undefined) return parseOk('none');
  return parseOk(text);
}

function parseOk(text: string) {
  const result = parseSplitSpec(text);
  return result.ok ? result.spec : undefined;
}

function isStringList(input: unknown): boolean {
  return Array.isArray(input) && input.every((x) => typeof x === 'string');
}

function isListOfLists(input: unknown): boolean {
  return Array.isArray(input) && input.length > 0 && input.every((x) => Array.isArray(x));
}

function checkGraph(spec: CampaignSpec, out: CampaignIssue[]): void {
  const names = Object.keys(spec.stages);
  const known = new Set(names);
  const edges: { from: string; to: string }[] = [];
  const edgePath = new Map<string, DocPath>();
  for (const [name, stage] of Object.entries(spec.stages)) {
    const seen = new Set<string>();
    stage.needs?.forEach((need, i) => {
      const from = needStage(need).stage;
      const path: DocPath =
        typeof need === 'string'
          ? ['stages', name, 'needs', i]
          : ['stages', name, 'needs', i, 'stage'];
      if (!known.has(from)) {
        out.push(
          issue(
            'campaign.unknown-stage',
            `stage '${name}' needs '${from}', which is not a stage of this campaign${suggest(from, known)}`,
            path,
          ),
        );
        return;
      }
      if (seen.has(from)) {
        out.push(
          issue('campaign.duplicate-need', `stage '${name}' needs '${from}' twice`, path, {
            severity: 'warning',
          }),
        );
        return;
      }
      seen.add(from);
      edges.push({ from, to: name });
      edgePath.set(`${from}\u0000${name}`, path);
    });
  }
  const graph = buildStageGraph(names, edges);
  for (const cycle of graph.cycles()) {
    // Report the cycle on the edge that closes it back to its first stage.
    const first = cycle[0];
    const last = cycle[cycle.length - 1];
    if (first === undefined || last === undefined) continue;
    const path = edgePath.get(`${last}\u0000${first}`) ?? ['stages', first];
    out.push(
      issue(
        'campaign.cycle',
        `stages depend on each other in a cycle: ${[...cycle, first].join(' → ')} (only a stage's edge to itself may loop)`,
        path,
      ),
    );
  }
  for (const [name, stage] of Object.entries(spec.stages)) {
    const selfEdge = stage.needs?.some((n) => needStage(n).stage === name);
    const split = stage.split ?? spec.defaults?.split ?? 'none';
    if (selfEdge && parseOk(split)?.type === 'none') {
      out.push(
        issue(
          'campaign.endless-self-edge',
          `stage '${name}' relaunches itself but its split is 'none': every launch would take the whole dataset again`,
          stage.split === undefined && spec.defaults?.split === undefined
            ? ['stages', name]
            : sourceOf(spec, name, 'split'),
          { severity: 'warning', at_key: stage.split === undefined && !spec.defaults?.split },
        ),
      );
    }
  }
}

function checkLayout(spec: CampaignSpec, out: CampaignIssue[]): void {
  for (const name of Object.keys(spec.layout ?? {})) {
    if (!(name in spec.stages)) {
      out.push(
        issue(
          'campaign.layout-unknown-stage',
          `layout has a position for '${name}', which is not a stage`,
          ['layout', name],
          { severity: 'warning', at_key: true },
        ),
      );
    }
  }
}

/** ` (did you mean 'x'?)` when a known name is a plausible typo of `name`. */
export function suggest(name: string, known: Iterable<string>): string {
  const best = closestMatch(name, known);
  return best === undefined ? '' : ` (did you mean '${best}'?)`;
}
