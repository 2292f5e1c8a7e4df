// What an external catalog's file becomes in the embedded catalog when its dataset is mirrored:
// the same name, size and checksum, its metadata kept, and the standard fields (SAM's names, which
// the embedded catalog types) filled from MetaCat's `core.*` fields.
import { join } from 'node:path';
import type { DeclaredFile, ExternalFile, MetadataValue } from '@poms/core';

const COUNTS = new Set(['run_number', 'subrun_number', 'event_count']);
const TIMES = new Set(['start_time', 'end_time', 'create_time']);
const TEXTS = new Set(['data_tier', 'software_version']);
/** Standard fields the file itself gives (name, size, checksum): never taken from metadata. */
const OWN = new Set(['file_name', 'file_size', 'checksum']);

/** MetaCat's core fields that are the embedded catalog's standard fields. */
const FROM_METACAT: Record<string, string> = {
  'core.data_tier': 'data_tier',
  'core.event_count': 'event_count',
  'core.start_time': 'start_time',
  'core.end_time': 'end_time',
  'core.runs': 'run_number',
};

export const SOURCE_FIELD = 'poms.source';
export const DID_FIELD = 'poms.did';

export function mirroredFile(
  file: ExternalFile,
  system: 'metacat' | 'sam',
  replica?: { location: string; folder: string },
): DeclaredFile {
  const metadata: Record<string, MetadataValue> = {};
  for (const [key, value] of Object.entries(file.metadata)) {
    if (key.length === 0 || key.length > 100 || key.startsWith('poms.')) continue;
    const standard = FROM_METACAT[key] ?? key;
    const typed = standardValue(standard, value);
    if (typed !== undefined) metadata[standard] = typed;
    if (standard !== key) {
      metadata[key] = value; // MetaCat's own field stays as it was
    } else if (typed === undefined) {
      // A standard name whose value is not of its type (or is the file's own name or size)
      // is kept, renamed, rather than refused.
      metadata[isStandard(key) ? `${system}.${key}` : key] = value;
    }
  }
  metadata[SOURCE_FIELD] = system;
  metadata[DID_FIELD] = file.did;
  const adler = file.checksums?.adler32;
  return {
    name: file.name,
    ...(file.size === undefined ? {} : { size: file.size }),
    ...(adler === undefined ? {} : { checksum: `adler32:${adler.toLowerCase()}` }),
    metadata,
    ...(replica === undefined
      ? {}
      : { replicas: [{ location: replica.location, path: join(replica.folder, file.name) }] }),
  };
}

function isStandard(field: string): boolean {
  return COUNTS.has(field) || TIMES.has(field) || TEXTS.has(field) || OWN.has(field);
}

/**
 * The value a standard field takes; undefined when the field is not a standard one this mirror
 * fills, or the value cannot be read as that field's type.
 */
function standardValue(field: string, value: MetadataValue): MetadataValue | undefined {
  if (value === null) return undefined;
  if (COUNTS.has(field)) {
    // `core.runs` is a list: its first run is the file's run number.
    const first = typeof value === 'string' && value.startsWith('[') ? firstOf(value) : value;
    const n = typeof first === 'string' && /^\d+$/.test(first) ? Number(first) : first;
    return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 ? n : undefined;
  }
  if (TIMES.has(field)) {
    // MetaCat keeps times as epoch seconds; SAM as ISO text.
    const date = typeof value === 'number' ? new Date(value * 1000) : new Date(String(value));
    return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
  }
  if (TEXTS.has(field)) return typeof value === 'string' ? value : undefined;
  return undefined;
}

function firstOf(list: string): MetadataValue {
  try {
    const parsed = JSON.parse(list) as unknown;
    return Array.isArray(parsed) && (typeof parsed[0] === 'number' || typeof parsed[0] === 'string')
      ? parsed[0]
      : null;
  } catch {
    return null;
  }
}
