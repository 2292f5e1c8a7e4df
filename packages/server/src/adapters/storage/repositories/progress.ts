// Per-stage counts of a campaign for progress views: five aggregate queries (submissions by
// status, ledger rows by state, jobs by state, outputs, the newest submission of each stage),
// whatever the number of submissions, jobs or files. One Kysely query each for both stores.
import { Buffer } from 'node:buffer';
import { sql, type Kysely } from 'kysely';
import type { SubmissionStatus } from '@poms/core';
import {
  LEDGER_STATES,
  type LedgerState,
  type StageCounts,
  type TrackedJobState,
} from '../../../ports/submissions.ts';
import type { Database } from '../schema.ts';
import { countValue } from './dialect.ts';

interface Draft {
  statuses: Partial<Record<SubmissionStatus, number>>;
  ledger: Partial<Record<LedgerState, number>>;
  jobs: Partial<Record<TrackedJobState, number>>;
  outputs: number;
  located_outputs: number;
  last?: { id: string; status: SubmissionStatus; created_at: string };
}

export async function stageCounts(
  db: Kysely<Database>,
  experiment: string,
  campaignId: string,
): Promise<StageCounts[]> {
  const ofCampaign = db
    .selectFrom('submissions as s')
    .where('s.experiment', '=', experiment)
    .where('s.campaign_id', '=', campaignId);
  const statuses = await ofCampaign
    .select(['s.stage', 's.status', (eb) => eb.fn.countAll<number | string>().as('n')])
    .groupBy(['s.stage', 's.status'])
    .execute();
  if (statuses.length === 0) return [];
  // One row per stage, a sum per state: grouped by stage alone, the rows arrive in the stage
  // order of the submissions' index and need no sort (grouping by state too sorted every ledger
  // row of the campaign, 10^6 of them, in a temporary tree on each request).
  const ledger = await ofCampaign
    .innerJoin('ledger as l', 'l.submission_id', 's.id')
    .select([
      's.stage',
      ...LEDGER_STATES.map((state) =>
        sql<number | string | null>`sum(case when l.state = ${state} then 1 else 0 end)`.as(state),
      ),
    ])
    .groupBy('s.stage')
    .execute();
  const jobs = await ofCampaign
    .innerJoin('jobs as j', 'j.submission_id', 's.id')
    .select(['s.stage', 'j.state', (eb) => eb.fn.countAll<number | string>().as('n')])
    .groupBy(['s.stage', 'j.state'])
    .execute();
  const outputs = await ofCampaign
    .innerJoin('outputs as o', 'o.submission_id', 's.id')
    .select([
      's.stage',
      (eb) => eb.fn.countAll<number | string>().as('n'),
      sql<number | string>`coalesce(sum(o.located), 0)`.as('located'),
    ])
    .groupBy('s.stage')
    .execute();
  // The newest of each stage: per stage, the first in (created_at, id) descending order, read
  // from the end of the stage's index range; a NOT EXISTS over later ones compared every pair of
  // the stage's submissions (10^4 submissions: 3·10^7 comparisons per request).
  const newest = await db
    .selectFrom('submissions as s')
    .select(['s.stage', 's.id', 's.status', 's.created_at'])
    .where('s.id', 'in', (eb) =>
      eb
        .selectFrom(
          db
            .selectFrom('submissions as g')
            .select('g.stage')
            .distinct()
            .where('g.experiment', '=', experiment)
            .where('g.campaign_id', '=', campaignId)
            .as('g'),
        )
        .select((sub) =>
          sub
            .selectFrom('submissions as t')
            .select('t.id')
            .where('t.experiment', '=', experiment)
            .where('t.campaign_id', '=', campaignId)
            .whereRef('t.stage', '=', 'g.stage')
            .orderBy('t.created_at', 'desc')
            .orderBy('t.id', 'desc')
            .limit(1)
            .as('id'),
        ),
    )
    .execute();

  const drafts = new Map<string, Draft>();
  const draft = (stage: string): Draft => {
    let d = drafts.get(stage);
    if (d === undefined) {
      d = { statuses: {}, ledger: {}, jobs: {}, outputs: 0, located_outputs: 0 };
      drafts.set(stage, d);
    }
    return d;
  };
  for (const r of statuses) draft(r.stage).statuses[r.status as SubmissionStatus] = countValue(r.n);
  for (const r of ledger) {
    for (const state of LEDGER_STATES) {
      const n = countValue(r[state] ?? 0);
      if (n > 0) draft(r.stage).ledger[state] = n;
    }
  }
  for (const r of jobs) draft(r.stage).jobs[r.state as TrackedJobState] = countValue(r.n);
  for (const r of outputs) {
    const d = draft(r.stage);
    d.outputs = countValue(r.n);
    d.located_outputs = countValue(r.located);
  }
  for (const r of newest) {
    draft(r.stage).last = {
      id: r.id,
      status: r.status as SubmissionStatus,
      created_at: r.created_at,
    };
  }
  return [...drafts.entries()]
    .sort(([a], [b]) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')))
    .flatMap(([stage, d]) =>
      d.last === undefined
        ? []
        : [
            {
              stage,
              statuses: d.statuses,
              ledger: d.ledger,
              jobs: d.jobs,
              outputs: d.outputs,
              located_outputs: d.located_outputs,
              last: d.last,
            },
          ],
    );
}
