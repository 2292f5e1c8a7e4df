// `poms datasets …` (and `poms files datasets`): saved queries and open datasets; and
// `poms snapshots …`: the frozen file lists made of them. On a data folder or on a server
// (catalog-side.ts), printing the same either way.
import type { Command } from 'commander';
import type { DatasetRecord, SnapshotRecord } from '@poms/core';
import { readText } from '../campaign-files.ts';
import { table, when, wholeNumber, type LocalOptions, type RunAsync } from '../local.ts';
import { EXIT_OK, UsageError, printJson, type Io } from '../output.ts';
import { catalogOptions, onCatalog, type CatalogSide } from './catalog-side.ts';

interface ListOptions extends LocalOptions {
  contains?: string;
  kind?: string;
  limit?: string;
  offset: string;
}

interface PageOptions extends LocalOptions {
  limit: string;
  offset: string;
}

/** The list of datasets, for `poms datasets list` and `poms files datasets` alike. */
export function listDatasetsCommand(command: Command, io: Io, runAsync: RunAsync): void {
  catalogOptions(command)
    .description('the datasets, by name: kind (query or open), closed, and the query')
    .option('--contains <text>', 'only names containing this, any case')
    .option('--kind <kind>', 'only datasets of this kind: query or open')
    .option('--limit <n>', 'at most this many (1-1000; default: all)')
    .option('--offset <n>', 'skip this many', '0')
    .action((opts: ListOptions) => runAsync(() => listDatasets(io, opts)));
}

const KINDS = ['query', 'open'] as const;

async function listDatasets(io: Io, opts: ListOptions): Promise<number> {
  const kind = KINDS.find((k) => k === opts.kind);
  if (opts.kind !== undefined && kind === undefined) {
    throw new UsageError(`--kind must be query or open, not '${opts.kind}'`);
  }
  const limit = opts.limit === undefined ? undefined : wholeNumber('--limit', opts.limit, 1, 1000);
  const offset = wholeNumber('--offset', opts.offset, 0);
  return onCatalog(io, opts, async (catalog) => {
    const filter = { nameContains: opts.contains, kind };
    const items: DatasetRecord[] = [];
    let total = 0;
    // Without --limit: every dataset from --offset on, a page at a time.
    do {
      const page = await catalog.datasets({
        ...filter,
        limit: limit ?? 1000,
        offset: offset + items.length,
      });
      items.push(...page.items);
      total = page.total;
      if (page.items.length === 0 || limit !== undefined) break;
    } while (offset + items.length < total);
    if (opts.json) printJson(io, { datasets: items, total });
    else if (total === 0) {
      const filtered = kind !== undefined || opts.contains !== undefined;
      io.out(filtered ? 'no datasets match' : `experiment ${opts.experiment} has no datasets`);
    } else {
      for (const d of items) io.out(datasetLine(d));
      if (items.length < total) {
        const shown =
          items.length === 0
            ? `0 of ${total}`
            : `${offset + 1}-${offset + items.length} of ${total}`;
        io.out(`${shown} datasets`);
      }
    }
    return EXIT_OK;
  });
}

