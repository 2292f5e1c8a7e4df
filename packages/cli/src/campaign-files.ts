// Reading campaign files from disk in either format: YAML (ours) or POMS .ini (imported on the fly).
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { importIni, parseCampaign, type Diagnostic } from '@poms/campaign-file';
import type { CampaignSpec, EffectiveCampaign } from '@poms/core';
import { UsageError } from './output.ts';
import { decodeUtf8, NotUtf8Error } from './utf8-text.ts';

export function readText(file: string): string {
  let bytes: Buffer;
  try {
    bytes = file === '-' ? readFileSync(0) : readFileSync(file);
  } catch (error) {
    const reason = error instanceof Error && 'code' in error ? String(error.code) : String(error);
    throw new UsageError(`cannot read ${file}: ${reason === 'ENOENT' ? 'no such file' : reason}`);
  }
  try {
    return decodeUtf8(bytes, file === '-' ? '(standard input)' : file);
  } catch (error) {
    if (error instanceof NotUtf8Error) throw new UsageError(error.message);
    throw error;
  }
}

export function isIni(file: string): boolean {
  return /\.(ini|cfg)$/i.test(file);
}

export interface LoadedCampaign {
  /** Diagnostics, each with the name of the file it points into. */
  diagnostics: { file: string; diagnostic: Diagnostic }[];
  /** The campaign, when it has no errors. */
  spec: CampaignSpec | undefined;
  effective: EffectiveCampaign | undefined;
}

/** Loads a campaign; an .ini file is imported first and the result checked as well. */
export function loadCampaign(file: string): LoadedCampaign {
  const text = readText(file);
  if (!isIni(file)) {
    const parsed = parseCampaign(text);
    return {
      spec: parsed.ok ? parsed.spec : undefined,
      effective: parsed.ok ? parsed.effective : undefined,
      diagnostics: parsed.diagnostics.map((diagnostic) => ({ file, diagnostic })),
    };
  }
  const imported = importIni(text, { name: fallbackName(file) });
  const importProblems = imported.diagnostics.map((d) => ({
    file,
    diagnostic: iniToDiagnostic(d),
  }));
  // An import with errors has no campaign to check further: its own diagnostics say why.
  if (!imported.spec) return { spec: undefined, effective: undefined, diagnostics: importProblems };
  const parsed = parseCampaign(imported.yaml);
  return {
    spec: parsed.ok ? parsed.spec : undefined,
    effective: parsed.ok ? parsed.effective : undefined,
    diagnostics: [
      ...importProblems,
      // Problems of the imported campaign, reported at the .ini line their value came from.
      ...parsed.diagnostics.map((d) => ({
        file,
        diagnostic: d.path ? { ...d, ...imported.origin(d.path) } : d,
      })),
    ],
  };
}

function iniToDiagnostic(d: ReturnType<typeof importIni>['diagnostics'][number]): Diagnostic {
  return {
    code: d.code,
    severity: d.severity,
    message: d.message,
    line: d.line,
    column: d.column,
    end_line: d.end_line,
    end_column: d.end_column,
    offset: 0,
    end_offset: 0,
  };
}

/** `mc_reco.ini` → `mc_reco`, for files whose [campaign] section names no campaign. */
export function fallbackName(file: string): string | undefined {
  if (file === '-') return undefined;
  return basename(file).replace(/\.(ini|cfg)$/i, '');
}
