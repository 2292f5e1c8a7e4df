// The Catalog port (DESIGN.md §4): files with metadata, parentage and replicas; datasets as saved
// queries or as open lists of files that grow until closed; snapshots as frozen file lists. The embedded catalog (server adapters) implements it
// over the store; Rucio/MetaCat adapters will implement it too.
import { z } from 'zod';
import type { SplitCursor } from '../split/cursor.ts';
import type { Query } from './query/ast.ts';

/** Metadata values: text, numbers, booleans; times are ISO 8601 text on the wire. */
export const MetadataValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);
export type MetadataValue = z.infer<typeof MetadataValue>;

export const FileName = z
  .string()
  .min(1)
  .max(255)
  .refine(
    // Control characters are tested by code, not by a regex range (which lint rightly doubts).
    (name) => !/[/\\]/.test(name) && ![...name].some((c) => c.charCodeAt(0) < 0x20),
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
  /** 'query': a saved query, live; 'open': an explicit list of files that grows until it is closed. */
  kind: 'query' | 'open';
  /** The saved query ('query' datasets); '' for an open dataset. */
  query: string;
  description: string | null;
  created_at: string;
  /** When an open dataset was closed (no more files may be added); null while open and for query datasets. */
  closed_at: string | null;
}

export interface DatasetAddResult {
  added: number;
  already: number;
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

/** Where a split is: "stored on the stage" (the owner names the stage). */
export interface SplitStateRecord {
  owner: string;
  /** The split spec the cursor belongs to ('' before the first slice). */
  spec: string;
  cursor: SplitCursor;
  /** Slices handed out so far. */
  slices: number;
  updated_at: string | null;
}

/** One slice a split handed out, frozen as a snapshot the split owns (none for multiparam). */
export interface SplitSliceRecord {
  seq: number;
  snapshot_id: string | null;
  parameter: string | null;
  label: string;
  file_count: number;
  /** The cursor after this slice: rewinding to it resumes here. */
  cursor: SplitCursor;
  created_at: string;
}

export interface NewSplitSlice {
  spec: string;
  /** The slice count the caller computed from; the record is refused if it moved meanwhile. */
  expectedSlices: number;
  /** The slice's files (absent for a multiparam value). */
  query?: Query;
  queryText: string;
  parameter?: string;
  label: string;
  cursor: SplitCursor;
}

export interface QueryPage {
  files: FileRecord[];
  /** Pass back as `after` for the next page; null on the last page. */
  next: string | null;
}

export interface DatasetListOptions {
  /** 1..1000, default 50. */
  limit?: number | undefined;
  /** How many matching datasets to skip, default 0. */
  offset?: number | undefined;
  /** Part of the name, any case. */
  nameContains?: string | undefined;
  /** Only saved queries, or only open datasets. */
  kind?: 'query' | 'open' | undefined;
}

export interface DatasetPage {
  items: DatasetRecord[];
  /** How many datasets match over all pages. */
  total: number;
}

export interface SnapshotListOptions {
  /** Only the snapshots of this dataset (by name). */
  dataset?: string | undefined;
  /** 1..1000, default 50. */
  limit?: number | undefined;
  /** How many matching snapshots to skip, default 0. */
  offset?: number | undefined;
}

export interface SnapshotPage {
  /** Newest first. */
  items: SnapshotRecord[];
  /** How many snapshots match over all pages. */
  total: number;
}

/** Which way a provenance walk goes: to the files a file was made from, or made into. */
export type ProvenanceDirection = 'ancestors' | 'descendants';

/** The submission whose job declared a file as its output: what made it, from which revision. */
export interface ProducedBy {
  submission_id: string;
  job_index: number;
  campaign: string;
  campaign_id: string;
  campaign_revision: number;
  stage: string;
}

export interface ProvenanceNode {
  name: string;
  /** Steps from the file asked about (0 is that file). */
  depth: number;
  produced_by: ProducedBy | null;
}

export interface Provenance {
  file: string;
  direction: ProvenanceDirection;
  /** Nearest first, then by name; the file itself first. */
  nodes: ProvenanceNode[];
  /** Parentage links among the nodes. */
  edges: { parent: string; child: string }[];
  /** True when the walk stopped at `depth` or `limit` with more to find. */
  truncated: boolean;
}

export interface ProvenanceOptions {
  direction: ProvenanceDirection;
  /** Steps to walk; default (and at most) 1000: any depth a real chain has. */
  depth?: number | undefined;
  /** Files to return at most, default 10 000. */
  limit?: number | undefined;
}

/** What produced files: one campaign (or one of its revisions, stages or submissions). */
export interface ProducedFilter {
  campaign_id: string;
  revision?: number | undefined;
  stage?: string | undefined;
  submission_id?: string | undefined;
}

export interface ProducedFile {
  name: string;
  produced_by: ProducedBy;
  located: boolean;
}

export const METADATA_FIELD_TYPES = ['text', 'integer', 'number', 'boolean', 'time'] as const;
export type MetadataFieldType = (typeof METADATA_FIELD_TYPES)[number];

/** One of an experiment's own metadata fields: declarations are checked against it. */
export const MetadataField = z.strictObject({
  name: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_.]{0,99}$/, 'field names are letters, digits, _ and .'),
  type: z.enum(METADATA_FIELD_TYPES),
  /** Every file declared from now on must have it (not null). */
  required: z.boolean().default(false),
  /** The values it may take; absent for any value of its type. */
  values: z
    .array(z.union([z.string(), z.number(), z.boolean()]))
    .min(1)
    .max(1000)
    .optional(),
  description: z.string().max(1000).optional(),
});
export type MetadataField = z.infer<typeof MetadataField>;

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
  /** Creates an open dataset; idempotent when an open dataset of that name exists (its record is returned, description unchanged). A query dataset of that name is a conflict. */
  createOpenDataset(
    experiment: string,
    name: string,
    options?: { description?: string },
  ): Promise<DatasetRecord>;
  /** Adds existing catalog files to an open dataset, atomically; files already in it count as `already`. Unknown file → NotFoundError naming the first unknown file, nothing written. Closed or query dataset → conflict error naming the dataset, nothing written. Up to 10^5 names per call, batched internally. */
  addToDataset(
    experiment: string,
    name: string,
    files: readonly string[],
  ): Promise<DatasetAddResult>;
  /** Closes an open dataset (idempotent; answers the record). A query dataset → conflict error. */
  closeDataset(experiment: string, name: string): Promise<DatasetRecord>;
  getDataset(experiment: string, name: string): Promise<DatasetRecord>;
  /** Datasets by name (byte order), a page at a time, with how many match. */
  listDatasets(experiment: string, options?: DatasetListOptions): Promise<DatasetPage>;
  /** Freezes the query's current files. */
  snapshot(
    experiment: string,
    query: Query,
    options: { queryText: string; dataset?: string; owner?: string },
  ): Promise<SnapshotRecord>;
  getSnapshot(experiment: string, ref: string): Promise<SnapshotRecord>;
  /** Snapshots newest first (a split's slices too), a page at a time, with how many match. */
  listSnapshots(experiment: string, options?: SnapshotListOptions): Promise<SnapshotPage>;
  /** Removes a split's snapshots after (not including) the given one: rewinding a split. */
  dropOwnedSnapshots(experiment: string, owner: string, after: string | null): Promise<number>;
  /** The split's state; the start state when it never handed out a slice. */
  splitState(experiment: string, owner: string): Promise<SplitStateRecord>;
  /** The slices handed out, oldest first. */
  splitSlices(experiment: string, owner: string): Promise<SplitSliceRecord[]>;
  /**
   * Hands out a slice in one transaction: freezes its files as a snapshot owned by the split and
   * advances the cursor. Refused with a conflict when another slice was recorded since
   * `expectedSlices` (two launches cannot take the same slice).
   */
  recordSlice(experiment: string, owner: string, slice: NewSplitSlice): Promise<SplitSliceRecord>;
  /**
   * Rewinds the split to just after slice `toSeq` (0: back to the start): later slices and their
   * snapshots go, so their files count as not delivered again, and the cursor is restored.
   */
  rewindSplit(experiment: string, owner: string, toSeq: number): Promise<SplitStateRecord>;
  /**
   * The ancestors or descendants of a file to any depth, each with the submission that produced
   * it (campaign, revision, stage, job), and the parentage links among them.
   */
  provenance(experiment: string, name: string, options: ProvenanceOptions): Promise<Provenance>;
  /** The experiment's own metadata fields, by name. */
  metadataFields(experiment: string): Promise<MetadataField[]>;
  /**
   * Defines (or redefines) a field. Files declared from then on are checked against it; files
   * already there are not, so tightening a field never makes stored files vanish.
   */
  defineMetadataField(experiment: string, field: MetadataField): Promise<MetadataField>;
  /** Drops a field's definition (its values stay on the files). */
  dropMetadataField(experiment: string, name: string): Promise<void>;
  /** The files a campaign (revision, stage, submission) produced, by name, a page at a time. */
  producedFiles(
    experiment: string,
    filter: ProducedFilter,
    page?: { limit?: number; offset?: number },
  ): Promise<{ items: ProducedFile[]; total: number }>;
}
