// A campaign diff as text, one change per line, in a fixed order (campaign, keywords, tags,
// stages, edges, job types, launch setups, then layout), each group sorted by name:
//   + stage reco
//   - edge gen → sim
//   ~ stage sim.split: nfiles(5) → nfiles(10)
import type { Position } from '@poms/core';
import type { CampaignDiff, DiffEdge, EntityChanges, FieldChange } from './diff.ts';

export interface FormatDiffOptions {
  /** Include node position changes (default true; they are listed last, marked `layout`). */
  layout?: boolean;
}

export const NO_CHANGES = 'no changes';

/** A value on one line: plain when it reads unambiguously, JSON otherwise. */
export function formatValue(value: unknown): string {
  if (value === undefined) return '(unset)';
  if (typeof value === 'string') {
    const plain =
      value !== '' &&
      value === value.trim() &&
      !/[\n\r\t"]/.test(value) &&
      value !== '(unset)' &&
      !value.includes(' → ');
    return plain ? value : JSON.stringify(value);
  }
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value) ?? typeof value;
}

function position(p: Position): string {
  return `(${p.x}, ${p.y})`;
}

function edge(e: { from: string; to: string }): string {
  return `${e.from} → ${e.to}`;
}

function patterns(e: DiffEdge): string {
  return `[${e.patterns.join(', ')}]`;
}

function change(subject: string, c: FieldChange): string {
  return `~ ${subject}.${c.field}: ${formatValue(c.before)} → ${formatValue(c.after)}`;
}

function entityLines(label: string, changes: EntityChanges<unknown>, out: string[]): void {
  for (const { name } of changes.added) out.push(`+ ${label} ${name}`);
  for (const { name } of changes.removed) out.push(`- ${label} ${name}`);
  for (const { name, fields } of changes.changed) {
    for (const c of fields) out.push(change(`${label} ${name}`, c));
  }
}

export function formatDiffLines(diff: CampaignDiff, options: FormatDiffOptions = {}): string[] {
  const out: string[] = [];
  for (const c of diff.campaign) out.push(change('campaign', c));
  for (const k of diff.keywords.added) out.push(`+ keyword ${k.name} = ${formatValue(k.value)}`);
  for (const k of diff.keywords.removed) {
    out.push(`- keyword ${k.name} (was ${formatValue(k.value)})`);
  }
  for (const k of diff.keywords.changed) {
    out.push(`~ keyword ${k.name}: ${formatValue(k.before)} → ${formatValue(k.after)}`);
  }
  for (const t of diff.tags.added) out.push(`+ tag ${t}`);
  for (const t of diff.tags.removed) out.push(`- tag ${t}`);
  entityLines('stage', diff.stages, out);
  for (const e of diff.edges.added) out.push(`+ edge ${edge(e)} ${patterns(e)}`);
  for (const e of diff.edges.removed) out.push(`- edge ${edge(e)}`);
  for (const e of diff.edges.changed) {
    for (const c of e.fields) {
      out.push(`~ edge ${edge(e)} ${c.field}: ${formatValue(c.before)} → ${formatValue(c.after)}`);
    }
  }
  entityLines('job type', diff.job_types, out);
  entityLines('launch setup', diff.launch_setups, out);
  if (options.layout ?? true) {
    for (const l of diff.layout.added) out.push(`+ layout ${l.stage} ${position(l.position)}`);
    for (const l of diff.layout.removed) out.push(`- layout ${l.stage} ${position(l.position)}`);
    for (const l of diff.layout.moved) {
      out.push(`~ layout ${l.stage}: ${position(l.before)} → ${position(l.after)}`);
    }
  }
  return out;
}

/** The report as text; `no changes` when there is nothing to list. */
export function formatDiff(diff: CampaignDiff, options: FormatDiffOptions = {}): string {
  const lines = formatDiffLines(diff, options);
  return lines.length === 0 ? NO_CHANGES : lines.join('\n');
}
