// An experiment's own metadata fields: their definitions in the store, and the check every
// declaration goes through — a declared value of the wrong type, outside the allowed values, or
// missing where required is refused, naming the file and the field, and nothing is written.
import type { Kysely, Transaction } from 'kysely';
import { MetadataField, type MetadataFieldType, type MetadataValue } from '@poms/core';
import { InvalidArgumentError, NotFoundError } from '../../ports/errors.ts';
import type { Database } from '../storage/schema.ts';

/** Standard fields an experiment may also constrain, with the type their column has. */
const STANDARD_TYPES: Record<string, MetadataFieldType> = {
  run_number: 'integer',
  subrun_number: 'integer',
  event_count: 'integer',
  data_tier: 'text',
  software_version: 'text',
  start_time: 'time',
  end_time: 'time',
};
/** Properties of the file itself, not metadata. */
const NOT_METADATA = new Set(['file_name', 'file_size', 'checksum', 'create_time']);

export async function readFields(
  db: Kysely<Database> | Transaction<Database>,
  experiment: string,
): Promise<MetadataField[]> {
  const rows = await db
    .selectFrom('metadata_fields')
    .selectAll()
    .where('experiment', '=', experiment)
    .orderBy('name')
    .execute();
  return rows.map((r) => ({
    name: r.name,
    type: r.type as MetadataFieldType,
    required: Number(r.required) === 1,
    ...(r.allowed === null
      ? {}
      : { values: JSON.parse(r.allowed) as (string | number | boolean)[] }),
    ...(r.description === null ? {} : { description: r.description }),
  }));
}

export async function writeField(
  db: Kysely<Database>,
  experiment: string,
  input: unknown,
  now: Date,
): Promise<MetadataField> {
  const parsed = MetadataField.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InvalidArgumentError(
      issue?.path.map(String).join('.') || 'field',
      issue?.message ?? 'not a field',
    );
  }
  const field = parsed.data;
  if (NOT_METADATA.has(field.name)) {
    throw new InvalidArgumentError(
      'name',
      `${field.name} is a property of every file, not metadata`,
    );
  }
  const standard = STANDARD_TYPES[field.name];
  if (standard !== undefined && standard !== field.type) {
    throw new InvalidArgumentError(
      'type',
      `${field.name} is standard metadata of type ${standard}: it can be required or limited, not retyped`,
    );
  }
  for (const [i, value] of (field.values ?? []).entries()) {
    const problem = typeProblem(field.type, value);
    if (problem !== undefined) throw new InvalidArgumentError(`values.${i}`, problem);
  }
  const row = {
    experiment,
    name: field.name,
    type: field.type,
    required: field.required ? 1 : 0,
    allowed: field.values === undefined ? null : JSON.stringify(field.values),
    description: field.description ?? null,
    updated_at: now.toISOString(),
  };
  await db
    .insertInto('metadata_fields')
    .values(row)
    .onConflict((oc) =>
      oc.columns(['experiment', 'name']).doUpdateSet({
        type: row.type,
        required: row.required,
        allowed: row.allowed,
        description: row.description,
        updated_at: row.updated_at,
      }),
    )
    .execute();
  return field;
}

export async function deleteField(
  db: Kysely<Database>,
  experiment: string,
  name: string,
): Promise<void> {
  const result = await db
    .deleteFrom('metadata_fields')
    .where('experiment', '=', experiment)
    .where('name', '=', name)
    .executeTakeFirst();
  if (Number(result.numDeletedRows) === 0) throw new NotFoundError('metadata-field', name);
}

/** Why a value does not have a type; undefined when it has it. */
function typeProblem(type: MetadataFieldType, value: MetadataValue): string | undefined {
  switch (type) {
    case 'text':
      return typeof value === 'string' ? undefined : `must be text, not ${JSON.stringify(value)}`;
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value)
        ? undefined
        : `must be a whole number, not ${JSON.stringify(value)}`;
    case 'number':
      return typeof value === 'number' && Number.isFinite(value)
        ? undefined
        : `must be a number, not ${JSON.stringify(value)}`;
    case 'boolean':
      return typeof value === 'boolean'
        ? undefined
        : `must be true or false, not ${JSON.stringify(value)}`;
    case 'time':
      return (typeof value === 'number' && Number.isFinite(value)) ||
        (typeof value === 'string' && !Number.isNaN(Date.parse(value)))
        ? undefined
        : `must be a time (ISO 8601 or epoch seconds), not ${JSON.stringify(value)}`;
  }
}

/**
 * Checks one declared file's metadata against the experiment's fields; throws naming the file
 * (its place in the call and its name) and the field.
 */
export function checkFields(
  fields: readonly MetadataField[],
  index: number,
  name: string,
  metadata: Record<string, MetadataValue> | undefined,
): void {
  for (const field of fields) {
    const value = metadata?.[field.name];
    const where = `files[${index}].metadata.${field.name}`;
    if (value === undefined || value === null) {
      if (field.required) {
        throw new InvalidArgumentError(
          where,
          `file ${JSON.stringify(name)} has no ${field.name}, which this experiment requires`,
        );
      }
      continue;
    }
    const problem = typeProblem(field.type, value);
    if (problem !== undefined) {
      throw new InvalidArgumentError(
        where,
        `file ${JSON.stringify(name)}: ${field.name} ${problem}`,
      );
    }
    if (field.values !== undefined && !field.values.includes(value)) {
      throw new InvalidArgumentError(
        where,
        `file ${JSON.stringify(name)}: ${field.name} ${JSON.stringify(value)} is not one of ${field.values.map((v) => JSON.stringify(v)).join(', ')}`,
      );
    }
  }
}
