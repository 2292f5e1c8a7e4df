import type { Kysely, Selectable } from 'kysely';
import type { Clock } from '@poms/core';
import type { WatchRecord, WatchRepository } from '../../../ports/watches.ts';
import type { Database, WatchesTable } from '../schema.ts';

/** The whole campaign is stored as stage '' (a key column cannot be null). */
const WHOLE = '';

function toWatch(row: Selectable<WatchesTable>): WatchRecord {
  return { ...row, stage: row.stage === WHOLE ? null : row.stage };
}

export class KyselyWatchRepository implements WatchRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
  ) {}

  async watch(input: {
    username: string;
    experiment: string;
    campaignId: string;
    stage?: string | undefined;
  }): Promise<WatchRecord> {
    const stage = input.stage ?? WHOLE;
    await this.db
      .insertInto('watches')
      .values({
        username: input.username,
        experiment: input.experiment,
        campaign_id: input.campaignId,
        stage,
        created_at: this.clock.now().toISOString(),
      })
      .onConflict((oc) => oc.columns(['username', 'campaign_id', 'stage']).doNothing())
      .execute();
    const row = await this.db
      .selectFrom('watches')
      .selectAll()
      .where('username', '=', input.username)
      .where('campaign_id', '=', input.campaignId)
      .where('stage', '=', stage)
      .executeTakeFirstOrThrow();
    return toWatch(row);
  }

  async unwatch(username: string, campaignId: string, stage?: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('watches')
      .where('username', '=', username)
      .where('campaign_id', '=', campaignId)
      .where('stage', '=', stage ?? WHOLE)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async watches(username: string, experiment?: string): Promise<WatchRecord[]> {
    let query = this.db.selectFrom('watches').selectAll().where('username', '=', username);
    if (experiment !== undefined) query = query.where('experiment', '=', experiment);
    const rows = await query
      .orderBy('experiment')
      .orderBy('campaign_id')
      .orderBy('stage')
      .execute();
    return rows.map(toWatch);
  }

  async watchers(campaignId: string, stage?: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('watches')
      .select('username')
      .distinct()
      .where('campaign_id', '=', campaignId)
      .where('stage', 'in', stage === undefined ? [WHOLE] : [WHOLE, stage])
      .orderBy('username')
      .execute();
    return rows.map((r) => r.username);
  }
}
