// The experiment's catalog: declare files, query and count them (the query language of
// docs/queries.md), one file's details; datasets (saved queries, or open lists of files that grow
// until closed) and snapshots (frozen lists).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { DeclaredFile, MetadataField as MetadataFieldSchema, MetadataValue } from '@poms/core';
import type { CatalogOperations } from '../../services/operations/catalog.ts';
import { callerOf } from '../caller.ts';
import { queryInt, type RouteRegistry } from '../route.ts';
import { ExperimentParams, PageQuery, offsetPage } from './schemas.ts';

const time = z.string().describe('ISO 8601 UTC');
const queryText = z.string().min(1).max(100_000).describe('a query (docs/queries.md)');

const FileRecord = z.object({
  name: z.string(),
  size: z.number().int().nullable(),
  checksum: z.string().nullable(),
  metadata: z.record(z.string(), MetadataValue),
  created_at: time,
});

const QueryPage = z.object({ files: z.array(FileRecord), next: z.string().nullable() });
const FileDetails = FileRecord.extend({
  parents: z.array(z.string()),
  children: z.array(z.string()),
  replicas: z.array(z.object({ location: z.string(), path: z.string() })),
});
const ProducedBy = z.object({
  submission_id: z.string(),
  job_index: z.number().int(),
  campaign: z.string(),
  campaign_id: z.string(),
  campaign_revision: z.number().int(),
  stage: z.string(),
});
const Provenance = z.object({
  file: z.string(),
  direction: z.enum(['ancestors', 'descendants']),
  nodes: z.array(
    z.object({ name: z.string(), depth: z.number().int(), produced_by: ProducedBy.nullable() }),
  ),
  edges: z.array(z.object({ parent: z.string(), child: z.string() })),
  truncated: z.boolean(),
});
const ProducedFile = z.object({ name: z.string(), located: z.boolean(), produced_by: ProducedBy });
const Dataset = z.object({
  name: z.string(),
  kind: z
    .enum(['query', 'open'])
    .describe(
      'query: a saved query, live; open: an explicit list of files that grows until closed',
    ),
  query: z.string().describe("the saved query; '' for an open dataset"),
  description: z.string().nullable(),
  created_at: time,
  closed_at: time.nullable().describe('when an open dataset was closed; null while open'),
});
const DatasetName = z.string().min(1).max(200);
const NewDataset = z
  .strictObject({
    name: DatasetName,
    kind: z.enum(['query', 'open']).default('query'),
    query: queryText.optional().describe('the saved query (kind query)'),
    description: z.string().max(1000).optional().describe('what it holds (kind open)'),
  })
  .superRefine((body, ctx) => {
    if (body.kind === 'query' && body.query === undefined) {
      ctx.addIssue({ code: 'custom', path: ['query'], message: 'a query dataset needs a query' });
    }
    if (body.kind === 'open' && body.query !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['query'],
        message: 'an open dataset has no query: add files to it instead',
      });
    }
    if (body.kind === 'query' && body.description !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['description'],
        message: 'only an open dataset has a description',
      });
    }
  });
const CountedDataset = Dataset.extend({ file_count: z.number().int() });
const Snapshot = z.object({
  id: z.string(),
  dataset: z.string().nullable(),
  query: z.string(),
  owner: z.string().nullable(),
  file_count: z.number().int(),
  created_at: time,
});

