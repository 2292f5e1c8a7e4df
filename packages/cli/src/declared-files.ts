// Files to declare (or to preview a split over), read from a JSON array: checked with the
// catalog's own schema, the first problem named by file and field.
import { z } from 'zod';
import { DeclaredFile } from '@poms/core';
import { readText } from './campaign-files.ts';
import { UsageError } from './output.ts';

export function readDeclarations(source: string): DeclaredFile[] {
  let json: unknown;
  try {
    json = JSON.parse(readText(source));
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(
      `${source} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const parsed = z.array(DeclaredFile).safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const index = issue?.path[0];
    const name =
      typeof index === 'number' ? (json as { name?: unknown }[])[index]?.name : undefined;
    const where = issue?.path.map(String).join('.') ?? '';
    throw new UsageError(
      `${source}: ${typeof name === 'string' ? `file ${name} ` : ''}(${where}): ${issue?.message ?? 'not a list of files'}`,
    );
  }
  return parsed.data;
}
