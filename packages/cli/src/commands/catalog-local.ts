// The catalog side of a data folder (or a PostgreSQL store): the store's own catalog, opened for
// one command. A local store is one's own, so the experiment is created on first use.
import type { DatasetRecord, DeclaredFile, MetadataField, Query } from '@poms/core';
import type { Store } from '@poms/server';
import { loadQueryParser, loadServer } from '../lazy.ts';
import type { LocalOptions } from '../local.ts';
import type { CatalogSide, CountedDataset, Located, OutputFilter } from './catalog-port.ts';

/** A query with an error: printed as WHAT:1:COL, exit 1 (the input is wrong, not the usage). */
export class QueryError extends Error {}

export async function queryOrThrow(text: string, what = 'query'): Promise<Query> {
  const { parseQuery } = await loadQueryParser();
  const parsed = parseQuery(text);
  if (!parsed.ok) {
    const { code, message, column } = parsed.error;
    throw new QueryError(`${what}:1:${column + 1}: error ${code}: ${message}`);
  }
  return parsed.query;
}

export async function withLocalCatalog(
  opts: LocalOptions,
  fn: (catalog: CatalogSide) => Promise<number>,
): Promise<number> {
  const { openStore } = await loadServer();
  const postgres = opts.postgres ?? process.env.POMS_POSTGRES_URL;
  const store = await openStore({
    dataDir: opts.data ?? process.env.POMS_DATA ?? '.poms-data',
    ...(postgres ? { postgresUrl: postgres } : {}),
  });
  try {
    const known = await store.experiments.list();
    if (!known.some((e) => e.name === opts.experiment)) {
      await store.experiments.create({ name: opts.experiment, display_name: opts.experiment });
    }
    return await fn(new LocalCatalog(store, opts.experiment));
  } finally {
    await store.close();
  }
}

class LocalCatalog implements CatalogSide {
  constructor(
    private readonly store: Store,
    private readonly experiment: string,
  ) {}

  private get catalog() {
    return this.store.catalog;
  }

  declare(files: DeclaredFile[]) {
    return this.catalog.declareFiles(this.experiment, files);
  }

  async queryPage(text: string, limit: number, after: string | null) {
    return this.catalog.queryFiles(this.experiment, await queryOrThrow(text), { limit, after });
  }

  async count(text: string) {
    return this.catalog.countFiles(this.experiment, await queryOrThrow(text));
  }

  file(name: string) {
    return this.catalog.getFile(this.experiment, name);
  }

  async locate(name: string, location: string, path: string): Promise<Located> {
    // Only a file already declared: locating must never declare a new, empty file.
    await this.catalog.getFile(this.experiment, name);
    const result = await this.catalog.declareFiles(this.experiment, [
      { name, replicas: [{ location, path }] },
    ]);
    const file = await this.catalog.getFile(this.experiment, name);
    return { name, added: result.updated > 0, replicas: file.replicas };
  }

  provenance(name: string, options: Parameters<CatalogSide['provenance']>[1]) {
    return this.catalog.provenance(this.experiment, name, options);
  }

  fields() {
    return this.catalog.metadataFields(this.experiment);
  }

  defineField(field: MetadataField) {
    return this.catalog.defineMetadataField(this.experiment, field);
  }

  dropField(name: string) {
    return this.catalog.dropMetadataField(this.experiment, name);
  }

  datasets(options: Parameters<CatalogSide['datasets']>[0]) {
    return this.catalog.listDatasets(this.experiment, options);
  }

  private async withCount(dataset: DatasetRecord): Promise<CountedDataset> {
    const count = await this.catalog.countFiles(this.experiment, {
      type: 'defname',
      name: dataset.name,
    });
    return { ...dataset, file_count: count };
  }

  async dataset(name: string) {
    return this.withCount(await this.catalog.getDataset(this.experiment, name));
  }

  async defineDataset(name: string, query: string) {
    await queryOrThrow(query);
    return this.withCount(await this.catalog.defineDataset(this.experiment, name, query));
  }

  async openDataset(name: string, description: string | undefined) {
    const options = description === undefined ? {} : { description };
    return this.withCount(await this.catalog.createOpenDataset(this.experiment, name, options));
  }

  addToDataset(name: string, files: string[]) {
    return this.catalog.addToDataset(this.experiment, name, files);
  }

  async closeDataset(name: string) {
    return this.withCount(await this.catalog.closeDataset(this.experiment, name));
  }

  async snapshot(name: string) {
    const dataset = await this.catalog.getDataset(this.experiment, name);
    // An open dataset has no query text: its snapshot records `defname:`, what it froze.
    return this.catalog.snapshot(
      this.experiment,
      { type: 'defname', name },
      { queryText: dataset.kind === 'open' ? `defname: ${name}` : dataset.query, dataset: name },
    );
  }

  snapshots(options: Parameters<CatalogSide['snapshots']>[0]) {
    return this.catalog.listSnapshots(this.experiment, options);
  }

  getSnapshot(ref: string) {
    return this.catalog.getSnapshot(this.experiment, ref);
  }

  async outputs(campaign: string, filter: OutputFilter, page: { limit: number; offset: number }) {
    const record = await this.store.campaigns.get(this.experiment, campaign);
    return this.catalog.producedFiles(
      this.experiment,
      {
        campaign_id: record.id,
        ...(filter.revision === undefined ? {} : { revision: filter.revision }),
        ...(filter.stage === undefined ? {} : { stage: filter.stage }),
        ...(filter.submission === undefined ? {} : { submission_id: filter.submission }),
      },
      page,
    );
  }
}
