/**
 * Bulk declaration: one transaction, a batch of files per statement group, so a call of 10^5
 * files holds no more than one batch of rows beyond its input. The first pass writes each batch's
 * files, experiment-defined fields, replicas and the parent links it can make; a second pass
 * links the parents that came later in the same call, so a parent may come anywhere in the call
 * (or in any earlier one). Only two bytes per input file survive from batch to batch.
 */
import type { Insertable, Transaction } from 'kysely';
import { DeclaredFile, type DeclareResult } from '@poms/core';
import { checkFields, readFields } from './metadata-fields.ts';
import { InvalidArgumentError } from '../../ports/errors.ts';
import type { Database, FileRowId, FilesTable } from '../storage/schema.ts';
import { FileConflictError, badFile } from './errors.ts';
import {
  firstDifference,
  normalizeFile,
  type NormalizedFile,
  type StoredFile,
} from './metadata.ts';

/** Files per batch: 500 rows of `files` are 7,000 bound parameters. */
export const DECLARE_BATCH = 500;
/** Bound parameters per statement: under SQLite's 32,766 (PostgreSQL allows 65,535). */
const MAX_PARAMETERS = 30_000;
/** Names per lookup statement. */
const LOOKUP_NAMES = 1_000;

const CREATED = 0;
const UNCHANGED = 1;
const UPDATED = 2;

type Db = Transaction<Database>;

interface Entry {
  index: number;
  declared: DeclaredFile;
  normalized: NormalizedFile;
}

interface StoredRow extends StoredFile {
  id: FileRowId;
}

export async function declareAll(
  trx: Db,
  experiment: string,
  files: readonly unknown[],
  now: Date,
): Promise<DeclareResult> {
  const fields = await readFields(trx, experiment);
  const context: Context = {
    trx,
    experiment,
    now,
    outcome: new Uint8Array(files.length),
    deferred: new Uint8Array(files.length),
  };
  let next = 0;
  while (next < files.length) {
    const batch: Entry[] = [];
    const names = new Set<string>();
    while (next < files.length && batch.length < DECLARE_BATCH) {
      const declared = parseDeclared(files[next], next);
      checkFields(fields, next, declared.name, declared.metadata);
      // The same name twice: end the batch, so the second meets the first as a stored file.
      if (names.has(declared.name)) break;
      names.add(declared.name);
      batch.push({ index: next, declared, normalized: normalizeFile(declared) });
      next += 1;
    }
    await writeFiles(context, batch);
  }
  for (let start = 0; start < files.length; start += DECLARE_BATCH) {
    await linkDeferred(context, files, start, Math.min(files.length, start + DECLARE_BATCH));
  }
  const result: DeclareResult = { created: 0, unchanged: 0, updated: 0 };
  for (const state of context.outcome) {
    if (state === CREATED) result.created += 1;
    else if (state === UNCHANGED) result.unchanged += 1;
    else result.updated += 1;
  }
  return result;
}

interface Context {
  trx: Db;
  experiment: string;
  now: Date;
  /** What became of each input file: CREATED, UNCHANGED or UPDATED. */
  outcome: Uint8Array;
  /** 1 for input files with a parent that was not declared when their batch was written. */
  deferred: Uint8Array;
}

/** A parent link an input file asks for. */
interface Pair {
  index: number;
  child: string;
  parent: string;
}

function parseDeclared(value: unknown, index: number): DeclaredFile {
  const parsed = DeclaredFile.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const name =
    typeof value === 'object' && value !== null && 'name' in value && typeof value.name === 'string'
      ? ` (${JSON.stringify(value.name)})`
      : '';
  const path = issue?.path.map(String).join('.') ?? '';
  throw new InvalidArgumentError(
    path === '' ? 'files' : path,
    `files[${index}]${name}: ${issue?.message ?? 'is not a file declaration'}`,
  );
}

async function writeFiles(ctx: Context, batch: readonly Entry[]): Promise<void> {
  const { trx, experiment } = ctx;
  const created = new Map<string, FileRowId>();
  const createdAt = ctx.now.toISOString();
  const createTime = ctx.now.getTime() / 1000;
  // Insert first, look up only what was already there: a batch of new files costs no lookup.
  for (const rows of chunks(
    batch.map((e) => fileRow(experiment, e.normalized, createdAt, createTime)),
    14,
  )) {
    const inserted = await trx
      .insertInto('files')
      .values(rows)
      .onConflict((oc) => oc.columns(['experiment', 'name']).doNothing())
      .returning(['id', 'name'])
      .execute();
    for (const row of inserted) created.set(row.name, row.id);
  }
  const known = batch.filter((e) => !created.has(e.declared.name)).map((e) => e.declared.name);
  const stored =
    known.length === 0 ? new Map<string, StoredRow>() : await storedFiles(trx, experiment, known);

  const ids = new Map<string, FileRowId>(created);
  for (const entry of batch) {
    const name = entry.declared.name;
    const row = stored.get(name);
    if (row === undefined) {
      ctx.outcome[entry.index] = CREATED;
      continue;
    }
    const difference = firstDifference(row, entry.declared, entry.normalized);
    if (difference !== undefined) {
      throw new FileConflictError(name, difference.field, difference.stored, difference.declared);
    }
    ctx.outcome[entry.index] = UNCHANGED;
    ids.set(name, row.id);
  }

  const fields = batch.flatMap((e) => {
    const file = created.get(e.declared.name);
    return file === undefined ? [] : e.normalized.custom.map((c) => ({ file, ...c }));
  });
  for (const rows of chunks(fields, 4)) {
    await trx.insertInto('file_metadata').values(rows).execute();
  }

  // Replicas are added, never replaced: a known one is left alone, a new one updates the file.
  const indexById = new Map<string, number>();
  const replicas = batch.flatMap((e) => {
    const file = ids.get(e.declared.name);
    if (file === undefined) return [];
    indexById.set(String(file), e.index);
    return (e.declared.replicas ?? []).map((r) => ({ file, location: r.location, path: r.path }));
  });
  for (const rows of chunks(replicas, 3)) {
    const added = await trx
      .insertInto('replicas')
      .values(rows)
      .onConflict((oc) => oc.doNothing())
      .returning('file')
      .execute();
    for (const { file } of added) markUpdated(ctx.outcome, indexById.get(String(file)));
  }

  const pairs = batch.flatMap((e) =>
    (e.declared.parents ?? []).map((parent) => ({
      index: e.index,
      child: e.declared.name,
      parent,
    })),
  );
  for (const pair of await link(ctx, pairs, ids)) ctx.deferred[pair.index] = 1;
}

