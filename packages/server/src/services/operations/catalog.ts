// The experiment's catalog on behalf of a caller: anyone of the experiment reads it (files,
// datasets, snapshots); declaring files and defining datasets and snapshots needs catalog.write.
// Query text is parsed here, so a mistake answers 400 with its code and column.
import type {
  DatasetAddResult,
  DatasetListOptions,
  DatasetPage,
  DatasetRecord,
  DeclareResult,
  DeclaredFile,
  FileDetails,
  MetadataField,
  ProducedFile,
  ProducedFilter,
  Provenance,
  ProvenanceOptions,
  Query,
  QueryPage,
  SnapshotListOptions,
  SnapshotPage,
  SnapshotRecord,
} from '@poms/core';
import { parseQuery } from '@poms/core/query';
import { NotFoundError } from '../../ports/errors.ts';
import type { Store } from '../../ports/store.ts';
import type { AccessService, Caller } from '../access.ts';
import { recordChange } from './audit.ts';

/** Query text that does not parse: `query.*` code, and the 1-based column in the message. */
export class QueryTextError extends Error {
  constructor(
    readonly code: string,
    readonly field: string,
    message: string,
    readonly details: { column: number; end_column: number },
  ) {
    super(message);
  }
}

/** Parses query text, or throws QueryTextError naming the input (`query.query`, `body.query`). */
export function queryOf(text: string, field: string): Query {
  const parsed = parseQuery(text);
  if (parsed.ok) return parsed.query;
  const { code, message, column, endColumn } = parsed.error;
  throw new QueryTextError(code, field, `${field}:1:${column + 1}: ${message}`, {
    column: column + 1,
    end_column: endColumn + 1,
  });
}

export class CatalogOperations {
  constructor(
    private readonly store: Store,
    private readonly access: AccessService,
  ) {}

  /** The experiment's own metadata fields. */
  async metadataFields(caller: Caller, experiment: string): Promise<MetadataField[]> {
    this.access.check(caller, 'view', { experiment });
    return this.store.catalog.metadataFields(experiment);
  }

  /** Defines or redefines a field; later declarations are checked against it. */
  async defineMetadataField(
    caller: Caller,
    experiment: string,
    field: MetadataField,
  ): Promise<MetadataField> {
    this.access.check(caller, 'catalog.write', { experiment });
    return this.store.transaction(async (tx) => {
      const before = (await tx.catalog.metadataFields(experiment)).find(
        (f) => f.name === field.name,
      );
      const saved = await tx.catalog.defineMetadataField(experiment, field);
      await recordChange(tx, caller, {
        experiment,
        action: 'metadata-field.define',
        objectType: 'metadata-field',
        objectId: field.name,
        summary: `${before === undefined ? 'defined' : 'redefined'} metadata field ${field.name} (${field.type}${field.required ? ', required' : ''})`,
        ...(before === undefined ? {} : { before }),
        after: saved,
      });
      return saved;
    });
  }

  async dropMetadataField(caller: Caller, experiment: string, name: string): Promise<void> {
    this.access.check(caller, 'catalog.write', { experiment });
    await this.store.transaction(async (tx) => {
      const before = (await tx.catalog.metadataFields(experiment)).find((f) => f.name === name);
      await tx.catalog.dropMetadataField(experiment, name);
      await recordChange(tx, caller, {
        experiment,
        action: 'metadata-field.drop',
        objectType: 'metadata-field',
        objectId: name,
        summary: `dropped metadata field ${name}`,
        ...(before === undefined ? {} : { before }),
      });
    });
  }

  /** Declares files in bulk, all or nothing; declaring the same files again changes nothing. */
  async declare(
    caller: Caller,
    experiment: string,
    files: readonly DeclaredFile[],
  ): Promise<DeclareResult> {
    this.access.check(caller, 'catalog.write', { experiment });
    const first = files[0]?.name ?? '';
    const last = files.at(-1)?.name ?? '';
    return this.store.transaction(async (tx) => {
      const result = await tx.catalog.declareFiles(experiment, files);
      await recordChange(tx, caller, {
        experiment,
        action: 'files.declare',
        objectType: 'catalog',
        objectId: experiment,
        summary: `declared ${files.length} files (${first}${files.length > 1 ? ` … ${last}` : ''}): ${result.created} new, ${result.updated} updated, ${result.unchanged} unchanged`,
        after: result,
      });
      return result;
    });
  }

