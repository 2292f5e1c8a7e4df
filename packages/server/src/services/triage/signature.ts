// A failure's signature: what makes two failed jobs "the same failure" for triage. The end of the
// job's log is normalised so that what varies between occurrences (numbers, paths, file names,
// ids, times, names of things) does not split a group, while the words of the message do; the
// signature is the exit code (or signal) with a hash of that normalised tail.
import { createHash } from 'node:crypto';

/** Lines of the log's end that make the signature. */
export const TAIL_LINES = 20;

export interface FailureLog {
  exit_code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

export interface FailureSignature {
  /** `exit65-<hash>`, `SIGKILL-<hash>` or `exit-<hash>` (no code): safe in a URL path. */
  id: string;
  /** The exit part alone (`exit65`, `SIGKILL`, `exit`): what the exit-code view groups by. */
  code: string;
  /** The most telling line: the last that reads like an error, else the last line. */
  title: string;
  /** The normalised lines the hash was made of. */
  tail: string[];
}

/** The job runtime's own bookkeeping (services/runtime/poms-job.mjs), not the command's words. */
const RUNTIME_PREFIX = /^poms-job:/;
const ERROR_LIKE = /error|exception|fatal|failed|abort|segmentation|killed|traceback/i;

// Order matters: times before numbers, paths and file names before the ids inside them.
const RULES: readonly [RegExp, string][] = [
  [/\b\d{4}-\d{2}-\d{2}(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?/g, 'T'],
  [/\b\d{1,2}:\d{2}:\d{2}(?:[.,]\d+)?\b/g, 'T'],
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, 'X'],
  [/(?<![\w.:/-])(?:~|\.{1,2})?(?:\/[^\s'"`:,;()[\]{}<>]+)+\/?/g, 'PATH'],
  [/\b[\w+-]*\d[\w.+-]*\.[A-Za-z][A-Za-z0-9]{0,7}\b/g, 'FILE'],
  [/\bsub_[A-Za-z0-9]+\b/g, 'SUB'],
  [/\b(?:cmp|stg|job|fil)_[A-Za-z0-9]+\b/g, 'ID'],
  [/\b0x[0-9a-f]+\b/gi, 'X'],
  [/\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{8,}\b/gi, 'X'],
  // Names of things joined by underscores in mixed case (detector volumes, datasets:
  // ECAL_barrel, MuonChamber_MB2); snake_case and UPPER_CASE words (bad_alloc, EXIT_FAILURE) stay.
  [/\b(?=\w*[a-z])(?=\w*[A-Z])[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+\b/g, 'ID'],
  // A number inside a word (G4Exception) stays; at a word's edge (node17, 42, 1.5e-3) it goes.
  [/(?<![A-Za-z])\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|\d+(?![A-Za-z])/g, 'N'],
  [/\s+/g, ' '],
];

/** One line with what varies between occurrences of the same failure replaced by placeholders. */
export function normaliseLine(line: string): string {
  let out = line;
  for (const [pattern, placeholder] of RULES) out = out.replace(pattern, placeholder);
  return out.trim();
}

/** The last non-empty lines of stderr, else of stdout, runtime lines left out unless alone. */
export function tailLines(log: Pick<FailureLog, 'stdout' | 'stderr'>, count = TAIL_LINES) {
  const lines = (text: string) => text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const stream = lines(log.stderr).length > 0 ? lines(log.stderr) : lines(log.stdout);
  const own = stream.filter((l) => !RUNTIME_PREFIX.test(l));
  return (own.length > 0 ? own : stream).slice(-count);
}

export function failureSignature(log: FailureLog): FailureSignature {
  // A repeated line (the same error for each of a job's files) is the same failure once.
  const tail = [...new Set(tailLines(log).map(normaliseLine))].filter((l) => l !== '');
  const title = tail.findLast((l) => ERROR_LIKE.test(l)) ?? tail.at(-1) ?? '(empty log)';
  const code =
    log.signal !== null && log.signal !== ''
      ? log.signal.replace(/[^A-Za-z0-9]/g, '')
      : `exit${log.exit_code ?? ''}`;
  const hash = createHash('sha256')
    .update(`${code}\n${tail.join('\n')}`)
    .digest('hex');
  return { id: `${code}-${hash.slice(0, 12)}`, code, title, tail };
}

/** A short hash of a text, for launch keys. */
export function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}
