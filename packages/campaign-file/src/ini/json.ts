// A strict JSON reader that keeps where every value starts and ends, so a bad value in a POMS
// file (param_overrides, campaign_keywords, recoveries…) is reported at its own line and column
// rather than "somewhere in this key". Numbers keep their source text: POMS formats a number in a
// parameter pair with Python's str(), and the literal as written is the closest to that.
// Also the writer POMS's exporter uses: Python's json.dumps layout (`", "` and `": "`).

export type JsonNode =
  | { kind: 'null'; start: number; end: number }
  | { kind: 'boolean'; value: boolean; start: number; end: number }
  | { kind: 'number'; value: number; text: string; start: number; end: number }
  | { kind: 'string'; value: string; start: number; end: number }
  | { kind: 'array'; items: JsonNode[]; start: number; end: number }
  | { kind: 'object'; entries: JsonEntry[]; start: number; end: number };

export interface JsonEntry {
  key: string;
  keyStart: number;
  keyEnd: number;
  value: JsonNode;
}

export type JsonResult =
  { ok: true; node: JsonNode } | { ok: false; message: string; offset: number; length: number };

class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
    readonly length: number = 1,
  ) {
    super(message);
  }
}

/** Nesting deeper than this is refused: no campaign value needs it, and recursion must end. */
const MAX_DEPTH = 64;

export function parseJson(text: string): JsonResult {
  const reader = new Reader(text);
  try {
    reader.skipSpace();
    const node = reader.value(0);
    reader.skipSpace();
    if (reader.pos < text.length) {
      throw new JsonSyntaxError('unexpected text after the JSON value', reader.pos);
    }
    return { ok: true, node };
  } catch (error) {
    if (error instanceof JsonSyntaxError) {
      return { ok: false, message: error.message, offset: error.offset, length: error.length };
    }
    throw error;
  }
}

class Reader {
  pos = 0;
  constructor(private readonly text: string) {}

  skipSpace(): void {
    while (this.pos < this.text.length) {
      const c = this.text[this.pos];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') this.pos++;
      else break;
    }
  }

