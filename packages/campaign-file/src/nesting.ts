// How deeply a YAML text nests lists and mappings, found in one linear pass before the YAML
// parser sees it. The parser builds nested collections by recursion: a few thousand levels
// (`[[[[…`, `- - - …`, `{a: {a: …`) overflow its stack after seconds of work and come back as
// misleading errors. Campaign files nest about six levels, so a generous limit refuses only
// hostile or generated text, cheaply and with a line to point at.

/** Lists and mappings inside one another beyond this many levels are refused. */
export const MAX_CAMPAIGN_NESTING = 100;

/** Where the text first goes deeper than the limit: the offset of the opening `[`, `{` or `-`. */
export interface TooDeep {
  offset: number;
  depth: number;
}

/**
 * An estimate that never counts less than the YAML parser builds (parse.fuzz.test.ts checks
 * that on random text): flow collections (`[`, `{` outside quotes, comments and block scalars)
 * and block nesting by indentation and `- `, `? `, `: ` indicators. Text inside quotes, comments
 * and block scalars is not structure, so no value can trip it.
 */
export function findTooDeep(text: string, limit = MAX_CAMPAIGN_NESTING): TooDeep | undefined {
  const scan = new NestingScan(text, limit);
  return scan.run();
}

class NestingScan {
  /** Levels of the open `[` and `{`: a `[` counts two, for the one-pair mapping `[a: b]` holds. */
  private readonly flowLevels: number[] = [];
  private flowDepth = 0;
  /**
   * The open block collections, innermost last, by indentation (never decreasing): a sequence
   * may sit at its mapping key's indentation (`key:` then `- x`), one more level at the same one.
   */
  private readonly block: { indent: number; sequence: boolean }[] = [];
  private quote: '"' | "'" | undefined;
  /** Inside a block scalar (`|`, `>`): lines indented deeper than this are its text. */
  private scalarIndent: number | undefined;

  constructor(
    private readonly text: string,
    private readonly limit: number,
  ) {}

  run(): TooDeep | undefined {
    let start = 0;
    while (start <= this.text.length) {
      const newline = this.text.indexOf('\n', start);
      const end = newline === -1 ? this.text.length : newline;
      const found = this.line(start, end);
      if (found) return found;
      start = end + 1;
    }
    return undefined;
  }

  private line(start: number, end: number): TooDeep | undefined {
    const text = this.text;
    let i = start;
    while (i < end && text[i] === ' ') i++;
    const indent = i - start;
    const structural = this.flow === 0 && this.quote === undefined;
    // A comment line says nothing, but `#` inside a quoted or bracketed value is text.
    const blank = i >= end || text[i] === '\r' || (structural && text[i] === '#');
    if (this.scalarIndent !== undefined) {
      if (blank || indent > this.scalarIndent) return undefined;
      this.scalarIndent = undefined;
    }
    if (blank) return undefined;
    if (structural) {
      // A document marker, and a node's anchor or tag, may come before the first indicator.
      if (indent === 0 && /^(---|\.\.\.)(\s|$)/.test(text.slice(i, i + 4))) i += 3;
      i = afterProperties(text, i, end);
      this.enterLine(indent, isIndicator(text, i, end, '-'));
      // Compact nesting on one line: `- - x`, `? - x`, `: - x`; what follows an indicator is
      // counted as one more collection, a scalar included (counting more is safe).
      while (i < end && isIndicator(text, i, end, text[i] ?? '')) {
        if (this.block.length > this.limit) return this.tooDeep(i);
        i = afterProperties(text, i + 1, end);
        this.block.push({ indent: i - start, sequence: isIndicator(text, i, end, '-') });
      }
      if (this.block.length > this.limit) return this.tooDeep(i);
    }
    return this.inline(i, start, end, indent);
  }

