// Launch-time substitution. It refuses any template checkTemplate would reject instead of
// guessing, because a half-substituted command would run on the batch system with the wrong data.
import { checkTemplate, type TemplateProblem } from './check.ts';
import { scanTemplate } from './scan.ts';

/** Thrown by substituteTemplate; callers are expected to have run checkTemplate at save time. */
export class TemplateError extends Error {
  readonly problems: readonly TemplateProblem[];

  constructor(problems: readonly TemplateProblem[]) {
    const first = problems[0];
    const where = first ? ` at offset ${first.offset}: ${first.message}` : '';
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
    super(`Template cannot be substituted${where}${more}`);
    this.name = 'TemplateError';
    this.problems = problems;
  }
}

/** Replaces `%(name)s` with `values[name]` and `%%` with `%`; throws TemplateError on problems. */
export function substituteTemplate(text: string, values: Readonly<Record<string, string>>): string {
  // Own keys only: `%(constructor)s` must be an unknown name, not Object.prototype.constructor.
  const problems = checkTemplate(text, Object.keys(values));
  if (problems.length > 0) throw new TemplateError(problems);
  let out = '';
  for (const piece of scanTemplate(text)) {
    switch (piece.kind) {
      case 'text':
        out += piece.text;
        break;
      case 'percent':
        out += '%';
        break;
      case 'name':
        out += values[piece.name] ?? '';
        break;
      case 'bad':
        // Unreachable: checkTemplate reported it above.
        throw new TemplateError(checkTemplate(text, Object.keys(values)));
    }
  }
  return out;
}
