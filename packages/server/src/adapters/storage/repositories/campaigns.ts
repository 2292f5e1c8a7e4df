import { Buffer } from 'node:buffer';
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import {
  ConflictError,
  InvalidArgumentError,
  NotFoundError,
  StaleRevisionError,
} from '../../../ports/errors.ts';
import { parseId, type CampaignId, type Clock, type IdSource } from '@poms/core';
import type {
  CampaignFacts,
  CampaignListOptions,
  CampaignRecord,
  CampaignRepository,
  CampaignSummary,
  CursorPage,
  NewCampaign,
  NewRevision,
  OffsetPage,
  RevisionListOptions,
  RevisionRecord,
  RevisionSummary,
  SavedCampaign,
} from '../../../ports/store.ts';
import type { CampaignRevisionsTable, CampaignsTable, Database } from '../schema.ts';
import { countValue, isUniqueViolation } from './dialect.ts';
import { inTransaction } from './transaction.ts';
import * as check from './validate.ts';

type CampaignRow = Selectable<CampaignsTable>;
type RevisionSummaryRow = Omit<Selectable<CampaignRevisionsTable>, 'text' | 'model'>;

function toSummary(row: CampaignRow): CampaignSummary {
  return {
    id: row.id as CampaignId,
    experiment: row.experiment,
    name: row.name,
    current_revision: row.current_revision,
    active: row.active === 1,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

function toRecord(row: CampaignRow & { text: string; model: string }): CampaignRecord {
  return { ...toSummary(row), text: row.text, model: JSON.parse(row.model) as unknown };
}

function toRevisionSummary(row: RevisionSummaryRow): RevisionSummary {
  return {
    campaign_id: row.campaign_id as CampaignId,
    revision: row.revision,
    author: row.author,
    message: row.message,
    created_at: row.created_at,
  };
}

function toRevision(row: Selectable<CampaignRevisionsTable>): RevisionRecord {
  return { ...toRevisionSummary(row), text: row.text, model: JSON.parse(row.model) as unknown };
}

// The cursor is the last name of the previous page, base64url-encoded so callers treat it as
// opaque and the ordering can change later without breaking them.
function encodeCursor(name: string): string {
  return Buffer.from(name, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): string {
  const name = Buffer.from(cursor, 'base64url').toString('utf8');
  if (encodeCursor(name) !== cursor || name === '') {
    throw new InvalidArgumentError('cursor', 'is not a cursor this list returned');
  }
  return name;
}

/** Ids an IdSource cannot have made are not found, without asking the database. */
function requireCampaignId(id: CampaignId): void {
  if (parseId('campaign', id) === undefined) throw new NotFoundError('campaign', String(id));
}

function likeContains(fragment: string): string {
  return `%${fragment.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

const SUMMARY_COLUMNS = [
  'c.id',
  'c.experiment',
  'c.name',
  'c.current_revision',
  'c.active',
  'c.created_at',
  'c.updated_at',
] as const;

/** Campaign ids per statement when reading a page's facts. */
const FACTS_CHUNK = 500;

/** UTF-8 byte order: how both stores sort text columns. */
function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

const REVISION_SUMMARY_COLUMNS = [
  'campaign_id',
  'revision',
  'author',
  'message',
  'created_at',
] as const;

export class KyselyCampaignRepository implements CampaignRepository {
  readonly #db: Kysely<Database>;
  readonly #clock: Clock;
  readonly #ids: IdSource;

  constructor(db: Kysely<Database>, clock: Clock, ids: IdSource) {
    this.#db = db;
    this.#clock = clock;
    this.#ids = ids;
  }

  async create(input: NewCampaign): Promise<SavedCampaign> {
    const experiment = input.experiment;
    const name = check.campaignName(input.name);
    const text = check.verbatim('text', input.text);
    const model = check.modelJson(input.model);
    const author = check.label('author', input.author);
    const message = check.optionalMessage(input.message);
    if (!check.canBeExperimentName(experiment))
      throw new NotFoundError('experiment', String(experiment));
    const id = this.#ids.next('campaign');
    const now = this.#clock.now().toISOString();
    const campaign: CampaignRow = {
      id,
      experiment,
      name,
      current_revision: 1,
      active: 1,
      created_at: now,
      updated_at: now,
    };
    const revision = {
      campaign_id: id,
      revision: 1,
      text,
      model,
      author,
      message,
      created_at: now,
    };

    try {
      await inTransaction(this.#db, async (trx) => {
        const found = await trx
          .selectFrom('experiments')
          .select('name')
          .where('name', '=', experiment)
          .executeTakeFirst();
        if (found === undefined) throw new NotFoundError('experiment', experiment);
        await trx.insertInto('campaigns').values(campaign).execute();
        await trx.insertInto('campaign_revisions').values(revision).execute();
        await writeTags(trx, id, input.tags);
      });
    } catch (err) {
      // The (experiment, name) constraint; a clash of ids would need a broken IdSource.
      if (isUniqueViolation(err)) throw new ConflictError('campaign', `${experiment}/${name}`);
      throw err;
    }
    return {
      campaign: toRecord({ ...campaign, text, model }),
      revision: toRevision(revision),
    };
  }

  async get(experiment: string, name: string): Promise<CampaignRecord> {
    if (!check.canBeExperimentName(experiment) || !check.canBeCampaignName(name)) {
      throw new NotFoundError('campaign', `${String(experiment)}/${String(name)}`);
    }
    const row = await this.#selectRecord()
      .where('c.experiment', '=', experiment)
      .where('c.name', '=', name)
      .executeTakeFirst();
    if (row === undefined) throw new NotFoundError('campaign', `${experiment}/${name}`);
    return toRecord(row);
  }

  async getById(id: CampaignId): Promise<CampaignRecord> {
    requireCampaignId(id);
    const row = await this.#selectRecord().where('c.id', '=', id).executeTakeFirst();
    if (row === undefined) throw new NotFoundError('campaign', id);
    return toRecord(row);
  }

  async list(
    experiment: string,
    options: CampaignListOptions = {},
  ): Promise<CursorPage<CampaignSummary>> {
    const limit = check.pageLimit(options.limit);
    const after =
      options.cursor === undefined || options.cursor === null ? null : decodeCursor(options.cursor);
    const contains =
      options.nameContains === undefined
        ? ''
        : check.verbatim('nameContains', options.nameContains, 200);
    await this.#requireExperiment(experiment);

    let filtered = this.#db.selectFrom('campaigns as c').where('c.experiment', '=', experiment);
    if (options.activeOnly === true) filtered = filtered.where('c.active', '=', 1);
    if (options.tag !== undefined) {
      const tag = check.verbatim('tag', options.tag, 200);
      filtered = filtered.where((eb) =>
        eb.exists(
          eb
            .selectFrom('campaign_tags as t')
            .select('t.tag')
            .whereRef('t.campaign_id', '=', 'c.id')
            .where('t.tag', '=', tag),
        ),
      );
    }
    if (contains !== '') {
      const pattern = likeContains(contains);
      // lower() + LIKE rather than ILIKE: identical on both (names are ASCII), and SQLite's LIKE
      // is case-insensitive while PostgreSQL's is not, so neither is used bare.
      filtered = filtered.where(
        sql<boolean>`lower(${sql.ref('c.name')}) like ${pattern} escape '\\'`,
      );
    }

    const [counted, rows] = await Promise.all([
      filtered
        .select((eb) => eb.fn.countAll<string | number | bigint>().as('n'))
        .executeTakeFirstOrThrow(),
      (after === null ? filtered : filtered.where('c.name', '>', after))
        .select(SUMMARY_COLUMNS)
        .orderBy('c.name')
        .limit(limit + 1)
        .execute(),
    ]);
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page.map(toSummary),
      next_cursor: rows.length > limit && last !== undefined ? encodeCursor(last.name) : null,
      total: countValue(counted.n),
    };
  }

  async facts(ids: readonly CampaignId[]): Promise<CampaignFacts[]> {
    const wanted = [...new Set(ids)].filter((id) => parseId('campaign', id) !== undefined);
    if (wanted.length === 0) return [];
    const tags = new Map<string, string[]>();
    const owners = new Map<string, string>();
    const models = new Map<string, string>();
    // Pages are at most 1000 campaigns: a few statements of 500 ids each, never one per campaign.
    for (let i = 0; i < wanted.length; i += FACTS_CHUNK) {
      const part = wanted.slice(i, i + FACTS_CHUNK);
      const [tagRows, firstRows, currentRows] = await Promise.all([
        this.#db
          .selectFrom('campaign_tags')
          .select(['campaign_id', 'tag'])
          .where('campaign_id', 'in', part)
          .orderBy('campaign_id')
          .orderBy('tag')
          .execute(),
        this.#db
          .selectFrom('campaign_revisions')
          .select(['campaign_id', 'author'])
          .where('campaign_id', 'in', part)
          .where('revision', '=', 1)
          .execute(),
        this.#db
          .selectFrom('campaigns as c')
          .innerJoin('campaign_revisions as r', (join) =>
            join.onRef('r.campaign_id', '=', 'c.id').onRef('r.revision', '=', 'c.current_revision'),
          )
          .select(['c.id', 'r.model'])
          .where('c.id', 'in', part)
          .execute(),
      ]);
      for (const r of tagRows) tags.set(r.campaign_id, [...(tags.get(r.campaign_id) ?? []), r.tag]);
      for (const r of firstRows) owners.set(r.campaign_id, r.author);
      for (const r of currentRows) models.set(r.id, r.model);
    }
    return wanted.flatMap((id) => {
      const model = models.get(id);
      if (model === undefined) return [];
      return [
        {
          id,
          tags: (tags.get(id) ?? []).sort(byteOrder),
          owner: owners.get(id) ?? '',
          model: JSON.parse(model) as unknown,
        },
      ];
    });
  }

  async saveRevision(input: NewRevision): Promise<SavedCampaign> {
    const id = input.campaignId;
    requireCampaignId(id);
    const expected = check.revisionNumber('expectedRevision', input.expectedRevision);
    const text = check.verbatim('text', input.text);
    const model = check.modelJson(input.model);
    const author = check.label('author', input.author);
    const message = check.optionalMessage(input.message);
    const now = this.#clock.now().toISOString();
    const revision = {
      campaign_id: id,
      revision: expected + 1,
      text,
      model,
      author,
      message,
      created_at: now,
    };

    try {
      const campaign = await inTransaction(this.#db, async (trx) => {
        // The conditional update is the lock: of concurrent saves from the same revision only one
        // matches `current_revision = expected` (PostgreSQL re-checks the WHERE after waiting for
        // the row lock; SQLite runs one write transaction at a time).
        const updated = await trx
          .updateTable('campaigns')
          .set({ current_revision: expected + 1, updated_at: now })
          .where('id', '=', id)
          .where('current_revision', '=', expected)
          .returningAll()
          .executeTakeFirst();
        if (updated === undefined) {
          const current = await trx
            .selectFrom('campaigns')
            .select('current_revision')
            .where('id', '=', id)
            .executeTakeFirst();
          if (current === undefined) throw new NotFoundError('campaign', id);
          throw new StaleRevisionError(id, expected, current.current_revision);
        }
        await trx.insertInto('campaign_revisions').values(revision).execute();
        if (input.tags !== undefined) {
          await trx.deleteFrom('campaign_tags').where('campaign_id', '=', id).execute();
          await writeTags(trx, id, input.tags);
        }
        return updated;
      });
      return { campaign: toRecord({ ...campaign, text, model }), revision: toRevision(revision) };
    } catch (err) {
      // Only reachable if the campaigns row and the history disagree; still a stale save.
      if (isUniqueViolation(err)) {
        throw new StaleRevisionError(id, expected, await this.#currentRevision(id));
      }
      throw err;
    }
  }

  async getRevision(campaignId: CampaignId, revision: number): Promise<RevisionRecord> {
    if (parseId('campaign', campaignId) === undefined || !check.canBeRevision(revision)) {
      throw new NotFoundError('revision', `${String(campaignId)}@${String(revision)}`);
    }
    const row = await this.#db
      .selectFrom('campaign_revisions')
      .selectAll()
      .where('campaign_id', '=', campaignId)
      .where('revision', '=', revision)
      .executeTakeFirst();
    if (row === undefined) throw new NotFoundError('revision', `${campaignId}@${revision}`);
    return toRevision(row);
  }

  async listRevisions(
    campaignId: CampaignId,
    options: RevisionListOptions = {},
  ): Promise<OffsetPage<RevisionSummary>> {
    const limit = check.pageLimit(options.limit);
    const offset = check.pageOffset(options.offset);
    // Revisions are 1..current without gaps, so the current revision is the total; rows saved
    // after that read are left out so items and total agree.
    const total = await this.#currentRevision(campaignId);
    const rows = await this.#db
      .selectFrom('campaign_revisions')
      .select(REVISION_SUMMARY_COLUMNS)
      .where('campaign_id', '=', campaignId)
      .where('revision', '<=', total)
      .orderBy('revision', 'desc')
      .limit(limit)
      .offset(offset)
      .execute();
    return { items: rows.map(toRevisionSummary), total };
  }

  async rename(campaignId: CampaignId, name: string): Promise<CampaignSummary> {
    const newName = check.campaignName(name);
    requireCampaignId(campaignId);
    let row: CampaignRow | undefined;
    try {
      row = await this.#db
        .updateTable('campaigns')
        .set({ name: newName, updated_at: this.#clock.now().toISOString() })
        .where('id', '=', campaignId)
        .returningAll()
        .executeTakeFirst();
    } catch (err) {
      if (isUniqueViolation(err)) throw new ConflictError('campaign', newName);
      throw err;
    }
    if (row === undefined) throw new NotFoundError('campaign', campaignId);
    return toSummary(row);
  }

  async setActive(campaignId: CampaignId, active: boolean): Promise<CampaignSummary> {
    const value = check.active(active);
    requireCampaignId(campaignId);
    const row = await this.#db
      .updateTable('campaigns')
      .set({ active: value, updated_at: this.#clock.now().toISOString() })
      .where('id', '=', campaignId)
      .returningAll()
      .executeTakeFirst();
    if (row === undefined) throw new NotFoundError('campaign', campaignId);
    return toSummary(row);
  }

  #selectRecord() {
    return this.#db
      .selectFrom('campaigns as c')
      .innerJoin('campaign_revisions as r', (join) =>
        join.onRef('r.campaign_id', '=', 'c.id').onRef('r.revision', '=', 'c.current_revision'),
      )
      .select([...SUMMARY_COLUMNS, 'r.text', 'r.model']);
  }

  async #requireExperiment(name: string): Promise<void> {
    if (!check.canBeExperimentName(name)) throw new NotFoundError('experiment', String(name));
    const found = await this.#db
      .selectFrom('experiments')
      .select('name')
      .where('name', '=', name)
      .executeTakeFirst();
    if (found === undefined) throw new NotFoundError('experiment', name);
  }

  async #currentRevision(id: CampaignId): Promise<number> {
    requireCampaignId(id);
    const row = await this.#db
      .selectFrom('campaigns')
      .select('current_revision')
      .where('id', '=', id)
      .executeTakeFirst();
    if (row === undefined) throw new NotFoundError('campaign', id);
    return row.current_revision;
  }
}

/** The campaign's tags as rows (each once). */
async function writeTags(
  trx: Transaction<Database>,
  campaignId: string,
  tags: readonly string[] | undefined,
): Promise<void> {
  const unique = [...new Set(tags ?? [])];
  if (unique.length === 0) return;
  await trx
    .insertInto('campaign_tags')
    .values(unique.map((tag) => ({ campaign_id: campaignId, tag })))
    .execute();
}
