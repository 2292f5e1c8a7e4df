/**
 * What a declared file becomes in the tables: standard fields (SAM's names) go to typed columns,
 * the rest to file_metadata rows, and the whole metadata is kept as JSON for round trips. Pure
 * functions: the same checks run before either store sees a row.
 */
import type { DeclaredFile, MetadataValue, StandardField } from '@poms/core';
import { badFile } from './errors.ts';

/** Typed columns of `files` that come from a declaration. */
export interface StandardColumns {
  size: number | null;
  checksum: string | null;
  run_number: number | null;
  subrun_number: number | null;
  data_tier: string | null;
  software_version: string | null;
  event_count: number | null;
  start_time: number | null;
  end_time: number | null;
  /** Null: the catalog's own clock decides. */
  create_time: number | null;
}

export interface CustomValue {
  key: string;
  text: string | null;
  num: number | null;
}

export interface NormalizedFile {
  name: string;
  columns: StandardColumns;
  custom: CustomValue[];
  /** JSON text of the declared metadata, keys sorted (`{}` when none was given). */
  metadataJson: string;
}

type Kind = 'count' | 'string' | 'time' | 'name';

/** Metadata keys stored in columns, and how each is checked. */
const COLUMN_FIELDS = {
  run_number: 'count',
  subrun_number: 'count',
  event_count: 'count',
  file_size: 'count',
  data_tier: 'string',
  software_version: 'string',
  checksum: 'string',
  start_time: 'time',
  end_time: 'time',
  create_time: 'time',
  file_name: 'name',
} as const satisfies Record<StandardField, Kind>;

type ColumnField = keyof typeof COLUMN_FIELDS;

function isColumnField(key: string): key is ColumnField {
  return Object.hasOwn(COLUMN_FIELDS, key);
}

const ISO_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/;

/**
 * ISO 8601 date or date-time as epoch seconds (no zone means UTC, as in query literals);
 * undefined if the text is not one or names a day or time that does not exist.
 */
export function parseIsoTime(text: string): number | undefined {
  const m = ISO_TIME.exec(text);
  if (m === null) return undefined;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(
    (part) => (part === undefined ? 0 : Number(part)),
  ) as [number, number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) {
    return undefined;
  }
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  // Date.UTC rolls 31 February over into March: refuse instead.
  if (new Date(ms).getUTCDate() !== day) return undefined;
  let seconds = ms / 1000 + (m[7] === undefined ? 0 : Number(m[7]));
  const zone = m[8];
  if (zone !== undefined && zone !== 'Z') {
    const digits = zone.slice(1).replace(':', '');
    const hours = Number(digits.slice(0, 2));
    const minutes = digits.length > 2 ? Number(digits.slice(2)) : 0;
    if (hours > 23 || minutes > 59) return undefined;
    seconds -= (zone.startsWith('-') ? -1 : 1) * (hours * 3600 + minutes * 60);
  }
  return seconds;
}

// With the u flag a valid surrogate pair is one code point, so this matches only lone halves,
// which neither driver stores faithfully.
const LONE_SURROGATE = /\p{Cs}/u;

/** Text both stores keep byte for byte (PostgreSQL text cannot hold U+0000 at all). */
export function isStorableText(text: string): boolean {
  return !text.includes('\u0000') && !LONE_SURROGATE.test(text);
}

function storable(file: string, field: string, text: string): string {
  if (!isStorableText(text)) {
    throw badFile(file, field, 'must be well-formed Unicode without NUL (U+0000)');
  }
  return text;
}

function describe(value: unknown): string {
  return JSON.stringify(value);
}

/** The typed value of a standard field (null for null), or an error naming file and field. */
function columnValue(file: string, key: ColumnField, value: MetadataValue): number | string | null {
  if (value === null) return null;
  switch (COLUMN_FIELDS[key]) {
    case 'count':
      if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
        throw badFile(file, key, `must be a non-negative integer (got ${describe(value)})`);
      }
      return value;
    case 'string':
      if (typeof value !== 'string') {
        throw badFile(file, key, `must be text (got ${describe(value)})`);
      }
      return storable(file, key, value);
    case 'time': {
      if (typeof value === 'number') return value;
      const seconds = typeof value === 'string' ? parseIsoTime(value) : undefined;
      if (seconds === undefined) {
        throw badFile(
          file,
          key,
          `must be an ISO 8601 time or epoch seconds (got ${describe(value)})`,
        );
      }
      return seconds;
    }
    case 'name':
      if (value !== file)
        throw badFile(file, key, `must be the file's name (got ${describe(value)})`);
      return value;
  }
}

function customValue(file: string, key: string, value: MetadataValue): CustomValue | undefined {
  if (value === null) return undefined;
  if (typeof value === 'number') return { key, text: null, num: value };
  if (typeof value === 'boolean') return { key, text: String(value), num: null };
  // A time written as text also gets its number, so `field > 2025-01-01` compares times.
  return { key, text: storable(file, key, value), num: parseIsoTime(value) ?? null };
}

