// How the CLI speaks: diagnostics as FILE:LINE:COL lines on stderr, results on stdout, JSON
// when asked. Exit codes: 0 fine, 1 the input has errors (or differs, for diff/--check), 2 usage
// or I/O trouble.
import { formatDiagnostic, type Diagnostic } from '@poms/campaign-file';

export const EXIT_OK = 0;
export const EXIT_PROBLEMS = 1;
export const EXIT_USAGE = 2;

export interface Io {
  out(text: string): void;
  err(text: string): void;
}

export const processIo: Io = {
  out: (text) => process.stdout.write(text.endsWith('\n') ? text : text + '\n'),
  err: (text) => process.stderr.write(text.endsWith('\n') ? text : text + '\n'),
};

export function printDiagnostics(io: Io, file: string, diagnostics: readonly Diagnostic[]): void {
  for (const d of diagnostics) io.err(formatDiagnostic(file, d));
}

export function printJson(io: Io, value: unknown): void {
  io.out(JSON.stringify(value, null, 2));
}

/** A failure the user can fix (missing file, bad flag): printed as one line, exit 2. */
export class UsageError extends Error {}