export function catalogRoutes(app: FastifyInstance, routes: RouteRegistry, ops: CatalogOperations) {
  routes.add(app, {
    method: 'POST',
    url: '/experiments/:experiment/files',
    tag: 'catalog',
    summary: 'Declare files (metadata, parents, replicas) in bulk: all or nothing, idempotent',
    params: ExperimentParams,
    body: z.strictObject({ files: z.array(DeclaredFile).min(1).max(100_000) }),
    response: z.object({
      created: z.number().int(),
      unchanged: z.number().int(),
      updated: z.number().int(),
    }),
    handler: ({ params, body, request }) =>
      ops.declare(callerOf(request), params.experiment, body.files),
  });

  routes.add(app, {
    method: 'GET',
    url: '/experiments/:experiment/files',
    tag: 'catalog',
    summary: 'The files a query selects, in name order, a page at a time (pass `next` as `after`)',
    params: ExperimentParams,
    query: z.strictObject({
      query: queryText,
      limit: queryInt(1, 10_000).optional(),
      after: z.string().max(255).optional(),
    }),
    response: QueryPage,
    handler: ({ params, query, request }) =>
      ops.query(callerOf(request), params.experiment, query.query, {
        limit: query.limit,
        after: query.after,
      }),
  });

  routes.add(app, {
    method: 'GET',
    url: '/experiments/:experiment/files-count',
    tag: 'catalog',
    summary: 'How many files a query selects',
    params: ExperimentParams,
    query: z.strictObject({ query: queryText }),
    response: z.object({ count: z.number().int() }),
    handler: ({ params, query, request }) =>
      ops.count(callerOf(request), params.experiment, query.query),
  });

  const FieldParams = ExperimentParams.extend({
    name: z.string().min(1).max(100),
  });
  routes.add(app, {
    method: 'GET',
    url: '/experiments/:experiment/metadata-fields',
    tag: 'catalog',
    summary: "The experiment's own metadata fields (type, required, allowed values)",
    params: ExperimentParams,
    response: offsetPage(MetadataFieldSchema),
    handler: async ({ params, request }) => {
      const items = await ops.metadataFields(callerOf(request), params.experiment);
      return { items, total: items.length };
    },
  });
  routes.add(app, {
    method: 'PUT',
    url: '/experiments/:experiment/metadata-fields/:name',
    tag: 'catalog',
    summary:
      'Define or redefine a metadata field: later declarations are checked against it (catalog.write)',
    params: FieldParams,
    body: MetadataFieldSchema.omit({ name: true }),
    response: MetadataFieldSchema,
    handler: ({ params, body, request }) =>
      ops.defineMetadataField(callerOf(request), params.experiment, {
        ...body,
        name: params.name,
      }),
  });
  routes.add(app, {
    method: 'DELETE',
    url: '/experiments/:experiment/metadata-fields/:name',
    tag: 'catalog',
    summary: "Drop a metadata field's definition; its values stay on the files (catalog.write)",
    params: FieldParams,
    response: z.object({ deleted: z.literal(true) }),
    handler: async ({ params, request }) => {
      await ops.dropMetadataField(callerOf(request), params.experiment, params.name);
      return { deleted: true as const };
    },
  });

  routes.add(app, {
    method: 'GET',
    url: '/experiments/:experiment/files/:name/provenance',
    tag: 'catalog',
    summary:
      'Ancestors or descendants of a file to any depth, each with the submission (campaign revision, stage, job) that produced it',
    params: ExperimentParams.extend({ name: z.string().min(1).max(255) }),
    query: z.strictObject({
      direction: z.enum(['ancestors', 'descendants']),
      depth: queryInt(1, 1000).optional(),
      limit: queryInt(1, 10_000).optional(),
    }),
    response: Provenance,
    handler: ({ params, query, request }) =>
      ops.provenance(callerOf(request), params.experiment, params.name, {
        direction: query.direction,
        depth: query.depth,
        limit: query.limit,
      }),
  });

  routes.add(app, {
    method: 'GET',
    url: '/experiments/:experiment/campaigns/:campaign/outputs',
    tag: 'catalog',
    summary:
      'The files a campaign produced: of one revision, stage or submission when asked, by name, paged',
    params: ExperimentParams.extend({ campaign: z.string().min(1).max(200) }),
    query: PageQuery.extend({
      revision: queryInt(1, 1_000_000).optional(),
      stage: z.string().min(1).max(200).optional(),
      submission: z.string().min(1).max(200).optional(),
    }),
    response: offsetPage(ProducedFile),
    handler: ({ params, query, request }) =>
      ops.produced(
        callerOf(request),
        params.experiment,
        params.campaign,
        {
          ...(query.revision === undefined ? {} : { revision: query.revision }),
          ...(query.stage === undefined ? {} : { stage: query.stage }),
          ...(query.submission === undefined ? {} : { submission_id: query.submission }),
        },
        {
          ...(query.limit === undefined ? {} : { limit: query.limit }),
          ...(query.offset === undefined ? {} : { offset: query.offset }),
        },
      ),
  });

  routes.add(app, {
    method: 'POST',
    url: '/experiments/:experiment/files/:name/replicas',
    tag: 'catalog',
    summary:
      'Record a replica of a declared file (where a copy is): never declares a file, so an unknown name answers 404; idempotent (catalog.write)',
    params: ExperimentParams.extend({ name: z.string().min(1).max(255) }),
    body: z.strictObject({
      location: z.string().min(1).max(100).describe('a storage location (an RSE, tape, disk…)'),
      path: z.string().min(1).max(4096).describe('where the copy is at that location'),
    }),
    response: z.object({
      name: z.string(),
      added: z.boolean().describe('false when the replica was known already (nothing changed)'),
      replicas: FileDetails.shape.replicas,
    }),
    handler: ({ params, body, request }) =>
      ops.locate(callerOf(request), params.experiment, params.name, body),
  });

  routes.add(app, {
    method: 'GET',
    url: '/experiments/:experiment/files/:name',
    tag: 'catalog',
    summary: 'A file with its metadata, parents, children and replicas',
    params: ExperimentParams.extend({ name: z.string().min(1).max(255) }),
    response: FileDetails,
    handler: ({ params, request }) => ops.file(callerOf(request), params.experiment, params.name),
  });

  routes.add(app, {
    method: 'GET',
    url: '/experiments/:experiment/datasets',
    tag: 'catalog',
    summary:
      "The experiment's datasets (saved queries and open datasets), by name, a page at a time",
    params: ExperimentParams,
    query: PageQuery.extend({
      q: z.string().min(1).max(200).optional().describe('part of the name, any case'),
      kind: z.enum(['query', 'open']).optional().describe('only datasets of this kind'),
    }),
    response: offsetPage(Dataset),
    handler: ({ params, query, request }) =>
      ops.datasets(callerOf(request), params.experiment, {
        limit: query.limit,
        offset: query.offset,
        nameContains: query.q,
        kind: query.kind,
      }),
  });

  routes.add(app, {
    method: 'POST',
    url: '/experiments/:experiment/datasets',
    tag: 'catalog',
    summary:
      'Save a query under a name (a live definition that grows with the catalog), or create an open dataset (kind open: an explicit list of files, idempotent)',
    params: ExperimentParams,
    body: NewDataset,
    response: CountedDataset,
    status: 201,
    handler: ({ params, body, request }) =>
      body.kind === 'open'
        ? ops.createOpenDataset(callerOf(request), params.experiment, body.name, body.description)
        : ops.defineDataset(callerOf(request), params.experiment, body.name, body.query ?? ''),
  });

  routes.add(app, {
    method: 'POST',
    url: '/experiments/:experiment/datasets/:name/files',
    tag: 'catalog',
    summary:
      'Add declared files to an open dataset, all or nothing: files already in it count as already (catalog.write)',
    params: ExperimentParams.extend({ name: DatasetName }),
    body: z.strictObject({
      files: z.array(z.string().min(1).max(255)).min(1).max(100_000).describe('file names'),
    }),
    response: z.object({ added: z.number().int(), already: z.number().int() }),
    handler: ({ params, body, request }) =>
      ops.addToDataset(callerOf(request), params.experiment, params.name, body.files),
  });

  routes.add(app, {
    method: 'POST',
    url: '/experiments/:experiment/datasets/:name/close',
    tag: 'catalog',
    summary: 'Close an open dataset: no more files may be added (idempotent; catalog.write)',
    params: ExperimentParams.extend({ name: DatasetName }),
    response: CountedDataset,
    handler: ({ params, request }) =>
      ops.closeDataset(callerOf(request), params.experiment, params.name),
  });

  routes.add(app, {
    method: 'GET',
    url: '/experiments/:experiment/datasets/:name',
    tag: 'catalog',
    summary: 'A dataset with how many files it selects (an open dataset: holds) now',
    params: ExperimentParams.extend({ name: z.string().min(1).max(200) }),
    response: CountedDataset,
    handler: ({ params, request }) =>
      ops.dataset(callerOf(request), params.experiment, params.name),
  });

  routes.add(app, {
    method: 'POST',
    url: '/experiments/:experiment/snapshots',
    tag: 'catalog',
    summary: 'Freeze the current files of a query or of a dataset (give one of the two)',
    params: ExperimentParams,
    body: z.union([
      z.strictObject({ query: queryText }),
      z.strictObject({ dataset: z.string().min(1).max(200) }),
    ]),
    response: Snapshot,
    status: 201,
    handler: ({ params, body, request }) =>
      ops.snapshot(callerOf(request), params.experiment, body),
  });

  routes.add(app, {
    method: 'GET',
    url: '/experiments/:experiment/snapshots',
    tag: 'catalog',
    summary:
      "The experiment's snapshots, newest first (of one dataset when asked), a page at a time; a snapshot's files: the query `snapshot: ID`",
    params: ExperimentParams,
    query: PageQuery.extend({
      dataset: DatasetName.optional().describe('only the snapshots of this dataset'),
    }),
    response: offsetPage(Snapshot),
    handler: ({ params, query, request }) =>
      ops.snapshots(callerOf(request), params.experiment, {
        limit: query.limit,
        offset: query.offset,
        dataset: query.dataset,
      }),
  });

  routes.add(app, {
    method: 'GET',
    url: '/experiments/:experiment/snapshots/:id',
    tag: 'catalog',
    summary: 'A snapshot: what it froze and how many files',
    params: ExperimentParams.extend({ id: z.string().min(1).max(200) }),
    response: Snapshot,
    handler: ({ params, request }) =>
      ops.getSnapshot(callerOf(request), params.experiment, params.id),
  });
}
