/**
 * The tables as Kysely sees them. Only the storage adapters import this; the port's records are
 * built from these rows in repositories/.
 *
 * Column choices that keep SQLite and PostgreSQL identical:
 * - booleans are integers 0/1 (better-sqlite3 cannot bind JS booleans; SQLite has no boolean);
 * - timestamps are ISO 8601 UTC text from `toISOString()` (fixed width: text order = time order);
 * - JSON is text (`JSON.stringify`), parsed on read; the store never queries inside it;
 * - names compare byte-wise on both (see migrations/0001_foundation.ts).
 */
export type SqlDialect = 'sqlite' | 'postgres';

export interface ExperimentsTable {
  name: string;
  display_name: string;
  active: number;
  created_at: string;
  updated_at: string;
}

export interface CampaignsTable {
  id: string;
  experiment: string;
  name: string;
  current_revision: number;
  active: number;
  created_at: string;
  updated_at: string;
}

export interface CampaignRevisionsTable {
  campaign_id: string;
  revision: number;
  text: string;
  /** JSON text. */
  model: string;
  author: string;
  message: string | null;
  created_at: string;
}

export interface Database {
  experiments: ExperimentsTable;
  campaigns: CampaignsTable;
  campaign_revisions: CampaignRevisionsTable;
}
