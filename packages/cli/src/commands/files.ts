// `poms files …`: the experiment's file catalog — declare, query, show, locate, provenance, the
// outputs of a campaign (revision, stage, submission), the metadata fields — and, through
// datasets.ts, `poms files datasets`, `poms datasets …` and `poms snapshots …`. Every command
// acts on a data folder or on a server over its API (catalog-side.ts) and prints the same.
import type { Command } from 'commander';
import { wholeNumber, table, type LocalOptions, type RunAsync } from '../local.ts';
import { readDeclarations } from '../declared-files.ts';
import { provenanceLines } from '../provenance-lines.ts';
import { EXIT_OK, UsageError, printJson, type Io } from '../output.ts';
import { catalogOptions, onCatalog } from './catalog-side.ts';
import { datasetCommands, listDatasetsCommand } from './datasets.ts';

export function fileCommands(program: Command, io: Io, runAsync: RunAsync): void {
  const files = program
    .command('files')
    .description('the file catalog: declare, query, show, locate, provenance, outputs, datasets');

  catalogOptions(files.command('declare'))
    .description(
      'declare files from a JSON array of {name, size, checksum, metadata, parents, replicas}',
    )
    .argument('<file>', 'JSON file, or - for standard input')
    .action((file: string, opts: LocalOptions) =>
      runAsync(() =>
        onCatalog(io, opts, async (catalog) => {
          const declared = readDeclarations(file);
          const result = await catalog.declare(declared);
          if (opts.json) printJson(io, result);
          else
            io.out(
              `${declared.length} files: ${result.created} new, ${result.updated} updated, ${result.unchanged} unchanged`,
            );
          return EXIT_OK;
        }),
      ),
    );

  catalogOptions(files.command('query'))
    .description('list (or count) the files a query selects, in name order')
    .argument('<query>')
    .option('--count', 'print only how many')
    .option('--limit <n>', 'at most this many', '1000')
    .action((text: string, opts: LocalOptions & { count?: boolean; limit: string }) =>
      runAsync(() => {
        const limit = wholeNumber('--limit', opts.limit, 1);
        return onCatalog(io, opts, async (catalog) => {
          if (opts.count) {
            const count = await catalog.count(text);
            if (opts.json) printJson(io, { count });
            else io.out(String(count));
            return EXIT_OK;
          }
          const names: string[] = [];
          let after: string | null = null;
          while (names.length < limit) {
            const page = await catalog.queryPage(text, Math.min(1000, limit - names.length), after);
            names.push(...page.files.map((f) => f.name));
            if (page.next === null) break;
            after = page.next;
          }
          if (opts.json) printJson(io, { files: names });
          else for (const name of names) io.out(name);
          return EXIT_OK;
        });
      }),
    );

  catalogOptions(files.command('show'))
    .description('a file with its metadata, parents, children and replicas')
    .argument('<name>')
    .action((name: string, opts: LocalOptions) =>
      runAsync(() =>
        onCatalog(io, opts, async (catalog) => {
          const file = await catalog.file(name);
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

  catalogOptions(files.command('locate'))
    .description(
      'record a replica of a declared file: where a copy of it is (idempotent; an undeclared file is an error)',
    )
    .argument('<name>')
    .argument('<location>', 'a storage location (an RSE, tape, disk…)')
    .argument('<path>', 'where the copy is at that location')
    .action((name: string, location: string, path: string, opts: LocalOptions) =>
      runAsync(() =>
        onCatalog(io, opts, async (catalog) => {
          const located = await catalog.locate(name, location, path);
          if (opts.json) printJson(io, located);
          else
            io.out(`${name}: ${located.replicas.map((r) => `${r.location}:${r.path}`).join(', ')}`);
          return EXIT_OK;
        }),
      ),
    );

  catalogOptions(files.command('fields'))
    .description("the experiment's own metadata fields: type, required, allowed values")
    .action((opts: LocalOptions) =>
      runAsync(() =>
        onCatalog(io, opts, async (catalog) => {
          const fields = await catalog.fields();
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

  catalogOptions(files.command('field'))
    .description(
      'define (or redefine) a metadata field that declarations are checked against; --drop removes it',
    )
    .argument('<name>')
    .option('--type <type>', 'text, integer, number, boolean or time')
    .option('--required', 'every file declared from now on must have it')
    .option('--values <list>', 'the values it may take, comma-separated')
    .option('--description <text>', 'what it means')
    .option('--drop', "remove the field's definition (its values stay on the files)")
    .action((name: string, opts: FieldOptions) => runAsync(() => field(io, name, opts)));

  catalogOptions(files.command('provenance'))
    .description(
      'the files a file was made from (or, with --descendants, made into), to any depth, with the campaign revision, stage and job that produced each',
    )
    .argument('<name>')
    .option('--descendants', 'walk to the files made from it, not those it was made from')
    .option('--depth <n>', 'at most this many steps (1–1000)')
    .action((name: string, opts: LocalOptions & { descendants?: boolean; depth?: string }) =>
      runAsync(() => {
        const depth =
          opts.depth === undefined ? undefined : wholeNumber('--depth', opts.depth, 1, 1000);
        return onCatalog(io, opts, async (catalog) => {
          const walked = await catalog.provenance(name, {
            direction: opts.descendants ? 'descendants' : 'ancestors',
            depth,
          });
          if (opts.json) printJson(io, walked);
          else for (const line of provenanceLines(walked)) io.out(line);
          return EXIT_OK;
        });
      }),
    );

  catalogOptions(files.command('outputs'))
    .description(
      'the files a campaign produced — which outputs came from this config revision, stage or submission — by name, a page at a time',
    )
    .argument('<campaign>')
    .option('--revision <n>', 'only the outputs of submissions launched from this revision')
    .option('--stage <name>', 'only the outputs of this stage')
    .option('--submission <id>', 'only the outputs of this submission (sub_…)')
    .option('--limit <n>', 'at most this many (1-1000)', '50')
    .option('--offset <n>', 'skip this many', '0')
    .action((campaign: string, opts: OutputOptions) => runAsync(() => outputs(io, campaign, opts)));

  listDatasetsCommand(files.command('datasets'), io, runAsync);
  datasetCommands(program, io, runAsync);
}

interface FieldOptions extends LocalOptions {
  type?: string;
  required?: boolean;
  values?: string;
  description?: string;
  drop?: boolean;
}

const FIELD_TYPES = ['text', 'integer', 'number', 'boolean', 'time'] as const;

function field(io: Io, name: string, opts: FieldOptions): Promise<number> {
  if (opts.drop) {
    return onCatalog(io, opts, async (catalog) => {
      await catalog.dropField(name);
      io.out(`dropped field ${name}`);
      return EXIT_OK;
    });
  }
  const type = FIELD_TYPES.find((t) => t === opts.type);
  if (type === undefined) throw new UsageError(`--type must be one of ${FIELD_TYPES.join(', ')}`);
  const values = opts.values
    ?.split(',')
    .map((v) => v.trim())
    .map((v) =>
      type === 'integer' || type === 'number' ? Number(v) : type === 'boolean' ? v === 'true' : v,
    );
  return onCatalog(io, opts, async (catalog) => {
    const defined = await catalog.defineField({
      name,
      type,
      required: opts.required ?? false,
      ...(values === undefined ? {} : { values }),
      ...(opts.description === undefined ? {} : { description: opts.description }),
    });
    if (opts.json) printJson(io, defined);
    else io.out(`field ${defined.name}: ${defined.type}${defined.required ? ', required' : ''}`);
    return EXIT_OK;
  });
}

interface OutputOptions extends LocalOptions {
  revision?: string;
  stage?: string;
  submission?: string;
  limit: string;
  offset: string;
}

function outputs(io: Io, campaign: string, opts: OutputOptions): Promise<number> {
  const revision =
    opts.revision === undefined ? undefined : wholeNumber('--revision', opts.revision, 1);
  const limit = wholeNumber('--limit', opts.limit, 1, 1000);
  const offset = wholeNumber('--offset', opts.offset, 0);
  return onCatalog(io, opts, async (catalog) => {
    const page = await catalog.outputs(
      campaign,
      { revision, stage: opts.stage, submission: opts.submission },
      { limit, offset },
    );
    if (opts.json) {
      printJson(io, page);
      return EXIT_OK;
    }
    if (page.items.length > 0) {
      io.out(
        table(
          ['FILE', 'REVISION', 'STAGE', 'SUBMISSION', 'JOB', 'LOCATED'],
          page.items.map((f) => [
            f.name,
            String(f.produced_by.campaign_revision),
            f.produced_by.stage,
            f.produced_by.submission_id,
            String(f.produced_by.job_index),
            f.located ? 'yes' : 'no',
          ]),
        ),
      );
    }
    const shown =
      page.items.length === 0
        ? `0 of ${page.total}`
        : `${offset + 1}-${offset + page.items.length} of ${page.total}`;
    io.out(`${shown} outputs of campaign ${campaign}`);
    return EXIT_OK;
  });
}