  async query(
    caller: Caller,
    experiment: string,
    text: string,
    page: { limit?: number | undefined; after?: string | undefined },
  ): Promise<QueryPage> {
    this.access.check(caller, 'view', { experiment });
    const query = queryOf(text, 'query.query');
    return this.store.catalog.queryFiles(experiment, query, {
      ...(page.limit === undefined ? {} : { limit: page.limit }),
      ...(page.after === undefined ? {} : { after: page.after }),
    });
  }

  async count(caller: Caller, experiment: string, text: string): Promise<{ count: number }> {
    this.access.check(caller, 'view', { experiment });
    const query = queryOf(text, 'query.query');
    return { count: await this.store.catalog.countFiles(experiment, query) };
  }

  /**
   * Provenance: the files a file was made from (ancestors) or that were made from it
   * (descendants), to any depth, each with the submission (campaign revision, stage, job) that
   * produced it, and the parentage links among them.
   */
  async provenance(
    caller: Caller,
    experiment: string,
    name: string,
    options: ProvenanceOptions,
  ): Promise<Provenance> {
    this.access.check(caller, 'view', { experiment });
    return this.store.catalog.provenance(experiment, name, options);
  }

  /** The files a campaign produced, optionally of one revision, stage or submission. */
  async produced(
    caller: Caller,
    experiment: string,
    campaign: string,
    filter: Omit<ProducedFilter, 'campaign_id'>,
    page: { limit?: number; offset?: number },
  ): Promise<{ items: ProducedFile[]; total: number }> {
    this.access.check(caller, 'view', { experiment });
    const record = await this.store.campaigns.get(experiment, campaign);
    return this.store.catalog.producedFiles(
      experiment,
      { ...filter, campaign_id: record.id },
      page,
    );
  }

  /** A file with its metadata, parents, children and replicas. */
  async file(caller: Caller, experiment: string, name: string): Promise<FileDetails> {
    this.access.check(caller, 'view', { experiment });
    return this.store.catalog.getFile(experiment, name);
  }

  /**
   * Records a replica of a declared file (a copy at a storage location). Never declares a file:
   * an unknown name is a not-found. Idempotent: a replica already known changes nothing and is
   * not audited again.
   */
  async locate(
    caller: Caller,
    experiment: string,
    name: string,
    replica: { location: string; path: string },
  ): Promise<{ name: string; added: boolean; replicas: FileDetails['replicas'] }> {
    this.access.check(caller, 'catalog.write', { experiment });
    return this.store.transaction(async (tx) => {
      const before = await tx.catalog.getFile(experiment, name);
      const result = await tx.catalog.declareFiles(experiment, [{ name, replicas: [replica] }]);
      const added = result.updated > 0;
      const after = added ? await tx.catalog.getFile(experiment, name) : before;
      if (added) {
        await recordChange(tx, caller, {
          experiment,
          action: 'file.locate',
          objectType: 'file',
          objectId: name,
          summary: `located ${name} at ${replica.location}: ${replica.path}`,
          before: { replicas: before.replicas },
          after: { replicas: after.replicas },
        });
      }
      return { name, added, replicas: after.replicas };
    });
  }

  /** The experiment's datasets by name, a page at a time (paged and counted in SQL). */
  async datasets(
    caller: Caller,
    experiment: string,
    options: DatasetListOptions = {},
  ): Promise<DatasetPage> {
    this.access.check(caller, 'view', { experiment });
    return this.store.catalog.listDatasets(experiment, options);
  }

  /** A dataset with how many files it selects now. */
  async dataset(
    caller: Caller,
    experiment: string,
    name: string,
  ): Promise<DatasetRecord & { file_count: number }> {
    this.access.check(caller, 'view', { experiment });
    const dataset = await this.store.catalog.getDataset(experiment, name);
    const count = await this.store.catalog.countFiles(experiment, { type: 'defname', name });
    return { ...dataset, file_count: count };
  }

  /** Saves a query under a name: a live definition that grows with the catalog. */
  async defineDataset(
    caller: Caller,
    experiment: string,
    name: string,
    text: string,
  ): Promise<DatasetRecord & { file_count: number }> {
    this.access.check(caller, 'catalog.write', { experiment });
    queryOf(text, 'body.query');
    return this.store.transaction(async (tx) => {
      const dataset = await tx.catalog.defineDataset(experiment, name, text);
      const count = await tx.catalog.countFiles(experiment, { type: 'defname', name });
      await recordChange(tx, caller, {
        experiment,
        action: 'dataset.define',
        objectType: 'dataset',
        objectId: name,
        summary: `defined dataset ${name}: ${text}`,
        after: { query: text },
      });
      return { ...dataset, file_count: count };
    });
  }

