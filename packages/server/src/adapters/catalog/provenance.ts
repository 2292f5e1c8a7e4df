// Provenance in the embedded catalog: the ancestors or descendants of a file to any depth (one
// recursive query on SQLite and PostgreSQL alike), each with the submission that produced it —
// so any output can be walked back to the generator job and the campaign revision behind it.
// Parentage is a DAG in practice, but re-declaring may add parents, so the walk is bounded by
// depth rather than trusting the graph to have no cycle.
import { sql, type Kysely } from 'kysely';
import type {
  ProducedBy,
  ProducedFile,
  ProducedFilter,
  Provenance,
  ProvenanceNode,
  ProvenanceOptions,
} from '@poms/core';
import { chunks } from '../chunks.ts';
import { InvalidArgumentError } from '../../ports/errors.ts';
import type { Database, FileRowId } from '../storage/schema.ts';

const MAX_DEPTH = 1000;
const MAX_FILES = 10_000;
const IN_CHUNK = 500;

interface WalkRow {
  id: FileRowId;
  name: string;
  depth: number | string;
}

interface ProducerRow extends Omit<ProducedBy, 'campaign_revision' | 'job_index'> {
  file: FileRowId;
  job_index: number | string;
  campaign_revision: number | string;
  created_at: string;
}

function bounded(value: number | undefined, max: number, field: string): number {
  if (value === undefined) return max;
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new InvalidArgumentError(field, `must be a whole number from 1 to ${max}`);
  }
  return value;
}

export async function walkProvenance(
  db: Kysely<Database>,
  experiment: string,
  root: { id: FileRowId; name: string },
  options: ProvenanceOptions,
): Promise<Provenance> {
  const depth = bounded(options.depth, MAX_DEPTH, 'depth');
  const limit = bounded(options.limit, MAX_FILES, 'limit');
  // Ancestors follow child → parent, descendants parent → child.
  const [from, to] = options.direction === 'ancestors' ? ['child', 'parent'] : ['parent', 'child'];
  const walked = await sql<WalkRow>`
    with recursive walk(id, depth) as (
      select cast(${root.id} as bigint), 0
      union
      select fp.${sql.ref(to)}, walk.depth + 1
      from file_parents fp join walk on fp.${sql.ref(from)} = walk.id
      where walk.depth < ${depth}
    )
    select f.id, f.name, min(walk.depth) as depth
    from walk join files f on f.id = walk.id
    where f.experiment = ${experiment}
    group by f.id, f.name
    order by min(walk.depth), f.name
    limit ${limit + 1}
  `.execute(db);
  const rows = walked.rows.slice(0, limit);
  const deepest = Math.max(0, ...rows.map((r) => Number(r.depth)));
  const producers = await producersOf(
    db,
    rows.map((r) => r.id),
  );
  const nodes: ProvenanceNode[] = rows.map((r) => ({
    name: r.name,
    depth: Number(r.depth),
    produced_by: producers.get(String(r.id)) ?? null,
  }));
  const edges = await edgesAmong(db, rows);
  return {
    file: root.name,
    direction: options.direction,
    nodes,
    edges,
    truncated:
      walked.rows.length > limit || (deepest === depth && (await goesOn(db, rows, depth, from))),
  };
}

/** Whether a file at the depth bound links further on (its `from` side): the walk was cut short. */
async function goesOn(
  db: Kysely<Database>,
  rows: readonly WalkRow[],
  depth: number,
  from: string,
): Promise<boolean> {
  const edge = rows.filter((r) => Number(r.depth) === depth).map((r) => r.id);
  for (const chunk of chunks(edge, IN_CHUNK)) {
    const found = await sql<{ n: number }>`
      select 1 as n from file_parents where ${sql.ref(from)} in (${sql.join(chunk)}) limit 1
    `.execute(db);
    if (found.rows.length > 0) return true;
  }
  return false;
}

