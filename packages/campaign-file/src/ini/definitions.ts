// [job_type X] and [login_setup X]: how and where stages run.
import { DEFINITION_KEY_TARGETS } from './keys.ts';
import { valueSpan } from './reader.ts';
import {
  ENGINES,
  JOB_TYPE_KEY_ORDER,
  LAUNCH_SETUP_KEY_ORDER,
  RECOVERY_TYPES,
  type JobType,
  type LaunchSetup,
  type RecoveryStep,
} from '@poms/core';
import { ordered } from './util.ts';
import { isUnset, type Field, type ParsedSection, type ImportContext } from './context.ts';
import { readParams, paramsFrom, readPatterns, readResources } from './values.ts';

export function readJobTypes(ctx: ImportContext, sections: ParsedSection[]): Map<string, JobType> {
  const out = new Map<string, JobType>();
  for (const parsed of sections) {
    const name = ctx.jobTypeName(parsed.name ?? '', parsed.section.span);
    const path = ['job_types', name];
    ctx.origins.set(path.join('\0'), parsed.section.span);
    const jt: Partial<JobType> = {};
    for (const field of parsed.fields.values()) {
      const target = DEFINITION_KEY_TARGETS[field.key] ?? field.key;
      ctx.origins.set([...path, target].join('\0'), valueSpan(field.entry));
      switch (field.key) {
        case 'launch_script':
          jt.command = field.text;
          break;
        case 'parameters': {
          const params = readParams(ctx, field, [...path, 'parameters']);
          if (params && params.length > 0) jt.parameters = params;
          break;
        }
        case 'output_file_patterns':
          jt.output_patterns = readPatterns(ctx, field);
          break;
        case 'recoveries':
          jt.recovery = readRecoveries(ctx, field);
          break;
        case 'description':
          jt.description = field.text;
          break;
        case 'resources':
          jt.resources = readResources(ctx, field);
          break;
        case 'invoke': {
          const text = field.text.trim();
          if (text === 'per_file' || text === 'once') jt.invoke = text;
          else ctx.badValue(field, `invoke is per_file or once, not "${text}"`);
          break;
        }
        case 'files_per_job':
        case 'jobs':
        case 'max_running': {
          const text = field.text.trim();
          if (/^[1-9]\d{0,5}$/.test(text) && Number(text) <= 100_000) jt[field.key] = Number(text);
          else
            ctx.badValue(field, `${field.key} is a whole number from 1 to 100000, not "${text}"`);
          break;
        }
        default:
          ctx.unknownKey(parsed, field, path);
      }
    }
    if (jt.command === undefined || jt.command.trim() === '') {
      ctx.report(
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

export function readRecoveries(ctx: ImportContext, field: Field): RecoveryStep[] | undefined {
  if (isUnset(field.text)) return undefined;
  const node = ctx.json(field);
  if (!node || node.kind === 'null') return undefined;
  if (node.kind !== 'array') {
    return ctx.badValue(
      field,
      'recoveries is a JSON list of ["recovery_type", [[key, value], …]] items',
      ctx.atNode(field, node),
    );
  }
  const steps: RecoveryStep[] = [];
  for (const item of node.items) {
    const typeNode = item.kind === 'array' ? item.items[0] : item;
    const overridesNode = item.kind === 'array' ? item.items[1] : undefined;
    if (typeNode?.kind !== 'string' || (item.kind === 'array' && item.items.length > 2)) {
      ctx.badValue(
        field,
        'each recovery is ["recovery_type", [[key, value], …]]',
        ctx.atNode(field, item),
      );
      continue;
    }
    const type = RECOVERY_TYPES.find((t) => t === typeNode.value);
    if (!type) {
      ctx.badValue(
        field,
        `unknown recovery type ${typeNode.value}: one of ${RECOVERY_TYPES.join(', ')}`,
        ctx.atNode(field, typeNode),
      );
      continue;
    }
    const overrides = overridesNode ? paramsFrom(ctx, field, overridesNode) : undefined;
    steps.push(overrides && overrides.length > 0 ? { type, overrides } : { type });
  }
  return steps.length > 0 ? steps : undefined;
}

export function readSetups(
  ctx: ImportContext,
  sections: ParsedSection[],
): Map<string, LaunchSetup> {
  const out = new Map<string, LaunchSetup>();
  for (const parsed of sections) {
    const name = ctx.setupName(parsed.name ?? '', parsed.section.span);
    const path = ['launch_setups', name];
    ctx.origins.set(path.join('\0'), parsed.section.span);
    const setup: LaunchSetup = {};
    for (const field of parsed.fields.values()) {
      ctx.origins.set([...path, field.key].join('\0'), valueSpan(field.entry));
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
          else ctx.badValue(field, `engine is one of ${ENGINES.join(', ')}`);
          break;
        }
        case 'partition':
          setup.partition = field.text;
          break;
        case 'qos':
          setup.qos = field.text;
          break;
        case 'batch_account':
          setup.batch_account = field.text;
          break;
        case 'group':
          setup.group = field.text;
          break;
        case 'role':
          setup.role = field.text;
          break;
        case 'environment':
          setup.environment = readEnvironment(ctx, field);
          break;
        case 'resources':
          setup.resources = readResources(ctx, field);
          break;
        default:
          ctx.unknownKey(parsed, field, path);
      }
    }
    out.set(name, ordered(setup, LAUNCH_SETUP_KEY_ORDER));
  }
  return out;
}

export function readEnvironment(
  ctx: ImportContext,
  field: Field,
): Record<string, string> | undefined {
  const node = ctx.json(field);
  if (!node) return undefined;
  if (node.kind !== 'object') {
    return ctx.badValue(field, 'environment is a JSON object of strings', ctx.atNode(field, node));
  }
  const env: Record<string, string> = {};
  for (const entry of node.entries) {
    if (entry.value.kind !== 'string' || entry.key === '__proto__') {
      ctx.badValue(
        field,
        `environment ${entry.key}: values are strings`,
        ctx.atNode(field, entry.value),
      );
      continue;
    }
    env[entry.key] = entry.value.value;
  }
  return env;
}
