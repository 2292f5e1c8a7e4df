// Which names a template uses: lets the editor flag unused campaign keywords and lets a rename
// of a keyword find every stage that refers to it.
import { scanTemplate } from './scan.ts';

/**
 * Names referenced by `%(name)s`, each once, in order of first appearance. Malformed sequences
 * such as `%(name)d` are not counted: checkTemplate reports them instead.
 */
export function templateNames(text: string): string[] {
  const names = new Set<string>();
  for (const piece of scanTemplate(text)) if (piece.kind === 'name') names.add(piece.name);
  return [...names];
}
