/**
 * The embedded catalog: the Catalog port over the store's Kysely instance, one code base for
 * SQLite and PostgreSQL. Queries become SQL (translate.ts) and run where the data is: nothing
 * here loads more of the catalog than one page of files.
 */
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import {
  STANDARD_FIELDS,
  isStandardField,
  type Catalog,
  type Clock,
  type DatasetAddResult,
  type DatasetListOptions,
  type DatasetPage,
  type DatasetRecord,
  type DeclareResult,
  type DeclaredFile,
  type FileDetails,
  type FileRecord,
  type IdSource,
  type MetadataField,
  type MetadataValue,
  type Query,
  type QueryPage,
  type NewSplitSlice,
  type ProducedFile,
  type ProducedFilter,
  type Provenance,
  type ProvenanceOptions,
  type SnapshotListOptions,
  type SnapshotPage,
  type SnapshotRecord,
  type SplitSliceRecord,
  type SplitStateRecord,
} from '@poms/core';
import { InvalidArgumentError } from '../../ports/errors.ts';
import type { Database, FileRowId, SnapshotsTable, SqlDialect } from '../storage/schema.ts';
import * as check from '../storage/repositories/validate.ts';
import { isUniqueViolation } from '../storage/repositories/dialect.ts';
import { inTransaction } from '../storage/repositories/transaction.ts';
import { declareAll } from './declare.ts';
import { deleteField, readFields, writeField } from './metadata-fields.ts';
import { producedFiles, walkProvenance } from './provenance.ts';
import { DatasetConflictError, notFound } from './errors.ts';
import { isStorableText } from './metadata.ts';
import {
  DATASET_COLUMNS,
  addFiles,
  closeOpen,
  createOpen,
  descriptionOf,
  readDataset,
  toDataset,
} from './open-datasets.ts';
import { parseQueryText } from './query-text.ts';
import { resolveQuery, type ResolveOptions } from './resolve.ts';
import {
  advanceSplit,
  readSplitSlices,
  readSplitState,
  rewindSlices,
  staleSplit,
  toSliceRecord,
} from './split-state.ts';
import type { ResolvedQuery } from './resolved.ts';
import { STANDARD_COLUMNS, fileFilter, fileIds, type TranslateContext } from './translate.ts';

export const DEFAULT_FILE_PAGE = 1000;
export const MAX_FILE_PAGE = 10_000;
/** Dataset names: what `defname:` can name. */
export const DATASET_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const SNAPSHOT_PREFIX = 'snp_';

export interface KyselyCatalogOptions {
  readonly dialect: SqlDialect;
  readonly clock: Clock;
  readonly ids: IdSource;
}

type FileRow = Pick<
  Selectable<Database['files']>,
  'name' | 'size' | 'checksum' | 'metadata' | 'created_at'
>;

const FILE_COLUMNS = ['f.name', 'f.size', 'f.checksum', 'f.metadata', 'f.created_at'] as const;

function toFileRecord(row: FileRow): FileRecord {
  return {
    name: row.name,
    size: row.size,
    checksum: row.checksum,
    metadata: JSON.parse(row.metadata) as Record<string, MetadataValue>,
    created_at: row.created_at,
  };
}

function toSnapshot(row: Selectable<SnapshotsTable>): SnapshotRecord {
  return {
    id: row.id,
    dataset: row.dataset,
    query: row.query,
    owner: row.owner,
    file_count: row.file_count,
    created_at: row.created_at,
  };
}

export class KyselyCatalog implements Catalog {
  readonly #db: Kysely<Database>;
  readonly #dialect: SqlDialect;
  readonly #clock: Clock;
  readonly #ids: IdSource;

  constructor(db: Kysely<Database>, options: KyselyCatalogOptions) {
    this.#db = db;
    this.#dialect = options.dialect;
    this.#clock = options.clock;
    this.#ids = options.ids;
  }

