// POMS campaign .ini → campaign model and YAML text. Every section and key is either mapped or
// reported (a warning naming section, key and line; never a silent drop), malformed values are
// errors at their line and column, and the result is checked against the schema before it is
// returned. Launch text (`%(name)s`) is kept exactly: the campaign parser validates templates.
import {
  CAMPAIGN_KEY_ORDER,
  COMPLETION_TYPES,
  CampaignSpec,
  ENGINES,
  FAN_IN_MODES,
  JOB_TYPE_KEY_ORDER,
  KeywordName,
  LAUNCH_SETUP_KEY_ORDER,
  RECOVERY_TYPES,
  Resources,
  STAGE_KEY_ORDER,
  STAGE_TYPES,
  type CompletionRule,
  type JobType,
  type LaunchSetup,
  type Need,
  type ParamList,
  type Position,
  type RecoveryStep,
  type Stage,
  type StageDefaults,
  type StageInput,
} from '@poms/core';
import { iniDiagnostic, sortIniDiagnostics, type IniDiagnostic } from './diagnostics.ts';
import { parseJson, type JsonNode, type JsonResult } from './json.ts';
import { JSON_TEXT_SUFFIX, NAMED_SECTIONS, UNNAMED_SECTIONS, type SectionKind } from './keys.ts';
import { NameTable, campaignNameFrom, isValidName, nameRule } from './names.ts';
import {
  readIni,
  valuePosition,
  valueSpan,
  type IniEntry,
  type IniSection,
  type IniSpan,
} from './reader.ts';
import { campaignYaml, type YamlComment } from './to-yaml.ts';
import { ordered, sameValue } from './util.ts';

export interface IniImportResult {
  /** The campaign, when the file has no errors (warnings allowed). */
  spec: CampaignSpec | undefined;
  /** The campaign as canonical YAML text; empty when `spec` is undefined. */
  yaml: string;
  diagnostics: IniDiagnostic[];
}

export interface ImportIniOptions {
  /** The campaign's name when `[campaign]` has none (e.g. the file's name). */
  name?: string;
}

/** One key of a section, with its text (decoded when written as `KEY.json`). */
interface Field {
  /** The section header, for messages. */
  section: string;
  entry: IniEntry;
  key: string;
  text: string;
  /** Text decoded from a `KEY.json` string: offsets into it are not offsets into the file. */
  decoded: boolean;
}

interface ParsedSection {
  kind: SectionKind;
  /** The name after the kind (`[campaign_stage NAME]`), trimmed; undefined for unnamed kinds. */
  name: string | undefined;
  section: IniSection;
  fields: Map<string, Field>;
}

interface CampaignHeader {
  name: string | undefined;
  experiment: string | undefined;
  description: string | undefined;
  role: CampaignSpec['role'];
  test: boolean | undefined;
  active: boolean | undefined;
  keywords: Record<string, string> | undefined;
  tags: string[] | undefined;
  stageList: { raw: string; span: IniSpan }[] | undefined;
}

const NONE_WORDS = new Set(['', 'none']);

/** POMS wrote Python's None as `None` for values a campaign did not set. */
function isUnset(text: string): boolean {
  return NONE_WORDS.has(text.trim().toLowerCase());
}

