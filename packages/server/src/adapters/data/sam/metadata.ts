// SAM's file metadata (`files/name/<name>/metadata?format=json`), checked at the edge and turned
// into the port's ExternalFile. SAM keeps a few fixed fields (file_name, file_size, checksum as a
// list of `algorithm:value`, parents, runs, application) next to the experiment's parameters
// (`Category.name` keys).
import { z } from 'zod';
import type { ExternalFile, MetadataValue } from '@poms/core';

const Parent = z.union([
  z.string(),
  z.object({ file_name: z.string().optional(), file_id: z.number().optional() }),
]);

export const SamMetadata = z.looseObject({
  file_name: z.string(),
  file_id: z.number().optional(),
  file_size: z.number().int().nonnegative().nullish(),
  checksum: z.array(z.string()).nullish(),
  parents: z.array(Parent).nullish(),
  runs: z.array(z.array(z.union([z.number(), z.string()]))).nullish(),
});
export type SamMetadata = z.infer<typeof SamMetadata>;

/** Fields that become ExternalFile's own properties rather than metadata entries. */
const OWN_FIELDS = new Set(['file_name', 'file_size', 'checksum', 'parents', 'runs']);

export function toExternalFile(md: SamMetadata): ExternalFile {
  const file: ExternalFile = { did: md.file_name, name: md.file_name, metadata: flatMetadata(md) };
  if (md.file_size !== undefined && md.file_size !== null) file.size = md.file_size;
  if (md.checksum) file.checksums = checksumRecord(md.checksum);
  if (md.parents) {
    file.parents = md.parents.map((p) =>
      typeof p === 'string' ? p : (p.file_name ?? String(p.file_id ?? '')),
    );
  }
  return file;
}

/** `["enstore:123", "adler32:0a1b2c3d"]` → `{ enstore: "123", adler32: "0a1b2c3d" }`. */
export function checksumRecord(list: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of list) {
    const colon = entry.indexOf(':');
    if (colon > 0) out[entry.slice(0, colon)] = entry.slice(colon + 1);
  }
  return out;
}

/**
 * Scalar metadata for the port: nested objects (application) flatten to `application.family`;
 * the first run of `runs` becomes run_number/subrun_number/run_type, and the whole list stays as
 * JSON in `runs`; other lists are kept as JSON text.
 */
function flatMetadata(md: SamMetadata): Record<string, MetadataValue> {
  const out: Record<string, MetadataValue> = {};
  for (const [key, value] of Object.entries(md)) {
    if (OWN_FIELDS.has(key)) continue;
    if (isPlainObject(value)) {
      for (const [inner, innerValue] of Object.entries(value)) {
        out[`${key}.${inner}`] = scalar(innerValue);
      }
    } else out[key] = scalar(value);
  }
  const first = md.runs?.[0];
  if (md.runs && first) {
    out.runs = JSON.stringify(md.runs);
    if (first[0] !== undefined) out.run_number = first[0];
    if (first[1] !== undefined) out.subrun_number = first[1];
    if (first[2] !== undefined) out.run_type = first[2];
  }
  return out;
}

function scalar(value: unknown): MetadataValue {
  if (
    value === null ||
    typeof value === 'string' ||
    typeof value === 'number' ||
    typeof value === 'boolean'
  ) {
    return value;
  }
  return value === undefined ? null : JSON.stringify(value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
