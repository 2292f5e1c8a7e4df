import { sql, type Kysely, type Migration } from 'kysely';
import type { SqlDialect } from '../schema.ts';

/**
 * Notifications (issue 9, docs/notifications.md): each user's settings (the webhook secret is
 * kept because signing needs it), the delivery outbox keyed by (event, user, channel), the
 * notifier's cursors, and an index that lets the notifier read the history after its cursor.
 */
export function notifications(dialect: SqlDialect): Migration {
  const textC = dialect === 'postgres' ? sql`text collate "C"` : sql`text collate binary`;
  const keyed = dialect === 'sqlite' ? sql`without rowid` : sql``;
  const real = dialect === 'postgres' ? sql`double precision` : sql`real`;
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('notification_settings')
        .addColumn('username', textC, (col) => col.primaryKey())
        .addColumn('email_enabled', 'integer', (col) => col.notNull())
        .addColumn('webhook_url', 'text')
        .addColumn('webhook_secret', 'text')
        .addColumn('digest', 'text', (col) => col.notNull())
        .addColumn('failure_threshold', real, (col) => col.notNull())
        .addColumn('updated_at', 'text', (col) => col.notNull())
        .modifyEnd(keyed)
        .execute();

      await db.schema
        .createTable('notification_outbox')
        .addColumn('id', textC, (col) => col.primaryKey())
        .addColumn('username', textC, (col) => col.notNull())
        .addColumn('channel', 'text', (col) => col.notNull())
        .addColumn('event', 'text', (col) => col.notNull())
        .addColumn('state', 'text', (col) => col.notNull())
        .addColumn('attempts', 'integer', (col) => col.notNull())
        .addColumn('next_at', 'text', (col) => col.notNull())
        .addColumn('sent_at', 'text')
        .addColumn('error', 'text')
        .addColumn('created_at', 'text', (col) => col.notNull())
        .modifyEnd(keyed)
        .execute();
      await db.schema
        .createIndex('notification_outbox_due_ix')
        .on('notification_outbox')
        .columns(['state', 'next_at'])
        .execute();

      await db.schema
        .createTable('notifier_cursors')
        .addColumn('name', textC, (col) => col.primaryKey())
        .addColumn('value', 'text', (col) => col.notNull())
        .addColumn('updated_at', 'text', (col) => col.notNull())
        .modifyEnd(keyed)
        .execute();

      await db.schema
        .createIndex('submission_history_at_ix')
        .on('submission_history')
        .columns(['at', 'submission_id', 'seq'])
        .execute();
    },

    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropIndex('submission_history_at_ix').execute();
      await db.schema.dropTable('notifier_cursors').execute();
      await db.schema.dropTable('notification_outbox').execute();
      await db.schema.dropTable('notification_settings').execute();
    },
  };
}