  value(depth: number): JsonNode {
    if (depth > MAX_DEPTH) throw new JsonSyntaxError('JSON nested too deeply', this.pos);
    const c = this.text[this.pos];
    const start = this.pos;
    if (c === undefined) throw new JsonSyntaxError('a JSON value was expected here', this.pos, 0);
    if (c === '[') return this.array(depth);
    if (c === '{') return this.object(depth);
    if (c === '"') {
      const value = this.string();
      return { kind: 'string', value, start, end: this.pos };
    }
    if (c === '-' || (c >= '0' && c <= '9')) return this.number();
    for (const [word, node] of [
      ['true', { kind: 'boolean', value: true }],
      ['false', { kind: 'boolean', value: false }],
      ['null', { kind: 'null' }],
    ] as const) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return { ...node, start, end: this.pos };
      }
    }
    if (c === "'") {
      throw new JsonSyntaxError('JSON strings use double quotes ("), not single quotes', start);
    }
    throw new JsonSyntaxError(`unexpected ${describe(c)}: a JSON value was expected`, start);
  }

  private array(depth: number): JsonNode {
    const start = this.pos;
    this.pos++;
    const items: JsonNode[] = [];
    this.skipSpace();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return { kind: 'array', items, start, end: this.pos };
    }
    for (;;) {
      this.skipSpace();
      items.push(this.value(depth + 1));
      this.skipSpace();
      const c = this.text[this.pos];
      if (c === ',') {
        this.pos++;
        this.skipSpace();
        if (this.text[this.pos] === ']') {
          throw new JsonSyntaxError('trailing comma before ] is not allowed in JSON', this.pos - 1);
        }
        continue;
      }
      if (c === ']') {
        this.pos++;
        return { kind: 'array', items, start, end: this.pos };
      }
      throw new JsonSyntaxError(
        c === undefined
          ? `unclosed [ (opened at offset ${start}): expected , or ]`
          : `unexpected ${describe(c)}: expected , or ] after a list item`,
        this.pos,
        c === undefined ? 0 : 1,
      );
    }
  }

  private object(depth: number): JsonNode {
    const start = this.pos;
    this.pos++;
    const entries: JsonEntry[] = [];
    this.skipSpace();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return { kind: 'object', entries, start, end: this.pos };
    }
    for (;;) {
      this.skipSpace();
      const keyStart = this.pos;
      if (this.text[keyStart] !== '"') {
        const c = this.text[keyStart];
        throw new JsonSyntaxError(
          c === undefined
            ? 'unclosed {: expected a "key"'
            : `unexpected ${describe(c)}: object keys are "double-quoted" strings`,
          keyStart,
          c === undefined ? 0 : 1,
        );
      }
      const key = this.string();
      const keyEnd = this.pos;
      this.skipSpace();
      if (this.text[this.pos] !== ':') {
        throw new JsonSyntaxError('expected : after an object key', this.pos);
      }
      this.pos++;
      this.skipSpace();
      entries.push({ key, keyStart, keyEnd, value: this.value(depth + 1) });
      this.skipSpace();
      const c = this.text[this.pos];
      if (c === ',') {
        this.pos++;
        this.skipSpace();
        if (this.text[this.pos] === '}') {
          throw new JsonSyntaxError('trailing comma before } is not allowed in JSON', this.pos - 1);
        }
        continue;
      }
      if (c === '}') {
        this.pos++;
        return { kind: 'object', entries, start, end: this.pos };
      }
      throw new JsonSyntaxError(
        c === undefined
          ? 'unclosed {: expected , or }'
          : `unexpected ${describe(c)}: expected , or } after an object entry`,
        this.pos,
        c === undefined ? 0 : 1,
      );
    }
  }

  private string(): string {
    const start = this.pos;
    this.pos++;
    let out = '';
    for (;;) {
      const c = this.text[this.pos];
      if (c === undefined) throw new JsonSyntaxError('unterminated string', start, 1);
      if (c === '"') {
        this.pos++;
        return out;
      }
      if (c === '\\') {
        const e = this.text[this.pos + 1];
        const simple: Record<string, string> = {
          '"': '"',
          '\\': '\\',
          '/': '/',
          b: '\b',
          f: '\f',
          n: '\n',
          r: '\r',
          t: '\t',
        };
        if (e !== undefined && Object.hasOwn(simple, e)) {
          out += simple[e];
          this.pos += 2;
          continue;
        }
        if (e === 'u') {
          const hex = this.text.slice(this.pos + 2, this.pos + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
            throw new JsonSyntaxError('\\u must be followed by four hex digits', this.pos, 2);
          }
          out += String.fromCharCode(parseInt(hex, 16));
          this.pos += 6;
          continue;
        }
        throw new JsonSyntaxError(`invalid escape \\${e ?? ''} in a JSON string`, this.pos, 2);
      }
      if (c < ' ') {
        throw new JsonSyntaxError('control characters must be escaped in JSON strings', this.pos);
      }
      out += c;
      this.pos++;
    }
  }

  private number(): JsonNode {
    const start = this.pos;
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(this.text.slice(start));
    if (!match) throw new JsonSyntaxError('malformed number', start);
    const text = match[0];
    this.pos += text.length;
    const next = this.text[this.pos];
    if (next !== undefined && /[0-9A-Za-z_.]/.test(next)) {
      throw new JsonSyntaxError(`malformed number ${text}${next}`, start, this.pos - start + 1);
    }
    return { kind: 'number', value: Number(text), text, start, end: this.pos };
  }
}

function describe(c: string): string {
  return c === '\n' ? 'end of line' : `character ${JSON.stringify(c)}`;
}

/** Python's json.dumps(value) with its default separators, as POMS writes JSON values. */
export function pyJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(pyJson).join(', ')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(
      ([, v]) => v !== undefined,
    );
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}: ${pyJson(v)}`).join(', ')}}`;
  }
  return 'null';
}

/** Plain JavaScript value of a node (numbers as numbers). */
export function jsonValue(node: JsonNode): unknown {
  switch (node.kind) {
    case 'null':
      return null;
    case 'boolean':
    case 'number':
    case 'string':
      return node.value;
    case 'array':
      return node.items.map(jsonValue);
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const entry of node.entries) {
        Object.defineProperty(out, entry.key, {
          value: jsonValue(entry.value),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return out;
    }
  }
}
