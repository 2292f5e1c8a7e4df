import { sql, type Kysely, type Migration } from 'kysely';
import type { SqlDialect } from '../schema.ts';

/**
 * Identity: users, their role per experiment, login sessions, API tokens, and the audit log.
 *
 * Sessions and tokens keep only the SHA-256 (hex) of their secret, so a copy of the database lets
 * nobody in. The audit log has no foreign keys on purpose: it outlives what it talks about.
 */
export function identity(dialect: SqlDialect): Migration {
  const textC = dialect === 'postgres' ? sql`text collate "C"` : sql`text collate binary`;
  const keyed = dialect === 'sqlite' ? sql`without rowid` : sql``;

  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('users')
        .addColumn('id', textC, (col) => col.primaryKey().notNull())
        .addColumn('username', textC, (col) => col.notNull())
        .addColumn('display_name', 'text', (col) => col.notNull())
        .addColumn('email', 'text')
        // Null for users who sign in only through single sign-on.
        .addColumn('password_hash', 'text')
        .addColumn('is_root', 'integer', (col) => col.notNull())
        .addColumn('active', 'integer', (col) => col.notNull())
        .addColumn('must_change_password', 'integer', (col) => col.notNull())
        .addColumn('created_at', 'text', (col) => col.notNull())
        .addColumn('updated_at', 'text', (col) => col.notNull())
        .addUniqueConstraint('users_username_uq', ['username'])
        .execute();

      await db.schema
        .createTable('memberships')
        .addColumn('experiment', textC, (col) =>
          col.notNull().references('experiments.name').onDelete('cascade'),
        )
        .addColumn('user_id', textC, (col) =>
          col.notNull().references('users.id').onDelete('cascade'),
        )
        .addColumn('role', 'text', (col) => col.notNull())
        .addColumn('granted_by', 'text', (col) => col.notNull())
        .addColumn('created_at', 'text', (col) => col.notNull())
        .addColumn('updated_at', 'text', (col) => col.notNull())
        .addPrimaryKeyConstraint('memberships_pk', ['experiment', 'user_id'])
        .modifyEnd(keyed)
        .execute();
      await db.schema
        .createIndex('memberships_user_ix')
        .on('memberships')
        .columns(['user_id'])
        .execute();

      await db.schema
        .createTable('sessions')
        .addColumn('id', textC, (col) => col.primaryKey().notNull())
        .addColumn('user_id', textC, (col) =>
          col.notNull().references('users.id').onDelete('cascade'),
        )
        .addColumn('token_hash', textC, (col) => col.notNull())
        .addColumn('csrf_hash', textC, (col) => col.notNull())
        .addColumn('experiment', textC, (col) =>
          col.references('experiments.name').onDelete('cascade'),
        )
        .addColumn('role', 'text')
        .addColumn('created_at', 'text', (col) => col.notNull())
        .addColumn('expires_at', 'text', (col) => col.notNull())
        .addColumn('last_seen_at', 'text', (col) => col.notNull())
        .addUniqueConstraint('sessions_token_hash_uq', ['token_hash'])
        .execute();
      await db.schema.createIndex('sessions_user_ix').on('sessions').columns(['user_id']).execute();
      await db.schema
        .createIndex('sessions_expires_ix')
        .on('sessions')
        .columns(['expires_at'])
        .execute();

      await db.schema
        .createTable('api_tokens')
        .addColumn('id', textC, (col) => col.primaryKey().notNull())
        .addColumn('user_id', textC, (col) =>
          col.notNull().references('users.id').onDelete('cascade'),
        )
        .addColumn('name', 'text', (col) => col.notNull())
        .addColumn('token_hash', textC, (col) => col.notNull())
        .addColumn('scopes', 'text', (col) => col.notNull())
        .addColumn('experiment', textC, (col) =>
          col.references('experiments.name').onDelete('cascade'),
        )
        .addColumn('created_at', 'text', (col) => col.notNull())
        .addColumn('expires_at', 'text')
        .addColumn('last_used_at', 'text')
        .addColumn('revoked_at', 'text')
        .addUniqueConstraint('api_tokens_token_hash_uq', ['token_hash'])
        .execute();
      await db.schema
        .createIndex('api_tokens_user_ix')
        .on('api_tokens')
        .columns(['user_id', 'created_at'])
        .execute();

      await db.schema
        .createTable('audit_log')
        .addColumn('id', textC, (col) => col.primaryKey().notNull())
        .addColumn('at', 'text', (col) => col.notNull())
        .addColumn('actor', textC, (col) => col.notNull())
        .addColumn('acting_role', 'text')
        .addColumn('experiment', textC)
        .addColumn('action', textC, (col) => col.notNull())
        .addColumn('object_type', textC, (col) => col.notNull())
        .addColumn('object_id', textC, (col) => col.notNull())
        .addColumn('summary', 'text', (col) => col.notNull())
        .addColumn('before', 'text')
        .addColumn('after', 'text')
        .addColumn('request_id', 'text')
        .execute();
      // Newest first, whole log or one experiment's; and one object's history.
      await db.schema
        .createIndex('audit_log_at_ix')
        .on('audit_log')
        .columns(['at', 'id'])
        .execute();
      await db.schema
        .createIndex('audit_log_experiment_ix')
        .on('audit_log')
        .columns(['experiment', 'at'])
        .execute();
      await db.schema
        .createIndex('audit_log_object_ix')
        .on('audit_log')
        .columns(['object_type', 'object_id', 'at'])
        .execute();
    },

    async down(db: Kysely<unknown>): Promise<void> {
      for (const table of ['audit_log', 'api_tokens', 'sessions', 'memberships', 'users']) {
        await db.schema.dropTable(table).execute();
      }
    },
  };
}
