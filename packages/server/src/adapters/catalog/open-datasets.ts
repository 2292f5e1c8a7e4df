/**
 * Datasets as rows, and open datasets (migrations/0009_open_datasets.ts): a named, explicit list
 * of files that grows as files are added, until it is closed. `defname:` of an open dataset reads
 * its members when the query runs (resolve.ts, translate.ts), so it is as live as a saved query.
 */
import { sql, type Kysely, type Selectable } from 'kysely';
import type { DatasetAddResult, DatasetRecord } from '@poms/core';
import { InvalidArgumentError } from '../../ports/errors.ts';
import type { Database, DatasetsTable, SqlDialect } from '../storage/schema.ts';
import * as check from '../storage/repositories/validate.ts';
import { inTransaction } from '../storage/repositories/transaction.ts';
import { DatasetConflictError, notFound } from './errors.ts';
import { isStorableText } from './metadata.ts';

/** Names one call may add: what one HTTP body carries. */
export const MAX_ADD_FILES = 100_000;
/** Names looked up and inserted per statement (one JSON parameter each, not 10^4 bound ones). */
const ADD_BATCH = 10_000;
export const MAX_DESCRIPTION_LENGTH = 1000;

export const DATASET_COLUMNS = [
  'name',
  'kind',
  'query',
  'description',
  'created_at',
  'closed_at',
] as const;

type DatasetRow = Pick<Selectable<DatasetsTable>, (typeof DATASET_COLUMNS)[number]>;

export function toDataset(row: DatasetRow): DatasetRecord {
  return {
    name: row.name,
    kind: row.kind,
    query: row.query,
    description: row.description,
    created_at: row.created_at,
    closed_at: row.closed_at,
  };
}

export async function readDataset(
  db: Kysely<Database>,
  experiment: string,
  name: string,
): Promise<DatasetRecord | undefined> {
  const row = await db
    .selectFrom('datasets')
    .select(DATASET_COLUMNS)
    .where('experiment', '=', experiment)
    .where('name', '=', name)
    .executeTakeFirst();
  return row === undefined ? undefined : toDataset(row);
}

export function descriptionOf(value: unknown): string | null {
  return value === undefined || value === null
    ? null
    : check.verbatim('description', value, MAX_DESCRIPTION_LENGTH);
}

export async function createOpen(
  db: Kysely<Database>,
  experiment: string,
  name: string,
  description: string | null,
  now: string,
): Promise<DatasetRecord> {
  const inserted = await db
    .insertInto('datasets')
    .values({
      experiment,
      name,
      kind: 'open',
      query: '',
      description,
      created_at: now,
      updated_at: now,
      closed_at: null,
    })
    .onConflict((oc) => oc.columns(['experiment', 'name']).doNothing())
    .returning(DATASET_COLUMNS)
    .executeTakeFirst();
  if (inserted !== undefined) return toDataset(inserted);
  const existing = await readDataset(db, experiment, name);
  if (existing === undefined) throw notFound('dataset', name); // dropped meanwhile: not today
  if (existing.kind !== 'open') {
    throw new DatasetConflictError(name, 'is a saved query, not an open dataset');
  }
  return existing;
}

/** Adds files by name, all or nothing; names are checked in the order given. */
export async function addFiles(
  db: Kysely<Database>,
  dialect: SqlDialect,
  experiment: string,
  name: string,
  files: readonly string[],
  now: string,
): Promise<DatasetAddResult> {
  const names = fileNames(files);
  return inTransaction(db, async (trx) => {
    const cdb = trx;
    // On PostgreSQL the row lock orders this against a concurrent close (SQLite has one writer).
    let select = cdb
      .selectFrom('datasets')
      .select(['kind', 'closed_at'])
      .where('experiment', '=', experiment)
      .where('name', '=', name);
    if (dialect === 'postgres') select = select.forUpdate();
    const dataset = await select.executeTakeFirst();
    if (dataset === undefined) throw notFound('dataset', name);
    if (dataset.kind !== 'open') {
      throw new DatasetConflictError(name, 'is a saved query: files cannot be added to it');
    }
    if (dataset.closed_at !== null) {
      throw new DatasetConflictError(
        name,
        `was closed at ${dataset.closed_at}: no more files may be added`,
      );
    }
    const unique = [...new Set(names)];
    let added = 0;
    for (let start = 0; start < unique.length; start += ADD_BATCH) {
      const batch = unique.slice(start, start + ADD_BATCH);
      const list = nameList(dialect, JSON.stringify(batch));
      const found = await sql<{
        name: string;
      }>`select f.name from files as f where f.experiment = ${experiment} and f.name in (${list})`.execute(
        trx,
      );
      if (found.rows.length < batch.length) {
        const known = new Set(found.rows.map((r) => r.name));
        const unknown = batch.find((n) => !known.has(n));
        if (unknown !== undefined) throw notFound('file', unknown);
      }
      // INSERT … SELECT: the ids never leave the database; ON CONFLICT skips files already in it.
      const inserted = await cdb
        .insertInto('dataset_files')
        .columns(['experiment', 'dataset', 'file', 'added_at'])
        .expression(
          sql`select cast(${experiment} as text), cast(${name} as text), f.id, cast(${now} as text) from files as f where f.experiment = ${experiment} and f.name in (${list})`,
        )
        .onConflict((oc) => oc.columns(['experiment', 'dataset', 'file']).doNothing())
        .executeTakeFirstOrThrow();
      added += Number(inserted.numInsertedOrUpdatedRows ?? 0);
    }
    if (added > 0) {
      await cdb
        .updateTable('datasets')
        .set({ updated_at: now })
        .where('experiment', '=', experiment)
        .where('name', '=', name)
        .execute();
    }
    return { added, already: names.length - added };
  });
}

export async function closeOpen(
  db: Kysely<Database>,
  experiment: string,
  name: string,
  now: string,
): Promise<DatasetRecord> {
  await db
    .updateTable('datasets')
    .set({ closed_at: now, updated_at: now })
    .where('experiment', '=', experiment)
    .where('name', '=', name)
    .where('kind', '=', 'open')
    .where('closed_at', 'is', null)
    .execute();
  const record = await readDataset(db, experiment, name);
  if (record === undefined) throw notFound('dataset', name);
  if (record.kind !== 'open') {
    throw new DatasetConflictError(name, 'is a saved query: only an open dataset can be closed');
  }
  return record;
}

function fileNames(files: unknown): string[] {
  if (!Array.isArray(files))
    throw new InvalidArgumentError('files', 'must be a list of file names');
  if (files.length > MAX_ADD_FILES) {
    throw new InvalidArgumentError(
      'files',
      `at most ${MAX_ADD_FILES} names per call (got ${files.length})`,
    );
  }
  files.forEach((name: unknown, i) => {
    if (typeof name !== 'string' || name === '' || !isStorableText(name)) {
      throw new InvalidArgumentError(
        'files',
        `files[${i}] must be a file name (non-empty text without NUL), not ${JSON.stringify(name)}`,
      );
    }
  });
  return files as string[];
}

/** A JSON array of names as a row source of text values. */
function nameList(dialect: SqlDialect, json: string) {
  return dialect === 'sqlite'
    ? sql`select value from json_each(${json})`
    : sql`select jsonb_array_elements_text(cast(${json} as jsonb))`;
}
