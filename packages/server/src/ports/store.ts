/**
 * The Store port: repositories the services use to keep experiments and campaigns, and the
 * embedded catalog. Two adapters implement it (SQLite embedded, PostgreSQL production) and one
 * conformance suite holds both to this contract. Failures the caller can act on are the typed
 * errors of ./errors.ts.
 *
 * Conventions: records use snake_case fields (they go on the wire as they are); timestamps are
 * ISO 8601 UTC strings from the injected Clock (`Date.prototype.toISOString`, fixed width, so
 * they sort as text); inputs use camelCase.
 */
import type { CampaignId, Catalog, Clock, IdSource } from '@poms/core';
import type { ControlRepository } from './control.ts';
import type { MetricsRepository } from './metrics.ts';
import type { NotificationRepository } from './notifications.ts';
import type { PublicationRepository } from './publications.ts';
import type { AuditRepository, IdentityRepository } from './identity.ts';
import type { CursorPage, OffsetPage } from './pages.ts';
import type { SubmissionRepository } from './submissions.ts';
import type { ExperimentTemplateRepository } from './templates.ts';
import type { WatchRepository } from './watches.ts';

export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, type CursorPage, type OffsetPage } from './pages.ts';

/** Short lowercase id of an experiment, used in URLs and paths. */
export { EXPERIMENT_NAME_PATTERN } from '@poms/core';
/** Campaign names are ASCII identifiers: they appear in URLs, file names and job scripts. */
export const CAMPAIGN_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
/** Longest campaign text accepted, in UTF-16 code units. */
export const MAX_CAMPAIGN_TEXT_LENGTH = 16 * 1024 * 1024;

export interface StoreDeps {
  readonly clock: Clock;
  readonly ids: IdSource;
}

/**
 * The repositories, outside a transaction (the Store) or bound to one (StoreTransaction). The
 * services take a StoreScope, so a use case can run a service inside its own transaction.
 */
export interface StoreScope {
  readonly kind: 'sqlite' | 'postgres';
  readonly experiments: ExperimentRepository;
  readonly campaigns: CampaignRepository;
  /** The embedded catalog (files, datasets, snapshots) in the same database. */
  readonly catalog: Catalog;
  readonly submissions: SubmissionRepository;
  readonly control: ControlRepository;
  readonly watches: WatchRepository;
  /** Users, memberships, sessions and API tokens (./identity.ts). */
  readonly identity: IdentityRepository;
  /** The append-only audit log; use the transaction's to commit an entry with its change. */
  readonly audit: AuditRepository;
  /** Templates people saved in an experiment (./templates.ts). */
  readonly templates: ExperimentTemplateRepository;
  /** Where submissions' outputs stand outside the embedded catalog (./publications.ts). */
  readonly publications: PublicationRepository;
  /** Scrape-time counts for GET /metrics: a few aggregate queries (./metrics.ts). */
  readonly metrics: MetricsRepository;
  /** Notification settings, the delivery outbox and the notifier's cursors (./notifications.ts). */
  readonly notifications: NotificationRepository;
  /** True in a transaction's scope: what must commit with a change (audit) asks for it. */
  readonly inTransaction: boolean;
  /**
   * Runs `fn` in one transaction over every repository: all of its writes happen or none. In a
   * transaction's scope it is a savepoint: an error inside `fn` undoes only `fn`'s writes. Keep
   * it short: on SQLite it holds the only connection, so inside `fn` use `tx`, never the Store
   * (a query on the Store would wait for the connection `fn` holds).
   */
  transaction<T>(fn: (tx: StoreTransaction) => Promise<T>): Promise<T>;
}

export interface Store extends StoreScope {
  readonly inTransaction: false;
  /** Applies pending migrations (opening a store already did); returns what it applied. */
  migrate(): Promise<MigrationReport>;
  /** Releases the connection(s). Idempotent. */
  close(): Promise<void>;
}

/** The repositories bound to one transaction. */
export interface StoreTransaction extends StoreScope {
  readonly inTransaction: true;
}

export interface MigrationReport {
  readonly applied: readonly string[];
}

// ---------------------------------------------------------------------------------------------
// Experiments

export interface ExperimentRecord {
  readonly name: string;
  readonly display_name: string;
  readonly active: boolean;
  readonly created_at: string;
  readonly updated_at: string;
}

export interface NewExperiment {
  /** Must match EXPERIMENT_NAME_PATTERN. */
  readonly name: string;
  /** Free text for people (any well-formed Unicode, 1–200 chars, no control characters). */
  readonly display_name: string;
}

export interface ExperimentRepository {
  /** @throws ConflictError if the name is taken, InvalidArgumentError on a bad name. */
  create(input: NewExperiment): Promise<ExperimentRecord>;
  /** @throws NotFoundError */
  get(name: string): Promise<ExperimentRecord>;
  /** All experiments, by name (byte order). There are few, so no pagination. */
  list(): Promise<ExperimentRecord[]>;
  /** @throws NotFoundError */
  setActive(name: string, active: boolean): Promise<ExperimentRecord>;
}

// ---------------------------------------------------------------------------------------------
// Campaigns

