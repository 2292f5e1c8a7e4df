// What the importer says about a POMS file, located in that file (1-based lines and columns).
import type { IniSpan } from './reader.ts';

export interface IniDiagnostic {
  code: string;
  severity: 'error' | 'warning';
  message: string;
  line: number;
  column: number;
  end_line: number;
  end_column: number;
}

export function iniDiagnostic(
  code: string,
  severity: IniDiagnostic['severity'],
  message: string,
  span: IniSpan,
): IniDiagnostic {
  return { code, severity, message, ...span };
}

/** By position, errors before warnings on the same spot: the order a reader fixes them in. */
export function sortIniDiagnostics(diagnostics: IniDiagnostic[]): IniDiagnostic[] {
  return diagnostics.sort(
    (a, b) =>
      a.line - b.line ||
      a.column - b.column ||
      (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1) ||
      a.code.localeCompare(b.code),
  );
}

/** `FILE:LINE:COL: severity CODE: message`. */
export function formatIniDiagnostic(file: string, d: IniDiagnostic): string {
  return `${file}:${d.line}:${d.column}: ${d.severity} ${d.code}: ${d.message}`;
}
