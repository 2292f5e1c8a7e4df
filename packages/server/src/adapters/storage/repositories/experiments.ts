import type { Kysely, Selectable } from 'kysely';
import type { Clock } from '@poms/core';
import { ConflictError, NotFoundError } from '../../../ports/errors.ts';
import type {
  ExperimentRecord,
  ExperimentRepository,
  NewExperiment,
} from '../../../ports/store.ts';
import type { Database, ExperimentsTable } from '../schema.ts';
import { isUniqueViolation } from './dialect.ts';
import * as check from './validate.ts';

function toRecord(row: Selectable<ExperimentsTable>): ExperimentRecord {
  return {
    name: row.name,
    display_name: row.display_name,
    active: row.active === 1,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

export class KyselyExperimentRepository implements ExperimentRepository {
  readonly #db: Kysely<Database>;
  readonly #clock: Clock;

  constructor(db: Kysely<Database>, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
  }

  async create(input: NewExperiment): Promise<ExperimentRecord> {
    const name = check.experimentName(input.name, 'name');
    const display_name = check.label('display_name', input.display_name);
    const now = this.#clock.now().toISOString();
    const row = { name, display_name, active: 1, created_at: now, updated_at: now };
    try {
      await this.#db.insertInto('experiments').values(row).execute();
    } catch (err) {
      if (isUniqueViolation(err)) throw new ConflictError('experiment', name);
      throw err;
    }
    return toRecord(row);
  }

  async get(name: string): Promise<ExperimentRecord> {
    if (!check.canBeExperimentName(name)) throw new NotFoundError('experiment', String(name));
    const row = await this.#db
      .selectFrom('experiments')
      .selectAll()
      .where('name', '=', name)
      .executeTakeFirst();
    if (row === undefined) throw new NotFoundError('experiment', name);
    return toRecord(row);
  }

  async list(): Promise<ExperimentRecord[]> {
    const rows = await this.#db.selectFrom('experiments').selectAll().orderBy('name').execute();
    return rows.map(toRecord);
  }

  async setActive(name: string, active: boolean): Promise<ExperimentRecord> {
    const value = check.active(active);
    if (!check.canBeExperimentName(name)) throw new NotFoundError('experiment', String(name));
    const row = await this.#db
      .updateTable('experiments')
      .set({ active: value, updated_at: this.#clock.now().toISOString() })
      .where('name', '=', name)
      .returningAll()
      .executeTakeFirst();
    if (row === undefined) throw new NotFoundError('experiment', name);
    return toRecord(row);
  }
}
