// POMS campaign .ini files: import (with located diagnostics and canonical YAML) and export.
export { MAX_INI_CHARS, importIni } from './import.ts';
export { withoutDefaults } from './stages.ts';
export type { IniImportResult, ImportIniOptions } from './import.ts';
export { exportIni } from './export.ts';
export { readIni, valuePosition, valueSpan } from './reader.ts';
export type {
  IniDocument,
  IniEntry,
  IniSection,
  IniSpan,
  IniSyntaxProblem,
  IniValuePiece,
} from './reader.ts';
export { formatIniDiagnostic, sortIniDiagnostics } from './diagnostics.ts';
export type { IniDiagnostic } from './diagnostics.ts';
export { campaignYaml } from './to-yaml.ts';
export type { CampaignYamlOptions, YamlComment } from './to-yaml.ts';
export { EXTENSION_KEYS } from './keys.ts';
