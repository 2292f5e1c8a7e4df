// Readers of single values: booleans, states, [key, value] lists, pattern lists, JSON lists
// and resources, each reporting what it cannot read at the value's own line and column.
import type { z } from 'zod';
import { KeepUp, Publish, Resources, type JobType, type ParamList } from '@poms/core';
import { jsonValue, parseJson, type JsonNode } from './json.ts';
import {
  isUnset,
  parseBoolean,
  collapsePercent,
  type Field,
  type ImportContext,
} from './context.ts';

export function readState(ctx: ImportContext, field: Field): boolean | undefined {
  const t = field.text.trim().toLowerCase();
  if (t === 'active') return true;
  if (t === 'inactive') return false;
  if (isUnset(t)) return undefined;
  return ctx.badValue(field, `state is Active or Inactive, not "${field.text.trim()}"`);
}

export function readBoolean(ctx: ImportContext, field: Field): boolean | undefined {
  const value = parseBoolean(field.text);
  if (value === undefined) {
    ctx.badValue(field, `${field.entry.raw_key} is True or False, not "${field.text.trim()}"`);
  }
  return value;
}

/** A JSON list of [key, value] pairs; `null` and `[]` say "none". */
/** `path`: where the list goes in the model, to remember where each pair's strings came from. */
export function readParams(
  ctx: ImportContext,
  field: Field,
  path?: readonly string[],
): ParamList | undefined {
  if (isUnset(field.text)) return undefined;
  const node = ctx.json(field);
  if (!node || node.kind === 'null') return undefined;
  return paramsFrom(ctx, field, node, path);
}

export function paramsFrom(
  ctx: ImportContext,
  field: Field,
  node: JsonNode,
  path?: readonly string[],
): ParamList | undefined {
  if (node.kind === 'null') return [];
  if (node.kind !== 'array') {
    return ctx.badValue(
      field,
      `${field.entry.raw_key} is a JSON list of [key, value] pairs`,
      ctx.atNode(field, node),
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
      ctx.badValue(
        field,
        `${field.entry.raw_key}: each item is a ["key", "value"] pair of strings`,
        ctx.atNode(field, pair),
      );
      continue;
    }
    if (path && key && value) {
      ctx.origins.set([...path, String(out.length), '0'].join('\0'), ctx.atNode(field, key));
      ctx.origins.set([...path, String(out.length), '1'].join('\0'), ctx.atNode(field, value));
    }
    out.push([k, v]);
  }
  return out;
}

/** Comma list of SQL LIKE patterns (`%%` → `%`), or a JSON list written by our exporter. */
export function readPatterns(ctx: ImportContext, field: Field): string[] | undefined {
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

export function readStringList(
  ctx: ImportContext,
  field: Field,
  what: string,
): string[] | undefined {
  const node = ctx.json(field);
  if (!node) return undefined;
  if (node.kind === 'null') return undefined;
  if (node.kind !== 'array') {
    return ctx.badValue(field, `${what} is a JSON list of strings`, ctx.atNode(field, node));
  }
  const out: string[] = [];
  for (const item of node.items) {
    if (item.kind === 'string' && item.value !== '') out.push(item.value);
    else ctx.badValue(field, `${what} holds non-empty strings`, ctx.atNode(field, item));
  }
  return out.length > 0 ? out : undefined;
}

/** A POMS-TS extension key whose value is JSON checked by one of the model's schemas. */
function readChecked<T>(
  ctx: ImportContext,
  field: Field,
  key: string,
  schema: z.ZodType<T>,
): T | undefined {
  const node = ctx.json(field);
  if (!node) return undefined;
  const checked = schema.safeParse(jsonValue(node));
  if (checked.success) return checked.data;
  return ctx.badValue(
    field,
    `${key}: ${checked.error.issues.map((i) => `${i.path.join('.') || 'value'}: ${i.message}`).join('; ')}`,
  );
}

/** `publish = {"metadata": true, "rules": [...]}` (a stage's). */
export function readPublish(ctx: ImportContext, field: Field): Publish | undefined {
  return readChecked(ctx, field, 'publish', Publish);
}

/** `keep_up = {"files": 100, "after": "1h"}` (a stage's). */
export function readKeepUp(ctx: ImportContext, field: Field): KeepUp | undefined {
  return readChecked(ctx, field, 'keep_up', KeepUp);
}

export function readResources(ctx: ImportContext, field: Field): JobType['resources'] {
  return readChecked(ctx, field, 'resources', Resources);
}