/** The parent links of the input files from `start` to `end` whose parents came later. */
async function linkDeferred(
  ctx: Context,
  files: readonly unknown[],
  start: number,
  end: number,
): Promise<void> {
  const pairs: Pair[] = [];
  for (let index = start; index < end; index++) {
    if (ctx.deferred[index] !== 1) continue;
    // Checked by the schema in the first pass.
    const file = files[index] as DeclaredFile;
    for (const parent of file.parents ?? []) pairs.push({ index, child: file.name, parent });
  }
  const [missing] = await link(ctx, pairs, new Map());
  if (missing !== undefined) {
    throw badFile(
      missing.child,
      'parents',
      `parent ${JSON.stringify(missing.parent)} is not declared`,
    );
  }
}

/**
 * Inserts the links whose parent is declared (looking up names not in `known`) and returns the
 * pairs whose parent is not. Existing files that gain a parent become UPDATED.
 */
async function link(
  ctx: Context,
  pairs: readonly Pair[],
  known: ReadonlyMap<string, FileRowId>,
): Promise<Pair[]> {
  if (pairs.length === 0) return [];
  const ids = new Map(known);
  const unknown = [...new Set(pairs.flatMap((p) => [p.child, p.parent]))].filter(
    (name) => !ids.has(name),
  );
  for (let i = 0; i < unknown.length; i += LOOKUP_NAMES) {
    const rows = await ctx.trx
      .selectFrom('files')
      .select(['id', 'name'])
      .where('experiment', '=', ctx.experiment)
      .where('name', 'in', unknown.slice(i, i + LOOKUP_NAMES))
      .execute();
    for (const row of rows) ids.set(row.name, row.id);
  }
  // Which input file asked for each link first: that one gained the parent.
  const indexByLink = new Map<string, number>();
  const missing: Pair[] = [];
  const links: { parent: FileRowId; child: FileRowId }[] = [];
  for (const pair of pairs) {
    const parent = ids.get(pair.parent);
    const child = ids.get(pair.child);
    if (parent === undefined || child === undefined) {
      missing.push(pair);
      continue;
    }
    const key = linkKey(parent, child);
    if (indexByLink.has(key)) continue;
    indexByLink.set(key, pair.index);
    links.push({ parent, child });
  }
  for (const rows of chunks(links, 2)) {
    const added = await ctx.trx
      .insertInto('file_parents')
      .values(rows)
      .onConflict((oc) => oc.doNothing())
      .returning(['parent', 'child'])
      .execute();
    for (const row of added) {
      markUpdated(ctx.outcome, indexByLink.get(linkKey(row.parent, row.child)));
    }
  }
  return missing;
}

const linkKey = (parent: FileRowId, child: FileRowId) => `${parent}:${child}`;

function markUpdated(outcome: Uint8Array, index: number | undefined): void {
  if (index !== undefined && outcome[index] === UNCHANGED) outcome[index] = UPDATED;
}

async function storedFiles(
  trx: Db,
  experiment: string,
  names: readonly string[],
): Promise<Map<string, StoredRow>> {
  const found = new Map<string, StoredRow>();
  for (let i = 0; i < names.length; i += LOOKUP_NAMES) {
    const rows = await trx
      .selectFrom('files')
      .select(['id', 'name', 'size', 'checksum', 'metadata'])
      .where('experiment', '=', experiment)
      .where('name', 'in', names.slice(i, i + LOOKUP_NAMES))
      .execute();
    for (const row of rows) found.set(row.name, row);
  }
  return found;
}

function fileRow(
  experiment: string,
  file: NormalizedFile,
  createdAt: string,
  createTime: number,
): Insertable<FilesTable> {
  return {
    experiment,
    name: file.name,
    ...file.columns,
    create_time: file.columns.create_time ?? createTime,
    metadata: file.metadataJson,
    created_at: createdAt,
  };
}

/** Rows in slices that keep a multi-row INSERT under the bound-parameter limit. */
function* chunks<T>(rows: readonly T[], columns: number): Generator<T[]> {
  const size = Math.floor(MAX_PARAMETERS / columns);
  for (let i = 0; i < rows.length; i += size) yield rows.slice(i, i + size);
}
