// POMS campaign .ini → campaign model and YAML text. Every section and key is either mapped or
// reported (a warning naming section, key and line; never a silent drop), malformed values are
// errors at their line and column, and the result is checked against the schema before it is
// returned. Launch text (`%(name)s`) is kept exactly: the campaign parser validates templates.
import { CAMPAIGN_KEY_ORDER, CampaignSpec, STAGE_KEY_ORDER, type Stage } from '@poms/core';
import { iniDiagnostic, sortIniDiagnostics, type IniDiagnostic } from './diagnostics.ts';
import type { SectionKind } from './keys.ts';
import { campaignNameFrom } from './names.ts';
import { readIni, type IniSpan } from './reader.ts';
import { campaignYaml } from './to-yaml.ts';
import { ordered } from './util.ts';
import { ImportContext, type ImportIniOptions } from './context.ts';
import { readCampaign } from './campaign-section.ts';
import { readDependencies, readPositions, readStageFields, readStages } from './stages.ts';
import { readJobTypes, readSetups } from './definitions.ts';

export type { ImportIniOptions } from './context.ts';

export interface IniImportResult {
  /** The campaign, when the file has no errors (warnings allowed). */
  spec: CampaignSpec | undefined;
  /**
   * Where in the .ini a value of the model came from (the nearest written ancestor of the path),
   * so problems found in the imported campaign can be reported at the .ini line that caused them.
   */
  origin(path: readonly (string | number)[]): IniSpan;
  /** The campaign as canonical YAML text; empty when `spec` is undefined. */
  yaml: string;
  diagnostics: IniDiagnostic[];
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
      origin: () => span,
    };
  }
  return buildCampaign(new ImportContext(text, options));
}

function buildCampaign(ctx: ImportContext): IniImportResult {
  const origin = (path: readonly (string | number)[]) => ctx.originOf(path.map(String));
  const doc = readIni(ctx.text);
  for (const p of doc.problems) ctx.report(p.code, p.severity, p.message, p.span);
  const parsed = ctx.withoutRepeats(doc.sections.flatMap((s) => ctx.classify(s) ?? []));
  const of = (kind: SectionKind) => parsed.filter((p) => p.kind === kind);
  const campaignSection = of('campaign')[0];
  const defaultsSection = of('campaign_defaults')[0];
  const positionsSection = of('node_positions')[0];
  const stageSections = of('campaign_stage');

  const header = campaignSection ? readCampaign(ctx, campaignSection) : undefined;
  if (!campaignSection) {
    ctx.report(
      'ini.missing-campaign',
      ctx.options.name ? 'warning' : 'error',
      ctx.options.name
        ? `no [campaign] section: the campaign is named ${ctx.options.name}`
        : 'no [campaign] section: a POMS campaign file starts with [campaign] and its name',
      { line: 1, column: 1, end_line: 1, end_column: 2 },
    );
  }

  ctx.stageNames.reserve([
    ...(header?.stageList ?? []).map((s) => s.raw),
    ...stageSections.map((s) => s.name ?? ''),
  ]);
  ctx.jobTypeNames.reserve(of('job_type').map((s) => s.name ?? ''));
  ctx.setupNames.reserve(of('login_setup').map((s) => s.name ?? ''));

  const defaults = defaultsSection
    ? readStageFields(ctx, defaultsSection, 'defaults', undefined)
    : {};
  const stages = readStages(ctx, header?.stageList, stageSections, defaults);
  readDependencies(ctx, of('dependencies'), stages);
  const layout = positionsSection ? readPositions(ctx, positionsSection, stages) : undefined;
  const jobTypes = readJobTypes(ctx, of('job_type'));
  const setups = readSetups(ctx, of('login_setup'));

  const name =
    header?.name ??
    (ctx.options.name !== undefined ? campaignNameFrom(ctx.options.name) : undefined);
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
      ctx.report(
        'ini.schema',
        'error',
        `${path.join('.') || 'campaign'}: ${issue.message}`,
        ctx.originOf(path),
      );
    }
  }
  const diagnostics = sortIniDiagnostics(ctx.diagnostics);
  if (!spec || diagnostics.some((d) => d.severity === 'error')) {
    return { spec: undefined, yaml: '', diagnostics, origin };
  }
  const source = ctx.pomsName ?? ctx.options.name ?? spec.campaign;
  const yaml = campaignYaml(spec, {
    header: `Imported from POMS campaign file ${source}`,
    comments: ctx.comments,
  });
  return { spec, yaml, diagnostics, origin };
}
