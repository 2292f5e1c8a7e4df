// What a catalog command can ask of the catalog it acts on (catalog-side.ts chooses it): the
// local store of a data folder (catalog-local.ts) or a server's API (catalog-remote.ts).
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
  Provenance,
  ProvenanceOptions,
  QueryPage,
  SnapshotListOptions,
  SnapshotPage,
  SnapshotRecord,
} from '@poms/core';

export type CountedDataset = DatasetRecord & { file_count: number };

export interface OutputFilter {
  revision?: number | undefined;
  stage?: string | undefined;
  submission?: string | undefined;
}

export interface Located {
  name: string;
  /** False when the replica was known already. */
  added: boolean;
  replicas: FileDetails['replicas'];
}

export interface CatalogSide {
  declare(files: DeclaredFile[]): Promise<DeclareResult>;
  /** One page of a query's files, in name order; `after` is the previous page's `next`. */
  queryPage(text: string, limit: number, after: string | null): Promise<QueryPage>;
  count(text: string): Promise<number>;
  file(name: string): Promise<FileDetails>;
  /** Records a replica of a declared file; an unknown file is a not-found. */
  locate(name: string, location: string, path: string): Promise<Located>;
  provenance(name: string, options: ProvenanceOptions): Promise<Provenance>;
  fields(): Promise<MetadataField[]>;
  defineField(field: MetadataField): Promise<MetadataField>;
  dropField(name: string): Promise<void>;
  datasets(options: DatasetListOptions): Promise<DatasetPage>;
  dataset(name: string): Promise<CountedDataset>;
  defineDataset(name: string, query: string): Promise<CountedDataset>;
  openDataset(name: string, description: string | undefined): Promise<CountedDataset>;
  addToDataset(name: string, files: string[]): Promise<DatasetAddResult>;
  closeDataset(name: string): Promise<CountedDataset>;
  /** Freezes a dataset's current files. */
  snapshot(dataset: string): Promise<SnapshotRecord>;
  snapshots(options: SnapshotListOptions): Promise<SnapshotPage>;
  /** A snapshot by id, or a dataset's name for its latest one. */
  getSnapshot(ref: string): Promise<SnapshotRecord>;
  /** The files a campaign produced (of one revision, stage or submission when asked). */
  outputs(
    campaign: string,
    filter: OutputFilter,
    page: { limit: number; offset: number },
  ): Promise<{ items: ProducedFile[]; total: number }>;
}
