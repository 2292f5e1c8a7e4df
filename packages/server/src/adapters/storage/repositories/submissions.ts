import { chunks } from '../../chunks.ts';
import { Buffer } from 'node:buffer';
import {
  sql,
  type ExpressionBuilder,
  type Kysely,
  type Selectable,
  type Transaction,
} from 'kysely';
import {
  type Clock,
  type Engine,
  type IdSource,
  type RecoveryType,
  type StageType,
  type SubmissionStatus,
} from '@poms/core';
import { InvalidArgumentError, NotFoundError } from '../../../ports/errors.ts';
import { MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE, type OffsetPage } from '../../../ports/pages.ts';
import type {
  ActiveJob,
  EndedJobRecord,
  FailedJobQuery,
  FailedJobRecord,
  FileReport,
  FileReportResult,
  FileStatistics,
  HistoryEntry,
  JobInputFile,
  JobKey,
  JobListOptions,
  JobRecord,
  JobRequest,
  JobUpdate,
  LedgerEntry,
  LedgerState,
  NewSubmission,
  OpenFile,
  OutputRecord,
  StatusChange,
  SubmissionListOptions,
  SubmissionOrigin,
  SubmissionRecord,
  StageCounts,
  StageHistory,
  SubmissionRepository,
  TrackedJobState,
} from '../../../ports/submissions.ts';
import type { Database, FileRowId, SubmissionsTable } from '../schema.ts';
import { jsonRows, onSqlite, rounds, toJob, updateJobRows, UPDATE_CHUNK } from './job-rows.ts';
import { countValue, isUniqueViolation } from './dialect.ts';
import { failedJobs, openFiles } from './failed-jobs.ts';
import { stageHistory } from './progress-history.ts';
import { stageCounts } from './progress.ts';
import { inTransaction } from './transaction.ts';

type Db = Kysely<Database>;
type SubmissionRow = Selectable<SubmissionsTable>;

const FINISHED_JOB_STATES = ['completed', 'failed', 'cancelled'] as const;
/** States of a job that did not succeed (a killed job is cancelled). */
const FAILED_JOB_STATES = ['failed', 'cancelled'] as const;
/** Rows per statement in bulk writes: far below SQLite's 32766 bound parameters. */
const CHUNK = 500;

function toSubmission(row: SubmissionRow): SubmissionRecord {
  return {
    id: row.id,
    experiment: row.experiment,
    campaign_id: row.campaign_id,
    campaign: row.campaign,
    campaign_revision: row.campaign_revision,
    stage: row.stage,
    stage_type: row.stage_type as StageType,
    engine: row.engine as Engine,
    status: row.status as SubmissionStatus,
    held_by_person: row.held_by_person === 1,
    origin: row.origin as SubmissionOrigin,
    test: row.test === 1,
    launch_key: row.launch_key,
    parent_id: row.parent_id,
    chain_root_id: row.chain_root_id,
    upstream_ids: JSON.parse(row.upstream_ids) as string[],
    recovery_step: row.recovery_step,
    recovery_type: row.recovery_type as RecoveryType | null,
    launcher: row.launcher,
    dataset_query: row.dataset_query,
    input_query: row.input_query,
    input_snapshot_id: row.input_snapshot_id,
    parameter: row.parameter,
    split_seq: row.split_seq,
    job_count: row.job_count,
    file_count: row.file_count,
    batch_id: row.batch_id,
    progressed: row.progressed === 1,
    chain_done_at: row.chain_done_at,
    created_at: row.created_at,
    updated_at: row.updated_at,
    status_at: row.status_at,
  };
}

/** UTF-8 byte order: the order of the name columns on both stores. */
function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