/** What lists show: no text, no model (a campaign text can be megabytes). */
export interface CampaignSummary {
  readonly id: CampaignId;
  readonly experiment: string;
  readonly name: string;
  readonly current_revision: number;
  readonly active: boolean;
  readonly created_at: string;
  readonly updated_at: string;
}

/** What a campaign list shows beside the summary, read for a whole page at once. */
export interface CampaignFacts {
  readonly id: CampaignId;
  /** Its tags (campaign_tags), in byte order. */
  readonly tags: string[];
  /** The author of its first revision. */
  readonly owner: string;
  /** The model of its current revision, as saved. */
  readonly model: unknown;
}

/** A campaign with the text and model of its current revision. */
export interface CampaignRecord extends CampaignSummary {
  /** Verbatim, byte for byte as saved (line endings, BOM, trailing whitespace included). */
  readonly text: string;
  /** The parsed model as saved; opaque to the store (kept as JSON). */
  readonly model: unknown;
}

export interface RevisionSummary {
  readonly campaign_id: CampaignId;
  /** 1, 2, 3, … without gaps. */
  readonly revision: number;
  readonly author: string;
  readonly message: string | null;
  readonly created_at: string;
}

export interface RevisionRecord extends RevisionSummary {
  readonly text: string;
  readonly model: unknown;
}

export interface SavedCampaign {
  readonly campaign: CampaignRecord;
  readonly revision: RevisionRecord;
}

export interface NewCampaign {
  readonly experiment: string;
  /** Must match CAMPAIGN_NAME_PATTERN; unique within the experiment (case-sensitive). */
  readonly name: string;
  /** Well-formed Unicode without NUL (PostgreSQL text cannot hold U+0000). */
  readonly text: string;
  /** Any JSON-serializable value; stored as JSON and returned as parsed JSON. */
  readonly model: unknown;
  readonly author: string;
  readonly message?: string | undefined;
  /** The campaign's tags (from its text), kept as rows so lists filter by tag. */
  readonly tags?: readonly string[] | undefined;
}

export interface NewRevision {
  readonly campaignId: CampaignId;
  /** The revision the caller's edit started from; the save fails unless it is still current. */
  readonly expectedRevision: number;
  readonly text: string;
  readonly model: unknown;
  readonly author: string;
  readonly message?: string | undefined;
  /** The tags of the new text; absent keeps the ones stored. */
  readonly tags?: readonly string[] | undefined;
}

export interface CampaignListOptions {
  /** 1..MAX_PAGE_SIZE, default DEFAULT_PAGE_SIZE. */
  readonly limit?: number | undefined;
  /** `next_cursor` of the previous page; absent or null for the first page. */
  readonly cursor?: string | null | undefined;
  /** Case-insensitive substring of the name; `%` and `_` are literal. */
  readonly nameContains?: string | undefined;
  readonly activeOnly?: boolean | undefined;
  /** Only campaigns with this tag (exact). */
  readonly tag?: string | undefined;
}

export interface RevisionListOptions {
  /** 1..MAX_PAGE_SIZE, default DEFAULT_PAGE_SIZE. */
  readonly limit?: number | undefined;
  readonly offset?: number | undefined;
}

export interface CampaignRepository {
  /**
   * Creates the campaign with revision 1.
   * @throws NotFoundError (experiment), ConflictError (name taken in that experiment),
   *   InvalidArgumentError
   */
  create(input: NewCampaign): Promise<SavedCampaign>;
  /** @throws NotFoundError */
  get(experiment: string, name: string): Promise<CampaignRecord>;
  /** @throws NotFoundError */
  getById(id: CampaignId): Promise<CampaignRecord>;
  /** @throws NotFoundError (experiment), InvalidArgumentError (limit, cursor) */
  list(experiment: string, options?: CampaignListOptions): Promise<CursorPage<CampaignSummary>>;
  /**
   * Tags, owner and current model of these campaigns, in their order (unknown ids are left out),
   * in a fixed number of queries whatever their number.
   */
  facts(ids: readonly CampaignId[]): Promise<CampaignFacts[]>;
  /**
   * Appends revision `expectedRevision + 1` if `expectedRevision` is still current; atomic and
   * safe under concurrent saves (exactly one of several saves from the same revision wins).
   * @throws StaleRevisionError (nothing changed), NotFoundError, InvalidArgumentError
   */
  saveRevision(input: NewRevision): Promise<SavedCampaign>;
  /** @throws NotFoundError */
  getRevision(campaignId: CampaignId, revision: number): Promise<RevisionRecord>;
  /**
   * Revisions newest first, without text and model (fetch one with getRevision).
   * @throws NotFoundError (campaign)
   */
  listRevisions(
    campaignId: CampaignId,
    options?: RevisionListOptions,
  ): Promise<OffsetPage<RevisionSummary>>;
  /**
   * Changes the name only: no revision is made, the text is not touched.
   * @throws NotFoundError, ConflictError, InvalidArgumentError
   */
  rename(campaignId: CampaignId, name: string): Promise<CampaignSummary>;
  /** @throws NotFoundError */
  setActive(campaignId: CampaignId, active: boolean): Promise<CampaignSummary>;
}
