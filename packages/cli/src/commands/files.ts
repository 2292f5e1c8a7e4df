// `poms files …` and `poms datasets …`: the embedded catalog of the local store (--data DIR).
import type { Command } from 'commander';
import type { DatasetRecord, Query } from '@poms/core';
import type { Store } from '@poms/server';
import { readText } from '../campaign-files.ts';
import { loadQueryParser, loadServer } from '../lazy.ts';
import { readDeclarations } from '../declared-files.ts';
import { provenanceLines } from '../provenance-lines.ts';
import { EXIT_OK, EXIT_PROBLEMS, UsageError, printJson, type Io } from '../output.ts';

interface StoreOptions {
  data?: string;
  experiment: string;
  json?: boolean;
}

type RunAsync = (action: () => Promise<number>) => Promise<void>;

function storeOptions(command: Command): Command {
  return command
    .option('--data <dir>', 'folder of the local store', process.env.POMS_DATA)
    .option(
      '--experiment <name>',
      'the experiment the files belong to',
      process.env.POMS_EXPERIMENT ?? 'demo',
    )
    .option('--json', 'print JSON');
}

/** Opens the local store, creating the experiment on first use (a local store is one's own). */
async function withStore(
  opts: StoreOptions,
  fn: (store: Store) => Promise<number>,
): Promise<number> {
  const { openStore } = await loadServer();
  const store = await openStore(opts.data ? { dataDir: opts.data } : {});
  try {
    const known = await store.experiments.list();
    if (!known.some((e) => e.name === opts.experiment)) {
      await store.experiments.create({ name: opts.experiment, display_name: opts.experiment });
    }
    return await fn(store);
  } finally {
    await store.close();
  }
}

async function queryOrThrow(text: string, what = 'query'): Promise<Query> {
  const { parseQuery } = await loadQueryParser();
  const parsed = parseQuery(text);
  if (!parsed.ok) {
    const { code, message, column } = parsed.error;
    throw new QueryError(`${what}:1:${column + 1}: error ${code}: ${message}`);
  }
  return parsed.query;
}

/** A query with an error: printed as WHAT:1:COL, exit 1 (the input is wrong, not the usage). */
class QueryError extends Error {}

async function guarded(io: Io, fn: () => Promise<number>): Promise<number> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof QueryError) {
      io.err(error.message);
      return EXIT_PROBLEMS;
    }
    throw error;
  }
}

