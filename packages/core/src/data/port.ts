// Ports to an experiment's external data management (DESIGN.md §4, issue 8): a file-metadata
// catalog that holds input datasets and receives output declarations (MetaCat, SAM), and a
// replica manager that knows where copies of files are and makes more by rules (Rucio). The
// embedded catalog stays the record of what POMS delivered and produced; these adapters read
// inputs from and write outputs to the systems an experiment already runs.
import type { MetadataValue } from '../catalog/port.ts';

/** A file as a metadata catalog describes it. */
export interface ExternalFile {
  /** The catalog's own name: `namespace:name` for MetaCat, the bare file name for SAM. */
  did: string;
  name: string;
  size?: number;
  /** `adler32:xxxxxxxx` or `md5:…`, as the catalog gives it. */
  checksums?: Record<string, string>;
  metadata: Record<string, MetadataValue>;
  parents?: string[];
}

export interface FilePage {
  files: ExternalFile[];
  /** Pass back for the next page; null on the last one. */
  next: string | null;
}

/** An output to declare: what the job made, from what, with which metadata. */
export interface OutputDeclaration {
  name: string;
  size: number;
  checksums: Record<string, string>;
  metadata: Record<string, MetadataValue>;
  /** Catalog names (dids) of its parents. */
  parents: string[];
}

/** MetaCat and SAM: input datasets, metadata, and declaration of outputs. */
export interface MetadataCatalog {
  readonly kind: 'metacat' | 'sam';
  /** The files of a dataset or query (MQL for MetaCat, a dimension/definition for SAM), paged. */
  listFiles(query: string, page?: { limit?: number; after?: string | null }): Promise<FilePage>;
  /** How many files the query selects. */
  countFiles(query: string): Promise<number>;
  /** Metadata of named files; unknown names are left out of the answer. */
  fileMetadata(dids: readonly string[]): Promise<ExternalFile[]>;
  /**
   * Declares outputs (and adds them to `dataset` when given). Idempotent: a file already declared
   * with the same size and checksum is no error.
   */
  declareFiles(
    files: readonly OutputDeclaration[],
    options: { dataset?: string; namespace?: string },
  ): Promise<void>;
}

/** A Rucio data identifier. */
export interface Did {
  scope: string;
  name: string;
}

export interface ReplicaRegistration extends Did {
  bytes: number;
  /** Adler-32 as 8 hex digits (Rucio's default checksum). */
  adler32: string;
  /** Where the replica is on the storage element, when it is not the RSE's deterministic path. */
  pfn?: string;
  meta?: Record<string, MetadataValue>;
}

export const RULE_STATES = [
  'OK',
  'REPLICATING',
  'STUCK',
  'SUSPENDED',
  'WAITING_APPROVAL',
  'INJECT',
] as const;
export type RuleState = (typeof RULE_STATES)[number];

export interface RuleRequest {
  /** Rucio makes one rule per DID: a rule on many files is made on a dataset holding them. */
  did: Did;
  copies: number;
  /** Where the copies go: an RSE name or an RSE expression (`tier=1&type=TAPE`). */
  rse_expression: string;
  /** Seconds; none for a permanent rule. */
  lifetime?: number;
  /** Grouping of the rule's locks: ALL, DATASET or NONE. */
  grouping?: 'ALL' | 'DATASET' | 'NONE';
  comment?: string;
  activity?: string;
}

export interface RuleStatus {
  id: string;
  state: RuleState;
  locks_ok: number;
  locks_replicating: number;
  locks_stuck: number;
  /** Rucio's error text for a stuck rule. */
  error?: string;
}

/** Rucio: replicas at storage elements, datasets of DIDs, replication rules. */
export interface ReplicaManager {
  /** Registers replicas at an RSE (idempotent: an existing replica with the same checksum is no error). */
  addReplicas(rse: string, files: readonly ReplicaRegistration[]): Promise<void>;
  /** Creates a dataset DID (no error when it exists). */
  createDataset(
    dataset: Did,
    options?: { meta?: Record<string, MetadataValue>; lifetime?: number },
  ): Promise<void>;
  /** Attaches file DIDs to a dataset (files already attached are no error). */
  attach(dataset: Did, files: readonly Did[]): Promise<void>;
  /** Creates a rule; answers its id (the existing rule's id when the same rule exists). */
  addRule(rule: RuleRequest): Promise<string>;
  ruleStatus(id: string): Promise<RuleStatus>;
  /** Where copies of files are: per DID, its RSEs (available replicas only). */
  listReplicas(files: readonly Did[]): Promise<Map<string, string[]>>;
}