function sortedJson(metadata: Readonly<Record<string, MetadataValue>>): string {
  const sorted: Record<string, MetadataValue> = {};
  for (const key of Object.keys(metadata).sort()) sorted[key] = metadata[key] ?? null;
  return JSON.stringify(sorted);
}

/** A file already checked by the DeclaredFile schema, as rows. */
export function normalizeFile(file: DeclaredFile): NormalizedFile {
  const name = storable(file.name, 'name', file.name);
  const columns: StandardColumns = {
    size: file.size ?? null,
    checksum: file.checksum === undefined ? null : storable(name, 'checksum', file.checksum),
    run_number: null,
    subrun_number: null,
    data_tier: null,
    software_version: null,
    event_count: null,
    start_time: null,
    end_time: null,
    create_time: null,
  };
  const custom: CustomValue[] = [];
  const metadata = file.metadata ?? {};
  for (const [key, value] of Object.entries(metadata)) {
    storable(name, key, key);
    if (!isColumnField(key)) {
      const row = customValue(name, key, value);
      if (row !== undefined) custom.push(row);
      continue;
    }
    const typed = columnValue(name, key, value);
    switch (key) {
      case 'file_name':
        break;
      case 'file_size':
        if (typed !== null) columns.size = agree(name, key, 'size', file.size, typed);
        break;
      case 'checksum':
        if (typed !== null) columns.checksum = agree(name, key, 'checksum', file.checksum, typed);
        break;
      case 'run_number':
      case 'subrun_number':
      case 'event_count':
      case 'start_time':
      case 'end_time':
      case 'create_time':
        // count and time fields: columnValue returned a number or null.
        columns[key] = typed as number | null;
        break;
      case 'data_tier':
      case 'software_version':
        columns[key] = typed as string | null;
        break;
    }
  }
  for (const replica of file.replicas ?? []) {
    storable(name, 'replicas', replica.location);
    storable(name, 'replicas', replica.path);
  }
  for (const parent of file.parents ?? []) {
    storable(name, 'parents', parent);
    if (parent === name) throw badFile(name, 'parents', 'a file cannot be its own parent');
  }
  return { name, columns, custom, metadataJson: sortedJson(metadata) };
}

/** `file_size`/`checksum` in metadata and the top-level field must not disagree. */
function agree<T>(file: string, key: string, top: string, given: T | undefined, typed: unknown): T {
  if (given !== undefined && given !== typed) {
    throw badFile(file, key, `is ${describe(typed)} but ${top} is ${describe(given)}`);
  }
  return typed as T;
}

/** What is stored of a file, to compare a new declaration of it with. */
export interface StoredFile {
  name: string;
  size: number | null;
  checksum: string | null;
  metadata: string;
}

/**
 * The first field where a new declaration of a stored file says something else, or undefined if
 * it restates the file (fields it leaves out are not restated: size, checksum, metadata).
 */
export function firstDifference(
  stored: StoredFile,
  declared: DeclaredFile,
  normalized: NormalizedFile,
): { field: string; stored: unknown; declared: unknown } | undefined {
  const metadata = declared.metadata;
  const sizeGiven = declared.size !== undefined || metadata?.file_size !== undefined;
  if (sizeGiven && normalized.columns.size !== stored.size) {
    return { field: 'size', stored: stored.size ?? undefined, declared: normalized.columns.size };
  }
  const checksumGiven = declared.checksum !== undefined || metadata?.checksum !== undefined;
  if (checksumGiven && normalized.columns.checksum !== stored.checksum) {
    return {
      field: 'checksum',
      stored: stored.checksum ?? undefined,
      declared: normalized.columns.checksum,
    };
  }
  if (metadata === undefined || normalized.metadataJson === stored.metadata) return undefined;
  const before = JSON.parse(stored.metadata) as Record<string, MetadataValue>;
  const keys = [...new Set([...Object.keys(before), ...Object.keys(metadata)])].sort();
  for (const key of keys) {
    const was = Object.hasOwn(before, key) ? before[key] : undefined;
    const now = Object.hasOwn(metadata, key) ? metadata[key] : undefined;
    if (!sameValue(key, was, now)) return { field: key, stored: was, declared: now };
  }
  return undefined;
}

function sameValue(
  key: string,
  a: MetadataValue | undefined,
  b: MetadataValue | undefined,
): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a === null || b === null) return false;
  // The same time written as ISO text once and epoch seconds the other time.
  if (isColumnField(key) && COLUMN_FIELDS[key] === 'time') {
    const seconds = (v: MetadataValue) => (typeof v === 'string' ? parseIsoTime(v) : v);
    return seconds(a) === seconds(b);
  }
  return false;
}
