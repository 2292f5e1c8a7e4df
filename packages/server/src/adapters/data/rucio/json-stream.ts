// Rucio's `application/x-json-stream` answers: one JSON document per line, and an empty body when
// there is nothing to list. Each line is checked with the caller's schema.
import type { z } from 'zod';

export function parseJsonStream<T>(text: string, schema: z.ZodType<T>): T[] {
  const out: T[] = [];
  for (const [index, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (line === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new SyntaxError(`line ${index + 1} is not JSON`);
    }
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      throw new SyntaxError(`line ${index + 1} is not as expected: ${parsed.error.message}`);
    }
    out.push(parsed.data);
  }
  return out;
}