  /** Creates an open dataset (idempotent): an explicit list of files that grows until closed. */
  async createOpenDataset(
    caller: Caller,
    experiment: string,
    name: string,
    description?: string,
  ): Promise<DatasetRecord & { file_count: number }> {
    this.access.check(caller, 'catalog.write', { experiment });
    return this.store.transaction(async (tx) => {
      const existed = await tx.catalog.getDataset(experiment, name).then(
        () => true,
        (error: unknown) => {
          if (error instanceof NotFoundError && error.entity === 'dataset') return false;
          throw error;
        },
      );
      const dataset = await tx.catalog.createOpenDataset(
        experiment,
        name,
        description === undefined ? {} : { description },
      );
      const count = await tx.catalog.countFiles(experiment, { type: 'defname', name });
      if (!existed) {
        await recordChange(tx, caller, {
          experiment,
          action: 'dataset.open',
          objectType: 'dataset',
          objectId: name,
          summary: `created open dataset ${name}`,
          after: { kind: 'open', description: dataset.description },
        });
      }
      return { ...dataset, file_count: count };
    });
  }

  /** Adds catalog files to an open dataset, all or nothing. */
  async addToDataset(
    caller: Caller,
    experiment: string,
    name: string,
    files: readonly string[],
  ): Promise<DatasetAddResult> {
    this.access.check(caller, 'catalog.write', { experiment });
    return this.store.transaction(async (tx) => {
      const result = await tx.catalog.addToDataset(experiment, name, files);
      const first = files[0] ?? '';
      const last = files.at(-1) ?? '';
      await recordChange(tx, caller, {
        experiment,
        action: 'dataset.add-files',
        objectType: 'dataset',
        objectId: name,
        summary: `added files to dataset ${name} (${first}${files.length > 1 ? ` … ${last}` : ''}): ${result.added} new, ${result.already} already in it`,
        after: result,
      });
      return result;
    });
  }

  /** Closes an open dataset: no more files may be added (idempotent). */
  async closeDataset(
    caller: Caller,
    experiment: string,
    name: string,
  ): Promise<DatasetRecord & { file_count: number }> {
    this.access.check(caller, 'catalog.write', { experiment });
    return this.store.transaction(async (tx) => {
      const before = await tx.catalog.getDataset(experiment, name);
      const dataset = await tx.catalog.closeDataset(experiment, name);
      const count = await tx.catalog.countFiles(experiment, { type: 'defname', name });
      if (before.closed_at === null) {
        await recordChange(tx, caller, {
          experiment,
          action: 'dataset.close',
          objectType: 'dataset',
          objectId: name,
          summary: `closed dataset ${name}: ${count} files`,
          after: { closed_at: dataset.closed_at, file_count: count },
        });
      }
      return { ...dataset, file_count: count };
    });
  }

  /** Freezes the current files of a query or of a named dataset. */
  async snapshot(
    caller: Caller,
    experiment: string,
    input: { query?: string | undefined; dataset?: string | undefined },
  ): Promise<SnapshotRecord> {
    this.access.check(caller, 'catalog.write', { experiment });
    const query =
      input.dataset === undefined ? queryOf(input.query ?? '', 'body.query') : undefined;
    return this.store.transaction(async (tx) => {
      let snapshot: SnapshotRecord;
      if (input.dataset !== undefined) {
        const dataset = await tx.catalog.getDataset(experiment, input.dataset);
        snapshot = await tx.catalog.snapshot(
          experiment,
          { type: 'defname', name: dataset.name },
          {
            queryText: dataset.kind === 'open' ? `defname: ${dataset.name}` : dataset.query,
            dataset: dataset.name,
          },
        );
      } else {
        snapshot = await tx.catalog.snapshot(experiment, query!, { queryText: input.query ?? '' });
      }
      await recordChange(tx, caller, {
        experiment,
        action: 'snapshot.create',
        objectType: 'snapshot',
        objectId: snapshot.id,
        summary: `snapshot ${snapshot.id} of ${snapshot.dataset ?? snapshot.query}: ${snapshot.file_count} files`,
        after: {
          dataset: snapshot.dataset,
          query: snapshot.query,
          file_count: snapshot.file_count,
        },
      });
      return snapshot;
    });
  }

  /** Snapshots newest first (of one dataset when asked), a page at a time. */
  async snapshots(
    caller: Caller,
    experiment: string,
    options: SnapshotListOptions = {},
  ): Promise<SnapshotPage> {
    this.access.check(caller, 'view', { experiment });
    return this.store.catalog.listSnapshots(experiment, options);
  }

  async getSnapshot(caller: Caller, experiment: string, id: string): Promise<SnapshotRecord> {
    this.access.check(caller, 'view', { experiment });
    return this.store.catalog.getSnapshot(experiment, id);
  }
}
