// A stage's files over time (SubmissionRepository.stageHistory): three aggregate queries whatever
// the number of files: the span (submissions), the files processed at each instant (ledger), the
// outputs located at each instant (outputs and their jobs). Times are ISO 8601 UTC text in both
// stores, so "at or before an instant" is a text comparison and needs no dialect's date functions;
// each instant is one `sum(case …)` column, so an answer is one row.
import { sql, type Kysely } from 'kysely';
import { FINAL_STATUSES } from '@poms/core';
import type { StageHistory } from '../../../ports/submissions.ts';
import type { Database } from '../schema.ts';
import { countValue } from './dialect.ts';

export interface StageHistoryQuery {
  experiment: string;
  campaignId: string;
  /** Undefined: every stage of the campaign. */
  stage: string | undefined;
  /** Steps between start and end (the answer has buckets + 1 points). */
  buckets: number;
}

/** A span shorter than this is widened, so that the instants are distinct. */
const MIN_SPAN_MS = 1000;

export async function stageHistory(
  db: Kysely<Database>,
  now: Date,
  q: StageHistoryQuery,
): Promise<StageHistory> {
  // The campaign's submissions (of the stage): the same filter in each of the three queries.
  const ofStage = sql<boolean>`s.experiment = ${q.experiment} and s.campaign_id = ${q.campaignId}${
    q.stage === undefined ? sql`` : sql` and s.stage = ${q.stage}`
  }`;

  const span = await db
    .selectFrom('submissions as s')
    .where(ofStage)
    .select([
      (eb) => eb.fn.min('s.created_at').as('start'),
      (eb) => eb.fn.max('s.updated_at').as('last'),
      sql<
        number | string | null
      >`sum(case when s.status in (${sql.join(FINAL_STATUSES.map((f) => sql.lit(f)))}) then 0 else 1 end)`.as(
        'live',
      ),
    ])
    .executeTakeFirst();
  if (!span?.start || !span.last) {
    return { start: null, end: null, live: 0, expected: 0, outputs: 0, points: [] };
  }
  const live = countValue(span.live ?? 0);
  const startMs = Date.parse(span.start);
  const endMs = Math.max(live > 0 ? now.getTime() : Date.parse(span.last), startMs + MIN_SPAN_MS);
  const instants = Array.from({ length: q.buckets + 1 }, (_, i) =>
    new Date(startMs + ((endMs - startMs) * i) / q.buckets).toISOString(),
  );
  const atOrBefore = (column: string, only = sql<boolean>`1 = 1`) =>
    instants.map((at, i) =>
      sql<
        number | string | null
      >`sum(case when ${only} and ${sql.ref(column)} <= ${at} then 1 else 0 end)`.as(`c${i}`),
    );
  const cumulative = (row: Record<string, unknown> | undefined) =>
    instants.map((_, i) => countValue((row?.[`c${i}`] as number | string | null) ?? 0));

  // A file given to several submissions (recoveries) counts once, at its first final word.
  const firstFinal = db
    .selectFrom('submissions as s')
    .innerJoin('ledger as l', 'l.submission_id', 's.id')
    .where(ofStage)
    .select([
      'l.file',
      sql<string | null>`min(case when l.state <> 'delivered' then l.updated_at end)`.as('at'),
    ])
    .groupBy('l.file')
    .as('f');
  const files = (await db
    .selectFrom(firstFinal)
    .select([(eb) => eb.fn.countAll<number | string>().as('expected'), ...atOrBefore('f.at')])
    .executeTakeFirst()) as Record<string, unknown> | undefined;

  const located = db
    .selectFrom('submissions as s')
    .innerJoin('outputs as o', 'o.submission_id', 's.id')
    .leftJoin('jobs as j', (join) =>
      join.onRef('j.submission_id', '=', 'o.submission_id').onRef('j.idx', '=', 'o.job_index'),
    )
    .where(ofStage)
    .select(['o.located', sql<string>`coalesce(j.ended_at, j.updated_at, s.updated_at)`.as('at')])
    .as('x');
  const outputs = (await db
    .selectFrom(located)
    .select([
      (eb) => eb.fn.countAll<number | string>().as('n'),
      ...atOrBefore('x.at', sql<boolean>`x.located = 1`),
    ])
    .executeTakeFirst()) as Record<string, unknown> | undefined;

  const processed = cumulative(files);
  const locatedAt = cumulative(outputs);
  return {
    start: instants[0]!,
    end: instants[instants.length - 1]!,
    live,
    expected: countValue((files?.expected as number | string | undefined) ?? 0),
    outputs: countValue((outputs?.n as number | string | undefined) ?? 0),
    points: instants.map((at, i) => ({
      at,
      processed: processed[i] ?? 0,
      located: locatedAt[i] ?? 0,
    })),
  };
}
