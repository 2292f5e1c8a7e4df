// The Catalog port (DESIGN.md §4): files with metadata, parentage and replicas; datasets as saved
// queries; snapshots as frozen file lists. The embedded catalog (server adapters) implements it
// over the store; Rucio/MetaCat adapters will implement it too.
import { z } from 'zod';
import type { Query } from './query/ast.ts';

/** Metadata values: text, numbers, booleans; times are ISO 8601 text on the wire. */
export const MetadataValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);
export type MetadataValue = z.infer<typeof MetadataValue>;

export const FileName = z
  .string()
  .min(1)
  .max(255)
  .refine(
    (name) => !/[/\\\u0000-\u001f]/.test(name),
    'file names have no slashes or control characters',
  );

/** A file as it is declared (SAM's metadata names: run_number, data_tier, end_time, …). */
export const DeclaredFile = z.strictObject({
  name: FileName,
  size: z.int().min(0).optional(),
  checksum: z.string().min(1).max(200).optional(),
  metadata: z.record(z.string().min(1).max(100), MetadataValue).optional(),
  /** Names of the files this one was made from. */
  parents: z.array(FileName).optional(),
  replicas: z
    .array(
      z.strictObject({ location: z.string().min(1).max(100), path: z.string().min(1).max(4096) }),
    )
    .optional(),
});
export type DeclaredFile = z.infer<typeof DeclaredFile>;

export interface FileRecord {
  name: string;
  size: number | null;
  checksum: string | null;
  metadata: Record<string, MetadataValue>;
  created_at: string;
}

export interface FileDetails extends FileRecord {
  parents: string[];
  children: string[];
  replicas: { location: string; path: string }[];
}

export interface DeclareResult {
  /** Files that were new. */
  created: number;
  /** Files declared before with the same content (re-declaring is idempotent). */
  unchanged: number;
  /** Files whose declaration added parents or replicas to an existing file. */
  updated: number;
}

export interface DatasetRecord {
  name: string;
  query: string;
  created_at: string;
}

export interface SnapshotRecord {
  id: string;
  /** The dataset it froze, when it froze a named one. */
  dataset: string | null;
  query: string;
  /** Who owns it when a split made it (a stage's slices), else null. */
  owner: string | null;
  file_count: number;
  created_at: string;
}

export interface QueryPage {
  files: FileRecord[];
  /** Pass back as `after` for the next page; null on the last page. */
  next: string | null;
}

export interface Catalog {
  /** Declares files in bulk, atomically: all or nothing. Idempotent for identical declarations. */
  declareFiles(experiment: string, files: readonly DeclaredFile[]): Promise<DeclareResult>;
  getFile(experiment: string, name: string): Promise<FileDetails>;
  /** Files matching a query, in name order, a page at a time (nothing loads the whole catalog). */
  queryFiles(
    experiment: string,
    query: Query,
    page?: { limit?: number; after?: string | null },
  ): Promise<QueryPage>;
  countFiles(experiment: string, query: Query): Promise<number>;
  /** The smallest value of a numeric or time field among the query's files (for byrun, new). */
  minValue(experiment: string, query: Query, field: string): Promise<number | null>;
  defineDataset(experiment: string, name: string, query: string): Promise<DatasetRecord>;
  getDataset(experiment: string, name: string): Promise<DatasetRecord>;
  listDatasets(experiment: string): Promise<DatasetRecord[]>;
  /** Freezes the query's current files. */
  snapshot(
    experiment: string,
    query: Query,
    options: { queryText: string; dataset?: string; owner?: string },
  ): Promise<SnapshotRecord>;
  getSnapshot(experiment: string, ref: string): Promise<SnapshotRecord>;
  /** Removes a split's snapshots after (not including) the given one: rewinding a split. */
  dropOwnedSnapshots(experiment: string, owner: string, after: string | null): Promise<number>;
}
