// [campaign_defaults], [campaign_stage X], [dependencies X] and [node_positions]: the stages in
// campaign_stage_list order, their needs and their layout, without what the defaults already say.
import { STAGE_KEY_TARGETS } from './keys.ts';
import {
  parseSplitSpec,
  COMPLETION_TYPES,
  FAN_IN_MODES,
  STAGE_KEY_ORDER,
  STAGE_TYPES,
  type CompletionRule,
  type Need,
  type Position,
  type Stage,
  type StageDefaults,
  type StageInput,
} from '@poms/core';
import { parseJson } from './json.ts';
import { valueSpan, type IniSpan } from './reader.ts';
import { ordered } from './util.ts';
import { jsonEqual } from '../json-equal.ts';
import {
  isUnset,
  splitKind,
  type Field,
  type ParsedSection,
  type ImportContext,
} from './context.ts';
import {
  readState,
  readBoolean,
  readKeepUp,
  readParams,
  readPatterns,
  readPublish,
} from './values.ts';

export function readStageFields(
  ctx: ImportContext,
  parsed: ParsedSection,
  kind: 'defaults' | 'stage',
  inheritedSplit: string | undefined,
): Stage {
  const stage: Stage = {};
  const entityPath =
    kind === 'defaults' ? ['defaults'] : ['stages', ctx.stageNames.get(parsed.name ?? '')];
  ctx.origins.set(entityPath.join('\0'), parsed.section.span);
  const fields = parsed.fields;
  const split = fields.get('cs_split_type');
  if (split) stage.split = isUnset(split.text) ? 'none' : split.text.trim();
  if (split && stage.split) warnByrunHigh(ctx, split, stage.split);
  for (const field of fields.values()) {
    const text = field.text.trim();
    // Remember where each value came from, so errors found later in the model point at this line.
    ctx.origins.set(
      [...entityPath, STAGE_KEY_TARGETS[field.key] ?? field.key].join('\0'),
      valueSpan(field.entry),
    );
    switch (field.key) {
      case 'cs_split_type':
        break;
      case 'dataset_or_split_data':
        stage.input = readInput(ctx, field, splitKind(stage.split ?? inheritedSplit));
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
        if (!isUnset(text)) stage.job_type = ctx.jobTypeName(text, valueSpan(field.entry));
        break;
      case 'login_setup':
        if (!isUnset(text)) stage.launch_setup = ctx.setupName(text, valueSpan(field.entry));
        break;
      case 'param_overrides':
        stage.overrides = readParams(ctx, field, [...entityPath, 'overrides']);
        break;
      case 'test_param_overrides':
        stage.test_overrides = readParams(ctx, field, [...entityPath, 'test_overrides']);
        break;
      case 'merge_overrides':
        stage.merge_overrides = readBoolean(ctx, field);
        break;
      case 'default_clear_cronjob':
        stage.clear_schedule_when_exhausted = readBoolean(ctx, field);
        break;
      case 'completion_type': {
        if (isUnset(text)) break;
        const type = COMPLETION_TYPES.find((t) => t === text.toLowerCase());
        if (type) stage.completion = { ...stage.completion, type };
        else ctx.badValue(field, `completion_type is located or complete, not "${text}"`);
        break;
      }
      case 'completion_pct': {
        if (isUnset(text)) break;
        const pct = /^\d+(\.\d+)?$/.test(text) ? Number(text) : NaN;
        if (pct >= 0 && pct <= 100) stage.completion = { ...stage.completion, pct };
        else ctx.badValue(field, `completion_pct is a percentage from 0 to 100, not "${text}"`);
        break;
      }
      case 'output_ancestor_depth': {
        if (isUnset(text)) break;
        const depth = /^\d+$/.test(text) ? Number(text) : NaN;
        if (depth >= 1) stage.output_ancestor_depth = depth;
        else ctx.badValue(field, `output_ancestor_depth is a whole number from 1, not "${text}"`);
        break;
      }
      case 'stage_type': {
        if (isUnset(text)) break;
        const type = STAGE_TYPES.find((t) => t === text.toLowerCase());
        if (type) stage.type = type;
        else ctx.badValue(field, `stage_type is one of ${STAGE_TYPES.join(', ')}, not "${text}"`);
        break;
      }
      case 'state': {
        const active = readState(ctx, field);
        if (active !== undefined) stage.active = active;
        break;
      }
      case 'wait': {
        const wait = FAN_IN_MODES.find((m) => m === text.toLowerCase());
        if (wait) stage.wait = wait;
        else ctx.badValue(field, `wait is each or all, not "${text}"`);
        break;
      }
      case 'description':
        if (kind === 'stage') stage.description = field.text;
        else ctx.unknownKey(parsed, field, entityPath);
        break;
      case 'keep_up':
        if (kind === 'stage') stage.keep_up = readKeepUp(ctx, field);
        else ctx.unknownKey(parsed, field, entityPath);
        break;
      case 'output_location':
      case 'output_dataset':
        if (kind !== 'stage') ctx.unknownKey(parsed, field, entityPath);
        else if (!isUnset(text)) stage[field.key] = text;
        break;
      case 'publish':
        if (kind === 'stage') stage.publish = readPublish(ctx, field);
        else ctx.unknownKey(parsed, field, entityPath);
        break;
      default:
        ctx.unknownKey(parsed, field, entityPath);
    }
  }
  if (stage.overrides?.length === 0 && kind === 'defaults') delete stage.overrides;
  if (stage.test_overrides?.length === 0 && kind === 'defaults') delete stage.test_overrides;
  if (stage.completion) stage.completion = ordered(stage.completion, ['type', 'pct']);
  return stage;
}