export function datasetCommands(program: Command, io: Io, runAsync: RunAsync): void {
  const datasets = program
    .command('datasets')
    .description('datasets (saved queries and open datasets) and their snapshots');

  listDatasetsCommand(datasets.command('list'), io, runAsync);

  catalogOptions(datasets.command('show'))
    .description('a dataset: kind, query or description, open or closed, file count, snapshots')
    .argument('<name>')
    .action((name: string, opts: LocalOptions) =>
      runAsync(() =>
        onCatalog(io, opts, async (catalog) => {
          const dataset = await catalog.dataset(name);
          const snapshots = await catalog.snapshots({ dataset: name, limit: 10 });
          if (opts.json) {
            printJson(io, { ...dataset, snapshots });
            return EXIT_OK;
          }
          io.out(datasetLine(dataset));
          io.out(`  files: ${dataset.file_count}${dataset.kind === 'query' ? ' now' : ''}`);
          io.out(`  created: ${when(dataset.created_at)}`);
          if (snapshots.total === 0) io.out('  snapshots: none');
          else {
            const more = snapshots.items.length < snapshots.total ? ', newest first' : '';
            io.out(`  snapshots: ${snapshots.total}${more}`);
            for (const s of snapshots.items)
              io.out(`    ${s.id}  ${s.file_count} files  ${when(s.created_at)}`);
          }
          return EXIT_OK;
        }),
      ),
    );

  catalogOptions(datasets.command('define'))
    .description('save a query under a name (a live definition: it grows with the catalog)')
    .argument('<name>')
    .argument('<query>')
    .action((name: string, text: string, opts: LocalOptions) =>
      runAsync(() =>
        onCatalog(io, opts, async (catalog) => {
          const dataset = await catalog.defineDataset(name, text);
          if (opts.json) printJson(io, dataset);
          else io.out(`dataset ${dataset.name}: ${dataset.file_count} files now`);
          return EXIT_OK;
        }),
      ),
    );

  catalogOptions(datasets.command('open'))
    .description(
      'create an open dataset: an explicit list of files that grows as files are added, until closed (idempotent)',
    )
    .argument('<name>')
    .option('--description <text>', 'what it holds')
    .action((name: string, opts: LocalOptions & { description?: string }) =>
      runAsync(() =>
        onCatalog(io, opts, async (catalog) => {
          const dataset = await catalog.openDataset(name, opts.description);
          if (opts.json) printJson(io, dataset);
          else io.out(`${datasetLine(dataset)}: ${dataset.file_count} files`);
          return EXIT_OK;
        }),
      ),
    );

  catalogOptions(datasets.command('add'))
    .description('add declared files to an open dataset, all or nothing')
    .argument('<name>')
    .argument('[files...]', 'file names')
    .option('--from <file>', 'also the names in this file, one a line (- for standard input)')
    .action((name: string, names: string[], opts: LocalOptions & { from?: string }) =>
      runAsync(() => {
        const files = [...names, ...(opts.from === undefined ? [] : namesIn(opts.from))];
        if (files.length === 0) {
          throw new UsageError('give the files to add: as arguments, or --from FILE');
        }
        return onCatalog(io, opts, async (catalog) => {
          const result = await catalog.addToDataset(name, files);
          if (opts.json) printJson(io, result);
          else io.out(`dataset ${name}: ${result.added} added, ${result.already} already in it`);
          return EXIT_OK;
        });
      }),
    );

  catalogOptions(datasets.command('close'))
    .description('close an open dataset: no more files may be added (idempotent)')
    .argument('<name>')
    .action((name: string, opts: LocalOptions) =>
      runAsync(() =>
        onCatalog(io, opts, async (catalog) => {
          const dataset = await catalog.closeDataset(name);
          if (opts.json) printJson(io, dataset);
          else io.out(`${datasetLine(dataset)}: ${dataset.file_count} files`);
          return EXIT_OK;
        }),
      ),
    );

  catalogOptions(datasets.command('snapshot'))
    .description("freeze a dataset's current files")
    .argument('<name>')
    .action((name: string, opts: LocalOptions) =>
      runAsync(() =>
        onCatalog(io, opts, async (catalog) => {
          const snapshot = await catalog.snapshot(name);
          if (opts.json) printJson(io, snapshot);
          else io.out(`snapshot ${snapshot.id} of ${name}: ${snapshot.file_count} files`);
          return EXIT_OK;
        }),
      ),
    );

  pageOptions(catalogOptions(datasets.command('snapshots')))
    .description("a dataset's snapshots, newest first")
    .argument('<name>')
    .action((name: string, opts: PageOptions) => runAsync(() => listSnapshots(io, name, opts)));

  const snapshots = program
    .command('snapshots')
    .description('snapshots: frozen file lists of datasets or queries');

  pageOptions(catalogOptions(snapshots.command('list')))
    .description("the experiment's snapshots, newest first (a split's slices too)")
    .option('--dataset <name>', 'only the snapshots of this dataset')
    .action((opts: PageOptions & { dataset?: string }) =>
      runAsync(() => listSnapshots(io, opts.dataset, opts)),
    );

  catalogOptions(snapshots.command('show'))
    .description('a snapshot: what it froze, how many files, when; --files lists them')
    .argument('<id>', "the snapshot (snp_…), or a dataset's name for its latest snapshot")
    .option('--files', 'also list its files, in name order')
    .action((ref: string, opts: LocalOptions & { files?: boolean }) =>
      runAsync(() =>
        onCatalog(io, opts, async (catalog) => {
          const snapshot = await catalog.getSnapshot(ref);
          const files = opts.files ? await snapshotFiles(catalog, snapshot.id) : undefined;
          if (opts.json) {
            printJson(io, files === undefined ? snapshot : { ...snapshot, files });
            return EXIT_OK;
          }
          io.out(`${snapshot.id}  ${snapshot.file_count} files  ${when(snapshot.created_at)}`);
          if (snapshot.dataset !== null) io.out(`  dataset: ${snapshot.dataset}`);
          io.out(`  query: ${snapshot.query}`);
          if (snapshot.owner !== null) io.out(`  owner: ${snapshot.owner}`);
          for (const name of files ?? []) io.out(`  ${name}`);
          return EXIT_OK;
        }),
      ),
    );
}

function pageOptions(command: Command): Command {
  return command
    .option('--limit <n>', 'at most this many (1-1000)', '50')
    .option('--offset <n>', 'skip this many', '0');
}

function listSnapshots(io: Io, dataset: string | undefined, opts: PageOptions): Promise<number> {
  const limit = wholeNumber('--limit', opts.limit, 1, 1000);
  const offset = wholeNumber('--offset', opts.offset, 0);
  return onCatalog(io, opts, async (catalog) => {
    // A dataset's snapshots: an unknown dataset is an error, not an empty list.
    if (dataset !== undefined) await catalog.dataset(dataset);
    const page = await catalog.snapshots({ dataset, limit, offset });
    if (opts.json) {
      printJson(io, page);
      return EXIT_OK;
    }
    if (page.items.length > 0) {
      io.out(
        table(
          ['ID', 'FILES', 'CREATED', 'DATASET', 'QUERY'],
          page.items.map((s: SnapshotRecord) => [
            s.id,
            String(s.file_count),
            when(s.created_at),
            s.dataset ?? '-',
            s.query,
          ]),
        ),
      );
    }
    const shown =
      page.items.length === 0
        ? `0 of ${page.total}`
        : `${offset + 1}-${offset + page.items.length} of ${page.total}`;
    io.out(`${shown} snapshots`);
    return EXIT_OK;
  });
}

/** Every file of a snapshot, in name order (its query is `snapshot: ID`). */
async function snapshotFiles(catalog: CatalogSide, id: string): Promise<string[]> {
  const names: string[] = [];
  let after: string | null = null;
  do {
    const page = await catalog.queryPage(`snapshot: ${id}`, 1000, after);
    names.push(...page.files.map((f) => f.name));
    after = page.next;
  } while (after !== null);
  return names;
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
