// Schema (zod) errors in the words of the campaign file: which field, what it accepts, and the
// likely fix (an unknown key's nearest known name, quotes around a version that YAML read as a number).
import type { z } from 'zod';
import {
  CampaignSpec,
  CompletionRule,
  JobType,
  LaunchSetup,
  RecoveryStep,
  Resources,
  Stage,
  StageDefaults,
  issue,
  suggest,
  type CampaignIssue,
  type DocPath,
} from '@poms/core';

export function schemaIssues(error: z.ZodError, raw: unknown): CampaignIssue[] {
  const out: CampaignIssue[] = [];
  for (const found of error.issues) explain(found, raw, out);
  // One message per place: `campaign: ''` breaks two rules of the same string, say it once.
  const seen = new Set<string>();
  return out.filter((i) => {
    const key = `${i.path.join('\u0000')}|${i.at_key ? 'k' : 'v'}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function explain(found: z.core.$ZodIssue, raw: unknown, out: CampaignIssue[]): void {
  const path = found.path.filter((p): p is string | number => typeof p !== 'symbol');
  const where = path.length === 0 ? 'the campaign' : `'${path.join('.')}'`;
  switch (found.code) {
    case 'unrecognized_keys': {
      const allowed = allowedKeys(path);
      for (const key of found.keys) {
        const hint = allowed ? suggest(key, allowed) : '';
        const list = allowed && !hint ? `; known fields: ${allowed.join(', ')}` : '';
        out.push(
          issue(
            'schema.unknown-field',
            `unknown field '${key}' in ${where}${hint}${list}`,
            [...path, key],
            {
              at_key: true,
            },
          ),
        );
      }
      return;
    }
    case 'invalid_type': {
      const value = valueAt(raw, path);
      if (value === undefined) {
        missing(path, out);
        return;
      }
      const got = describe(value);
      const quoteHint =
        found.expected === 'string' && (typeof value === 'number' || typeof value === 'boolean')
          ? ` — YAML read it as a ${typeof value}: write it in quotes to keep it as text`
          : '';
      out.push(
        issue(
          'schema.type',
          `${where} must be ${article(found.expected)}, not ${got}${quoteHint}`,
          path,
        ),
      );
      return;
    }
    case 'invalid_union':
      out.push(issue('schema.type', `${where}: ${unionHint(path)}`, path));
      return;
    case 'invalid_key':
      out.push(
        issue(
          'schema.bad-name',
          `'${String(path[path.length - 1])}' is not a valid name here: ${found.issues[0]?.message ?? found.message}`,
          path,
          { at_key: true },
        ),
      );
      return;
    case 'invalid_value':
      if (valueAt(raw, path) === undefined) {
        missing(path, out);
        return;
      }
      out.push(
        issue(
          'schema.bad-value',
          `${where} must be one of: ${found.values.map((v) => String(v)).join(', ')}`,
          path,
        ),
      );
      return;
    case 'invalid_format':
    case 'too_big':
    case 'too_small':
    case 'not_multiple_of':
    case 'invalid_element':
    case 'custom':
      out.push(issue('schema.bad-value', `${where}: ${found.message}`, path));
      return;
  }
}

function missing(path: DocPath, out: CampaignIssue[]): void {
  const parent = path.slice(0, -1);
  const key = path[path.length - 1];
  out.push(
    issue(
      'schema.missing-field',
      `${parent.length === 0 ? 'the campaign' : `'${parent.join('.')}'`} needs '${String(key)}'`,
      parent,
      { at_key: parent.length > 0 },
    ),
  );
}

function unionHint(path: DocPath): string {
  if (path[0] === 'keywords') return 'keyword values are text or numbers';
  if (path.includes('needs')) {
    return 'a need is a stage name, or a mapping with `stage:` and optional `patterns:`';
  }
  if (path[path.length - 1] === 'input' || path.includes('input')) {
    return 'input is a dataset name or query, `none`, `from_parent`, a list of datasets (list split) or a list of value lists (multiparam split)';
  }
  return 'this value has the wrong shape';
}

function article(expected: string): string {
  const words: Record<string, string> = {
    string: 'text',
    number: 'a number',
    int: 'a whole number',
    boolean: 'true or false',
    array: 'a list',
    object: 'a mapping',
    tuple: 'a list',
    record: 'a mapping',
  };
  return words[expected] ?? expected;
}

function describe(value: unknown): string {
  if (value === null) return 'empty (null)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string')
    return `the text '${value.length > 40 ? value.slice(0, 40) + '…' : value}'`;
  return `the ${typeof value} ${JSON.stringify(value)}`;
}

function valueAt(raw: unknown, path: DocPath): unknown {
  let node = raw;
  for (const step of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[step];
  }
  return node;
}

/** The fields the schema knows at a path, for "did you mean" hints. */
function allowedKeys(path: DocPath): string[] | undefined {
  const shapeKeys = (schema: { shape: object }) => Object.keys(schema.shape);
  const last = path[path.length - 1];
  const top = path[0];
  if (path.length === 0) return shapeKeys(CampaignSpec);
  if (last === 'resources') return shapeKeys(Resources);
  if (last === 'completion') return shapeKeys(CompletionRule);
  if (path.length === 1 && top === 'defaults') return shapeKeys(StageDefaults);
  if (path.length === 2 && top === 'stages') return shapeKeys(Stage);
  if (path.length === 2 && top === 'job_types') return shapeKeys(JobType);
  if (path.length === 2 && top === 'launch_setups') return shapeKeys(LaunchSetup);
  if (path.length === 4 && top === 'job_types' && path[2] === 'recovery') {
    return shapeKeys(RecoveryStep);
  }
  if (path.length === 4 && top === 'stages' && path[2] === 'needs') return ['stage', 'patterns'];
  if (path.length === 2 && top === 'layout') return ['x', 'y'];
  return undefined;
}
