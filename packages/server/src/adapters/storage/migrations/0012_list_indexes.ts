import type { Kysely, Migration } from 'kysely';
import type { SqlDialect } from '../schema.ts';

/**
 * Submission lists in their order (newest first, id breaking ties), of a campaign and of an
 * experiment: the first page reads 50 index entries instead of sorting every submission of the
 * campaign (10^4 of them in a large campaign) on each request.
 */
export function listIndexes(_dialect: SqlDialect): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createIndex('submissions_campaign_list_ix')
        .on('submissions')
        .columns(['experiment', 'campaign_id', 'created_at', 'id'])
        .execute();
      await db.schema
        .createIndex('submissions_list_ix')
        .on('submissions')
        .columns(['experiment', 'created_at', 'id'])
        .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropIndex('submissions_list_ix').execute();
      await db.schema.dropIndex('submissions_campaign_list_ix').execute();
    },
  };
}
