/**
 * Where a submission's outputs stand outside the embedded catalog (issue 8): declared to the
 * experiment's metadata catalog, registered in Rucio, replicated by rules, landed at the stage's
 * output location. One record per submission, written by the executor while the submission waits
 * in Completed; every step it records is idempotent, so after a crash the steps run again.
 */
export const PUBLICATION_STATES = ['working', 'waiting', 'retrying', 'done'] as const;
export type PublicationState = (typeof PUBLICATION_STATES)[number];

export interface PublishedRule {
  readonly id: string;
  readonly copies: number;
  readonly rse_expression: string;
  /** Rucio's rule state: OK, REPLICATING, STUCK, … ('' before the first look). */
  readonly state: string;
  readonly locks_ok: number;
  readonly locks_replicating: number;
  readonly locks_stuck: number;
  readonly error?: string | undefined;
}

export interface PublicationRecord {
  readonly submission_id: string;
  /** working: steps under way; waiting: for rules or the output location; retrying: a step failed. */
  readonly state: PublicationState;
  /** Outputs declared to the metadata catalog (MetaCat/SAM). */
  readonly declared: number;
  /** Outputs registered in Rucio. */
  readonly registered: number;
  /** The submission's Rucio dataset, `scope:name`. */
  readonly rucio_dataset: string | null;
  readonly rules: readonly PublishedRule[];
  /** Outputs with a replica at the stage's output location, of `outputs`. */
  readonly at_location: number;
  readonly outputs: number;
  /** What it waits for, or what failed. */
  readonly detail: string;
  /** Failed attempts since the last step that succeeded. */
  readonly failures: number;
  readonly updated_at: string;
}

export type PublicationInput = Omit<PublicationRecord, 'updated_at'>;

export interface PublicationRepository {
  get(submissionId: string): Promise<PublicationRecord | null>;
  /** Writes the whole record (insert or replace). */
  save(record: PublicationInput): Promise<PublicationRecord>;
}
