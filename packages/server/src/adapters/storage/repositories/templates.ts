import type { Kysely, Selectable } from 'kysely';
import type { Clock } from '@poms/core';
import { ConflictError, InvalidArgumentError, NotFoundError } from '../../../ports/errors.ts';
import type {
  ExperimentTemplateRecord,
  ExperimentTemplateRepository,
  ExperimentTemplateSummary,
  NewExperimentTemplate,
} from '../../../ports/templates.ts';
import type { Database, ExperimentTemplatesTable } from '../schema.ts';
import { isUniqueViolation } from './dialect.ts';
import { inTransaction } from './transaction.ts';
import * as check from './validate.ts';

type Row = Selectable<ExperimentTemplatesTable>;

const SUMMARY_COLUMNS = [
  'experiment',
  'name',
  'description',
  'tags',
  'stages',
  'campaign',
  'author',
  'created_at',
] as const;

function toSummary(row: Omit<Row, 'text'>): ExperimentTemplateSummary {
  return {
    experiment: row.experiment,
    name: row.name,
    description: row.description,
    tags: JSON.parse(row.tags) as string[],
    stages: JSON.parse(row.stages) as string[],
    campaign: row.campaign,
    author: row.author,
    created_at: row.created_at,
  };
}

function names(field: string, values: readonly string[]): string {
  if (!Array.isArray(values) || values.length > 1000) {
    throw new InvalidArgumentError(field, 'must be a list of at most 1000 names');
  }
  return JSON.stringify(values.map((v) => check.label(field, v)));
}

export class KyselyExperimentTemplateRepository implements ExperimentTemplateRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
  ) {}

  async save(
    input: NewExperimentTemplate,
    options: { overwrite?: boolean } = {},
  ): Promise<ExperimentTemplateRecord> {
    if (!check.canBeExperimentName(input.experiment)) {
      throw new NotFoundError('experiment', String(input.experiment));
    }
    const row: Row = {
      experiment: input.experiment,
      name: check.campaignName(input.name),
      description:
        input.description === undefined || input.description === null
          ? null
          : check.verbatim('description', input.description, 2000),
      tags: names('tags', input.tags),
      stages: names('stages', input.stages),
      campaign: check.campaignName(input.campaign, 'campaign'),
      text: check.verbatim('text', input.text),
      author: check.label('author', input.author),
      created_at: this.clock.now().toISOString(),
    };
    try {
      await inTransaction(this.db, async (trx) => {
        const found = await trx
          .selectFrom('experiments')
          .select('name')
          .where('name', '=', row.experiment)
          .executeTakeFirst();
        if (found === undefined) throw new NotFoundError('experiment', row.experiment);
        if (options.overwrite === true) {
          const { experiment: _experiment, name: _name, ...rest } = row;
          await trx
            .insertInto('experiment_templates')
            .values(row)
            .onConflict((oc) => oc.columns(['experiment', 'name']).doUpdateSet(rest))
            .execute();
        } else {
          await trx.insertInto('experiment_templates').values(row).execute();
        }
      });
    } catch (err) {
      if (isUniqueViolation(err)) {
        throw new ConflictError('template', `${row.experiment}/${row.name}`);
      }
      throw err;
    }
    return { ...toSummary(row), text: row.text };
  }

  async get(experiment: string, name: string): Promise<ExperimentTemplateRecord> {
    const row =
      check.canBeExperimentName(experiment) && check.canBeCampaignName(name)
        ? await this.db
            .selectFrom('experiment_templates')
            .selectAll()
            .where('experiment', '=', experiment)
            .where('name', '=', name)
            .executeTakeFirst()
        : undefined;
    if (row === undefined) throw new NotFoundError('template', `${experiment}/${name}`);
    return { ...toSummary(row), text: row.text };
  }

  async list(experiment: string): Promise<ExperimentTemplateSummary[]> {
    if (!check.canBeExperimentName(experiment)) return [];
    const rows = await this.db
      .selectFrom('experiment_templates')
      .select(SUMMARY_COLUMNS)
      .where('experiment', '=', experiment)
      .orderBy('name')
      .execute();
    return rows.map(toSummary);
  }

  async delete(experiment: string, name: string): Promise<boolean> {
    if (!check.canBeExperimentName(experiment) || !check.canBeCampaignName(name)) return false;
    const result = await this.db
      .deleteFrom('experiment_templates')
      .where('experiment', '=', experiment)
      .where('name', '=', name)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
