// Schema-aware completion for the campaign text: which keys (and which enum values) the JSON
// Schema of the campaign file allows where the cursor is. Pure: the YAML path at the cursor is read
// from indentation alone, so it works while the text does not parse, which is when it is needed.

export type JsonSchema = Record<string, unknown>;

export interface KeyCompletion {
  label: string;
  /** `key: ` as it should be inserted. */
  apply: string;
  detail: string;
  info: string | undefined;
}

interface LineShape {
  indent: number;
  key: string | undefined;
}

/** Indentation of a line's content (a `- ` item marker counts as indentation) and its key. */
function shapeOf(line: string): LineShape | undefined {
  if (line.trim() === '' || line.trimStart().startsWith('#')) return undefined;
  const m = /^(\s*(?:-\s+)*)(?:([^\s#:][^:#]*?)\s*:(?:\s|$))?/.exec(line)!;
  return { indent: m[1]!.length, key: m[2]?.replace(/^["']|["']$/g, '') };
}

/**
 * The mapping keys leading to the cursor's line, outermost first (`['stages', 'sim']`), judged by
 * indentation; `indent` is the column at which a key typed at the cursor starts.
 */
export function yamlPathAt(text: string, offset: number): { path: string[]; indent: number } {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const before = text.slice(lineStart, offset);
  const lead = /^(\s*(?:-\s+)*)/.exec(before)![1]!;
  let indent = lead.length;
  const path: string[] = [];
  let end = lineStart - 1;
  while (end > 0 && indent > 0) {
    const start = text.lastIndexOf('\n', end - 1) + 1;
    const shape = shapeOf(text.slice(start, end));
    end = start - 1;
    if (!shape || shape.indent >= indent) continue;
    // A line less indented than the cursor: its key (if any) holds the cursor's line.
    if (shape.key !== undefined) path.unshift(shape.key);
    indent = shape.indent;
  }
  return { path, indent: lead.length };
}

function resolveRef(root: JsonSchema, schema: JsonSchema): JsonSchema {
  let current = schema;
  for (let hops = 0; hops < 10 && typeof current.$ref === 'string'; hops++) {
    const ref = current.$ref;
    if (!ref.startsWith('#/')) break;
    let target: unknown = root;
    for (const part of ref.slice(2).split('/')) {
      target = (target as Record<string, unknown> | undefined)?.[part.replace(/~1/g, '/')];
    }
    if (!target || typeof target !== 'object') break;
    current = target as JsonSchema;
  }
  return current;
}

/** The alternatives a schema offers (anyOf/oneOf/allOf flattened), each resolved. */
function variants(root: JsonSchema, schema: JsonSchema): JsonSchema[] {
  const resolved = resolveRef(root, schema);
  const list = (resolved.anyOf ?? resolved.oneOf ?? resolved.allOf) as JsonSchema[] | undefined;
  if (!list) return [resolved];
  return list.flatMap((s) => variants(root, s));
}

/** The schemas a value at `path` may follow (lists are stepped through: `- key:` items). */
export function schemasAt(root: JsonSchema, path: readonly string[]): JsonSchema[] {
  let current = variants(root, root);
  for (const key of path) {
    const next: JsonSchema[] = [];
    for (const schema of current) {
      const objects =
        schema.type === 'array' && schema.items
          ? variants(root, schema.items as JsonSchema)
          : [schema];
      for (const object of objects) {
        const props = object.properties as Record<string, JsonSchema> | undefined;
        const child =
          props?.[key] ??
          (typeof object.additionalProperties === 'object'
            ? (object.additionalProperties as JsonSchema)
            : undefined);
        if (child) next.push(...variants(root, child));
      }
    }
    current = next;
  }
  // The value itself may be a list of mappings (recovery steps, needs items).
  return current.flatMap((s) =>
    s.type === 'array' && s.items ? variants(root, s.items as JsonSchema) : [s],
  );
}

function typeName(schema: JsonSchema): string {
  if (Array.isArray(schema.enum)) return (schema.enum as unknown[]).join(' | ');
  const type = schema.type;
  if (Array.isArray(type)) return type.join(' | ');
  return typeof type === 'string' ? type : 'value';
}

/** Keys the schema allows in the mapping at `path`, minus those already written there. */
export function keyCompletions(
  root: JsonSchema,
  path: readonly string[],
  present: ReadonlySet<string> = new Set(),
): KeyCompletion[] {
  const out = new Map<string, KeyCompletion>();
  for (const schema of schemasAt(root, path)) {
    const props = schema.properties as Record<string, JsonSchema> | undefined;
    for (const [key, child] of Object.entries(props ?? {})) {
      if (present.has(key) || out.has(key)) continue;
      const kinds = variants(root, child);
      out.set(key, {
        label: key,
        apply: `${key}: `,
        detail: kinds.map(typeName).join(' | '),
        info: kinds.map((k) => k.description).find((d): d is string => typeof d === 'string'),
      });
    }
  }
  return [...out.values()];
}

/** Enum values allowed for the key at `path` (`['stages','sim','type']` → regular, test, …). */
export function valueCompletions(root: JsonSchema, path: readonly string[]): string[] {
  const values = new Set<string>();
  for (const schema of schemasAt(root, path))
    for (const value of (schema.enum as unknown[] | undefined) ?? []) values.add(String(value));
  return [...values];
}

/** Keys already written at the same indentation in the mapping that holds `offset`'s line. */
export function siblingKeys(text: string, offset: number, indent: number): Set<string> {
  const keys = new Set<string>();
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const scan = (from: number, step: 1 | -1) => {
    let pos = from;
    for (;;) {
      if (step === -1 && pos <= 0) return;
      const start = step === 1 ? pos : text.lastIndexOf('\n', pos - 2) + 1;
      const endNl = text.indexOf('\n', start);
      const end = endNl < 0 ? text.length : endNl;
      if (step === 1 && start >= text.length) return;
      const shape = shapeOf(text.slice(start, end));
      if (shape) {
        if (shape.indent < indent) return;
        if (shape.indent === indent && shape.key !== undefined) keys.add(shape.key);
      }
      if (step === 1) {
        if (endNl < 0) return;
        pos = endNl + 1;
      } else pos = start;
    }
  };
  scan(lineStart, -1);
  const nl = text.indexOf('\n', lineStart);
  if (nl >= 0) scan(nl + 1, 1);
  return keys;
}
