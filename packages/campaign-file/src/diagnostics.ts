// A diagnostic as every tool shows it: a stable code, a severity, a message, and where (1-based
// line and column, plus 0-based offsets for editors that work in offsets).

export interface Diagnostic {
  code: string;
  severity: 'error' | 'warning';
  message: string;
  line: number;
  column: number;
  end_line: number;
  end_column: number;
  offset: number;
  end_offset: number;
  /** The document path the problem is about, when it is about a value (`['stages', 'sim', 'split']`). */
  path?: readonly (string | number)[];
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** `FILE:LINE:COL: error CODE: message`, the form compilers use and editors link. */
export function formatDiagnostic(file: string, d: Diagnostic): string {
  return `${file}:${d.line}:${d.column}: ${d.severity} ${d.code}: ${d.message}`;
}

/** By position (the order a reader fixes them in); at one position, errors before warnings. */
export function sortDiagnostics(diagnostics: Diagnostic[]): Diagnostic[] {
  return diagnostics.sort(
    (a, b) =>
      a.offset - b.offset ||
      (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1) ||
      a.code.localeCompare(b.code),
  );
}
