// What changed between two campaigns, by meaning rather than by text: both sides are resolved with
// effectiveCampaign first, so moving a value into `defaults`, reordering keys or writing an
// edge's patterns that equal its upstream's outputs changes nothing. Node positions are reported
// apart (`layout`): moving a node is not a change to what the campaign does.
import {
  effectiveCampaign,
  JOB_TYPE_KEY_ORDER,
  STAGE_KEY_ORDER,
  LAUNCH_SETUP_KEY_ORDER,
  type CampaignSpec,
  type EffectiveCampaign,
  type EffectiveEdge,
  type EffectiveJobType,
  type EffectiveLaunchSetup,
  type EffectiveStage,
  type Position,
} from '@poms/core';
import { jsonEqual } from '../json-equal.ts';

export interface FieldChange {
  /** The field, dotted for nested values (`completion.pct`). */
  field: string;
  /** undefined when the field is not set on that side. */
  before: unknown;
  after: unknown;
}

export interface EntityChange {
  name: string;
  fields: FieldChange[];
}

export interface EntityChanges<T> {
  added: { name: string; value: T }[];
  removed: { name: string; value: T }[];
  changed: EntityChange[];
}

export interface DiffEdge {
  from: string;
  to: string;
  /** The patterns flowing along the edge (written on it, or its upstream job type's outputs). */
  patterns: string[];
}

export interface EdgeChange {
  from: string;
  to: string;
  fields: FieldChange[];
}

export interface EdgeChanges {
  added: DiffEdge[];
  removed: DiffEdge[];
  changed: EdgeChange[];
}

export interface KeywordChanges {
  added: { name: string; value: string }[];
  removed: { name: string; value: string }[];
  changed: { name: string; before: string; after: string }[];
}

export interface LayoutChanges {
  added: { stage: string; position: Position }[];
  removed: { stage: string; position: Position }[];
  moved: { stage: string; before: Position; after: Position }[];
}

export interface CampaignDiff {
  /** name, experiment, description, role, test, active. */
  campaign: FieldChange[];
  keywords: KeywordChanges;
  tags: { added: string[]; removed: string[] };
  stages: EntityChanges<EffectiveStage>;
  edges: EdgeChanges;
  job_types: EntityChanges<EffectiveJobType>;
  launch_setups: EntityChanges<EffectiveLaunchSetup>;
  /** Editor node positions: not a semantic change, reported apart. */
  layout: LayoutChanges;
}

/**
 * Stage fields in the file's key order; edges (`needs`) are diffed on their own, and the
 * completion rule field by field.
 */
export const STAGE_DIFF_FIELDS: readonly string[] = STAGE_KEY_ORDER.flatMap((key) =>
  key === 'needs' ? [] : key === 'completion' ? ['completion.type', 'completion.pct'] : [key],
);

// The effective job type and launch setup have exactly the file's fields: diff them in file order.
export const JOB_TYPE_DIFF_FIELDS =
  JOB_TYPE_KEY_ORDER satisfies readonly (keyof EffectiveJobType)[];

export const LAUNCH_SETUP_DIFF_FIELDS =
  LAUNCH_SETUP_KEY_ORDER satisfies readonly (keyof EffectiveLaunchSetup)[];

const CAMPAIGN_DIFF_FIELDS = [
  'name',
  'experiment',
  'description',
  'role',
  'test',
  'active',
] as const satisfies readonly (keyof EffectiveCampaign)[];

/** Code-unit order: the same on every machine and locale. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function fieldValue(value: object, field: string): unknown {
  let current: unknown = value;
  for (const part of field.split('.')) {
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, part)) {
      return undefined;
    }
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

function fieldChanges(before: object, after: object, fields: readonly string[]): FieldChange[] {
  const out: FieldChange[] = [];
  for (const field of fields) {
    const b = fieldValue(before, field);
    const a = fieldValue(after, field);
    if (!jsonEqual(b, a)) out.push({ field, before: b, after: a });
  }
  return out;
}

function entityChanges<T extends { name: string }>(
  before: readonly T[],
  after: readonly T[],
  fields: readonly string[],
): EntityChanges<T> {
  const b = new Map(before.map((e) => [e.name, e]));
  const a = new Map(after.map((e) => [e.name, e]));
  const byName = (x: { name: string }, y: { name: string }) => compareText(x.name, y.name);
  const changed: EntityChange[] = [];
  for (const [name, old] of b) {
    const now = a.get(name);
    if (!now) continue;
    const changes = fieldChanges(old, now, fields);
    if (changes.length > 0) changed.push({ name, fields: changes });
  }
  return {
    added: [...a]
      .filter(([name]) => !b.has(name))
      .map(([name, value]) => ({ name, value }))
      .sort(byName),
    removed: [...b]
      .filter(([name]) => !a.has(name))
      .map(([name, value]) => ({ name, value }))
      .sort(byName),
    changed: changed.sort(byName),
  };
}

/** Edges keyed by (from, to, n-th such edge), since a stage may name the same parent twice. */
function edgeMap(edges: readonly EffectiveEdge[]): Map<string, DiffEdge> {
  const out = new Map<string, DiffEdge>();
  const count = new Map<string, number>();
  for (const edge of edges) {
    const base = `${edge.from}\0${edge.to}`;
    const n = count.get(base) ?? 0;
    count.set(base, n + 1);
    out.set(`${base}\0${n}`, { from: edge.from, to: edge.to, patterns: [...edge.patterns] });
  }
  return out;
}