  async declareFiles(experiment: string, files: readonly DeclaredFile[]): Promise<DeclareResult> {
    if (!Array.isArray(files)) throw new InvalidArgumentError('files', 'must be an array');
    await this.#requireExperiment(experiment);
    if (files.length === 0) return { created: 0, unchanged: 0, updated: 0 };
    const now = this.#clock.now();
    const result = await inTransaction(this.#db, (trx) =>
      declareAll(trx, experiment, files as readonly unknown[], now),
    );
    if (this.#dialect === 'sqlite' && result.created > 0) await refreshSqliteStatistics(this.#db);
    return result;
  }

  async metadataFields(experiment: string): Promise<MetadataField[]> {
    await this.#requireExperiment(experiment);
    return readFields(this.#db, experiment);
  }

  async defineMetadataField(experiment: string, field: MetadataField): Promise<MetadataField> {
    await this.#requireExperiment(experiment);
    return writeField(this.#db, experiment, field, this.#clock.now());
  }

  async dropMetadataField(experiment: string, name: string): Promise<void> {
    await this.#requireExperiment(experiment);
    await deleteField(this.#db, experiment, name);
  }

  async provenance(
    experiment: string,
    name: string,
    options: ProvenanceOptions,
  ): Promise<Provenance> {
    const root = await this.#fileRow(experiment, name);
    return walkProvenance(this.#db, experiment, root, options);
  }

  async producedFiles(
    experiment: string,
    filter: ProducedFilter,
    page?: { limit?: number; offset?: number },
  ): Promise<{ items: ProducedFile[]; total: number }> {
    await this.#requireExperiment(experiment);
    return producedFiles(this.#db, experiment, filter, page);
  }

  async #fileRow(experiment: string, name: string): Promise<{ id: FileRowId; name: string }> {
    await this.#requireExperiment(experiment);
    if (typeof name !== 'string' || !isStorableText(name)) throw notFound('file', String(name));
    const row = await this.#db
      .selectFrom('files')
      .select(['id', 'name'])
      .where('experiment', '=', experiment)
      .where('name', '=', name)
      .executeTakeFirst();
    if (row === undefined) throw notFound('file', name);
    return row;
  }

  async getFile(experiment: string, name: string): Promise<FileDetails> {
    await this.#requireExperiment(experiment);
    if (typeof name !== 'string' || !isStorableText(name)) throw notFound('file', String(name));
    const row = await this.#db
      .selectFrom('files as f')
      .select(['f.id', ...FILE_COLUMNS])
      .where('f.experiment', '=', experiment)
      .where('f.name', '=', name)
      .executeTakeFirst();
    if (row === undefined) throw notFound('file', name);
    const [parents, children, replicas] = await Promise.all([
      this.#db
        .selectFrom('file_parents as fp')
        .innerJoin('files as p', 'p.id', 'fp.parent')
        .select('p.name')
        .where('fp.child', '=', row.id)
        .orderBy('p.name')
        .execute(),
      this.#db
        .selectFrom('file_parents as fp')
        .innerJoin('files as c', 'c.id', 'fp.child')
        .select('c.name')
        .where('fp.parent', '=', row.id)
        .orderBy('c.name')
        .execute(),
      this.#db
        .selectFrom('replicas')
        .select(['location', 'path'])
        .where('file', '=', row.id)
        .orderBy('location')
        .orderBy('path')
        .execute(),
    ]);
    return {
      ...toFileRecord(row),
      parents: parents.map((p) => p.name),
      children: children.map((c) => c.name),
      replicas,
    };
  }

  async queryFiles(
    experiment: string,
    query: Query,
    page: { limit?: number; after?: string | null } = {},
  ): Promise<QueryPage> {
    const limit = pageLimit(page.limit);
    const after = page.after ?? null;
    if (after !== null && (typeof after !== 'string' || !isStorableText(after))) {
      throw new InvalidArgumentError('after', 'must be a file name from an earlier page');
    }
    const ctx = await this.#context(experiment);
    const resolved = await this.#resolve(experiment, query);
    let select = this.#db
      .selectFrom('files as f')
      .select(FILE_COLUMNS)
      .where('f.experiment', '=', experiment)
      .where(fileFilter(resolved, ctx));
    if (after !== null) select = select.where('f.name', '>', after);
    const rows = await select
      .orderBy('f.name')
      .limit(limit + 1)
      .execute();
    const files = rows.slice(0, limit).map(toFileRecord);
    const last = files.at(-1);
    return { files, next: rows.length > limit && last !== undefined ? last.name : null };
  }

  async countFiles(experiment: string, query: Query): Promise<number> {
    const ctx = await this.#context(experiment);
    const resolved = await this.#resolve(experiment, query);
    const row = await this.#db
      .selectFrom('files as f')
      .select((eb) => eb.fn.countAll<string | number | bigint>().as('n'))
      .where('f.experiment', '=', experiment)
      .where(fileFilter(resolved, ctx))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async minValue(experiment: string, query: Query, field: string): Promise<number | null> {
    if (typeof field !== 'string' || field === '' || !isStorableText(field)) {
      throw new InvalidArgumentError('field', 'must be a field name');
    }
    if (isStandardField(field) && STANDARD_FIELDS[field] === 'string') {
      throw new InvalidArgumentError('field', `${field} is text: it has no smallest number`);
    }
    const ctx = await this.#context(experiment);
    const resolved = await this.#resolve(experiment, query);
    const row = isStandardField(field)
      ? await this.#db
          .selectFrom('files as f')
          .select(sql<number | null>`min(${sql.ref(`f.${STANDARD_COLUMNS[field]}`)})`.as('v'))
          .where('f.experiment', '=', experiment)
          .where(fileFilter(resolved, ctx))
          .executeTakeFirstOrThrow()
      : await this.#db
          .selectFrom('file_metadata as m')
          .select(sql<number | null>`min(m.num)`.as('v'))
          .where('m.key', '=', field)
          .where(sql<boolean>`m.file in (${fileIds(resolved, ctx)})`)
          .executeTakeFirstOrThrow();
    return row.v === null ? null : Number(row.v);
  }

  async defineDataset(experiment: string, name: string, query: string): Promise<DatasetRecord> {
    const datasetName = datasetNameOf(name);
    const parsed = parseQueryText(query);
    await this.#requireExperiment(experiment);
    // Expanding the new definition as if saved finds unknown datasets and cycles through it.
    await this.#resolve(experiment, parsed, { within: [datasetName], snapshots: false });
    const now = this.#clock.now().toISOString();
    const row = await this.#db
      .insertInto('datasets')
      .values({
        experiment,
        name: datasetName,
        kind: 'query',
        query,
        description: null,
        created_at: now,
        updated_at: now,
        closed_at: null,
      })
      .onConflict((oc) =>
        oc
          .columns(['experiment', 'name'])
          .doUpdateSet({ query, updated_at: now })
          // An open dataset keeps its files: it is never silently turned into a query.
          .where('datasets.kind', '=', 'query'),
      )
      .returning(DATASET_COLUMNS)
      .executeTakeFirst();
    if (row === undefined) {
      throw new DatasetConflictError(datasetName, 'is an open dataset: it cannot become a query');
    }
    return toDataset(row);
  }

  async createOpenDataset(
    experiment: string,
    name: string,
    options: { description?: string } = {},
  ): Promise<DatasetRecord> {
    const datasetName = datasetNameOf(name);
    const description = descriptionOf(options.description);
    await this.#requireExperiment(experiment);
    return createOpen(
      this.#db,
      experiment,
      datasetName,
      description,
      this.#clock.now().toISOString(),
    );
  }

  async addToDataset(
    experiment: string,
    name: string,
    files: readonly string[],
  ): Promise<DatasetAddResult> {
    await this.#requireExperiment(experiment);
    if (typeof name !== 'string' || !DATASET_NAME_PATTERN.test(name)) {
      throw notFound('dataset', String(name));
    }
    return addFiles(
      this.#db,
      this.#dialect,
      experiment,
      name,
      files,
      this.#clock.now().toISOString(),
    );
  }

  async closeDataset(experiment: string, name: string): Promise<DatasetRecord> {
    await this.#requireExperiment(experiment);
    if (typeof name !== 'string' || !DATASET_NAME_PATTERN.test(name)) {
      throw notFound('dataset', String(name));
    }
    return closeOpen(this.#db, experiment, name, this.#clock.now().toISOString());
  }

  async getDataset(experiment: string, name: string): Promise<DatasetRecord> {
    await this.#requireExperiment(experiment);
    if (typeof name !== 'string' || !DATASET_NAME_PATTERN.test(name)) {
      throw notFound('dataset', String(name));
    }
    const record = await readDataset(this.#db, experiment, name);
    if (record === undefined) throw notFound('dataset', name);
    return record;
  }

  async listDatasets(experiment: string, options: DatasetListOptions = {}): Promise<DatasetPage> {
    const limit = check.pageLimit(options.limit);
    const offset = check.pageOffset(options.offset);
    const contains =
      options.nameContains === undefined
        ? ''
        : check.verbatim('nameContains', options.nameContains, 200);
    await this.#requireExperiment(experiment);
    let filtered = this.#db.selectFrom('datasets').where('experiment', '=', experiment);
    if (options.kind !== undefined) {
      if (options.kind !== 'query' && options.kind !== 'open') {
        throw new InvalidArgumentError('kind', "must be 'query' or 'open'");
      }
      filtered = filtered.where('kind', '=', options.kind);
    }
    if (contains !== '') {
      // lower() + LIKE: the same on SQLite (case-insensitive LIKE) and PostgreSQL (case-sensitive).
      const pattern = `%${contains.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      filtered = filtered.where(
        sql<boolean>`lower(${sql.ref('name')}) like ${pattern} escape '\\'`,
      );
    }
    const [counted, rows] = await Promise.all([
      filtered
        .select((eb) => eb.fn.countAll<string | number | bigint>().as('n'))
        .executeTakeFirstOrThrow(),
      filtered.select(DATASET_COLUMNS).orderBy('name').limit(limit).offset(offset).execute(),
    ]);
    return { items: rows.map(toDataset), total: Number(counted.n) };
  }

  async snapshot(
    experiment: string,
    query: Query,
    options: { queryText: string; dataset?: string; owner?: string },
  ): Promise<SnapshotRecord> {
    const queryText = check.verbatim('queryText', options.queryText, 100_000);
    const owner = options.owner === undefined ? null : check.label('owner', options.owner);
    const ctx = await this.#context(experiment);
    const dataset = options.dataset === undefined ? null : options.dataset;
    // An open dataset has no query text: its snapshot records `defname:`, what it froze.
    const text =
      dataset !== null && (await this.getDataset(experiment, dataset)).kind === 'open'
        ? queryText || `defname: ${dataset}`
        : queryText;
    const resolved = await this.#resolve(experiment, query);
    const id: string = this.#ids.next('snapshot');
    const created_at = this.#clock.now().toISOString();
    const row = { id, experiment, dataset, query: text, owner, file_count: 0, created_at };
    const file_count = await inTransaction(this.#db, (trx) =>
      insertSnapshot(trx, row, resolved, ctx),
    );
    return toSnapshot({ ...row, file_count });
  }

  async splitState(experiment: string, owner: string): Promise<SplitStateRecord> {
    await this.#requireExperiment(experiment);
    return readSplitState(this.#db, experiment, check.label('owner', owner));
  }

  async splitSlices(experiment: string, owner: string): Promise<SplitSliceRecord[]> {
    await this.#requireExperiment(experiment);
    return readSplitSlices(this.#db, experiment, check.label('owner', owner));
  }

  async recordSlice(
    experiment: string,
    owner: string,
    slice: NewSplitSlice,
  ): Promise<SplitSliceRecord> {
    const splitOwner = check.label('owner', owner);
    const ctx = await this.#context(experiment);
    const resolved =
      slice.query === undefined ? undefined : await this.#resolve(experiment, slice.query);
    const now = this.#clock.now().toISOString();
    const seq = slice.expectedSlices + 1;
    try {
      return await inTransaction(this.#db, async (trx) => {
        let snapshot: string | null = null;
        let file_count = 0;
        if (resolved !== undefined) {
          snapshot = this.#ids.next('snapshot');
          const queryText = check.verbatim('queryText', slice.queryText, 100_000);
          const row = {
            id: snapshot,
            experiment,
            dataset: null,
            query: queryText,
            owner: splitOwner,
            file_count: 0,
            created_at: now,
          };
          file_count = await insertSnapshot(trx, row, resolved, ctx);
        }
        const record = {
          experiment,
          owner: splitOwner,
          seq,
          snapshot,
          parameter: slice.parameter ?? null,
          label: slice.label,
          file_count,
          cursor: JSON.stringify(slice.cursor),
          created_at: now,
        };
        await trx.insertInto('split_slices').values(record).execute();
        await advanceSplit(
          trx,
          { experiment, owner: splitOwner, spec: slice.spec, cursor: slice.cursor, now },
          slice.expectedSlices,
          seq,
        );
        return toSliceRecord(record);
      });
    } catch (error) {
      // Another launch recorded this slice number first.
      if (isUniqueViolation(error)) throw staleSplit(splitOwner, slice.expectedSlices);
      throw error;
    }
  }

  async rewindSplit(experiment: string, owner: string, toSeq: number): Promise<SplitStateRecord> {
    const splitOwner = check.label('owner', owner);
    await this.#requireExperiment(experiment);
    const now = this.#clock.now().toISOString();
    return inTransaction(this.#db, async (trx) => {
      const { state, droppedSnapshots } = await rewindSlices(
        trx,
        experiment,
        splitOwner,
        toSeq,
        now,
      );
      if (droppedSnapshots.length > 0) {
        await trx.deleteFrom('snapshot_files').where('snapshot', 'in', droppedSnapshots).execute();
        await trx.deleteFrom('snapshots').where('id', 'in', droppedSnapshots).execute();
      }
      return state;
    });
  }

  async getSnapshot(experiment: string, ref: string): Promise<SnapshotRecord> {
    await this.#requireExperiment(experiment);
    const row = await this.#findSnapshot(experiment, ref);
    if (row === undefined) throw notFound('snapshot', String(ref));
    return toSnapshot(row);
  }

  async listSnapshots(
    experiment: string,
    options: SnapshotListOptions = {},
  ): Promise<SnapshotPage> {
    const limit = check.pageLimit(options.limit);
    const offset = check.pageOffset(options.offset);
    const dataset =
      options.dataset === undefined ? undefined : check.verbatim('dataset', options.dataset, 200);
    await this.#requireExperiment(experiment);
    let filtered = this.#db.selectFrom('snapshots').where('experiment', '=', experiment);
    if (dataset !== undefined) filtered = filtered.where('dataset', '=', dataset);
    const [counted, rows] = await Promise.all([
      filtered
        .select((eb) => eb.fn.countAll<string | number | bigint>().as('n'))
        .executeTakeFirstOrThrow(),
      // Newest first; ids are time-ordered, so they break ties within one millisecond.
      filtered
        .selectAll()
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .offset(offset)
        .execute(),
    ]);
    return { items: rows.map(toSnapshot), total: Number(counted.n) };
  }

  async dropOwnedSnapshots(
    experiment: string,
    owner: string,
    after: string | null,
  ): Promise<number> {
    await this.#requireExperiment(experiment);
    if (typeof owner !== 'string' || !isStorableText(owner)) return 0;
    return inTransaction(this.#db, async (trx) => {
      let mark: { created_at: string; id: string } | undefined;
      if (after !== null) {
        mark = await trx
          .selectFrom('snapshots')
          .select(['created_at', 'id'])
          .where('experiment', '=', experiment)
          .where('owner', '=', owner)
          .where('id', '=', after)
          .executeTakeFirst();
        if (mark === undefined) throw notFound('snapshot', String(after));
      }
      let doomed = trx
        .selectFrom('snapshots')
        .select('id')
        .where('experiment', '=', experiment)
        .where('owner', '=', owner);
      if (mark !== undefined) {
        const { created_at, id } = mark;
        doomed = doomed.where((eb) =>
          eb.or([
            eb('created_at', '>', created_at),
            eb.and([eb('created_at', '=', created_at), eb('id', '>', id)]),
          ]),
        );
      }
      await trx.deleteFrom('snapshot_files').where('snapshot', 'in', doomed).execute();
      const deleted = await trx
        .deleteFrom('snapshots')
        .where('id', 'in', doomed)
        .executeTakeFirstOrThrow();
      return Number(deleted.numDeletedRows);
    });
  }

  async #findSnapshot(experiment: string, ref: string) {
    if (typeof ref !== 'string' || !isStorableText(ref) || ref === '') return undefined;
    const snapshots = this.#db
      .selectFrom('snapshots')
      .selectAll()
      .where('experiment', '=', experiment);
    if (ref.startsWith(SNAPSHOT_PREFIX)) {
      return snapshots.where('id', '=', ref).executeTakeFirst();
    }
    return snapshots
      .where('dataset', '=', ref)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
  }

  #resolve(experiment: string, query: Query, options?: ResolveOptions): Promise<ResolvedQuery> {
    return resolveQuery(
      query,
      {
        dataset: async (name) => {
          const row = await this.#db
            .selectFrom('datasets')
            .select(['kind', 'query'])
            .where('experiment', '=', experiment)
            .where('name', '=', name)
            .executeTakeFirst();
          if (row === undefined) return undefined;
          return row.kind === 'open' ? { kind: 'open' } : { kind: 'query', query: row.query };
        },
        snapshotId: async (ref) => (await this.#findSnapshot(experiment, ref))?.id,
        parse: (text) => parseQueryText(text),
      },
      options,
    );
  }

  async #context(experiment: string): Promise<TranslateContext> {
    await this.#requireExperiment(experiment);
    return { dialect: this.#dialect, experiment };
  }

  async #requireExperiment(name: string): Promise<void> {
    if (!check.canBeExperimentName(name)) throw notFound('experiment', String(name));
    const found = await this.#db
      .selectFrom('experiments')
      .select('name')
      .where('name', '=', name)
      .executeTakeFirst();
    if (found === undefined) throw notFound('experiment', name);
  }
}

/** Freezes the resolved query's files under a snapshot row; returns how many. */
async function insertSnapshot(
  trx: Transaction<Database>,
  row: Selectable<SnapshotsTable>,
  resolved: ResolvedQuery,
  ctx: TranslateContext,
): Promise<number> {
  await trx.insertInto('snapshots').values(row).execute();
  // INSERT … SELECT: the file list never leaves the database.
  const inserted = await trx
    .insertInto('snapshot_files')
    .columns(['snapshot', 'file', 'position'])
    .expression(
      sql`select cast(${row.id} as text), f.id, row_number() over (order by f.name) from files as f where f.experiment = ${row.experiment} and ${fileFilter(resolved, ctx)}`,
    )
    .executeTakeFirstOrThrow();
  const count = Number(inserted.numInsertedOrUpdatedRows ?? 0);
  await trx.updateTable('snapshots').set({ file_count: count }).where('id', '=', row.id).execute();
  return count;
}

/**
 * Without statistics SQLite takes `experiment = ?` for a selective condition and scans a whole
 * experiment's files instead of starting from the few a metadata, parentage or time index finds
 * (10-30x slower at 10^5 files). `optimize` analyzes only tables never analyzed or grown or
 * shrunk 25-fold since, so the cost is amortized over geometric growth and most declarations
 * pay nothing; a full analysis (no analysis_limit) also samples value distributions (stat4),
 * which one-sided time ranges need. PostgreSQL's autovacuum keeps its own statistics.
 */
async function refreshSqliteStatistics(db: Kysely<Database>): Promise<void> {
  await sql`pragma optimize = 0x10002`.execute(db);
}

function pageLimit(value: unknown): number {
  if (value === undefined) return DEFAULT_FILE_PAGE;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_FILE_PAGE) {
    throw new InvalidArgumentError('limit', `must be an integer from 1 to ${MAX_FILE_PAGE}`);
  }
  return value;
}

function datasetNameOf(name: unknown): string {
  if (typeof name !== 'string' || !DATASET_NAME_PATTERN.test(name)) {
    throw new InvalidArgumentError(
      'name',
      `dataset names are 1-128 characters A-Z a-z 0-9 . _ -, starting with a letter or digit (got ${JSON.stringify(name)})`,
    );
  }
  return name;
}
