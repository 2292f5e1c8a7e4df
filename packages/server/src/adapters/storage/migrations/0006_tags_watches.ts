import { sql, type Kysely, type Migration } from 'kysely';
import type { SqlDialect } from '../schema.ts';

/**
 * Campaign tags as rows (so lists filter by tag in SQL) and watch lists (who follows which
 * campaign or stage, for notifications). Tags of campaigns stored before are taken from their
 * current revision's model.
 */
export function tagsWatches(dialect: SqlDialect): Migration {
  const textC = dialect === 'postgres' ? sql`text collate "C"` : sql`text collate binary`;
  const keyed = dialect === 'sqlite' ? sql`without rowid` : sql``;
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('campaign_tags')
        .addColumn('campaign_id', textC, (col) =>
          col.notNull().references('campaigns.id').onDelete('cascade'),
        )
        .addColumn('tag', textC, (col) => col.notNull())
        .addPrimaryKeyConstraint('campaign_tags_pk', ['campaign_id', 'tag'])
        .modifyEnd(keyed)
        .execute();
      await db.schema
        .createIndex('campaign_tags_tag_ix')
        .on('campaign_tags')
        .columns(['tag'])
        .execute();

      await db.schema
        .createTable('watches')
        .addColumn('username', textC, (col) => col.notNull())
        .addColumn('experiment', textC, (col) => col.notNull())
        .addColumn('campaign_id', textC, (col) =>
          col.notNull().references('campaigns.id').onDelete('cascade'),
        )
        .addColumn('stage', textC, (col) => col.notNull())
        .addColumn('created_at', 'text', (col) => col.notNull())
        .addPrimaryKeyConstraint('watches_pk', ['username', 'campaign_id', 'stage'])
        .modifyEnd(keyed)
        .execute();
      await db.schema
        .createIndex('watches_campaign_ix')
        .on('watches')
        .columns(['campaign_id'])
        .execute();

      const current = await sql<{ id: string; model: string }>`
        select c.id as id, r.model as model from campaigns c
        join campaign_revisions r on r.campaign_id = c.id and r.revision = c.current_revision`.execute(
        db,
      );
      for (const row of current.rows) {
        for (const tag of tagsOfModel(row.model)) {
          await sql`insert into campaign_tags (campaign_id, tag) values (${row.id}, ${tag})`.execute(
            db,
          );
        }
      }
    },

    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('watches').execute();
      await db.schema.dropTable('campaign_tags').execute();
    },
  };
}

/** The tags of a stored campaign model (JSON text of {spec}); none when it has none. */
function tagsOfModel(modelJson: string): string[] {
  try {
    const tags = (JSON.parse(modelJson) as { spec?: { tags?: unknown } }).spec?.tags;
    return Array.isArray(tags) ? [...new Set(tags.filter((t) => typeof t === 'string'))] : [];
  } catch {
    return [];
  }
}