function compareEdges(x: { from: string; to: string }, y: { from: string; to: string }): number {
  return compareText(x.from, y.from) || compareText(x.to, y.to);
}

/** Patterns select files as a set: their order means nothing. */
function samePatterns(a: readonly string[], b: readonly string[]): boolean {
  return jsonEqual([...new Set(a)].sort(compareText), [...new Set(b)].sort(compareText));
}

function edgeChanges(
  before: readonly EffectiveEdge[],
  after: readonly EffectiveEdge[],
): EdgeChanges {
  const b = edgeMap(before);
  const a = edgeMap(after);
  const changed: EdgeChange[] = [];
  for (const [key, old] of b) {
    const now = a.get(key);
    if (now && !samePatterns(old.patterns, now.patterns)) {
      changed.push({
        from: old.from,
        to: old.to,
        fields: [{ field: 'patterns', before: old.patterns, after: now.patterns }],
      });
    }
  }
  return {
    added: [...a]
      .filter(([key]) => !b.has(key))
      .map(([, e]) => e)
      .sort(compareEdges),
    removed: [...b]
      .filter(([key]) => !a.has(key))
      .map(([, e]) => e)
      .sort(compareEdges),
    changed: changed.sort(compareEdges),
  };
}

function keywordChanges(
  before: Record<string, string>,
  after: Record<string, string>,
): KeywordChanges {
  const b = new Map(Object.entries(before));
  const a = new Map(Object.entries(after));
  const byName = (x: { name: string }, y: { name: string }) => compareText(x.name, y.name);
  return {
    added: [...a]
      .filter(([k]) => !b.has(k))
      .map(([name, value]) => ({ name, value }))
      .sort(byName),
    removed: [...b]
      .filter(([k]) => !a.has(k))
      .map(([name, value]) => ({ name, value }))
      .sort(byName),
    changed: [...b]
      .flatMap(([name, value]) => {
        const now = a.get(name);
        return now !== undefined && now !== value ? [{ name, before: value, after: now }] : [];
      })
      .sort(byName),
  };
}

function layoutChanges(
  before: Record<string, Position>,
  after: Record<string, Position>,
): LayoutChanges {
  const b = new Map(Object.entries(before));
  const a = new Map(Object.entries(after));
  const byStage = (x: { stage: string }, y: { stage: string }) => compareText(x.stage, y.stage);
  return {
    added: [...a]
      .filter(([k]) => !b.has(k))
      .map(([stage, position]) => ({ stage, position }))
      .sort(byStage),
    removed: [...b]
      .filter(([k]) => !a.has(k))
      .map(([stage, position]) => ({ stage, position }))
      .sort(byStage),
    moved: [...b]
      .flatMap(([stage, old]) => {
        const now = a.get(stage);
        return now && (now.x !== old.x || now.y !== old.y)
          ? [{ stage, before: old, after: now }]
          : [];
      })
      .sort(byStage),
  };
}

export function diffCampaigns(a: CampaignSpec, b: CampaignSpec): CampaignDiff {
  return diffEffective(effectiveCampaign(a), effectiveCampaign(b));
}

/** The same diff for campaigns already resolved. */
export function diffEffective(before: EffectiveCampaign, after: EffectiveCampaign): CampaignDiff {
  const beforeTags = new Set(before.tags);
  const afterTags = new Set(after.tags);
  return {
    campaign: fieldChanges(before, after, CAMPAIGN_DIFF_FIELDS),
    keywords: keywordChanges(before.keywords, after.keywords),
    tags: {
      added: [...afterTags].filter((t) => !beforeTags.has(t)).sort(compareText),
      removed: [...beforeTags].filter((t) => !afterTags.has(t)).sort(compareText),
    },
    stages: entityChanges(before.stages, after.stages, STAGE_DIFF_FIELDS),
    edges: edgeChanges(before.edges, after.edges),
    job_types: entityChanges(before.job_types, after.job_types, JOB_TYPE_DIFF_FIELDS),
    launch_setups: entityChanges(
      before.launch_setups,
      after.launch_setups,
      LAUNCH_SETUP_DIFF_FIELDS,
    ),
    layout: layoutChanges(before.layout, after.layout),
  };
}

export interface DiffOptions {
  /** Count node moves as changes (default false: they are not semantic). */
  layout?: boolean;
}

export function isEmptyDiff(diff: CampaignDiff, options: DiffOptions = {}): boolean {
  const none = (c: { added: unknown[]; removed: unknown[]; changed: unknown[] }) =>
    c.added.length === 0 && c.removed.length === 0 && c.changed.length === 0;
  const semantic =
    diff.campaign.length === 0 &&
    none(diff.keywords) &&
    diff.tags.added.length === 0 &&
    diff.tags.removed.length === 0 &&
    none(diff.stages) &&
    none(diff.edges) &&
    none(diff.job_types) &&
    none(diff.launch_setups);
  if (!semantic || !options.layout) return semantic;
  return (
    diff.layout.added.length === 0 &&
    diff.layout.removed.length === 0 &&
    diff.layout.moved.length === 0
  );
}