  /** A line at `indent` closes deeper collections, and opens one at its indentation if new. */
  private enterLine(indent: number, sequence: boolean): void {
    const block = this.block;
    while ((block.at(-1)?.indent ?? -1) > indent) block.pop();
    const top = block.at(-1);
    if (top?.indent === indent) {
      // A `- ` under a mapping's key at the same indentation opens the sequence; a key after
      // that sequence closes it.
      if (sequence && !top.sequence) block.push({ indent, sequence });
      else if (!sequence && top.sequence) {
        block.pop();
        if (block.at(-1)?.indent !== indent) block.push({ indent, sequence });
      }
      return;
    }
    block.push({ indent, sequence });
  }

  /** Quotes, flow brackets and comments within one line, from `i`. */
  private inline(i: number, start: number, end: number, indent: number): TooDeep | undefined {
    const text = this.text;
    // The last character that is not a space: what decides whether a value may start here.
    let previous = '';
    for (; i < end; i++) {
      const c = text[i] ?? '';
      if (this.quote === '"') {
        if (c === '\\') i++;
        else if (c === '"') this.quote = undefined;
        continue;
      }
      if (this.quote === "'") {
        if (c === "'" && text[i + 1] === "'") i++;
        else if (c === "'") this.quote = undefined;
        continue;
      }
      if (c === ' ' || c === '\t' || c === '\r') continue;
      const spaced = i === start || /\s/.test(text[i - 1] ?? '');
      if (c === '#' && spaced) break;
      if (this.flow > 0) {
        // Inside [ ] and { } brackets are always structure: plain text cannot hold them.
        if (c === '[' || c === '{') {
          if (this.openFlow(c) > this.limit) return this.tooDeep(i);
        } else if (c === ']' || c === '}') {
          this.flowDepth -= this.flowLevels.pop() ?? 0;
        } else if ((c === '"' || c === "'") && '[{,:?'.includes(previous || '[')) {
          this.quote = c;
        }
      } else if (previous === '' || (previous === ':' && spaced)) {
        // In block context only a value's first character opens brackets or quotes; an anchor
        // or a tag (`&a`, `!t`) comes before that character.
        if ((c === '&' || c === '!') && spaced) {
          while (i + 1 < end && !isSpace(text[i + 1], false)) i++;
          continue;
        }
        if (c === '[' || c === '{') {
          if (this.openFlow(c) > this.limit) return this.tooDeep(i);
        } else if (c === '"' || c === "'") {
          this.quote = c;
        }
      }
      previous = c;
    }
    const head = text.slice(start, i).trimEnd();
    if (
      this.flow === 0 &&
      this.quote === undefined &&
      /(^\s*|[:?-]\s+)[|>][-+1-9]{0,2}$/.test(head)
    ) {
      this.scalarIndent = indent;
    }
    return undefined;
  }

  /** Opens a `[` or `{`; the depth the text has reached. */
  private openFlow(bracket: string): number {
    const levels = bracket === '[' ? 2 : 1;
    this.flowLevels.push(levels);
    this.flowDepth += levels;
    return this.block.length + this.flowDepth;
  }

  private get flow(): number {
    return this.flowLevels.length;
  }

  private tooDeep(offset: number): TooDeep {
    return { offset, depth: this.block.length + this.flowDepth };
  }
}

/** Past the spaces and the anchors and tags (`&a`, `!t`) that may come before a node. */
function afterProperties(text: string, i: number, end: number): number {
  for (;;) {
    while (i < end && isSpace(text[i], false)) i++;
    if (text[i] !== '&' && text[i] !== '!') return i;
    while (i < end && !isSpace(text[i], false)) i++;
  }
}

/** `-`, `?` or `:` at `i` followed by a space or the end of the line: a block indicator. */
function isIndicator(text: string, i: number, end: number, which: string): boolean {
  return '-?:'.includes(which) && text[i] === which && isSpace(text[i + 1], i + 1 === end);
}

function isSpace(c: string | undefined, atEnd: boolean): boolean {
  return atEnd || c === ' ' || c === '\t' || c === '\r';
}
