// A stage's `input` as the split reads it: a query over the catalog (a dataset name becomes
// `defname:`), a list of datasets (list split), a list of value lists (multiparam), or nothing.
import { substituteTemplate, type Catalog, type EffectiveStage, type Query } from '@poms/core';
import { parseQuery } from '@poms/core/query';
import { NotFoundError } from '../../ports/errors.ts';
import { externalSource, type ExternalInputs } from '../data/external-source.ts';
import { LaunchError } from './errors.ts';

export type ResolvedInput =
  | { kind: 'none' }
  | { kind: 'from_parent' }
  | { kind: 'query'; query: Query; text: string }
  | { kind: 'list'; list: readonly string[] | readonly (readonly string[])[] };

/**
 * `values` are the launch's template values: `input` is launch text, so `%(name)s` is
 * substituted and `%%` is a percent sign (a LIKE wildcard in a query is written `%%`). An input
 * of the experiment's MetaCat or SAM (`metacat: MQL`, `sam: DIMENSIONS`) is mirrored into an
 * open dataset first, and read from there.
 */
export async function resolveStageInput(
  catalog: Catalog,
  experiment: string,
  stage: EffectiveStage,
  values: Record<string, string>,
  external?: ExternalInputs,
  mirrorOptions?: { maxAgeMs?: number },
): Promise<ResolvedInput> {
  const input = stage.input;
  if (Array.isArray(input)) return { kind: 'list', list: input };
  if (input === 'none') return { kind: 'none' };
  if (input === 'from_parent') return { kind: 'from_parent' };
  const text = substituteTemplate(input, values);
  const source = externalSource(text);
  if (source !== undefined) {
    if (external === undefined) {
      throw new LaunchError(
        'launch.bad-input',
        `input: '${source.system}: …' reads an external catalog, which this server has none of`,
      );
    }
    const name = await external.mirror(experiment, source, mirrorOptions);
    return { kind: 'query', query: { type: 'defname', name }, text: `defname: ${name}` };
  }
  return { kind: 'query', ...(await datasetOrQuery(catalog, experiment, text, 'input')) };
}

/** A dataset's name means its definition; anything else must parse as a query. */
export async function datasetOrQuery(
  catalog: Catalog,
  experiment: string,
  text: string,
  field: string,
): Promise<{ query: Query; text: string }> {
  try {
    const dataset = await catalog.getDataset(experiment, text.trim());
    return { query: { type: 'defname', name: dataset.name }, text: `defname: ${dataset.name}` };
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
  }
  const parsed = parseQuery(text);
  if (!parsed.ok) {
    throw new LaunchError(
      'launch.bad-input',
      `${field}: '${text}' is neither a dataset of ${experiment} nor a query (${parsed.error.message}, column ${parsed.error.column + 1})`,
    );
  }
  return { query: parsed.query, text };
}