function splitKind(split: string | undefined): string | undefined {
  return split?.trim().toLowerCase().replace(/\(.*$/s, '').trim();
}

function parseBoolean(text: string): boolean | undefined {
  const t = text.trim().toLowerCase();
  if (['true', 'yes', 'on', '1'].includes(t)) return true;
  if (['false', 'no', 'off', '0'].includes(t)) return false;
  return undefined;
}

/** `%%` is how POMS files write `%` in patterns; under SQL LIKE both mean the same. */
function collapsePercent(pattern: string): string {
  return pattern.replace(/%%/g, '%');
}

/** Inputs longer than this are refused before reading: a campaign file is text a person edits. */
export const MAX_INI_CHARS = 4 * 1024 * 1024;

export function importIni(text: string, options: ImportIniOptions = {}): IniImportResult {
  if (text.length > MAX_INI_CHARS) {
    const message = `campaign files are limited to ${MAX_INI_CHARS} characters; this one has ${text.length}`;
    const span = { line: 1, column: 1, end_line: 1, end_column: 2 };
    return {
      spec: undefined,
      yaml: '',
      diagnostics: [iniDiagnostic('ini.too-large', 'error', message, span)],
    };
  }
  return new Importer(text, options).run();
}

class Importer {
  private readonly diagnostics: IniDiagnostic[] = [];
  private readonly comments: YamlComment[] = [];
  private readonly stageNames = new NameTable('stage');
  private readonly jobTypeNames = new NameTable('job_type');
  private readonly setupNames = new NameTable('launch_setup');
  private readonly renameWarned = new Set<string>();
  /** Where each model entry comes from, to place schema errors. */
  private readonly origins = new Map<string, IniSpan>();
  private pomsName: string | undefined;

  constructor(
    private readonly text: string,
    private readonly options: ImportIniOptions,
  ) {}

  run(): IniImportResult {
    const doc = readIni(this.text);
    for (const p of doc.problems) this.report(p.code, p.severity, p.message, p.span);
    const parsed = this.withoutRepeats(doc.sections.flatMap((s) => this.classify(s) ?? []));
    const of = (kind: SectionKind) => parsed.filter((p) => p.kind === kind);
    const campaignSection = of('campaign')[0];
    const defaultsSection = of('campaign_defaults')[0];
    const positionsSection = of('node_positions')[0];
    const stageSections = of('campaign_stage');

    const header = campaignSection ? this.readCampaign(campaignSection) : undefined;
    if (!campaignSection) {
      this.report(
        'ini.missing-campaign',
        this.options.name ? 'warning' : 'error',
        this.options.name
          ? `no [campaign] section: the campaign is named ${this.options.name}`
          : 'no [campaign] section: a POMS campaign file starts with [campaign] and its name',
        { line: 1, column: 1, end_line: 1, end_column: 2 },
      );
    }

    this.stageNames.reserve([
      ...(header?.stageList ?? []).map((s) => s.raw),
      ...stageSections.map((s) => s.name ?? ''),
    ]);
    this.jobTypeNames.reserve(of('job_type').map((s) => s.name ?? ''));
    this.setupNames.reserve(of('login_setup').map((s) => s.name ?? ''));

    const defaults = defaultsSection
      ? this.readStageFields(defaultsSection, 'defaults', undefined)
      : {};
    const stages = this.readStages(header?.stageList, stageSections, defaults);
    this.readDependencies(of('dependencies'), stages);
    const layout = positionsSection ? this.readPositions(positionsSection, stages) : undefined;
    const jobTypes = this.readJobTypes(of('job_type'));
    const setups = this.readSetups(of('login_setup'));

    const name =
      header?.name ??
      (this.options.name !== undefined ? campaignNameFrom(this.options.name) : undefined);
    const stageRecord: Record<string, Stage> = {};
    for (const [stageName, stage] of stages) {
      stageRecord[stageName] = ordered(stage, STAGE_KEY_ORDER);
    }
    const defaultsOut = ordered(defaults, STAGE_KEY_ORDER);
    const candidate = ordered(
      {
        campaign: name ?? 'campaign',
        experiment: header?.experiment,
        description: header?.description,
        role: header?.role,
        test: header?.test,
        active: header?.active,
        keywords: header?.keywords,
        tags: header?.tags,
        defaults: Object.keys(defaultsOut).length > 0 ? defaultsOut : undefined,
        job_types: jobTypes.size > 0 ? Object.fromEntries(jobTypes) : undefined,
        launch_setups: setups.size > 0 ? Object.fromEntries(setups) : undefined,
        stages: stageRecord,
        layout: layout && layout.size > 0 ? Object.fromEntries(layout) : undefined,
      },
      CAMPAIGN_KEY_ORDER,
    );

    let spec: CampaignSpec | undefined;
    const checked = CampaignSpec.safeParse(candidate);
    if (checked.success) spec = checked.data;
    else {
      for (const issue of checked.error.issues) {
        const path = issue.path.map(String);
        this.report(
          'ini.schema',
          'error',
          `${path.join('.') || 'campaign'}: ${issue.message}`,
          this.originOf(path),
        );
      }
    }
    const diagnostics = sortIniDiagnostics(this.diagnostics);
    if (!spec || diagnostics.some((d) => d.severity === 'error')) {
      return { spec: undefined, yaml: '', diagnostics };
    }
    const source = this.pomsName ?? this.options.name ?? spec.campaign;
    const yaml = campaignYaml(spec, {
      header: `Imported from POMS campaign file ${source}`,
      comments: this.comments,
    });
    return { spec, yaml, diagnostics };
  }

  // ---- reporting ----

  private report(
    code: string,
    severity: IniDiagnostic['severity'],
    message: string,
    span: IniSpan,
  ): void {
    this.diagnostics.push(iniDiagnostic(code, severity, message, span));
  }

  private comment(path: string[], text: string): void {
    this.comments.push({ path, text });
  }

  private originOf(path: string[]): IniSpan {
    for (let n = path.length; n > 0; n--) {
      const span = this.origins.get(path.slice(0, n).join('\0'));
      if (span) return span;
    }
    return { line: 1, column: 1, end_line: 1, end_column: 2 };
  }

  /** A position inside a field's text (the whole value when the text was decoded). */
  private at(field: Field, offset: number, length: number): IniSpan {
    return field.decoded ? valueSpan(field.entry) : valuePosition(field.entry, offset, length);
  }

  private atNode(field: Field, node: JsonNode): IniSpan {
    return this.at(field, node.start, node.end - node.start);
  }

  private badValue(field: Field, message: string, span?: IniSpan): undefined {
    this.report('ini.bad-value', 'error', message, span ?? valueSpan(field.entry));
    return undefined;
  }

  private unknownKey(parsed: ParsedSection, field: Field, entityPath?: string[]): void {
    this.report(
      'ini.unknown-key',
      'warning',
      `[${parsed.section.header}] ${field.entry.raw_key} (line ${field.entry.key_span.line}) is not a key POMS-TS knows: not imported`,
      field.entry.key_span,
    );
    if (entityPath) this.comment(entityPath, `not imported from POMS: ${field.entry.raw_key}`);
  }

  private json(field: Field): JsonNode | undefined {
    const result: JsonResult = parseJson(field.text);
    if (result.ok) return result.node;
    this.report(
      'ini.bad-json',
      'error',
      `[${field.section}] ${field.entry.raw_key} is not valid JSON: ${result.message}`,
      this.at(field, result.offset, result.length),
    );
    return undefined;
  }

  private renamed(
    kind: string,
    raw: string,
    name: string,
    span: IniSpan,
    entityPath?: string[],
  ): void {
    const key = `${kind}\0${raw.trim()}`;
    if (name === raw.trim() || this.renameWarned.has(key)) return;
    this.renameWarned.add(key);
    this.report(
      'ini.renamed',
      'warning',
      `${kind} name "${raw.trim()}" became "${name}": ${nameRule(raw.trim())}`,
      span,
    );
    if (entityPath) this.comment(entityPath, `POMS name: ${raw.trim()}`);
  }

  private stageName(raw: string, span: IniSpan): string {
    const name = this.stageNames.get(raw);
    this.renamed('stage', raw, name, span, ['stages', name]);
    return name;
  }

  private jobTypeName(raw: string, span: IniSpan): string {
    const name = this.jobTypeNames.get(raw);
    this.renamed('job type', raw, name, span, ['job_types', name]);
    return name;
  }

  private setupName(raw: string, span: IniSpan): string {
    const name = this.setupNames.get(raw);
    this.renamed('login setup', raw, name, span, ['launch_setups', name]);
    return name;
  }

  // ---- sections ----

  private classify(section: IniSection): ParsedSection | undefined {
    const match = /^\s*(\S+)(?:\s+([\s\S]*?))?\s*$/.exec(section.header);
    const kindText = (match?.[1] ?? '').toLowerCase();
    const name = match?.[2] === undefined || match[2] === '' ? undefined : match[2];
    const kind = [...UNNAMED_SECTIONS, ...NAMED_SECTIONS].find((k) => k === kindText);
    if (kind === undefined) {
      this.report(
        'ini.unknown-section',
        'warning',
        `section [${section.header}] (line ${section.span.line}) is not a POMS campaign section: not imported`,
        section.span,
      );
      return undefined;
    }
    if (NAMED_SECTIONS.has(kind) && name === undefined) {
      this.report(
        'ini.bad-section',
        'error',
        `section [${section.header}] needs a name: [${kind} NAME]`,
        section.span,
      );
      return undefined;
    }
    if (UNNAMED_SECTIONS.has(kind) && name !== undefined) {
      this.report(
        'ini.unknown-section',
        'warning',
        `section [${section.header}] (line ${section.span.line}): [${kind}] takes no name; not imported`,
        section.span,
      );
      return undefined;
    }
    return { kind, name, section, fields: this.fieldsOf(section) };
  }

  /**
   * `[Campaign_Stage a]` and `[campaign_stage  a]` are different sections to ConfigParser but
   * the same one here: which one is meant cannot be guessed. Dependencies simply add up.
   */
  private withoutRepeats(sections: ParsedSection[]): ParsedSection[] {
    const seen = new Map<string, ParsedSection>();
    return sections.filter((p) => {
      if (p.kind === 'dependencies') return true;
      const id = `${p.kind}\0${p.name?.trim() ?? ''}`;
      const first = seen.get(id);
      if (!first) {
        seen.set(id, p);
        return true;
      }
      this.report(
        'ini.duplicate-section',
        'error',
        `[${p.section.header}] repeats [${first.section.header}] (line ${first.section.span.line})`,
        p.section.span,
      );
      return false;
    });
  }

  private fieldsOf(section: IniSection): Map<string, Field> {
    const fields = new Map<string, Field>();
    for (const entry of section.entries) {
      let key = entry.key;
      let text = entry.value;
      let decoded = false;
      if (key.endsWith(JSON_TEXT_SUFFIX) && key.length > JSON_TEXT_SUFFIX.length) {
        key = key.slice(0, -JSON_TEXT_SUFFIX.length);
        const field: Field = { section: section.header, entry, key, text, decoded: false };
        const node = this.json(field);
        if (!node) continue;
        if (node.kind !== 'string') {
          this.badValue(
            field,
            `${entry.raw_key} holds the text of ${key} as one JSON string ("…")`,
            this.atNode(field, node),
          );
          continue;
        }
        text = node.value;
        decoded = true;
      }
      const previous = fields.get(key);
      if (previous) {
        this.report(
          'ini.duplicate-key',
          'error',
          `${entry.raw_key} repeats ${previous.entry.raw_key} (line ${previous.entry.key_span.line}) in [${section.header}]`,
          entry.key_span,
        );
        continue;
      }
      fields.set(key, { section: section.header, entry, key, text, decoded });
    }
    return fields;
  }

  private readCampaign(parsed: ParsedSection): CampaignHeader {
    const out: CampaignHeader = {
      name: undefined,
      experiment: undefined,
      description: undefined,
      role: undefined,
      test: undefined,
      active: undefined,
      keywords: undefined,
      tags: undefined,
      stageList: undefined,
    };
    this.origins.set('campaign', parsed.section.span);
    for (const field of parsed.fields.values()) {
      const text = field.text.trim();
      switch (field.key) {
        case 'name': {
          if (text === '') {
            this.badValue(field, 'the campaign name is empty');
            break;
          }
          this.pomsName = text;
          out.name = campaignNameFrom(text);
          if (out.name !== text) {
            this.report(
              'ini.renamed',
              'warning',
              `campaign name "${text}" became "${out.name}": ${isValidName(text) ? 'no .ini in names' : nameRule(text)}`,
              valueSpan(field.entry),
            );
          }
          this.origins.set('campaign', valueSpan(field.entry));
          break;
        }
        case 'experiment': {
          const lower = text.toLowerCase();
          if (!/^[a-z][a-z0-9_-]{1,31}$/.test(lower)) {
            this.badValue(
              field,
              `experiment "${text}" is not an experiment id (lowercase letters, digits, _ and -, 2 to 32 long)`,
            );
            break;
          }
          if (lower !== text) {
            this.report(
              'ini.renamed',
              'warning',
              `experiment "${text}" became "${lower}": experiment ids are lowercase`,
              valueSpan(field.entry),
            );
          }
          out.experiment = lower;
          this.origins.set('experiment', valueSpan(field.entry));
          break;
        }
        case 'poms_role': {
          const role = text.toLowerCase();
          if (role === 'analysis' || role === 'production') out.role = role;
          else if (role === 'superuser' || role === 'production-shifter') {
            out.role = 'production';
            this.report(
              'ini.mapped-value',
              'warning',
              `poms_role ${text} is a person's role, not a campaign's: the campaign is owned by production`,
              valueSpan(field.entry),
            );
          } else if (!isUnset(text)) {
            this.badValue(field, `poms_role must be analysis or production, not "${text}"`);
          }
          break;
        }
        case 'state': {
          const active = this.readState(field);
          if (active !== undefined) out.active = active;
          break;
        }
        case 'campaign_type': {
          const t = text.toLowerCase();
          if (t === 'test') out.test = true;
          else if (t === 'regular') out.test = false;
          else if (!isUnset(text)) {
            this.badValue(field, `campaign_type is test or regular, not "${text}"`);
          }
          break;
        }
        case 'campaign_keywords':
          out.keywords = this.readKeywords(field);
          break;
        case 'campaign_stage_list':
          out.stageList = this.readStageList(field);
          break;
        case 'description':
          out.description = field.text;
          break;
        case 'tags':
          out.tags = this.readStringList(field, 'tags');
          break;
        default:
          this.unknownKey(parsed, field, ['campaign']);
      }
    }
    if (out.name === undefined && this.options.name === undefined) {
      this.report('ini.missing-name', 'error', '[campaign] has no name=', parsed.section.span);
    }
    return out;
  }

  private readState(field: Field): boolean | undefined {
    const t = field.text.trim().toLowerCase();
    if (t === 'active') return true;
    if (t === 'inactive') return false;
    if (isUnset(t)) return undefined;
    return this.badValue(field, `state is Active or Inactive, not "${field.text.trim()}"`);
  }

  private readKeywords(field: Field): Record<string, string> | undefined {
    if (isUnset(field.text)) return undefined;
    const node = this.json(field);
    if (!node) return undefined;
    if (node.kind === 'null') return undefined;
    if (node.kind !== 'object') {
      return this.badValue(
        field,
        'campaign_keywords is a JSON object: {"name": "value", …}',
        this.atNode(field, node),
      );
    }
    const out: Record<string, string> = {};
    for (const entry of node.entries) {
      const keySpan = this.at(field, entry.keyStart, entry.keyEnd - entry.keyStart);
      if (!KeywordName.safeParse(entry.key).success || entry.key === '__proto__') {
        this.badValue(
          field,
          `keyword "${entry.key}" cannot be used as %(${entry.key})s: keyword names are letters, digits and _`,
          keySpan,
        );
        continue;
      }
      const v = entry.value;
      if (v.kind === 'string') out[entry.key] = v.value;
      else if (v.kind === 'number') out[entry.key] = v.text;
      else {
        this.badValue(
          field,
          `keyword "${entry.key}" must have a text or number value`,
          this.atNode(field, v),
        );
      }
    }
    return Object.keys(out).length > 0 ? out : undefined;
  }

  private readStageList(field: Field): { raw: string; span: IniSpan }[] {
    const text = field.text;
    // POMS's exporter joins with commas; its old editor with spaces.
    const separator = text.includes(',') ? /,/g : /\s+/g;
    const out: { raw: string; span: IniSpan }[] = [];
    let start = 0;
    const push = (end: number) => {
      const piece = text.slice(start, end);
      const lead = piece.length - piece.trimStart().length;
      const raw = piece.trim();
      if (raw !== '') out.push({ raw, span: this.at(field, start + lead, raw.length) });
    };
    for (const m of text.matchAll(separator)) {
      push(m.index);
      start = m.index + m[0].length;
    }
    push(text.length);
    return out;
  }

  private readStringList(field: Field, what: string): string[] | undefined {
    const node = this.json(field);
    if (!node) return undefined;
    if (node.kind === 'null') return undefined;
    if (node.kind !== 'array') {
      return this.badValue(field, `${what} is a JSON list of strings`, this.atNode(field, node));
    }
    const out: string[] = [];
    for (const item of node.items) {
      if (item.kind === 'string' && item.value !== '') out.push(item.value);
      else this.badValue(field, `${what} holds non-empty strings`, this.atNode(field, item));
    }
    return out.length > 0 ? out : undefined;
  }

  // ---- stages and defaults ----

  private readStageFields(
    parsed: ParsedSection,
    kind: 'defaults' | 'stage',
    inheritedSplit: string | undefined,
  ): Stage {
    const stage: Stage = {};
    const entityPath =
      kind === 'defaults' ? ['defaults'] : ['stages', this.stageNames.get(parsed.name ?? '')];
    this.origins.set(entityPath.join('\0'), parsed.section.span);
    const fields = parsed.fields;
    const split = fields.get('cs_split_type');
    if (split) stage.split = isUnset(split.text) ? 'none' : split.text.trim();
    for (const field of fields.values()) {
      const text = field.text.trim();
      switch (field.key) {
        case 'cs_split_type':
          break;
        case 'dataset_or_split_data':
          stage.input = this.readInput(field, splitKind(stage.split ?? inheritedSplit));
          break;
        case 'test_split_type':
          if (!isUnset(text)) stage.test_split = text;
          break;
        case 'vo_role':
          if (!isUnset(text)) stage.vo_role = text;
          break;
        case 'software_version':
          if (!isUnset(text)) stage.software_version = text;
          break;
        case 'job_type':
          if (!isUnset(text)) stage.job_type = this.jobTypeName(text, valueSpan(field.entry));
          break;
        case 'login_setup':
          if (!isUnset(text)) stage.launch_setup = this.setupName(text, valueSpan(field.entry));
          break;
        case 'param_overrides':
          stage.overrides = this.readParams(field);
          break;
        case 'test_param_overrides':
          stage.test_overrides = this.readParams(field);
          break;
        case 'merge_overrides':
          stage.merge_overrides = this.readBoolean(field);
          break;
        case 'default_clear_cronjob':
          stage.clear_schedule_when_exhausted = this.readBoolean(field);
          break;
        case 'completion_type': {
          if (isUnset(text)) break;
          const type = COMPLETION_TYPES.find((t) => t === text.toLowerCase());
          if (type) stage.completion = { ...stage.completion, type };
          else this.badValue(field, `completion_type is located or complete, not "${text}"`);
          break;
        }
        case 'completion_pct': {
          if (isUnset(text)) break;
          const pct = /^\d+(\.\d+)?$/.test(text) ? Number(text) : NaN;
          if (pct >= 0 && pct <= 100) stage.completion = { ...stage.completion, pct };
          else this.badValue(field, `completion_pct is a percentage from 0 to 100, not "${text}"`);
          break;
        }
        case 'output_ancestor_depth': {
          if (isUnset(text)) break;
          const depth = /^\d+$/.test(text) ? Number(text) : NaN;
          if (depth >= 1) stage.output_ancestor_depth = depth;
          else
            this.badValue(field, `output_ancestor_depth is a whole number from 1, not "${text}"`);
          break;
        }
        case 'stage_type': {
          if (isUnset(text)) break;
          const type = STAGE_TYPES.find((t) => t === text.toLowerCase());
          if (type) stage.type = type;
          else
            this.badValue(field, `stage_type is one of ${STAGE_TYPES.join(', ')}, not "${text}"`);
          break;
        }
        case 'state': {
          const active = this.readState(field);
          if (active !== undefined) stage.active = active;
          break;
        }
        case 'wait': {
          const wait = FAN_IN_MODES.find((m) => m === text.toLowerCase());
          if (wait) stage.wait = wait;
          else this.badValue(field, `wait is each or all, not "${text}"`);
          break;
        }
        case 'description':
          if (kind === 'stage') stage.description = field.text;
          else this.unknownKey(parsed, field, entityPath);
          break;
        default:
          this.unknownKey(parsed, field, entityPath);
      }
    }
    if (stage.overrides?.length === 0 && kind === 'defaults') delete stage.overrides;
    if (stage.test_overrides?.length === 0 && kind === 'defaults') delete stage.test_overrides;
    if (stage.completion) stage.completion = ordered(stage.completion, ['type', 'pct']);
    return stage;
  }

  private readBoolean(field: Field): boolean | undefined {
    const value = parseBoolean(field.text);
    if (value === undefined) {
      this.badValue(field, `${field.entry.raw_key} is True or False, not "${field.text.trim()}"`);
    }
    return value;
  }

  /** dataset_or_split_data: a dataset, `none`, `from_parent`, or split data for list/multiparam. */
  private readInput(field: Field, split: string | undefined): StageInput | undefined {
    const text = field.text.trim();
    if (isUnset(text)) return 'none';
    if (text === 'from_parent') return 'from_parent';
    if (text.startsWith('[')) {
      const result = parseJson(text);
      const lead = field.text.length - field.text.trimStart().length;
      if (result.ok && result.node.kind === 'array') {
        const items = result.node.items;
        if (split !== 'multiparam' && items.every((i) => i.kind === 'string')) {
          return items.map((i) => (i.kind === 'string' ? i.value : ''));
        }
        if (split !== 'list' && items.every((i) => i.kind === 'array')) {
          const lists: string[][] = [];
          for (const list of items) {
            if (list.kind !== 'array') continue;
            const values: string[] = [];
            for (const v of list.items) {
              if (v.kind === 'string') values.push(v.value);
              else if (v.kind === 'number') values.push(v.text);
              else {
                const at = this.at(field, lead + v.start, v.end - v.start);
                this.badValue(field, 'multiparam values are strings or numbers', at);
              }
            }
            lists.push(values);
          }
          return lists;
        }
      }
      if (split === 'multiparam') {
        if (!result.ok) {
          this.report(
            'ini.bad-json',
            'error',
            `[${field.section}] ${field.entry.raw_key}: multiparam split data is not valid JSON: ${result.message}`,
            this.at(field, lead + result.offset, result.length),
          );
          return undefined;
        }
        return this.badValue(field, 'multiparam split data is a JSON list of lists of values');
      }
    }
    if (split === 'multiparam') {
      return this.badValue(
        field,
        'multiparam split data is a JSON list of lists of values, e.g. [["a", "b"], [1, 2]]',
      );
    }
    if (split === 'list') {
      return text
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');
    }
    return text;
  }

  /** A JSON list of [key, value] pairs; `null` and `[]` say "none". */
  private readParams(field: Field): ParamList | undefined {
    if (isUnset(field.text)) return undefined;
    const node = this.json(field);
    if (!node || node.kind === 'null') return undefined;
    return this.paramsFrom(field, node);
  }

  private paramsFrom(field: Field, node: JsonNode): ParamList | undefined {
    if (node.kind === 'null') return [];
    if (node.kind !== 'array') {
      return this.badValue(
        field,
        `${field.entry.raw_key} is a JSON list of [key, value] pairs`,
        this.atNode(field, node),
      );
    }
    const out: ParamList = [];
    for (const pair of node.items) {
      const [key, value] = pair.kind === 'array' ? pair.items : [];
      const text = (n: JsonNode | undefined) =>
        n?.kind === 'string' ? n.value : n?.kind === 'number' ? n.text : undefined;
      const k = text(key);
      const v = text(value);
      if (pair.kind !== 'array' || pair.items.length !== 2 || k === undefined || v === undefined) {
        this.badValue(
          field,
          `${field.entry.raw_key}: each item is a ["key", "value"] pair of strings`,
          this.atNode(field, pair),
        );
        continue;
      }
      out.push([k, v]);
    }
    return out;
  }

  /** Comma list of SQL LIKE patterns (`%%` → `%`), or a JSON list written by our exporter. */
  private readPatterns(field: Field): string[] | undefined {
    const text = field.text.trim();
    if (text.startsWith('[')) {
      const result = parseJson(text);
      if (result.ok && result.node.kind === 'array') {
        const items = result.node.items;
        if (items.every((i) => i.kind === 'string' && i.value !== '')) {
          const patterns = items.map((i) => (i.kind === 'string' ? i.value : ''));
          return patterns.length > 0 ? patterns : undefined;
        }
      }
    }
    const patterns = text
      .split(',')
      .map((p) => collapsePercent(p.trim()))
      .filter((p) => p !== '');
    return patterns.length > 0 ? patterns : undefined;
  }

  private readStages(
    list: { raw: string; span: IniSpan }[] | undefined,
    sections: ParsedSection[],
    defaults: StageDefaults,
  ): Map<string, Stage> {
    const byName = new Map<string, ParsedSection>();
    for (const parsed of sections) {
      const name = this.stageName(parsed.name ?? '', parsed.section.span);
      byName.set(name, parsed);
    }
    const order: string[] = [];
    const listed = new Set<string>();
    for (const item of list ?? []) {
      const name = this.stageName(item.raw, item.span);
      if (listed.has(name)) {
        this.report(
          'ini.duplicate-stage',
          'warning',
          `stage ${item.raw} is listed twice in campaign_stage_list`,
          item.span,
        );
        continue;
      }
      listed.add(name);
      order.push(name);
      if (!byName.has(name)) {
        this.report(
          'ini.missing-stage-section',
          'warning',
          `stage ${item.raw} is listed in campaign_stage_list but has no [campaign_stage ${item.raw}] section: it gets the campaign defaults only`,
          item.span,
        );
        this.comment(['stages', name], 'listed in POMS campaign_stage_list without a section');
      }
    }
    for (const [name, parsed] of byName) {
      if (listed.has(name)) continue;
      order.push(name);
      if (list) {
        this.report(
          'ini.unlisted-stage',
          'warning',
          `[${parsed.section.header}] (line ${parsed.section.span.line}) is not in campaign_stage_list: imported after the listed stages`,
          parsed.section.span,
        );
      }
    }
    const stages = new Map<string, Stage>();
    for (const name of order) {
      const parsed = byName.get(name);
      const own = parsed ? this.readStageFields(parsed, 'stage', defaults.split) : {};
      stages.set(name, withoutDefaults(own, defaults));
    }
    return stages;
  }

  private readDependencies(sections: ParsedSection[], stages: Map<string, Stage>): void {
    for (const parsed of sections) {
      const target = this.knownStage(parsed.name ?? '', stages);
      const stage = target === undefined ? undefined : stages.get(target);
      if (!stage || target === undefined) {
        this.report(
          'ini.unknown-stage',
          'warning',
          `[${parsed.section.header}] (line ${parsed.section.span.line}) is for a stage the file does not define: not imported`,
          parsed.section.span,
        );
        continue;
      }
      const parents = new Map<number, Field>();
      const patterns = new Map<number, Field>();
      for (const field of parsed.fields.values()) {
        const m = /^(campaign_stage|file_pattern)_(\d+)$/.exec(field.key);
        if (!m) {
          this.unknownKey(parsed, field, ['stages', target]);
          continue;
        }
        (m[1] === 'campaign_stage' ? parents : patterns).set(Number(m[2]), field);
      }
      for (const [n, field] of patterns) {
        if (!parents.has(n)) {
          this.report(
            'ini.unknown-key',
            'warning',
            `[${parsed.section.header}] ${field.entry.raw_key} (line ${field.entry.key_span.line}) has no campaign_stage_${n}: not imported`,
            field.entry.key_span,
          );
        }
      }
      const needs: Need[] = [...(stage.needs ?? [])];
      for (const n of [...parents.keys()].sort((a, b) => a - b)) {
        const field = parents.get(n);
        if (!field) continue;
        const raw = field.text.trim();
        if (raw === '') {
          this.badValue(field, `${field.entry.raw_key} names no stage`);
          continue;
        }
        if (this.knownStage(raw, stages) === undefined) {
          this.report(
            'ini.unknown-stage',
            'warning',
            `${field.entry.raw_key} = ${raw}: the file defines no stage ${raw}`,
            valueSpan(field.entry),
          );
        }
        const from = this.stageName(raw, valueSpan(field.entry));
        const patternField = patterns.get(n);
        const pats = patternField ? this.readPatterns(patternField) : undefined;
        needs.push(pats ? { stage: from, patterns: pats } : from);
      }
      if (needs.length > 0) stage.needs = needs;
      this.origins.set(['stages', target, 'needs'].join('\0'), parsed.section.span);
    }
  }

  private readPositions(parsed: ParsedSection, stages: Map<string, Stage>): Map<string, Position> {
    const layout = new Map<string, Position>();
    this.origins.set('layout', parsed.section.span);
    for (const field of parsed.fields.values()) {
      if (!/^nxy\d+$/.test(field.key)) {
        this.unknownKey(parsed, field);
        continue;
      }
      const node = this.json(field);
      if (!node) continue;
      const [name, x, y] = node.kind === 'array' ? node.items : [];
      if (
        node.kind !== 'array' ||
        node.items.length !== 3 ||
        name?.kind !== 'string' ||
        x?.kind !== 'number' ||
        y?.kind !== 'number'
      ) {
        this.badValue(field, `${field.entry.raw_key} is ["stage", x, y]`, this.atNode(field, node));
        continue;
      }
      const stage = this.knownStage(name.value, stages);
      if (stage === undefined) {
        this.report(
          'ini.unknown-stage',
          'warning',
          `${field.entry.raw_key}: no stage ${name.value} in this file; its position is not imported`,
          this.atNode(field, name),
        );
        continue;
      }
      if (layout.has(stage)) {
        this.report(
          'ini.duplicate-position',
          'warning',
          `${field.entry.raw_key}: a second position for ${name.value}; the last one is kept`,
          this.atNode(field, name),
        );
      }
      layout.set(stage, { x: x.value, y: y.value });
    }
    return layout;
  }

  /** Our name of a stage the file defines (section or list), if it does. */
  private knownStage(raw: string, stages: Map<string, Stage>): string | undefined {
    if (!this.stageNames.has(raw)) return undefined;
    const name = this.stageNames.get(raw);
    return stages.has(name) ? name : undefined;
  }

  // ---- job types and login setups ----

  private readJobTypes(sections: ParsedSection[]): Map<string, JobType> {
    const out = new Map<string, JobType>();
    for (const parsed of sections) {
      const name = this.jobTypeName(parsed.name ?? '', parsed.section.span);
      const path = ['job_types', name];
      this.origins.set(path.join('\0'), parsed.section.span);
      const jt: Partial<JobType> = {};
      for (const field of parsed.fields.values()) {
        switch (field.key) {
          case 'launch_script':
            jt.command = field.text;
            break;
          case 'parameters': {
            const params = this.readParams(field);
            if (params && params.length > 0) jt.parameters = params;
            break;
          }
          case 'output_file_patterns':
            jt.output_patterns = this.readPatterns(field);
            break;
          case 'recoveries':
            jt.recovery = this.readRecoveries(field);
            break;
          case 'description':
            jt.description = field.text;
            break;
          case 'resources':
            jt.resources = this.readResources(field);
            break;
          default:
            this.unknownKey(parsed, field, path);
        }
      }
      if (jt.command === undefined || jt.command.trim() === '') {
        this.report(
          'ini.missing-key',
          'error',
          `[${parsed.section.header}] has no launch_script: a job type needs a command`,
          parsed.section.span,
        );
        continue;
      }
      out.set(name, ordered(jt as JobType, JOB_TYPE_KEY_ORDER));
    }
    return out;
  }

  private readRecoveries(field: Field): RecoveryStep[] | undefined {
    if (isUnset(field.text)) return undefined;
    const node = this.json(field);
    if (!node || node.kind === 'null') return undefined;
    if (node.kind !== 'array') {
      return this.badValue(
        field,
        'recoveries is a JSON list of ["recovery_type", [[key, value], …]] items',
        this.atNode(field, node),
      );
    }
    const steps: RecoveryStep[] = [];
    for (const item of node.items) {
      const typeNode = item.kind === 'array' ? item.items[0] : item;
      const overridesNode = item.kind === 'array' ? item.items[1] : undefined;
      if (typeNode?.kind !== 'string' || (item.kind === 'array' && item.items.length > 2)) {
        this.badValue(
          field,
          'each recovery is ["recovery_type", [[key, value], …]]',
          this.atNode(field, item),
        );
        continue;
      }
      const type = RECOVERY_TYPES.find((t) => t === typeNode.value);
      if (!type) {
        this.badValue(
          field,
          `unknown recovery type ${typeNode.value}: one of ${RECOVERY_TYPES.join(', ')}`,
          this.atNode(field, typeNode),
        );
        continue;
      }
      const overrides = overridesNode ? this.paramsFrom(field, overridesNode) : undefined;
      steps.push(overrides && overrides.length > 0 ? { type, overrides } : { type });
    }
    return steps.length > 0 ? steps : undefined;
  }

  private readResources(field: Field): JobType['resources'] {
    const node = this.json(field);
    if (!node) return undefined;
    const checked = Resources.safeParse(jsonPlain(node));
    if (checked.success) return checked.data;
    return this.badValue(
      field,
      `resources: ${checked.error.issues.map((i) => `${i.path.join('.') || 'value'}: ${i.message}`).join('; ')}`,
    );
  }

  private readSetups(sections: ParsedSection[]): Map<string, LaunchSetup> {
    const out = new Map<string, LaunchSetup>();
    for (const parsed of sections) {
      const name = this.setupName(parsed.name ?? '', parsed.section.span);
      const path = ['launch_setups', name];
      this.origins.set(path.join('\0'), parsed.section.span);
      const setup: LaunchSetup = {};
      for (const field of parsed.fields.values()) {
        switch (field.key) {
          case 'host':
            setup.host = field.text;
            break;
          case 'account':
            setup.account = field.text;
            break;
          case 'setup':
            setup.setup = field.text;
            break;
          case 'description':
            setup.description = field.text;
            break;
          case 'engine': {
            const engine = ENGINES.find((e) => e === field.text.trim().toLowerCase());
            if (engine) setup.engine = engine;
            else this.badValue(field, `engine is one of ${ENGINES.join(', ')}`);
            break;
          }
          case 'partition':
            setup.partition = field.text;
            break;
          case 'qos':
            setup.qos = field.text;
            break;
          case 'environment':
            setup.environment = this.readEnvironment(field);
            break;
          case 'resources':
            setup.resources = this.readResources(field);
            break;
          default:
            this.unknownKey(parsed, field, path);
        }
      }
      out.set(name, ordered(setup, LAUNCH_SETUP_KEY_ORDER));
    }
    return out;
  }

  private readEnvironment(field: Field): Record<string, string> | undefined {
    const node = this.json(field);
    if (!node) return undefined;
    if (node.kind !== 'object') {
      return this.badValue(
        field,
        'environment is a JSON object of strings',
        this.atNode(field, node),
      );
    }
    const env: Record<string, string> = {};
    for (const entry of node.entries) {
      if (entry.value.kind !== 'string' || entry.key === '__proto__') {
        this.badValue(
          field,
          `environment ${entry.key}: values are strings`,
          this.atNode(field, entry.value),
        );
        continue;
      }
      env[entry.key] = entry.value.value;
    }
    return env;
  }
}

/** A node as a plain value (numbers as numbers), without prototype surprises. */
function jsonPlain(node: JsonNode): unknown {
  switch (node.kind) {
    case 'null':
      return null;
    case 'boolean':
    case 'number':
    case 'string':
      return node.value;
    case 'array':
      return node.items.map(jsonPlain);
    case 'object':
      return Object.fromEntries(
        node.entries.filter((e) => e.key !== '__proto__').map((e) => [e.key, jsonPlain(e.value)]),
      );
  }
}

const INHERITABLE_KEYS = STAGE_KEY_ORDER.filter(
  (k): k is Exclude<(typeof STAGE_KEY_ORDER)[number], 'description' | 'needs'> =>
    k !== 'description' && k !== 'needs',
);

/**
 * Drops what a stage says that its defaults already say, as POMS's exporter printed only what
 * differs. Only drops what leaves the effective stage unchanged: overrides that are merged with
 * the defaults' stay, and an explicit empty list that replaces the defaults' list stays.
 */
export function withoutDefaults(stage: Stage, defaults: StageDefaults): Stage {
  const out: Stage = { ...stage };
  const merge = stage.merge_overrides ?? defaults.merge_overrides ?? false;
  for (const key of INHERITABLE_KEYS) {
    const own = out[key];
    if (own === undefined) continue;
    if (key === 'overrides' || key === 'test_overrides') {
      const list = out[key] ?? [];
      const inherited = defaults[key];
      const redundant = merge
        ? list.length === 0
        : inherited === undefined
          ? list.length === 0
          : sameValue(list, inherited);
      if (redundant) delete out[key];
    } else if (key === 'completion') {
      const c: CompletionRule = { ...out.completion };
      if (c.type !== undefined && c.type === defaults.completion?.type) delete c.type;
      if (c.pct !== undefined && c.pct === defaults.completion?.pct) delete c.pct;
      if (c.type === undefined && c.pct === undefined) delete out.completion;
      else out.completion = ordered(c, ['type', 'pct']);
    } else if (key === 'split') {
      if (defaults.split === undefined ? own === 'none' : own === defaults.split) delete out.split;
    } else if (defaults[key] !== undefined && sameValue(own, defaults[key])) {
      delete out[key];
    }
  }
  return out;
}
