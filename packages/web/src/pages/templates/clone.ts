// What a clone of a template will be, computed in the browser exactly as the server makes it
// (services/operations/templates.ts): keyword values set in the `keywords:` block (every other byte
// kept), then each from→to replaced through the text, then the campaign renamed and any
// `experiment:` line dropped (the campaign takes the experiment it is created in).
import { parseCampaign, setField, type Diagnostic } from '@poms/campaign-file';

export interface Replacement {
  from: string;
  to: string;
}

/** Campaign names: the same rule as the server's (CAMPAIGN_NAME_PATTERN). */
export const CAMPAIGN_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** The keywords a template declares, in the order written, with their values as text. */
export function declaredKeywords(text: string): [string, string][] {
  const keywords = parseCampaign(text).spec?.keywords;
  return keywords ? Object.entries(keywords).map(([k, v]) => [k, String(v)]) : [];
}

/** How many times `from` occurs in `text` (without overlaps, as the replacement counts them). */
export function occurrences(text: string, from: string): number {
  return from === '' ? 0 : text.split(from).length - 1;
}

export interface ClonePreview {
  text: string;
  diagnostics: Diagnostic[];
  ok: boolean;
  /** A keyword edit that could not be made (the template's YAML is broken there). */
  problem: string | undefined;
}

/** Only the keywords whose value differs from the template's. */
export function changedKeywords(
  declared: readonly [string, string][],
  values: Readonly<Record<string, string>>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of declared) {
    const wanted = values[name];
    if (wanted !== undefined && wanted !== value) out[name] = wanted;
  }
  return out;
}

export function clonePreview(
  template: string,
  name: string,
  keywords: Readonly<Record<string, string>>,
  replace: readonly Replacement[],
): ClonePreview {
  let text = template;
  let problem: string | undefined;
  for (const [key, value] of Object.entries(keywords)) {
    const edit = setField(text, ['keywords', key], value);
    if (edit.ok) text = edit.text;
    else problem = edit.message;
  }
  for (const { from, to } of replace) if (from !== '') text = text.split(from).join(to);
  text = text.replace(/^campaign:.*$/m, `campaign: ${name}`).replace(/^experiment:.*\n/m, '');
  const parsed = parseCampaign(text);
  return { text, diagnostics: parsed.diagnostics, ok: parsed.ok, problem };
}
