// The .ini syntax exactly as POMS read it (Python's ConfigParser with interpolation=None, its
// defaults otherwise), keeping the line and column of every section, key and value piece:
// - `[header]` sections; text after the closing `]` is ignored (a warning here);
// - `key=value` or `key: value` (the first `=` or `:` splits), spaces around it trimmed, keys
//   lower-cased, values raw (`%%` stays `%%`);
// - a line indented deeper than its key line continues the value (joined with a newline); blank
//   lines inside a value are kept, trailing ones dropped;
// - lines whose first non-blank character is `#` or `;` are comments, wherever they are (so a
//   continuation line cannot start with one); there are no inline comments;
// - a repeated section or key is an error (ConfigParser's strict mode), as is a line that is
//   neither a section, a key nor a continuation.

export interface IniSpan {
  line: number;
  column: number;
  end_line: number;
  end_column: number;
}

/** One physical piece of a value: the stripped text of one line and where it starts. */
export interface IniValuePiece {
  line: number;
  column: number;
  text: string;
}

export interface IniEntry {
  /** Lower-cased key, as ConfigParser's optionxform. */
  key: string;
  /** The key as written. */
  raw_key: string;
  /** The value: pieces joined with newlines, trailing blank lines dropped. */
  value: string;
  key_span: IniSpan;
  pieces: IniValuePiece[];
}

export interface IniSection {
  /** The text between the brackets, as written. */
  header: string;
  span: IniSpan;
  entries: IniEntry[];
}

export interface IniSyntaxProblem {
  code: string;
  severity: 'error' | 'warning';
  message: string;
  span: IniSpan;
}

export interface IniDocument {
  sections: IniSection[];
  problems: IniSyntaxProblem[];
}

const WHITESPACE = /^\s*/;

function span(line: number, column: number, endColumn: number): IniSpan {
  return { line, column, end_line: line, end_column: endColumn };
}

export function readIni(input: string): IniDocument {
  const text = input.startsWith('\uFEFF') ? input.slice(1) : input;
  const lines = text.split('\n');
  const sections: IniSection[] = [];
  const byHeader = new Map<string, IniSection>();
  const problems: IniSyntaxProblem[] = [];
  const keysSeen = new Map<IniSection, Map<string, IniEntry>>();
  let current: IniSection | undefined;
  let entry: IniEntry | undefined;
  let indentLevel = 0;
  let missingHeaderReported = false;

  lines.forEach((rawLine, index) => {
    const lineNo = index + 1;
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    const indent = WHITESPACE.exec(line)?.[0].length ?? 0;
    const stripped = line.trim();
    if (stripped.startsWith('#') || stripped.startsWith(';')) return;
    if (stripped === '') {
      entry?.pieces.push({ line: lineNo, column: 1, text: '' });
      return;
    }
    if (current && entry && indent > indentLevel) {
      entry.pieces.push({ line: lineNo, column: indent + 1, text: stripped });
      return;
    }
    indentLevel = indent;
    entry = undefined;

    const close = stripped.lastIndexOf(']');
    if (stripped.startsWith('[') && close > 1) {
      const header = stripped.slice(1, close);
      const headerSpan = span(lineNo, indent + 1, indent + close + 2);
      const after = stripped.slice(close + 1);
      const trailing = after.trim();
      if (trailing !== '') {
        const start = indent + close + 2 + (after.length - after.trimStart().length);
        problems.push({
          code: 'ini.section-trailing-text',
          severity: 'warning',
          message: `text after the section header [${header}] is ignored: ${trailing}`,
          span: span(lineNo, start, start + trailing.length),
        });
      }
      const existing = byHeader.get(header);
      if (existing) {
        problems.push({
          code: 'ini.duplicate-section',
          severity: 'error',
          message: `section [${header}] appears twice (first on line ${existing.span.line})`,
          span: headerSpan,
        });
        current = existing;
        return;
      }
      current = { header, span: headerSpan, entries: [] };
      sections.push(current);
      byHeader.set(header, current);
      keysSeen.set(current, new Map());
      return;
    }

    if (!current) {
      if (!missingHeaderReported) {
        problems.push({
          code: 'ini.syntax',
          severity: 'error',
          message: 'text before the first [section] header: a POMS file starts with [campaign]',
          span: span(lineNo, indent + 1, indent + stripped.length + 1),
        });
        missingHeaderReported = true;
      }
      return;
    }

    const delimiter = stripped.search(/[=:]/);
    if (delimiter < 0) {
      problems.push({
        code: 'ini.syntax',
        severity: 'error',
        message: `expected "key = value" or a [section] header, found: ${stripped}`,
        span: span(lineNo, indent + 1, indent + stripped.length + 1),
      });
      return;
    }
    const rawKey = stripped.slice(0, delimiter).trimEnd();
    if (rawKey === '') {
      problems.push({
        code: 'ini.syntax',
        severity: 'error',
        message: `a key is missing before "${stripped[delimiter]}"`,
        span: span(lineNo, indent + 1, indent + delimiter + 2),
      });
      return;
    }
    const afterDelimiter = stripped.slice(delimiter + 1);
    const lead = WHITESPACE.exec(afterDelimiter)?.[0].length ?? 0;
    const valueColumn = indent + delimiter + 2 + lead;
    const next: IniEntry = {
      key: rawKey.toLowerCase(),
      raw_key: rawKey,
      value: '',
      key_span: span(lineNo, indent + 1, indent + rawKey.length + 1),
      pieces: [{ line: lineNo, column: valueColumn, text: afterDelimiter.trim() }],
    };
    const seen = keysSeen.get(current);
    const previous = seen?.get(next.key);
    if (previous) {
      problems.push({
        code: 'ini.duplicate-key',
        severity: 'error',
        message: `key ${next.raw_key} appears twice in [${current.header}] (first on line ${previous.key_span.line})`,
        span: next.key_span,
      });
      current.entries.splice(current.entries.indexOf(previous), 1);
    }
    seen?.set(next.key, next);
    current.entries.push(next);
    entry = next;
  });

  for (const section of sections) {
    for (const e of section.entries) {
      while (e.pieces.length > 1 && e.pieces[e.pieces.length - 1]?.text === '') e.pieces.pop();
      e.value = e.pieces.map((p) => p.text).join('\n');
    }
  }
  return { sections, problems };
}

/** Where the character at `offset` of an entry's joined value is written. */
export function valuePosition(entry: IniEntry, offset: number, length = 1): IniSpan {
  let remaining = Math.max(0, offset);
  for (const piece of entry.pieces) {
    if (remaining <= piece.text.length) {
      const column = piece.column + remaining;
      const width = Math.max(1, Math.min(length, piece.text.length - remaining));
      return span(piece.line, column, column + width);
    }
    remaining -= piece.text.length + 1;
  }
  const last = entry.pieces[entry.pieces.length - 1];
  if (!last) return entry.key_span;
  const column = last.column + last.text.length;
  return span(last.line, column, column + 1);
}

/** The whole value's extent (from its first to its last piece). */
export function valueSpan(entry: IniEntry): IniSpan {
  const first = entry.pieces[0];
  const last = entry.pieces[entry.pieces.length - 1];
  if (!first || !last) return entry.key_span;
  return {
    line: first.line,
    column: first.column,
    end_line: last.line,
    end_column: last.column + Math.max(last.text.length, 1),
  };
}
