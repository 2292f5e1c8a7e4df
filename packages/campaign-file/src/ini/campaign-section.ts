// [campaign]: name, experiment, role, state, type, keywords, the stage list and extensions.
import type { CampaignSpec } from '@poms/core';
import { KeywordName } from '@poms/core';
import { campaignNameFrom, isValidName, nameRule } from './names.ts';
import { valueSpan, type IniSpan } from './reader.ts';
import { isUnset, type Field, type ParsedSection, type ImportContext } from './context.ts';
import { readState, readStringList } from './values.ts';

export interface CampaignHeader {
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

export function readCampaign(ctx: ImportContext, parsed: ParsedSection): CampaignHeader {
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
  ctx.origins.set('campaign', parsed.section.span);
  for (const field of parsed.fields.values()) {
    const text = field.text.trim();
    switch (field.key) {
      case 'name': {
        if (text === '') {
          ctx.badValue(field, 'the campaign name is empty');
          break;
        }
        ctx.pomsName = text;
        out.name = campaignNameFrom(text);
        if (out.name !== text) {
          ctx.report(
            'ini.renamed',
            'warning',
            `campaign name "${text}" became "${out.name}": ${isValidName(text) ? 'no .ini in names' : nameRule(text)}`,
            valueSpan(field.entry),
          );
        }
        ctx.origins.set('campaign', valueSpan(field.entry));
        break;
      }
      case 'experiment': {
        const lower = text.toLowerCase();
        if (!/^[a-z][a-z0-9_-]{1,31}$/.test(lower)) {
          ctx.badValue(
            field,
            `experiment "${text}" is not an experiment id (lowercase letters, digits, _ and -, 2 to 32 long)`,
          );
          break;
        }
        if (lower !== text) {
          ctx.report(
            'ini.renamed',
            'warning',
            `experiment "${text}" became "${lower}": experiment ids are lowercase`,
            valueSpan(field.entry),
          );
        }
        out.experiment = lower;
        ctx.origins.set('experiment', valueSpan(field.entry));
        break;
      }
      case 'poms_role': {
        const role = text.toLowerCase();
        if (role === 'analysis' || role === 'production') out.role = role;
        else if (role === 'superuser' || role === 'production-shifter') {
          out.role = 'production';
          ctx.report(
            'ini.mapped-value',
            'warning',
            `poms_role ${text} is a person's role, not a campaign's: the campaign is owned by production`,
            valueSpan(field.entry),
          );
        } else if (!isUnset(text)) {
          ctx.badValue(field, `poms_role must be analysis or production, not "${text}"`);
        }
        break;
      }
      case 'state': {
        const active = readState(ctx, field);
        if (active !== undefined) out.active = active;
        break;
      }
      case 'campaign_type': {
        const t = text.toLowerCase();
        if (t === 'test') out.test = true;
        else if (t === 'regular') out.test = false;
        else if (!isUnset(text)) {
          ctx.badValue(field, `campaign_type is test or regular, not "${text}"`);
        }
        break;
      }
      case 'campaign_keywords':
        out.keywords = readKeywords(ctx, field);
        break;
      case 'campaign_stage_list':
        out.stageList = readStageList(ctx, field);
        break;
      case 'description':
        out.description = field.text;
        break;
      case 'tags':
        out.tags = readStringList(ctx, field, 'tags');
        break;
      default:
        ctx.unknownKey(parsed, field, ['campaign']);
    }
  }
  if (out.name === undefined && ctx.options.name === undefined) {
    ctx.report('ini.missing-name', 'error', '[campaign] has no name=', parsed.section.span);
  }
  return out;
}

export function readKeywords(ctx: ImportContext, field: Field): Record<string, string> | undefined {
  if (isUnset(field.text)) return undefined;
  const node = ctx.json(field);
  if (!node) return undefined;
  if (node.kind === 'null') return undefined;
  if (node.kind !== 'object') {
    return ctx.badValue(
      field,
      'campaign_keywords is a JSON object: {"name": "value", …}',
      ctx.atNode(field, node),
    );
  }
  const out: Record<string, string> = {};
  for (const entry of node.entries) {
    const keySpan = ctx.at(field, entry.keyStart, entry.keyEnd - entry.keyStart);
    if (!KeywordName.safeParse(entry.key).success || entry.key === '__proto__') {
      ctx.badValue(
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
      ctx.badValue(
        field,
        `keyword "${entry.key}" must have a text or number value`,
        ctx.atNode(field, v),
      );
    }
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

export function readStageList(ctx: ImportContext, field: Field): { raw: string; span: IniSpan }[] {
  const text = field.text;
  // POMS's exporter joins with commas; its old editor with spaces.
  const separator = text.includes(',') ? /,/g : /\s+/g;
  const out: { raw: string; span: IniSpan }[] = [];
  let start = 0;
  const push = (end: number) => {
    const piece = text.slice(start, end);
    const lead = piece.length - piece.trimStart().length;
    const raw = piece.trim();
    if (raw !== '') out.push({ raw, span: ctx.at(field, start + lead, raw.length) });
  };
  for (const m of text.matchAll(separator)) {
    push(m.index);
    start = m.index + m[0].length;
  }
  push(text.length);
  return out;
}
