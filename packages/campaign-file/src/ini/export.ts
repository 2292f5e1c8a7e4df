// Campaign model → POMS campaign .ini, in the layout POMS's own exporter writes: [campaign],
// [campaign_defaults], [node_positions], the stages, login setups, job types, then dependencies.
// What POMS cannot say goes into extension keys that importIni reads back (listed in the file's
// heading comment), so import → export → import gives the same model.
import type {
  CampaignSpec,
  JobType,
  LaunchSetup,
  Stage,
  StageDefaults,
  StageInput,
} from '@poms/core';
import { pyJson } from './json.ts';
import { EXTENSION_KEYS, JSON_TEXT_SUFFIX, type SectionKind } from './keys.ts';

type ExtendedKind = keyof typeof EXTENSION_KEYS;

class IniWriter {
  readonly lines: string[] = [];
  /** Extension keys used, by section kind, in first-use order. */
  readonly extensions = new Map<string, Set<string>>();
  private kind: SectionKind = 'campaign';

  section(kind: SectionKind, name?: string): void {
    if (this.lines.length > 0) this.lines.push('');
    this.kind = kind;
    this.lines.push(name === undefined ? `[${kind}]` : `[${kind} ${name}]`);
  }

  /** `key=text`, continuation lines for multi-line text, `key.json="…"` for what .ini cannot hold. */
  text(key: string, text: string, separator = '='): void {
    if (this.isExtension(key)) this.noteExtension(key);
    const lines = text.split('\n');
    const fits =
      lines.every((line, i) => {
        if (line !== line.trim()) return false;
        if (i === 0) return true;
        return !line.startsWith('#') && !line.startsWith(';');
      }) &&
      (lines.length === 1 || lines[lines.length - 1] !== '');
    if (fits) {
      const [first = '', ...rest] = lines;
      this.lines.push(`${key}${separator}${first}`);
      for (const line of rest) this.lines.push(line === '' ? '' : `    ${line}`);
      return;
    }
    this.noteExtension(`${key}${JSON_TEXT_SUFFIX}`);
    this.lines.push(`${key}${JSON_TEXT_SUFFIX}${separator}${JSON.stringify(text)}`);
  }

  json(key: string, value: unknown): void {
    if (this.isExtension(key)) this.noteExtension(key);
    this.lines.push(`${key}=${pyJson(value)}`);
  }

  private isExtension(key: string): boolean {
    const keys: readonly string[] | undefined =
      this.kind in EXTENSION_KEYS ? EXTENSION_KEYS[this.kind as ExtendedKind] : undefined;
    return keys?.includes(key) ?? false;
  }

  private noteExtension(key: string): void {
    const set = this.extensions.get(this.kind) ?? new Set<string>();
    set.add(key);
    this.extensions.set(this.kind, set);
  }
}

function pomsBoolean(value: boolean): string {
  return value ? 'True' : 'False';
}