/** dataset_or_split_data: a dataset, `none`, `from_parent`, or split data for list/multiparam. */
export function readInput(
  ctx: ImportContext,
  field: Field,
  split: string | undefined,
): StageInput | undefined {
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
              const at = ctx.at(field, lead + v.start, v.end - v.start);
              ctx.badValue(field, 'multiparam values are strings or numbers', at);
            }
          }
          lists.push(values);
        }
        return lists;
      }
    }
    if (split === 'multiparam') {
      if (!result.ok) {
        ctx.report(
          'ini.bad-json',
          'error',
          `[${field.section}] ${field.entry.raw_key}: multiparam split data is not valid JSON: ${result.message}`,
          ctx.at(field, lead + result.offset, result.length),
        );
        return undefined;
      }
      return ctx.badValue(field, 'multiparam split data is a JSON list of lists of values');
    }
  }
  if (split === 'multiparam') {
    return ctx.badValue(
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

export function readStages(
  ctx: ImportContext,
  list: { raw: string; span: IniSpan }[] | undefined,
  sections: ParsedSection[],
  defaults: StageDefaults,
): Map<string, Stage> {
  const byName = new Map<string, ParsedSection>();
  for (const parsed of sections) {
    const name = ctx.stageName(parsed.name ?? '', parsed.section.span);
    byName.set(name, parsed);
  }
  const order: string[] = [];
  const listed = new Set<string>();
  for (const item of list ?? []) {
    const name = ctx.stageName(item.raw, item.span);
    if (listed.has(name)) {
      ctx.report(
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
      ctx.report(
        'ini.missing-stage-section',
        'warning',
        `stage ${item.raw} is listed in campaign_stage_list but has no [campaign_stage ${item.raw}] section: it gets the campaign defaults only`,
        item.span,
      );
      ctx.comment(['stages', name], 'listed in POMS campaign_stage_list without a section');
    }
  }
  for (const [name, parsed] of byName) {
    if (listed.has(name)) continue;
    order.push(name);
    if (list) {
      ctx.report(
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
    const own = parsed ? readStageFields(ctx, parsed, 'stage', defaults.split) : {};
    stages.set(name, withoutDefaults(own, defaults));
  }
  return stages;
}

export function readDependencies(
  ctx: ImportContext,
  sections: ParsedSection[],
  stages: Map<string, Stage>,
): void {
  for (const parsed of sections) {
    const target = knownStage(ctx, parsed.name ?? '', stages);
    const stage = target === undefined ? undefined : stages.get(target);
    if (!stage || target === undefined) {
      ctx.report(
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
        ctx.unknownKey(parsed, field, ['stages', target]);
        continue;
      }
      (m[1] === 'campaign_stage' ? parents : patterns).set(Number(m[2]), field);
    }
    for (const [n, field] of patterns) {
      if (!parents.has(n)) {
        ctx.report(
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
        ctx.badValue(field, `${field.entry.raw_key} names no stage`);
        continue;
      }
      if (knownStage(ctx, raw, stages) === undefined) {
        ctx.report(
          'ini.unknown-stage',
          'warning',
          `${field.entry.raw_key} = ${raw}: the file defines no stage ${raw}`,
          valueSpan(field.entry),
        );
      }
      const from = ctx.stageName(raw, valueSpan(field.entry));
      ctx.origins.set(
        ['stages', target, 'needs', String(needs.length)].join('\0'),
        valueSpan(field.entry),
      );
      const patternField = patterns.get(n);
      const pats = patternField ? readPatterns(ctx, patternField) : undefined;
      needs.push(pats ? { stage: from, patterns: pats } : from);
    }
    if (needs.length > 0) stage.needs = needs;
    ctx.origins.set(['stages', target, 'needs'].join('\0'), parsed.section.span);
  }
}

export function readPositions(
  ctx: ImportContext,
  parsed: ParsedSection,
  stages: Map<string, Stage>,
): Map<string, Position> {
  const layout = new Map<string, Position>();
  ctx.origins.set('layout', parsed.section.span);
  for (const field of parsed.fields.values()) {
    if (!/^nxy\d+$/.test(field.key)) {
      ctx.unknownKey(parsed, field);
      continue;
    }
    const node = ctx.json(field);
    if (!node) continue;
    const [name, x, y] = node.kind === 'array' ? node.items : [];
    if (
      node.kind !== 'array' ||
      node.items.length !== 3 ||
      name?.kind !== 'string' ||
      x?.kind !== 'number' ||
      y?.kind !== 'number'
    ) {
      ctx.badValue(field, `${field.entry.raw_key} is ["stage", x, y]`, ctx.atNode(field, node));
      continue;
    }
    const stage = knownStage(ctx, name.value, stages);
    if (stage === undefined) {
      ctx.report(
        'ini.unknown-stage',
        'warning',
        `${field.entry.raw_key}: no stage ${name.value} in this file; its position is not imported`,
        ctx.atNode(field, name),
      );
      continue;
    }
    if (layout.has(stage)) {
      ctx.report(
        'ini.duplicate-position',
        'warning',
        `${field.entry.raw_key}: a second position for ${name.value}; the last one is kept`,
        ctx.atNode(field, name),
      );
    }
    layout.set(stage, { x: x.value, y: y.value });
  }
  return layout;
}

/** Our name of a stage the file defines (section or list), if it does. */
export function knownStage(
  ctx: ImportContext,
  raw: string,
  stages: Map<string, Stage>,
): string | undefined {
  if (!ctx.stageNames.has(raw)) return undefined;
  const name = ctx.stageNames.get(raw);
  return stages.has(name) ? name : undefined;
}

/** Keys a stage states for itself only: defaults cannot give them. */
type StageOnlyKey =
  'description' | 'needs' | 'keep_up' | 'output_location' | 'output_dataset' | 'publish';
const STAGE_ONLY_KEYS: ReadonlySet<string> = new Set<StageOnlyKey>([
  'description',
  'needs',
  'keep_up',
  'output_location',
  'output_dataset',
  'publish',
]);

const INHERITABLE_KEYS = STAGE_KEY_ORDER.filter(
  (k): k is Exclude<(typeof STAGE_KEY_ORDER)[number], StageOnlyKey> => !STAGE_ONLY_KEYS.has(k),
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
          : jsonEqual(list, inherited);
      if (redundant) delete out[key];
    } else if (key === 'completion') {
      const c: CompletionRule = { ...out.completion };
      if (c.type !== undefined && c.type === defaults.completion?.type) delete c.type;
      if (c.pct !== undefined && c.pct === defaults.completion?.pct) delete c.pct;
      if (c.type === undefined && c.pct === undefined) delete out.completion;
      else out.completion = ordered(c, ['type', 'pct']);
    } else if (key === 'split') {
      if (defaults.split === undefined ? own === 'none' : own === defaults.split) delete out.split;
    } else if (defaults[key] !== undefined && jsonEqual(own, defaults[key])) {
      delete out[key];
    }
  }
  return out;
}

/**
 * POMS documented byrun's `high` as inclusive but stopped before it; POMS-TS includes it (as
 * documented). Say so on import, since the same text now processes one run more.
 */
function warnByrunHigh(ctx: ImportContext, field: Field, split: string): void {
  const parsed = parseSplitSpec(split);
  if (!parsed.ok || parsed.spec.type !== 'byrun' || parsed.spec.high === undefined) return;
  ctx.report(
    'ini.byrun-high',
    'warning',
    `byrun high=${parsed.spec.high} now includes run ${parsed.spec.high} (POMS stopped before it); write high=${parsed.spec.high - 1} to keep POMS's runs`,
    valueSpan(field.entry),
  );
}
