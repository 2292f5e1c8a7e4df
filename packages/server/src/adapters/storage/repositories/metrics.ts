// The scrape-time counts of GET /metrics: five GROUP BY queries, the same on SQLite and PostgreSQL.
// PostgreSQL returns count(*) as a bigint string, hence Number() everywhere.
import type { Kysely } from 'kysely';
import type { Engine, SubmissionStatus } from '@poms/core';
import type { MetricsRepository, OperationalCounts } from '../../../ports/metrics.ts';
import type { OutboxChannel } from '../../../ports/notifications.ts';
import type { TrackedJobState } from '../../../ports/submissions.ts';
import type { Database } from '../schema.ts';

export class KyselyMetricsRepository implements MetricsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async counts(): Promise<OperationalCounts> {
    const [submissions, jobs, unfinished, held, outbox] = await Promise.all([
      this.db
        .selectFrom('submissions')
        .select(['experiment', 'status', (eb) => eb.fn.countAll<number | string>().as('n')])
        .groupBy(['experiment', 'status'])
        .execute(),
      this.db
        .selectFrom('jobs as j')
        .innerJoin('submissions as s', 's.id', 'j.submission_id')
        .select([
          's.experiment',
          's.engine',
          'j.state',
          (eb) => eb.fn.countAll<number | string>().as('n'),
        ])
        .groupBy(['s.experiment', 's.engine', 'j.state'])
        .execute(),
      // The same condition as SubmissionRepository.unfinished(): the executor's queue.
      this.db
        .selectFrom('submissions')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .where((eb) =>
          eb.or([
            eb('progressed', '=', 0),
            eb.and([eb('chain_root_id', '=', eb.ref('id')), eb('chain_done_at', 'is', null)]),
          ]),
        )
        .executeTakeFirstOrThrow(),
      this.db
        .selectFrom('held_launches')
        .select(['experiment', (eb) => eb.fn.countAll<number | string>().as('n')])
        .where('released_at', 'is', null)
        .groupBy('experiment')
        .execute(),
      // Sent, failed and dropped rows are history; the (state, next_at) index finds the rest.
      this.db
        .selectFrom('notification_outbox')
        .select(['channel', (eb) => eb.fn.countAll<number | string>().as('n')])
        .where('state', 'in', ['pending', 'held'])
        .groupBy('channel')
        .execute(),
    ]);
    return {
      submissions: submissions.map((r) => ({
        experiment: r.experiment,
        status: r.status as SubmissionStatus,
        count: Number(r.n),
      })),
      jobs: jobs.map((r) => ({
        experiment: r.experiment,
        engine: r.engine as Engine,
        state: r.state as TrackedJobState,
        count: Number(r.n),
      })),
      unfinished: Number(unfinished.n),
      heldLaunches: held.map((r) => ({ experiment: r.experiment, count: Number(r.n) })),
      notificationQueue: outbox.map((r) => ({
        channel: r.channel as OutboxChannel,
        count: Number(r.n),
      })),
    };
  }
}