function splitKind(split: string | undefined): string | undefined {
  return split?.trim().toLowerCase().replace(/\(.*$/s, '').trim();
}

/** A comma list when each item reads back as itself, else a JSON list (which importIni reads). */
function commaList(items: readonly string[], collapsesPercent: boolean): string {
  const plain = items.every(
    (item) =>
      item !== '' &&
      item === item.trim() &&
      !item.includes(',') &&
      !(collapsesPercent && item.includes('%%')),
  );
  return plain && !items[0]?.startsWith('[') ? items.join(',') : pyJson(items);
}

function inputText(input: StageInput, split: string | undefined): string {
  if (typeof input === 'string') return input === 'none' ? 'None' : input;
  const strings = input.filter((item): item is string => typeof item === 'string');
  if (splitKind(split) === 'list' && strings.length === input.length && input.length > 0) {
    return commaList(strings, false);
  }
  return pyJson(input);
}

function writeStageFields(
  w: IniWriter,
  stage: Stage | StageDefaults,
  splitForInput: string | undefined,
): void {
  if (stage.vo_role !== undefined) w.text('vo_role', stage.vo_role);
  if (stage.software_version !== undefined) w.text('software_version', stage.software_version);
  if (stage.output_ancestor_depth !== undefined) {
    w.text('output_ancestor_depth', String(stage.output_ancestor_depth));
  }
  if (stage.input !== undefined) {
    w.text('dataset_or_split_data', inputText(stage.input, splitForInput));
  }
  if (stage.split !== undefined) {
    w.text('cs_split_type', stage.split === 'none' ? 'None' : stage.split);
  }
  if (stage.test_split !== undefined) w.text('test_split_type', stage.test_split);
  if (stage.completion?.type !== undefined) w.text('completion_type', stage.completion.type);
  if (stage.completion?.pct !== undefined) w.text('completion_pct', String(stage.completion.pct));
  if (stage.overrides !== undefined) w.json('param_overrides', stage.overrides);
  if (stage.test_overrides !== undefined) w.json('test_param_overrides', stage.test_overrides);
  if (stage.launch_setup !== undefined) w.text('login_setup', stage.launch_setup);
  if (stage.job_type !== undefined) w.text('job_type', stage.job_type);
  if (stage.merge_overrides !== undefined) {
    w.text('merge_overrides', pomsBoolean(stage.merge_overrides));
  }
  if (stage.type !== undefined) w.text('stage_type', stage.type);
  if (stage.clear_schedule_when_exhausted !== undefined) {
    w.text('default_clear_cronjob', pomsBoolean(stage.clear_schedule_when_exhausted));
  }
  if (stage.active !== undefined) w.text('state', stage.active ? 'Active' : 'Inactive');
  if (stage.wait !== undefined) w.text('wait', stage.wait);
  if ('keep_up' in stage && stage.keep_up !== undefined) w.json('keep_up', stage.keep_up);
  if ('output_location' in stage && stage.output_location !== undefined) {
    w.text('output_location', stage.output_location);
  }
  if ('output_dataset' in stage && stage.output_dataset !== undefined) {
    w.text('output_dataset', stage.output_dataset);
  }
  if ('publish' in stage && stage.publish !== undefined) w.json('publish', stage.publish);
  if ('description' in stage && stage.description !== undefined) {
    w.text('description', stage.description);
  }
}

function writeSetup(w: IniWriter, name: string, setup: LaunchSetup): void {
  w.section('login_setup', name);
  if (setup.host !== undefined) w.text('host', setup.host);
  if (setup.account !== undefined) w.text('account', setup.account);
  // Setup lines are shell: a final newline (as a YAML `|` block ends) means nothing there, and
  // dropping it lets POMS read the lines as continuation lines instead of a POMS-TS extension key.
  if (setup.setup !== undefined) w.text('setup', setup.setup.replace(/\n+$/, ''));
  if (setup.description !== undefined) w.text('description', setup.description);
  if (setup.engine !== undefined) w.text('engine', setup.engine);
  if (setup.partition !== undefined) w.text('partition', setup.partition);
  if (setup.qos !== undefined) w.text('qos', setup.qos);
  if (setup.batch_account !== undefined) w.text('batch_account', setup.batch_account);
  if (setup.group !== undefined) w.text('group', setup.group);
  if (setup.role !== undefined) w.text('role', setup.role);
  if (setup.environment !== undefined) w.json('environment', setup.environment);
  if (setup.resources !== undefined) w.json('resources', setup.resources);
}

function writeJobType(w: IniWriter, name: string, jt: JobType): void {
  w.section('job_type', name);
  w.text('launch_script', jt.command);
  if (jt.invoke !== undefined) w.text('invoke', jt.invoke);
  if (jt.files_per_job !== undefined) w.text('files_per_job', String(jt.files_per_job));
  if (jt.jobs !== undefined) w.text('jobs', String(jt.jobs));
  if (jt.max_running !== undefined) w.text('max_running', String(jt.max_running));
  if (jt.parameters !== undefined) w.json('parameters', jt.parameters);
  if (jt.output_patterns !== undefined) {
    w.text('output_file_patterns', commaList(jt.output_patterns, true));
  }
  if (jt.recovery !== undefined) {
    w.json(
      'recoveries',
      jt.recovery.map((step) => [step.type, step.overrides ?? []]),
    );
  }
  if (jt.description !== undefined) w.text('description', jt.description);
  if (jt.resources !== undefined) w.json('resources', jt.resources);
}

export function exportIni(spec: CampaignSpec): string {
  const w = new IniWriter();
  const stages = Object.entries(spec.stages);
  const defaults = spec.defaults ?? {};

  w.section('campaign');
  if (spec.experiment !== undefined) w.text('experiment', spec.experiment);
  if (spec.role !== undefined) w.text('poms_role', spec.role);
  w.text('name', spec.campaign);
  if (spec.active !== undefined) w.text('state', spec.active ? 'Active' : 'Inactive');
  if (spec.test !== undefined) w.text('campaign_type', spec.test ? 'test' : 'regular');
  if (spec.keywords !== undefined) w.json('campaign_keywords', spec.keywords);
  w.text('campaign_stage_list', stages.map(([name]) => name).join(','));
  if (spec.description !== undefined) w.text('description', spec.description);
  if (spec.tags !== undefined) w.json('tags', spec.tags);

  if (Object.keys(defaults).length > 0) {
    w.section('campaign_defaults');
    writeStageFields(w, defaults, defaults.split);
  }

  const layout = Object.entries(spec.layout ?? {});
  if (layout.length > 0) {
    w.section('node_positions');
    layout.forEach(([name, { x, y }], i) => w.json(`nxy${i}`, [name, x, y]));
  }

  for (const [name, stage] of stages) {
    w.section('campaign_stage', name);
    writeStageFields(w, stage, stage.split ?? defaults.split);
  }
  for (const [name, setup] of Object.entries(spec.launch_setups ?? {})) writeSetup(w, name, setup);
  for (const [name, jt] of Object.entries(spec.job_types ?? {})) writeJobType(w, name, jt);

  for (const [name, stage] of stages) {
    if (!stage.needs || stage.needs.length === 0) continue;
    w.section('dependencies', name);
    stage.needs.forEach((need, i) => {
      const n = i + 1;
      const { stage: from, patterns } =
        typeof need === 'string' ? { stage: need, patterns: undefined } : need;
      w.text(`campaign_stage_${n}`, from, ' = ');
      if (patterns !== undefined && patterns.length > 0) {
        w.text(`file_pattern_${n}`, commaList(patterns, true), ' = ');
      }
    });
  }

  const heading = [`# POMS campaign file for ${spec.campaign}, exported by POMS-TS.`];
  if (w.extensions.size > 0) {
    const used = [...w.extensions]
      .map(([kind, keys]) => `[${kind}] ${[...keys].join(', ')}`)
      .join('; ');
    heading.push(
      `# POMS-TS extension keys (POMS does not know them; POMS-TS reads them back): ${used}.`,
    );
    if ([...w.extensions.values()].some((keys) => [...keys].some((k) => k.endsWith('.json')))) {
      heading.push(
        `# KEY${JSON_TEXT_SUFFIX} = "…" holds KEY's text as a JSON string where an .ini line cannot.`,
      );
    }
  }
  const needsWithoutPatterns = stages.some(([, s]) =>
    (s.needs ?? []).some((n) => typeof n === 'string' || !n.patterns?.length),
  );
  if (needsWithoutPatterns) {
    heading.push(
      '# A campaign_stage_N without file_pattern_N takes the upstream job type output_file_patterns.',
    );
  }
  return [...heading, '', ...w.lines, ''].join('\n');
}
