// Text changes as editors apply them: replace [from, to) with `insert`. Edit operations return
// these (not a reprinted file) so every byte they do not touch stays as it was, and the GUI can
// dispatch them to CodeMirror as one transaction.

export interface TextChange {
  from: number;
  to: number;
  insert: string;
}

/** Applies non-overlapping changes given in any order. */
export function applyChanges(text: string, changes: readonly TextChange[]): string {
  const sorted = [...changes].sort((a, b) => a.from - b.from || a.to - b.to);
  let out = '';
  let cursor = 0;
  for (const change of sorted) {
    if (change.from < cursor) throw new Error('overlapping text changes');
    out += text.slice(cursor, change.from) + change.insert;
    cursor = change.to;
  }
  return out + text.slice(cursor);
}

/** Start of the line that holds `offset`. */
export function lineStartOf(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** Just past the newline that ends the line holding `offset` (the text's end on the last line). */
export function lineEndOf(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset);
  return nl < 0 ? text.length : nl + 1;
}

/** The column (0-based) at which `offset` sits on its line. */
export function columnOf(text: string, offset: number): number {
  return offset - lineStartOf(text, offset);
}

/**
 * The end of the last line a node occupies, given the node's value end. Block scalars end after
 * their final newline, so an end that sits at a line start belongs to the line before.
 */
export function endOfLastLine(text: string, valueEnd: number): number {
  const at = valueEnd > 0 && text[valueEnd - 1] === '\n' ? valueEnd - 1 : valueEnd;
  return lineEndOf(text, at);
}

/** The newline style of a text, so inserted lines match it. */
export function newlineOf(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}
