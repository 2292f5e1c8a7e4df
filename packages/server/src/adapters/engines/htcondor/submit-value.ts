// The one way any text reaches an HTCondor submit description (and jobsub_submit's `-l` lines):
// a value is either written as a ClassAd string literal or as a bare submit value (a path, an
// accounting group), and in both forms nothing in it can end the line, start a comment, or be
// expanded by condor_submit's macro language.

export class SubmitValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SubmitValueError';
  }
}

/**
 * `string`: a ClassAd string literal, quoted, for `+Attr = …` and other string-valued commands.
 * `bare`: written as is (paths, accounting groups); refused when it holds anything the submit
 * language would read specially, since bare values have no escapes.
 */
export type SubmitValueForm = 'string' | 'bare';

// A line break would end the submit command and let the rest be read as new commands.
const LINE_BREAK = /[\n\r\u2028\u2029\u0085]/;
// Bare values: no quotes, macro syntax, comment starts, or leading/trailing space to lose.
const BARE = /^[^\s"'$#\\=]+$/;

/**
 * Writes `value` for a submit description in the given form.
 * In strings, `\` and `"` are backslash-escaped (ClassAd string syntax) and `$` becomes
 * `$(DOLLAR)`, HTCondor's predefined macro for a literal dollar, so `$(…)` in a label is never
 * expanded by condor_submit.
 */
export function submitValue(value: string, form: SubmitValueForm): string {
  // NUL too: C tools would read the value as ending there.
  if (LINE_BREAK.test(value) || value.includes('\0')) {
    throw new SubmitValueError(`a submit value cannot hold a line break: ${JSON.stringify(value)}`);
  }
  if (form === 'bare') {
    if (!BARE.test(value)) {
      throw new SubmitValueError(
        `'${value}' cannot be written unquoted in a submit description (spaces, quotes, $, #, = or \\)`,
      );
    }
    return value;
  }
  const escaped = value.replace(/[\\"]/g, (c) => `\\${c}`).replace(/\$/g, '$(DOLLAR)');
  return `"${escaped}"`;
}
