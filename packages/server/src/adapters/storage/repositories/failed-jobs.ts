// Failed jobs across an experiment's submissions, for triage (services/triage): one query for the
// jobs with their file counts, one per few hundred jobs for their open files. A file counts as
// open while no submission of the same campaign stage has consumed it since, so a recovery that
// already reprocessed it (automatic or by hand) takes it out of the next one.
import { Buffer } from 'node:buffer';
import { sql, type Kysely } from 'kysely';
import { InvalidArgumentError } from '../../../ports/errors.ts';
import type { FailedJobQuery, FailedJobRecord, OpenFile } from '../../../ports/submissions.ts';
import { chunks } from '../../chunks.ts';
import type { Database } from '../schema.ts';
import { countValue } from './dialect.ts';
import { toJob } from './job-rows.ts';

/** Ledger states of a file a job was given and nobody has finished with. */
const OPEN_STATES = ['failed', 'delivered'] as const;

/** The file of ledger row `l` (of submission `s`) is not consumed by any submission of its stage. */
const NOT_CONSUMED_IN_STAGE = sql<boolean>`not exists (
  select 1 from ledger lc join submissions sc on sc.id = lc.submission_id
  where lc.file = l.file and lc.state = 'consumed'
    and sc.campaign_id = s.campaign_id and sc.stage = s.stage)`;

export async function failedJobs(
  db: Kysely<Database>,
  query: FailedJobQuery,
): Promise<FailedJobRecord[]> {
  if (!Number.isInteger(query.limit) || query.limit < 1 || query.limit > 100_000) {
    throw new InvalidArgumentError('limit', 'must be a whole number from 1 to 100000');
  }
  let jobs = db
    .selectFrom('jobs as j')
    .innerJoin('submissions as s', 's.id', 'j.submission_id')
    .where('s.experiment', '=', query.experiment)
    .where('j.state', 'in', ['completed', 'failed'])
    .where((eb) => eb(eb.fn.coalesce('j.ended_at', 'j.updated_at'), '>=', query.since))
    .where((eb) =>
      eb.or([
        eb('j.state', '=', 'failed'),
        eb(eb.fn.coalesce('j.exit_code', sql.lit(0)), '<>', 0),
        eb.exists(
          eb
            .selectFrom('ledger as lf')
            .select(sql.lit(1).as('one'))
            .whereRef('lf.submission_id', '=', 'j.submission_id')
            .whereRef('lf.job_index', '=', 'j.idx')
            .where('lf.state', '=', 'failed'),
        ),
      ]),
    );
  if (query.campaignId !== undefined) jobs = jobs.where('s.campaign_id', '=', query.campaignId);
  if (query.stage !== undefined) jobs = jobs.where('s.stage', '=', query.stage);
  const rows = await jobs
    .selectAll('j')
    .select(['s.experiment', 's.campaign_id', 's.campaign', 's.stage'])
    .select((eb) => [
      eb
        .selectFrom('ledger as lf')
        .select(eb.fn.countAll<number | string>().as('n'))
        .whereRef('lf.submission_id', '=', 'j.submission_id')
        .whereRef('lf.job_index', '=', 'j.idx')
        .where('lf.state', '=', 'failed')
        .as('failed_files'),
      eb
        .selectFrom('ledger as l')
        .select(eb.fn.countAll<number | string>().as('n'))
        .whereRef('l.submission_id', '=', 'j.submission_id')
        .whereRef('l.job_index', '=', 'j.idx')
        .where('l.state', 'in', [...OPEN_STATES])
        .where(NOT_CONSUMED_IN_STAGE)
        .as('open_files'),
    ])
    .orderBy((eb) => eb.fn.coalesce('j.ended_at', 'j.updated_at'), 'desc')
    .orderBy('j.submission_id')
    .orderBy('j.idx')
    .limit(query.limit)
    .execute();
  return rows.map((r) => ({
    ...toJob(r),
    experiment: r.experiment,
    campaign_id: r.campaign_id,
    campaign: r.campaign,
    stage: r.stage,
    failed_files: countValue(r.failed_files ?? 0),
    open_files: countValue(r.open_files ?? 0),
  }));
}

export async function openFiles(
  db: Kysely<Database>,
  jobs: readonly { submissionId: string; index: number }[],
): Promise<OpenFile[]> {
  const found: OpenFile[] = [];
  for (const part of chunks([...jobs], 200)) {
    const bySubmission = new Map<string, number[]>();
    for (const job of part) {
      bySubmission.set(job.submissionId, [
        ...(bySubmission.get(job.submissionId) ?? []),
        job.index,
      ]);
    }
    const rows = await db
      .selectFrom('ledger as l')
      .innerJoin('files as f', 'f.id', 'l.file')
      .innerJoin('submissions as s', 's.id', 'l.submission_id')
      .select(['l.submission_id', 'l.job_index', 'f.name as file'])
      .where((eb) =>
        eb.or(
          [...bySubmission].map(([id, indexes]) =>
            eb.and([eb('l.submission_id', '=', id), eb('l.job_index', 'in', indexes)]),
          ),
        ),
      )
      .where('l.state', 'in', [...OPEN_STATES])
      .where(NOT_CONSUMED_IN_STAGE)
      .execute();
    found.push(...rows);
  }
  return found.sort(
    (a, b) =>
      Buffer.compare(Buffer.from(a.file, 'utf8'), Buffer.from(b.file, 'utf8')) ||
      (a.submission_id < b.submission_id ? -1 : a.submission_id > b.submission_id ? 1 : 0),
  );
}