/** The first submission (oldest) that declared each file as an output. */
async function producersOf(
  db: Kysely<Database>,
  ids: readonly FileRowId[],
): Promise<Map<string, ProducedBy>> {
  const out = new Map<string, ProducedBy>();
  for (const chunk of chunks(ids, IN_CHUNK)) {
    const rows = (await db
      .selectFrom('outputs as o')
      .innerJoin('submissions as s', 's.id', 'o.submission_id')
      .select([
        'o.file',
        'o.submission_id',
        'o.job_index',
        's.campaign',
        's.campaign_id',
        's.campaign_revision',
        's.stage',
        's.created_at',
      ])
      .where('o.file', 'in', chunk)
      .orderBy('s.created_at')
      .orderBy('o.submission_id')
      .execute()) as ProducerRow[];
    for (const r of rows) {
      const key = String(r.file);
      if (!out.has(key)) out.set(key, producedBy(r));
    }
  }
  return out;
}

function producedBy(r: Omit<ProducerRow, 'file' | 'created_at'>): ProducedBy {
  return {
    submission_id: r.submission_id,
    job_index: Number(r.job_index),
    campaign: r.campaign,
    campaign_id: r.campaign_id,
    campaign_revision: Number(r.campaign_revision),
    stage: r.stage,
  };
}

/** Parentage links whose both ends are among the walked files. */
async function edgesAmong(
  db: Kysely<Database>,
  rows: readonly WalkRow[],
): Promise<{ parent: string; child: string }[]> {
  const names = new Map(rows.map((r) => [String(r.id), r.name]));
  const edges: { parent: string; child: string }[] = [];
  for (const chunk of chunks(
    rows.map((r) => r.id),
    IN_CHUNK,
  )) {
    const links = await db
      .selectFrom('file_parents')
      .select(['parent', 'child'])
      .where('child', 'in', chunk)
      .execute();
    for (const link of links) {
      const parent = names.get(String(link.parent));
      const child = names.get(String(link.child));
      if (parent !== undefined && child !== undefined) edges.push({ parent, child });
    }
  }
  return edges.sort((a, b) => (a.child + a.parent < b.child + b.parent ? -1 : 1));
}

/** Files a campaign produced, optionally of one revision, stage or submission, by name. */
export async function producedFiles(
  db: Kysely<Database>,
  experiment: string,
  filter: ProducedFilter,
  page: { limit?: number; offset?: number } = {},
): Promise<{ items: ProducedFile[]; total: number }> {
  const limit = bounded(page.limit ?? 50, 1000, 'limit');
  const offset = page.offset ?? 0;
  if (!Number.isInteger(offset) || offset < 0) {
    throw new InvalidArgumentError('offset', 'must be a whole number ≥ 0');
  }
  let base = db
    .selectFrom('outputs as o')
    .innerJoin('submissions as s', 's.id', 'o.submission_id')
    .innerJoin('files as f', 'f.id', 'o.file')
    .where('s.experiment', '=', experiment)
    .where('s.campaign_id', '=', filter.campaign_id);
  if (filter.revision !== undefined) base = base.where('s.campaign_revision', '=', filter.revision);
  if (filter.stage !== undefined) base = base.where('s.stage', '=', filter.stage);
  if (filter.submission_id !== undefined) base = base.where('s.id', '=', filter.submission_id);
  const [count, rows] = await Promise.all([
    base.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirst(),
    base
      .select([
        'f.name',
        'o.located',
        'o.submission_id',
        'o.job_index',
        's.campaign',
        's.campaign_id',
        's.campaign_revision',
        's.stage',
      ])
      .orderBy('f.name')
      .orderBy('o.submission_id')
      .limit(limit)
      .offset(offset)
      .execute(),
  ]);
  return {
    total: Number(count?.n ?? 0),
    items: rows.map((r) => ({
      name: r.name,
      located: Number(r.located) === 1,
      produced_by: producedBy(r),
    })),
  };
}
