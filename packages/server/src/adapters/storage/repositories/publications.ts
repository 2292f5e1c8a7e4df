import type { Kysely, Selectable } from 'kysely';
import type { Clock } from '@poms/core';
import type {
  PublicationInput,
  PublicationRecord,
  PublicationRepository,
  PublishedRule,
} from '../../../ports/publications.ts';
import type { Database, PublicationsTable } from '../schema.ts';

function toRecord(row: Selectable<PublicationsTable>): PublicationRecord {
  return {
    submission_id: row.submission_id,
    state: row.state,
    declared: Number(row.declared),
    registered: Number(row.registered),
    rucio_dataset: row.rucio_dataset,
    rules: JSON.parse(row.rules) as PublishedRule[],
    at_location: Number(row.at_location),
    outputs: Number(row.outputs),
    detail: row.detail,
    failures: Number(row.failures),
    updated_at: row.updated_at,
  };
}

export class KyselyPublicationRepository implements PublicationRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
  ) {}

  async get(submissionId: string): Promise<PublicationRecord | null> {
    const row = await this.db
      .selectFrom('publications')
      .selectAll()
      .where('submission_id', '=', submissionId)
      .executeTakeFirst();
    return row === undefined ? null : toRecord(row);
  }

  async save(record: PublicationInput): Promise<PublicationRecord> {
    const row = {
      ...record,
      rules: JSON.stringify(record.rules),
      updated_at: this.clock.now().toISOString(),
    };
    const { submission_id: _key, ...changes } = row;
    await this.db
      .insertInto('publications')
      .values(row)
      .onConflict((oc) => oc.column('submission_id').doUpdateSet(changes))
      .execute();
    return toRecord(row);
  }
}
