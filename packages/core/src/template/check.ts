// Save-time validation of launch templates (POMS-REFERENCE §3, §10): every `%` must be `%%` or
// `%(known_name)s`. POMS only found out at launch time, from a Python traceback; we point at the
// exact characters and say what to write instead.
import { scanTemplate, type BadPiece } from './scan.ts';
import { closestMatch } from './suggest.ts';

export type TemplateProblemCode =
  'template.bad-percent' | 'template.unknown-name' | 'template.unclosed';

export interface TemplateProblem {
  readonly code: TemplateProblemCode;
  readonly message: string;
  /** 0-based offset into the text (UTF-16 code units, like JavaScript string indices). */
  readonly offset: number;
  /** Length of the offending `%…` sequence. */
  readonly length: number;
  /** Text that would replace the sequence to fix it, when we can tell; editors offer it. */
  readonly replacement?: string;
}

// Listing every known name helps while the list is short; past that it is noise.
const MAX_NAMES_LISTED = 12;

function badPercentProblem(piece: BadPiece, text: string): TemplateProblem {
  const written = text.slice(piece.offset, piece.offset + piece.length);
  const at = { offset: piece.offset, length: piece.length };
  const name = piece.name ?? '';
  switch (piece.reason) {
    case 'lone-percent':
      return {
        code: 'template.bad-percent',
        message:
          'A lone `%` is not allowed: write `%%` for a percent sign, or `%(name)s` to insert a value.',
        ...at,
        replacement: '%%',
      };
    case 'missing-name':
      return {
        code: 'template.bad-percent',
        message: `\`${written}\` has no name: write \`%(name)s\` (e.g. \`%(dataset)s\`) to insert a value, or \`%%\` for a percent sign.`,
        ...at,
      };
    case 'empty-name':
      return {
        code: 'template.bad-percent',
        message:
          '`%()s` has an empty name: put a name between the parentheses, e.g. `%(dataset)s`.',
        ...at,
      };
    case 'missing-conversion':
      return {
        code: 'template.bad-percent',
        message: `\`${written}\` needs \`s\` after \`)\`: write \`%(${name})s\`.`,
        ...at,
        replacement: `%(${name})s`,
      };
    case 'wrong-conversion':
      return {
        code: 'template.bad-percent',
        message: `\`${written}\` is not supported: only \`s\` may follow \`)\`, write \`%(${name})s\`.`,
        ...at,
        replacement: `%(${name})s`,
      };
    case 'unclosed':
      return {
        code: 'template.unclosed',
        message:
          name === ''
            ? '`%(` is never closed: write `%(name)s`, or `%%(` for a percent sign followed by `(`.'
            : `\`${written}\` is never closed: write \`%(${name})s\`.`,
        ...at,
        ...(name === '' ? {} : { replacement: `%(${name})s` }),
      };
  }
}

function unknownNameProblem(
  name: string,
  offset: number,
  length: number,
  known: ReadonlySet<string>,
): TemplateProblem {
  const guess = closestMatch(name, known);
  const sorted = [...known].sort();
  let hint: string;
  if (guess !== undefined) hint = `did you mean \`${guess}\`?`;
  else if (sorted.length === 0) hint = 'no names are defined here.';
  else if (sorted.length <= MAX_NAMES_LISTED) hint = `known names: ${sorted.join(', ')}.`;
  else hint = 'define it as a campaign keyword or use a known name.';
  return {
    code: 'template.unknown-name',
    message: `Unknown name \`${name}\` in \`%(${name})s\`: ${hint}`,
    offset,
    length,
    ...(guess === undefined ? {} : { replacement: `%(${guess})s` }),
  };
}

/**
 * Every problem in `text`, in text order; an empty list means the template is safe to substitute
 * with values for the `known` names. Names are case-sensitive, as in Python.
 */
export function checkTemplate(
  text: string,
  known: ReadonlySet<string> | readonly string[],
): TemplateProblem[] {
  const knownSet: ReadonlySet<string> = new Set(known);
  const problems: TemplateProblem[] = [];
  for (const piece of scanTemplate(text)) {
    if (piece.kind === 'bad') problems.push(badPercentProblem(piece, text));
    else if (piece.kind === 'name' && !knownSet.has(piece.name)) {
      problems.push(unknownNameProblem(piece.name, piece.offset, piece.length, knownSet));
    }
  }
  return problems;
}