export function fileCommands(program: Command, io: Io, runAsync: RunAsync): void {
  const files = program.command('files').description('the file catalog: declare, query, show');

  storeOptions(files.command('declare'))
    .description(
      'declare files from a JSON array of {name, size, checksum, metadata, parents, replicas}',
    )
    .argument('<file>', 'JSON file, or - for standard input')
    .action((file: string, opts: StoreOptions) =>
      runAsync(() =>
        withStore(opts, async (store) => {
          const declared = readDeclarations(file);
          const result = await store.catalog.declareFiles(opts.experiment, declared);
          if (opts.json) printJson(io, result);
          else
            io.out(
              `${declared.length} files: ${result.created} new, ${result.updated} updated, ${result.unchanged} unchanged`,
            );
          return EXIT_OK;
        }),
      ),
    );

  storeOptions(files.command('query'))
    .description('list (or count) the files a query selects, in name order')
    .argument('<query>')
    .option('--count', 'print only how many')
    .option('--limit <n>', 'at most this many', '1000')
    .action((text: string, opts: StoreOptions & { count?: boolean; limit: string }) =>
      runAsync(() =>
        guarded(io, () =>
          withStore(opts, async (store) => {
            const query = await queryOrThrow(text);
            if (opts.count) {
              const count = await store.catalog.countFiles(opts.experiment, query);
              if (opts.json) printJson(io, { count });
              else io.out(String(count));
              return EXIT_OK;
            }
            const limit = Number(opts.limit);
            if (!Number.isInteger(limit) || limit < 1)
              throw new UsageError(`--limit must be ≥ 1, not '${opts.limit}'`);
            const names: string[] = [];
            let after: string | null = null;
            while (names.length < limit) {
              const page: { files: { name: string }[]; next: string | null } =
                await store.catalog.queryFiles(opts.experiment, query, {
                  limit: Math.min(1000, limit - names.length),
                  after,
                });
              names.push(...page.files.map((f) => f.name));
              if (page.next === null) break;
              after = page.next;
            }
            if (opts.json) printJson(io, { files: names });
            else for (const name of names) io.out(name);
            return EXIT_OK;
          }),
        ),
      ),
    );

  storeOptions(files.command('show'))
    .description('a file with its metadata, parents, children and replicas')
    .argument('<name>')
    .action((name: string, opts: StoreOptions) =>
      runAsync(() =>
        withStore(opts, async (store) => {
          const file = await store.catalog.getFile(opts.experiment, name);
          if (opts.json) {
            printJson(io, file);
            return EXIT_OK;
          }
          io.out(`${file.name}  size ${file.size ?? '-'}  checksum ${file.checksum ?? '-'}`);
          for (const [key, value] of Object.entries(file.metadata))
            io.out(`  ${key} = ${JSON.stringify(value)}`);
          if (file.parents.length > 0) io.out(`  parents: ${file.parents.join(', ')}`);
          if (file.children.length > 0) io.out(`  children: ${file.children.join(', ')}`);
          for (const r of file.replicas) io.out(`  replica ${r.location}: ${r.path}`);
          return EXIT_OK;
        }),
      ),
    );

  storeOptions(files.command('locate'))
    .description('record a replica of a declared file: where a copy of it is')
    .argument('<name>')
    .argument('<location>', 'a storage location (an RSE, tape, disk…)')
    .argument('<path>', 'where the copy is at that location')
    .action((name: string, location: string, path: string, opts: StoreOptions) =>
      runAsync(() =>
        withStore(opts, async (store) => {
          // Only a file already declared: locating must never declare a new, empty file.
          await store.catalog.getFile(opts.experiment, name);
          await store.catalog.declareFiles(opts.experiment, [
            { name, replicas: [{ location, path }] },
          ]);
          const file = await store.catalog.getFile(opts.experiment, name);
          if (opts.json) printJson(io, { name, replicas: file.replicas });
          else io.out(`${name}: ${file.replicas.map((r) => `${r.location}:${r.path}`).join(', ')}`);
          return EXIT_OK;
        }),
      ),
    );

  storeOptions(files.command('fields'))
    .description("the experiment's own metadata fields: type, required, allowed values")
    .action((opts: StoreOptions) =>
      runAsync(() =>
        withStore(opts, async (store) => {
          const fields = await store.catalog.metadataFields(opts.experiment);
          if (opts.json) printJson(io, { fields });
          else if (fields.length === 0) io.out(`experiment ${opts.experiment} defines no fields`);
          else
            for (const f of fields) {
              const values = f.values === undefined ? '' : ` one of ${f.values.join(', ')}`;
              io.out(`${f.name}  ${f.type}${f.required ? ', required' : ''}${values}`);
            }
          return EXIT_OK;
        }),
      ),
    );

  storeOptions(files.command('field'))
    .description(
      'define (or redefine) a metadata field that declarations are checked against; --drop removes it',
    )
    .argument('<name>')
    .option('--type <type>', 'text, integer, number, boolean or time')
    .option('--required', 'every file declared from now on must have it')
    .option('--values <list>', 'the values it may take, comma-separated')
    .option('--description <text>', 'what it means')
    .option('--drop', "remove the field's definition (its values stay on the files)")
    .action(
      (
        name: string,
        opts: StoreOptions & {
          type?: string;
          required?: boolean;
          values?: string;
          description?: string;
          drop?: boolean;
        },
      ) =>
        runAsync(() =>
          withStore(opts, async (store) => {
            if (opts.drop) {
              await store.catalog.dropMetadataField(opts.experiment, name);
              io.out(`dropped field ${name}`);
              return EXIT_OK;
            }
            const types = ['text', 'integer', 'number', 'boolean', 'time'] as const;
            const type = types.find((t) => t === opts.type);
            if (type === undefined) {
              throw new UsageError(`--type must be one of ${types.join(', ')}`);
            }
            const values = opts.values
              ?.split(',')
              .map((v) => v.trim())
              .map((v) =>
                type === 'integer' || type === 'number'
                  ? Number(v)
                  : type === 'boolean'
                    ? v === 'true'
                    : v,
              );
            const field = await store.catalog.defineMetadataField(opts.experiment, {
              name,
              type,
              required: opts.required ?? false,
              ...(values === undefined ? {} : { values }),
              ...(opts.description === undefined ? {} : { description: opts.description }),
            });
            if (opts.json) printJson(io, field);
            else io.out(`field ${field.name}: ${field.type}${field.required ? ', required' : ''}`);
            return EXIT_OK;
          }),
        ),
    );

  storeOptions(files.command('provenance'))
    .description(
      'the files a file was made from (or, with --descendants, made into), to any depth, with the campaign revision, stage and job that produced each',
    )
    .argument('<name>')
    .option('--descendants', 'walk to the files made from it, not those it was made from')
    .option('--depth <n>', 'at most this many steps (1–1000)')
    .action((name: string, opts: StoreOptions & { descendants?: boolean; depth?: string }) =>
      runAsync(() =>
        withStore(opts, async (store) => {
          const depth = opts.depth === undefined ? undefined : Number(opts.depth);
          if (depth !== undefined && (!Number.isInteger(depth) || depth < 1 || depth > 1000)) {
            throw new UsageError(
              `--depth must be a whole number from 1 to 1000, not '${opts.depth}'`,
            );
          }
          const walked = await store.catalog.provenance(opts.experiment, name, {
            direction: opts.descendants ? 'descendants' : 'ancestors',
            depth,
          });
          if (opts.json) printJson(io, walked);
          else for (const line of provenanceLines(walked)) io.out(line);
          return EXIT_OK;
        }),
      ),
    );

  const datasets = program
    .command('datasets')
    .description('datasets (saved queries and open datasets) and snapshots');

  storeOptions(datasets.command('list'))
    .description('the datasets, by name: kind (query or open), closed, and the query')
    .option('--contains <text>', 'only names containing this, any case')
    .action((opts: StoreOptions & { contains?: string }) =>
      runAsync(() =>
        withStore(opts, async (store) => {
          const items: DatasetRecord[] = [];
          let total = 0;
          do {
            const page = await store.catalog.listDatasets(opts.experiment, {
              limit: 1000,
              offset: items.length,
              ...(opts.contains === undefined ? {} : { nameContains: opts.contains }),
            });
            items.push(...page.items);
            total = page.total;
            if (page.items.length === 0) break;
          } while (items.length < total);
          if (opts.json) printJson(io, { datasets: items });
          else if (items.length === 0) io.out(`experiment ${opts.experiment} has no datasets`);
          else for (const d of items) io.out(datasetLine(d));
          return EXIT_OK;
        }),
      ),
    );

  storeOptions(datasets.command('define'))
    .description('save a query under a name (a live definition: it grows with the catalog)')
    .argument('<name>')
    .argument('<query>')
    .action((name: string, text: string, opts: StoreOptions) =>
      runAsync(() =>
        guarded(io, () =>
          withStore(opts, async (store) => {
            await queryOrThrow(text);
            const dataset = await store.catalog.defineDataset(opts.experiment, name, text);
            const count = await store.catalog.countFiles(opts.experiment, {
              type: 'defname',
              name,
            });
            if (opts.json) printJson(io, { ...dataset, file_count: count });
            else io.out(`dataset ${dataset.name}: ${count} files now`);
            return EXIT_OK;
          }),
        ),
      ),
    );

  storeOptions(datasets.command('open'))
    .description(
      'create an open dataset: an explicit list of files that grows as files are added, until closed (idempotent)',
    )
    .argument('<name>')
    .option('--description <text>', 'what it holds')
    .action((name: string, opts: StoreOptions & { description?: string }) =>
      runAsync(() =>
        withStore(opts, async (store) => {
          const dataset = await store.catalog.createOpenDataset(
            opts.experiment,
            name,
            opts.description === undefined ? {} : { description: opts.description },
          );
          const count = await store.catalog.countFiles(opts.experiment, { type: 'defname', name });
          if (opts.json) printJson(io, { ...dataset, file_count: count });
          else io.out(`${datasetLine(dataset)}: ${count} files`);
          return EXIT_OK;
        }),
      ),
    );

  storeOptions(datasets.command('add'))
    .description('add declared files to an open dataset, all or nothing')
    .argument('<name>')
    .argument('[files...]', 'file names')
    .option('--from <file>', 'also the names in this file, one a line (- for standard input)')
    .action((name: string, names: string[], opts: StoreOptions & { from?: string }) =>
      runAsync(() =>
        withStore(opts, async (store) => {
          const files = [...names, ...(opts.from === undefined ? [] : namesIn(opts.from))];
          if (files.length === 0) {
            throw new UsageError('give the files to add: as arguments, or --from FILE');
          }
          const result = await store.catalog.addToDataset(opts.experiment, name, files);
          if (opts.json) printJson(io, result);
          else io.out(`dataset ${name}: ${result.added} added, ${result.already} already in it`);
          return EXIT_OK;
        }),
      ),
    );

  storeOptions(datasets.command('close'))
    .description('close an open dataset: no more files may be added (idempotent)')
    .argument('<name>')
    .action((name: string, opts: StoreOptions) =>
      runAsync(() =>
        withStore(opts, async (store) => {
          const dataset = await store.catalog.closeDataset(opts.experiment, name);
          const count = await store.catalog.countFiles(opts.experiment, { type: 'defname', name });
          if (opts.json) printJson(io, { ...dataset, file_count: count });
          else io.out(`${datasetLine(dataset)}: ${count} files`);
          return EXIT_OK;
        }),
      ),
    );

  storeOptions(datasets.command('snapshot'))
    .description("freeze a dataset's current files")
    .argument('<name>')
    .action((name: string, opts: StoreOptions) =>
      runAsync(() =>
        withStore(opts, async (store) => {
          const dataset = await store.catalog.getDataset(opts.experiment, name);
          const snapshot = await store.catalog.snapshot(
            opts.experiment,
            { type: 'defname', name },
            {
              queryText: dataset.kind === 'open' ? `defname: ${name}` : dataset.query,
              dataset: name,
            },
          );
          if (opts.json) printJson(io, snapshot);
          else io.out(`snapshot ${snapshot.id} of ${name}: ${snapshot.file_count} files`);
          return EXIT_OK;
        }),
      ),
    );
}

/** `raw_data  query  data_tier = raw`, `mirror  open` or `mirror  open, closed 2030-…`. */
function datasetLine(d: DatasetRecord): string {
  if (d.kind === 'query') return `${d.name}  query  ${d.query}`;
  const closed = d.closed_at === null ? '' : `, closed ${d.closed_at}`;
  return `${d.name}  open${closed}${d.description === null ? '' : `  ${d.description}`}`;
}

/** File names, one a line; blank lines and lines starting with # are skipped. */
function namesIn(source: string): string[] {
  return readText(source)
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}
