import { sql, type Kysely, type Migration } from 'kysely';
import type { SqlDialect } from '../schema.ts';

/**
 * Execution: submissions with their status history and frozen config, their jobs, the file
 * ledger and the outputs each job declared; holds, the held-launch queue and schedules.
 *
 * The ledger and outputs refer to catalog files by row id (see 0002_catalog.ts); they are their
 * primary key, so a file is delivered to a submission at most once.
 */
export function execution(dialect: SqlDialect): Migration {
  const textC = dialect === 'postgres' ? sql`text collate "C"` : sql`text collate binary`;
  const fileRef = dialect === 'postgres' ? 'bigint' : 'integer';
  const number = 'double precision';
  const keyed = dialect === 'sqlite' ? sql`without rowid` : sql``;

  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('submissions')
        .addColumn('id', textC, (col) => col.primaryKey().notNull())
        .addColumn('experiment', textC, (col) => col.notNull())
        .addColumn('campaign_id', textC, (col) => col.notNull())
        .addColumn('campaign', textC, (col) => col.notNull())
        .addColumn('campaign_revision', 'integer', (col) => col.notNull())
        .addColumn('stage', textC, (col) => col.notNull())
        .addColumn('stage_type', 'text', (col) => col.notNull())
        .addColumn('engine', 'text', (col) => col.notNull())
        .addColumn('status', 'text', (col) => col.notNull())
        .addColumn('held_by_person', 'integer', (col) => col.notNull())
        .addColumn('origin', 'text', (col) => col.notNull())
        .addColumn('test', 'integer', (col) => col.notNull())
        .addColumn('launch_key', textC)
        .addColumn('parent_id', textC)
        .addColumn('chain_root_id', textC, (col) => col.notNull())
        .addColumn('upstream_ids', 'text', (col) => col.notNull())
        .addColumn('recovery_step', 'integer')
        .addColumn('recovery_type', 'text')
        .addColumn('launcher', 'text', (col) => col.notNull())
        .addColumn('dataset_query', 'text')
        .addColumn('input_query', 'text')
        .addColumn('input_snapshot_id', textC)
        .addColumn('parameter', 'text')
        .addColumn('split_seq', 'integer')
        .addColumn('job_count', 'integer', (col) => col.notNull())
        .addColumn('file_count', 'integer', (col) => col.notNull())
        .addColumn('batch_id', 'text')
        .addColumn('progressed', 'integer', (col) => col.notNull())
        .addColumn('chain_done_at', 'text')
        .addColumn('config', 'text', (col) => col.notNull())
        .addColumn('token_hash', 'text', (col) => col.notNull())
        .addColumn('created_at', 'text', (col) => col.notNull())
        .addColumn('updated_at', 'text', (col) => col.notNull())
        .addColumn('status_at', 'text', (col) => col.notNull())
        .addForeignKeyConstraint('submissions_experiment_fk', ['experiment'], 'experiments', [
          'name',
        ])
        .addForeignKeyConstraint('submissions_campaign_fk', ['campaign_id'], 'campaigns', ['id'])
        // An automatic launch (recovery, dependency, schedule tick) happens once.
        .addUniqueConstraint('submissions_launch_key_uq', ['experiment', 'launch_key'])
        .execute();
      await db.schema
        .createIndex('submissions_stage_ix')
        .on('submissions')
        .columns(['experiment', 'campaign_id', 'stage', 'created_at'])
        .execute();
      await db.schema
        .createIndex('submissions_chain_ix')
        .on('submissions')
        .columns(['chain_root_id'])
        .execute();
      await db.schema
        .createIndex('submissions_work_ix')
        .on('submissions')
        .columns(['progressed', 'status'])
        .execute();

      await db.schema
        .createTable('submission_history')
        .addColumn('submission_id', textC, (col) =>
          col.notNull().references('submissions.id').onDelete('cascade'),
        )
        .addColumn('seq', 'integer', (col) => col.notNull())
        .addColumn('status', 'text', (col) => col.notNull())
        .addColumn('reason', 'text', (col) => col.notNull())
        .addColumn('by', 'text')
        .addColumn('at', 'text', (col) => col.notNull())
        .addPrimaryKeyConstraint('submission_history_pk', ['submission_id', 'seq'])
        .modifyEnd(keyed)
        .execute();

      await db.schema
        .createTable('jobs')
        .addColumn('submission_id', textC, (col) =>
          col.notNull().references('submissions.id').onDelete('cascade'),
        )
        .addColumn('idx', 'integer', (col) => col.notNull())
        .addColumn('engine_id', 'text')
        .addColumn('state', 'text', (col) => col.notNull())
        .addColumn('exit_code', 'integer')
        .addColumn('signal', 'text')
        .addColumn('reason', 'text')
        .addColumn('cpu_s', number)
        .addColumn('wall_s', number)
        .addColumn('max_rss_kb', number)
        .addColumn('host', 'text')
        .addColumn('started_at', 'text')
        .addColumn('ended_at', 'text')
        .addColumn('request', 'text')
        .addColumn('file_count', 'integer', (col) => col.notNull())
        .addColumn('updated_at', 'text', (col) => col.notNull())
        .addPrimaryKeyConstraint('jobs_pk', ['submission_id', 'idx'])
        .modifyEnd(keyed)
        .execute();
      // The poller's question: which jobs are still live (few, among many finished).
      await db.schema.createIndex('jobs_state_ix').on('jobs').columns(['state']).execute();

      await db.schema
        .createTable('ledger')
        .addColumn('submission_id', textC, (col) =>
          col.notNull().references('submissions.id').onDelete('cascade'),
        )
        .addColumn('file', fileRef, (col) => col.notNull().references('files.id'))
        .addColumn('job_index', 'integer', (col) => col.notNull())
        .addColumn('state', 'text', (col) => col.notNull())
        .addColumn('reason', 'text')
        .addColumn('updated_at', 'text', (col) => col.notNull())
        .addPrimaryKeyConstraint('ledger_pk', ['submission_id', 'file'])
        .modifyEnd(keyed)
        .execute();
      await db.schema
        .createIndex('ledger_job_ix')
        .on('ledger')
        .columns(['submission_id', 'job_index'])
        .execute();
      await db.schema.createIndex('ledger_file_ix').on('ledger').columns(['file']).execute();

      await db.schema
        .createTable('outputs')
        .addColumn('submission_id', textC, (col) =>
          col.notNull().references('submissions.id').onDelete('cascade'),
        )
        .addColumn('file', fileRef, (col) => col.notNull().references('files.id'))
        .addColumn('job_index', 'integer', (col) => col.notNull())
        .addColumn('located', 'integer', (col) => col.notNull())
        .addPrimaryKeyConstraint('outputs_pk', ['submission_id', 'file'])
        .modifyEnd(keyed)
        .execute();

      await db.schema
        .createTable('holds')
        .addColumn('scope_key', textC, (col) => col.primaryKey().notNull())
        .addColumn('kind', 'text', (col) => col.notNull())
        .addColumn('experiment', textC)
        .addColumn('campaign_id', textC)
        .addColumn('stage', textC)
        .addColumn('by', 'text', (col) => col.notNull())
        .addColumn('reason', 'text')
        .addColumn('created_at', 'text', (col) => col.notNull())
        .execute();

      await db.schema
        .createTable('held_launches')
        .addColumn('id', textC, (col) => col.primaryKey().notNull())
        .addColumn('experiment', textC, (col) => col.notNull())
        .addColumn('campaign_id', textC, (col) => col.notNull())
        .addColumn('stage', textC, (col) => col.notNull())
        .addColumn('request', 'text', (col) => col.notNull())
        .addColumn('launch_key', textC)
        .addColumn('by', 'text', (col) => col.notNull())
        .addColumn('created_at', 'text', (col) => col.notNull())
        .addColumn('released_at', 'text')
        .addColumn('outcome', 'text')
        .addUniqueConstraint('held_launches_key_uq', ['experiment', 'launch_key'])
        .execute();

      await db.schema
        .createTable('schedules')
        .addColumn('id', textC, (col) => col.primaryKey().notNull())
        .addColumn('experiment', textC, (col) => col.notNull())
        .addColumn('campaign_id', textC, (col) => col.notNull())
        .addColumn('stage', textC, (col) => col.notNull())
        .addColumn('cron', 'text', (col) => col.notNull())
        .addColumn('timezone', 'text', (col) => col.notNull())
        .addColumn('enabled', 'integer', (col) => col.notNull())
        .addColumn('next_run', 'text')
        .addColumn('last_run', 'text')
        .addColumn('by', 'text', (col) => col.notNull())
        .addColumn('created_at', 'text', (col) => col.notNull())
        .addColumn('updated_at', 'text', (col) => col.notNull())
        .addUniqueConstraint('schedules_stage_uq', ['experiment', 'campaign_id', 'stage'])
        .execute();
    },

    async down(db: Kysely<unknown>): Promise<void> {
      for (const table of [
        'schedules',
        'held_launches',
        'holds',
        'outputs',
        'ledger',
        'jobs',
        'submission_history',
        'submissions',
      ]) {
        await db.schema.dropTable(table).execute();
      }
    },
  };
}