export class KyselySubmissionRepository implements SubmissionRepository {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly ids: IdSource,
  ) {}

  private now(): string {
    return this.clock.now().toISOString();
  }

  async create(input: NewSubmission): Promise<{ submission: SubmissionRecord; created: boolean }> {
    if (input.launchKey !== undefined) {
      const existing = await this.findByLaunchKey(input.experiment, input.launchKey);
      if (existing) return { submission: existing, created: false };
    }
    if (!Number.isInteger(input.filesPerJob) || input.filesPerJob < 1) {
      throw new InvalidArgumentError('filesPerJob', 'must be a whole number from 1');
    }
    try {
      const id = await inTransaction(this.db, (trx) => this.insert(trx, input));
      return { submission: await this.get(id), created: true };
    } catch (error) {
      // Another process created the same automatic launch between our look and our insert.
      if (input.launchKey !== undefined && isUniqueViolation(error)) {
        const existing = await this.findByLaunchKey(input.experiment, input.launchKey);
        if (existing) return { submission: existing, created: false };
      }
      throw error;
    }
  }

  private async insert(trx: Transaction<Database>, input: NewSubmission): Promise<string> {
    const id = this.ids.next('submission');
    const now = this.now();
    const status = input.status ?? 'New';
    await trx
      .insertInto('submissions')
      .values({
        id,
        experiment: input.experiment,
        campaign_id: input.campaignId,
        campaign: input.campaign,
        campaign_revision: input.campaignRevision,
        stage: input.stage,
        stage_type: input.stageType,
        engine: input.engine,
        status,
        held_by_person: 0,
        origin: input.origin,
        test: input.test ? 1 : 0,
        launch_key: input.launchKey ?? null,
        parent_id: input.parentId ?? null,
        chain_root_id: input.chainRootId ?? id,
        upstream_ids: JSON.stringify(input.upstreamIds ?? []),
        recovery_step: input.recoveryStep ?? null,
        recovery_type: input.recoveryType ?? null,
        launcher: input.launcher,
        dataset_query: input.datasetQuery ?? null,
        input_query: input.inputQuery ?? null,
        input_snapshot_id: input.inputSnapshotId ?? null,
        parameter: input.parameter ?? null,
        split_seq: input.splitSeq ?? null,
        job_count: 0,
        file_count: 0,
        batch_id: null,
        progressed: 0,
        chain_done_at: null,
        config: JSON.stringify(input.config ?? null),
        token_hash: input.tokenHash(id),
        created_at: now,
        updated_at: now,
        status_at: now,
      })
      .execute();
    await trx
      .insertInto('submission_history')
      .values({ submission_id: id, seq: 1, status, reason: input.reason, by: null, at: now })
      .execute();

    const files = await this.insertLedger(trx, id, input, now);
    // A generator's launch has no files and runs its job type's `jobs`; an empty slice runs none.
    const jobCount =
      input.noJobs === true
        ? 0
        : files > 0
          ? Math.ceil(files / input.filesPerJob)
          : 'none' in input.ledger
            ? input.jobsWithoutFiles
            : 0;
    const jobRows = Array.from({ length: jobCount }, (_, idx) => ({
      submission_id: id,
      idx,
      engine_id: null,
      state: 'pending',
      file_count: files === 0 ? 0 : Math.min(input.filesPerJob, files - idx * input.filesPerJob),
      updated_at: now,
    }));
    for (const rows of chunks(jobRows, CHUNK)) await trx.insertInto('jobs').values(rows).execute();
    await trx
      .updateTable('submissions')
      .set({ job_count: jobCount, file_count: files })
      .where('id', '=', id)
      .execute();
    return id;
  }

  /** Writes the ledger rows (delivered), numbering files to jobs in name order. */
  private async insertLedger(
    trx: Transaction<Database>,
    id: string,
    input: NewSubmission,
    now: string,
  ): Promise<number> {
    const source = input.ledger;
    if ('none' in source) return 0;
    let fileIds: FileRowId[];
    if ('snapshot' in source) {
      const rows = await trx
        .selectFrom('snapshot_files as sf')
        .innerJoin('files as f', 'f.id', 'sf.file')
        .select('sf.file')
        .where('sf.snapshot', '=', source.snapshot)
        .orderBy('f.name')
        .execute();
      fileIds = rows.map((r) => r.file);
    } else {
      // Byte order, as the name columns sort (collate "C"/binary) and as snapshots number files:
      // the default sort compares UTF-16 code units and puts astral characters (emoji) before
      // U+E000..U+FFFF, which numbered such files to other jobs than a snapshot of them would.
      const names = [...new Set(source.files)].sort(byteOrder);
      fileIds = [];
      const found = new Map<string, FileRowId>();
      for (const part of chunks(names, CHUNK)) {
        const rows = await trx
          .selectFrom('files')
          .select(['id', 'name'])
          .where('experiment', '=', input.experiment)
          .where('name', 'in', part)
          .execute();
        for (const r of rows) found.set(r.name, r.id);
      }
      for (const name of names) {
        const fileId = found.get(name);
        if (fileId === undefined) throw new NotFoundError('file', name);
        fileIds.push(fileId);
      }
    }
    const rows = fileIds.map((file, i) => ({
      submission_id: id,
      file,
      job_index: Math.floor(i / input.filesPerJob),
      state: 'delivered',
      reason: null,
      updated_at: now,
    }));
    for (const part of chunks(rows, CHUNK)) await trx.insertInto('ledger').values(part).execute();
    return rows.length;
  }

  async get(id: string): Promise<SubmissionRecord> {
    const row = await this.db
      .selectFrom('submissions')
      .selectAll()
      .where('id', '=', String(id))
      .executeTakeFirst();
    if (!row) throw new NotFoundError('submission', String(id));
    return toSubmission(row);
  }

  async findByLaunchKey(experiment: string, key: string): Promise<SubmissionRecord | undefined> {
    const row = await this.db
      .selectFrom('submissions')
      .selectAll()
      .where('experiment', '=', experiment)
      .where('launch_key', '=', key)
      .executeTakeFirst();
    return row ? toSubmission(row) : undefined;
  }

  async list(options: SubmissionListOptions): Promise<OffsetPage<SubmissionRecord>> {
    const limit = options.limit ?? DEFAULT_PAGE_SIZE;
    const offset = options.offset ?? 0;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
      throw new InvalidArgumentError('limit', `must be a whole number from 1 to ${MAX_PAGE_SIZE}`);
    }
    if (!Number.isInteger(offset) || offset < 0) {
      throw new InvalidArgumentError('offset', 'must be a whole number from 0');
    }
    let query = this.db.selectFrom('submissions').where('experiment', '=', options.experiment);
    if (options.campaignId !== undefined)
      query = query.where('campaign_id', '=', options.campaignId);
    if (options.stage !== undefined) query = query.where('stage', '=', options.stage);
    if (options.chainRootId !== undefined) {
      query = query.where('chain_root_id', '=', options.chainRootId);
    }
    if (options.test !== undefined) query = query.where('test', '=', options.test ? 1 : 0);
    if (options.statuses !== undefined) {
      if (options.statuses.length === 0) return { items: [], total: 0 };
      query = query.where('status', 'in', [...options.statuses]);
    }
    const [rows, count] = await Promise.all([
      query
        .selectAll()
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .offset(offset)
        .execute(),
      query.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { items: rows.map(toSubmission), total: countValue(count.n) };
  }

  async history(id: string): Promise<HistoryEntry[]> {
    await this.get(id);
    const rows = await this.db
      .selectFrom('submission_history')
      .selectAll()
      .where('submission_id', '=', id)
      .orderBy('seq')
      .execute();
    return rows.map((r) => ({ ...r, status: r.status as SubmissionStatus }));
  }

  async config(id: string): Promise<unknown> {
    const row = await this.db
      .selectFrom('submissions')
      .select('config')
      .where('id', '=', String(id))
      .executeTakeFirst();
    if (!row) throw new NotFoundError('submission', String(id));
    return JSON.parse(row.config) as unknown;
  }

  async tokenHash(id: string): Promise<string> {
    const row = await this.db
      .selectFrom('submissions')
      .select('token_hash')
      .where('id', '=', String(id))
      .executeTakeFirst();
    if (!row) throw new NotFoundError('submission', String(id));
    return row.token_hash;
  }

  async changeStatus(id: string, change: StatusChange): Promise<SubmissionRecord | undefined> {
    const now = this.now();
    const moved = await inTransaction(this.db, async (trx) => {
      const updated = await trx
        .updateTable('submissions')
        .set({
          status: change.to,
          held_by_person: change.heldByPerson === true ? 1 : 0,
          updated_at: now,
          status_at: now,
        })
        .where('id', '=', id)
        .where('status', '=', change.expected)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) !== 1) return false;
      const last = await trx
        .selectFrom('submission_history')
        .select((eb) => eb.fn.max('seq').as('seq'))
        .where('submission_id', '=', id)
        .executeTakeFirstOrThrow();
      await trx
        .insertInto('submission_history')
        .values({
          submission_id: id,
          seq: Number(last.seq ?? 0) + 1,
          status: change.to,
          reason: change.reason,
          by: change.by ?? null,
          at: now,
        })
        .execute();
      return true;
    });
    return moved ? this.get(id) : undefined;
  }

  async recordBatch(id: string, batchId: string, engineIds: readonly string[]): Promise<void> {
    const now = this.now();
    await inTransaction(this.db, async (trx) => {
      await trx
        .updateTable('submissions')
        .set({ batch_id: batchId, updated_at: now })
        .where('id', '=', id)
        .execute();
      // One statement for all the jobs, not one per job (see jsonRows). Each row names the whole
      // key, and `state || ''` hides the state index, so SQLite walks the given jobs and finds
      // each by primary key (otherwise it walks the submission's jobs, reading the list each).
      const sqlite = onSqlite(trx);
      const rows = engineIds.map((engine_id, idx) => ({ submission_id: id, idx, engine_id }));
      for (const part of chunks(rows, UPDATE_CHUNK)) {
        const source = jsonRows(sqlite, part, [
          ['submission_id', 'text'],
          ['idx', 'integer'],
          ['engine_id', 'text'],
        ]);
        await sql`update jobs set engine_id = v.engine_id, state = 'queued', updated_at = ${now}
          from ${sqlite ? sql`${source} as v` : source}
          where jobs.submission_id = v.submission_id and jobs.idx = v.idx
            and jobs.state || '' = 'pending'`.execute(trx);
      }
    });
  }

  async setProgressed(id: string): Promise<void> {
    await this.db
      .updateTable('submissions')
      .set({ progressed: 1, updated_at: this.now() })
      .where('id', '=', id)
      .execute();
  }

  async setChainDone(rootId: string): Promise<void> {
    await this.db
      .updateTable('submissions')
      .set({ chain_done_at: this.now() })
      .where('id', '=', rootId)
      .where('chain_done_at', 'is', null)
      .execute();
  }

  async unfinished(): Promise<SubmissionRecord[]> {
    const rows = await this.db
      .selectFrom('submissions')
      .selectAll()
      .where((eb) =>
        eb.or([
          eb('progressed', '=', 0),
          eb.and([eb('chain_root_id', '=', eb.ref('id')), eb('chain_done_at', 'is', null)]),
        ]),
      )
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(toSubmission);
  }

  async jobs(id: string): Promise<JobRecord[]> {
    const rows = await this.db
      .selectFrom('jobs')
      .selectAll()
      .where('submission_id', '=', id)
      .orderBy('idx')
      .execute();
    return rows.map(toJob);
  }

  async jobPage(id: string, options: JobListOptions = {}): Promise<OffsetPage<JobRecord>> {
    const limit = options.limit ?? DEFAULT_PAGE_SIZE;
    const offset = options.offset ?? 0;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
      throw new InvalidArgumentError('limit', `must be a whole number from 1 to ${MAX_PAGE_SIZE}`);
    }
    if (!Number.isInteger(offset) || offset < 0) {
      throw new InvalidArgumentError('offset', 'must be a whole number from 0');
    }
    await this.get(id);
    let query = this.db.selectFrom('jobs').where('submission_id', '=', id);
    if (options.states !== undefined) {
      if (options.states.length === 0) return { items: [], total: 0 };
      query = query.where('state', 'in', [...options.states]);
    }
    if (options.failed !== undefined) {
      const failed = (eb: ExpressionBuilder<Database, 'jobs'>) =>
        eb.or([eb('state', 'in', [...FAILED_JOB_STATES]), eb('exit_code', '<>', 0)]);
      // exit_code <> 0 is unknown (not false) for a null exit code: coalesce keeps NOT exact.
      query = options.failed
        ? query.where(failed)
        : query.where((eb) =>
            eb.and([
              eb('state', 'not in', [...FAILED_JOB_STATES]),
              eb(eb.fn.coalesce('exit_code', sql.lit(0)), '=', 0),
            ]),
          );
    }
    const [rows, count] = await Promise.all([
      query.selectAll().orderBy('idx').limit(limit).offset(offset).execute(),
      query.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { items: rows.map(toJob), total: countValue(count.n) };
  }

  async jobCounts(id: string): Promise<Partial<Record<TrackedJobState, number>>> {
    await this.get(id);
    const rows = await this.db
      .selectFrom('jobs')
      .select(['state', (eb) => eb.fn.countAll<number | string>().as('n')])
      .where('submission_id', '=', id)
      .groupBy('state')
      .orderBy('state')
      .execute();
    return Object.fromEntries(rows.map((r) => [r.state, countValue(r.n)]));
  }

  async activeJobs(limit: number, after?: JobKey): Promise<ActiveJob[]> {
    let query = this.db
      .selectFrom('jobs as j')
      .innerJoin('submissions as s', 's.id', 'j.submission_id')
      .select(['j.submission_id', 'j.idx', 'j.engine_id', 'j.state', 'j.request', 's.engine'])
      .where('j.engine_id', 'is not', null)
      .where((eb) =>
        eb.or([eb('j.state', 'not in', [...FINISHED_JOB_STATES]), eb('j.request', 'is not', null)]),
      );
    if (after !== undefined) {
      // Keyset paging on the primary key: each page starts where the last ended, never re-reads.
      // The plain bound lets SQLite seek the key instead of scanning from the first job.
      query = query
        .where('j.submission_id', '>=', after.submissionId)
        .where((eb) =>
          eb.or([
            eb('j.submission_id', '>', after.submissionId),
            eb.and([eb('j.submission_id', '=', after.submissionId), eb('j.idx', '>', after.index)]),
          ]),
        );
    }
    const rows = await query.orderBy('j.submission_id').orderBy('j.idx').limit(limit).execute();
    return rows.map((r) => ({
      submission_id: r.submission_id,
      index: r.idx,
      engine: r.engine as Engine,
      engine_id: r.engine_id ?? '',
      state: r.state as TrackedJobState,
      request: r.request as JobRequest | null,
    }));
  }

  async endedJobsSince(since: string, limit: number): Promise<EndedJobRecord[]> {
    if (!Number.isInteger(limit) || limit < 1 || limit > 100_000) {
      throw new InvalidArgumentError('limit', 'must be a whole number from 1 to 100000');
    }
    const rows = await this.db
      .selectFrom('jobs as j')
      .innerJoin('submissions as s', 's.id', 'j.submission_id')
      .select(['j.submission_id', 'j.idx', 'j.engine_id', 'j.state', 's.engine', 's.experiment'])
      .select('s.updated_at as submission_updated_at')
      .where('s.updated_at', '>=', since)
      .where('j.engine_id', 'is not', null)
      .where('j.state', 'in', [...FINISHED_JOB_STATES])
      .orderBy('s.updated_at', 'desc')
      .orderBy('j.submission_id')
      .orderBy('j.idx')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      submission_id: r.submission_id,
      experiment: r.experiment,
      index: r.idx,
      engine: r.engine as Engine,
      engine_id: r.engine_id ?? '',
      state: r.state as EndedJobRecord['state'],
      submission_updated_at: r.submission_updated_at,
    }));
  }

  async updateJobs(updates: readonly JobUpdate[]): Promise<string[]> {
    if (updates.length === 0) return [];
    const now = this.now();
    // A fixed order of row locks: two pollers never wait on each other in a cycle.
    const ordered = [...updates].sort((a, b) =>
      a.submissionId === b.submissionId
        ? a.index - b.index
        : a.submissionId < b.submissionId
          ? -1
          : 1,
    );
    const touched = new Set<string>();
    // One transaction, one statement per chunk of rows. A job named twice is written in rounds,
    // in the order given, as a statement may match each row only once.
    await inTransaction(this.db, async (trx) => {
      for (const round of rounds(ordered)) {
        for (const part of chunks(round, UPDATE_CHUNK)) {
          for (const id of await updateJobRows(trx, part, now)) touched.add(id);
        }
      }
    });
    return [...touched].sort();
  }

  async requestJobs(id: string, request: JobRequest, indexes?: readonly number[]): Promise<number> {
    let query = this.db
      .updateTable('jobs')
      .set({ request, updated_at: this.now() })
      .where('submission_id', '=', id)
      .where('state', 'not in', [...FINISHED_JOB_STATES]);
    if (indexes !== undefined) {
      if (indexes.length === 0) return 0;
      query = query.where('idx', 'in', [...indexes]);
    }
    const result = await query.executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async clearRequests(jobs: readonly { submissionId: string; index: number }[]): Promise<void> {
    if (jobs.length === 0) return;
    await inTransaction(this.db, async (trx) => {
      for (const part of chunks(jobs, CHUNK)) {
        const values = sql.join(
          part.map((j) => sql`(cast(${j.submissionId} as text), cast(${j.index} as integer))`),
        );
        await sql`with v(submission_id, idx) as (values ${values})
          update jobs set request = null
          from v where jobs.submission_id = v.submission_id and jobs.idx = v.idx`.execute(trx);
      }
    });
  }

  async ledger(
    id: string,
    options: { state?: LedgerState; jobIndex?: number; limit?: number; offset?: number } = {},
  ): Promise<OffsetPage<LedgerEntry>> {
    const limit = options.limit ?? MAX_PAGE_SIZE;
    if (!Number.isInteger(limit) || limit < 1 || limit > 100_000) {
      throw new InvalidArgumentError('limit', 'must be a whole number from 1 to 100000');
    }
    let query = this.db
      .selectFrom('ledger as l')
      .innerJoin('files as f', 'f.id', 'l.file')
      .where('l.submission_id', '=', id);
    if (options.state !== undefined) query = query.where('l.state', '=', options.state);
    if (options.jobIndex !== undefined) query = query.where('l.job_index', '=', options.jobIndex);
    const [rows, count] = await Promise.all([
      query
        .select(['f.name as file', 'l.job_index', 'l.state', 'l.reason', 'l.updated_at'])
        .orderBy('f.name')
        .limit(limit)
        .offset(options.offset ?? 0)
        .execute(),
      query.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return {
      items: rows.map((r) => ({ ...r, state: r.state as LedgerState })),
      total: countValue(count.n),
    };
  }

  async jobFiles(id: string, index: number, location: string): Promise<JobInputFile[]> {
    const rows = await this.db
      .selectFrom('ledger as l')
      .innerJoin('files as f', 'f.id', 'l.file')
      .leftJoin('replicas as r', (join) =>
        join.onRef('r.file', '=', 'l.file').on('r.location', '=', location),
      )
      .select(['f.name', 'r.path'])
      .where('l.submission_id', '=', id)
      .where('l.job_index', '=', index)
      .orderBy('f.name')
      .execute();
    // A file with several replicas at the location: the first path is enough.
    const seen = new Map<string, string | null>();
    for (const r of rows)
      if (!seen.has(r.name) || seen.get(r.name) === null) seen.set(r.name, r.path);
    return [...seen].map(([name, path]) => ({ name, path }));
  }

  async reportFiles(
    id: string,
    index: number,
    files: readonly FileReport[],
  ): Promise<FileReportResult> {
    const now = this.now();
    // A job reports a file or two at a time: one read and one write, without a transaction
    // around them (each UPDATE only moves files still delivered, and counts what it moved, so a
    // concurrent report of the same file is counted once). Bigger reports stay all-or-nothing.
    const apply = async (db: Db) => {
      let changed = 0;
      const unknown: string[] = [];
      for (const part of chunks(files, CHUNK)) {
        const rows = await db
          .selectFrom('ledger as l')
          .innerJoin('files as f', 'f.id', 'l.file')
          .select(['f.name', 'l.file', 'l.state'])
          .where('l.submission_id', '=', id)
          .where('l.job_index', '=', index)
          .where(
            'f.name',
            'in',
            part.map((f) => f.name),
          )
          .execute();
        const byName = new Map(rows.map((r) => [r.name, r]));
        // The delivered files by the state and reason they move to: one UPDATE per group.
        const groups = new Map<string, { report: FileReport; files: FileRowId[] }>();
        for (const report of part) {
          const row = byName.get(report.name);
          if (row === undefined) {
            unknown.push(report.name);
            continue;
          }
          if (row.state !== 'delivered') continue;
          // A file named twice in one report: the first report of it wins.
          row.state = report.state;
          const key = JSON.stringify([report.state, report.reason ?? null]);
          const group = groups.get(key) ?? { report, files: [] };
          group.files.push(row.file);
          groups.set(key, group);
        }
        for (const { report, files: ids } of groups.values()) {
          const result = await db
            .updateTable('ledger')
            .set({ state: report.state, reason: report.reason ?? null, updated_at: now })
            .where('submission_id', '=', id)
            .where('file', 'in', ids)
            .where('state', '=', 'delivered')
            .executeTakeFirst();
          changed += Number(result.numUpdatedRows);
        }
      }
      return { changed, unknown };
    };
    const oneWrite =
      files.length <= CHUNK && new Set(files.map((f) => `${f.state}\0${f.reason ?? ''}`)).size <= 1;
    return oneWrite ? apply(this.db) : inTransaction(this.db, apply);
  }

  async recordOutputs(
    id: string,
    index: number,
    files: readonly { name: string; located: boolean }[],
  ): Promise<void> {
    if (files.length === 0) return;
    const owner = await this.db
      .selectFrom('submissions')
      .select('experiment')
      .where('id', '=', String(id))
      .executeTakeFirst();
    if (!owner) throw new NotFoundError('submission', String(id));
    // A name given twice: its last `located` counts, as when each was written in turn.
    const located = new Map(files.map((f) => [f.name, f.located]));
    const record = async (db: Db) => {
      for (const part of chunks([...located], CHUNK)) {
        const rows = await db
          .selectFrom('files')
          .select(['id', 'name'])
          .where('experiment', '=', owner.experiment)
          .where(
            'name',
            'in',
            part.map(([name]) => name),
          )
          .execute();
        const ids = new Map(rows.map((r) => [r.name, r.id]));
        const values = part.map(([name, here]) => {
          const file = ids.get(name);
          if (file === undefined) throw new NotFoundError('file', name);
          return { submission_id: id, file, job_index: index, located: here ? 1 : 0 };
        });
        await db
          .insertInto('outputs')
          .values(values)
          .onConflict((oc) =>
            oc
              .columns(['submission_id', 'file'])
              .doUpdateSet({ located: (eb) => eb.ref('excluded.located') }),
          )
          .execute();
      }
    };
    // One chunk is one INSERT, all-or-nothing by itself; more need a transaction around them.
    await (located.size <= CHUNK ? record(this.db) : inTransaction(this.db, record));
  }

  async outputs(id: string): Promise<OutputRecord[]> {
    const rows = await this.db
      .selectFrom('outputs as o')
      .innerJoin('files as f', 'f.id', 'o.file')
      .select(['f.name as file', 'o.job_index', 'o.located'])
      .where('o.submission_id', '=', id)
      .orderBy('f.name')
      .execute();
    return rows.map((r) => ({ file: r.file, job_index: r.job_index, located: r.located === 1 }));
  }

  async statistics(id: string): Promise<FileStatistics> {
    await this.get(id);
    const states = await this.db
      .selectFrom('ledger')
      .select(['state', (eb) => eb.fn.countAll<number | string>().as('n')])
      .where('submission_id', '=', id)
      .groupBy('state')
      .execute();
    const by = (s: LedgerState) => countValue(states.find((r) => r.state === s)?.n ?? 0);
    const submitted = states.reduce((sum, r) => sum + countValue(r.n), 0);
    // Inputs with outputs: ledger files that are parents of this submission's outputs.
    const children = await this.db
      .selectFrom('ledger as l')
      .innerJoin('file_parents as fp', 'fp.parent', 'l.file')
      .innerJoin('outputs as o', (join) =>
        join.onRef('o.file', '=', 'fp.child').onRef('o.submission_id', '=', 'l.submission_id'),
      )
      .select([
        sql<number | string>`count(distinct l.file)`.as('with_outputs'),
        sql<number | string>`count(distinct case when o.located = 1 then l.file end)`.as(
          'with_located',
        ),
      ])
      .where('l.submission_id', '=', id)
      .executeTakeFirstOrThrow();
    const consumedWithout = await this.db
      .selectFrom('ledger as l')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('l.submission_id', '=', id)
      .where('l.state', '=', 'consumed')
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('file_parents as fp')
              .innerJoin('outputs as o', 'o.file', 'fp.child')
              .select('fp.child')
              .whereRef('fp.parent', '=', 'l.file')
              .whereRef('o.submission_id', '=', 'l.submission_id'),
          ),
        ),
      )
      .executeTakeFirstOrThrow();
    const outputs = await this.db
      .selectFrom('outputs')
      .select([
        (eb) => eb.fn.countAll<number | string>().as('n'),
        sql<number | string>`coalesce(sum(located), 0)`.as('located'),
      ])
      .where('submission_id', '=', id)
      .executeTakeFirstOrThrow();
    return {
      submitted,
      delivered: submitted,
      consumed: by('consumed'),
      failed: by('failed'),
      skipped: by('skipped'),
      unknown: by('delivered'),
      with_outputs: countValue(children.with_outputs),
      with_located_outputs: countValue(children.with_located),
      pending: countValue(consumedWithout.n),
      outputs: countValue(outputs.n),
      located_outputs: countValue(outputs.located),
    };
  }

  stageCounts(experiment: string, campaignId: string): Promise<StageCounts[]> {
    return stageCounts(this.db, experiment, campaignId);
  }

  stageHistory(
    experiment: string,
    campaignId: string,
    stage: string | undefined,
    buckets: number,
  ): Promise<StageHistory> {
    return stageHistory(this.db, this.clock.now(), { experiment, campaignId, stage, buckets });
  }

  failedJobs(query: FailedJobQuery): Promise<FailedJobRecord[]> {
    return failedJobs(this.db, query);
  }

  openFiles(jobs: readonly { submissionId: string; index: number }[]): Promise<OpenFile[]> {
    return openFiles(this.db, jobs);
  }
}
