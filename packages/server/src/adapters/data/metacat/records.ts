// MetaCat's file records, checked at the edge and turned into the port's ExternalFile. The shape is
// the one the metacat web API documents for `get_file`/`get_files` and for query results with
// `with_meta=yes&with_provenance=yes`: namespace, name, fid, size, checksums, metadata, parents.
import { z } from 'zod';
import type { ExternalFile, MetadataValue } from '@poms/core';

/** A parent as MetaCat gives it: a record with fid (and namespace/name), or, in older servers, a bare fid. */
const ParentRef = z.union([
  z.string(),
  z.object({
    fid: z.string().optional(),
    namespace: z.string().optional(),
    name: z.string().optional(),
  }),
]);

export const MetacatFileRecord = z.object({
  fid: z.string().optional(),
  namespace: z.string(),
  name: z.string(),
  size: z.number().int().nonnegative().nullish(),
  checksums: z.record(z.string(), z.string()).nullish(),
  metadata: z.record(z.string(), z.unknown()).nullish(),
  parents: z.array(ParentRef).nullish(),
});
export type MetacatFileRecord = z.infer<typeof MetacatFileRecord>;

/**
 * A query or files answer: a JSON list, the list wrapped as `{"results": [...]}` (what the python
 * client unwraps), or a JSON stream of one record per line.
 */
export function recordsOf(text: string): unknown[] | null {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  try {
    const parsed = JSON.parse(trimmed) as unknown;
    if (Array.isArray(parsed)) return parsed as unknown[];
    if (isResults(parsed)) return parsed.results;
    return null;
  } catch {
    return jsonLines(trimmed);
  }
}

export function didOf(record: { namespace: string; name: string }): string {
  return `${record.namespace}:${record.name}`;
}

export function toExternalFile(record: MetacatFileRecord): ExternalFile {
  const file: ExternalFile = {
    did: didOf(record),
    name: record.name,
    metadata: scalarMetadata(record.metadata ?? {}),
  };
  if (record.size !== undefined && record.size !== null) file.size = record.size;
  if (record.checksums) file.checksums = { ...record.checksums };
  if (record.parents) file.parents = record.parents.map(parentName);
  return file;
}

/**
 * The port holds scalar metadata only; MetaCat values may be lists or objects (`core.runs`), which
 * are kept as their JSON text so nothing is lost.
 */
export function scalarMetadata(metadata: Record<string, unknown>): Record<string, MetadataValue> {
  const out: Record<string, MetadataValue> = {};
  for (const [key, value] of Object.entries(metadata)) {
    out[key] = isScalar(value) ? value : JSON.stringify(value);
  }
  return out;
}

function parentName(parent: z.infer<typeof ParentRef>): string {
  if (typeof parent === 'string') return parent;
  if (parent.namespace !== undefined && parent.name !== undefined) {
    return `${parent.namespace}:${parent.name}`;
  }
  return parent.fid ?? '';
}

function isScalar(value: unknown): value is MetadataValue {
  return (
    value === null ||
    typeof value === 'string' ||
    typeof value === 'number' ||
    typeof value === 'boolean'
  );
}

function isResults(value: unknown): value is { results: unknown[] } {
  return (
    typeof value === 'object' &&
    value !== null &&
    Array.isArray((value as { results?: unknown }).results)
  );
}

function jsonLines(text: string): unknown[] | null {
  const out: unknown[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      out.push(JSON.parse(line) as unknown);
    } catch {
      return null;
    }
  }
  return out;
}
