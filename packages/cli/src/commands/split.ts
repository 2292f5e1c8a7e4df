// `poms split preview`: every slice a split would hand out over a given list of files, in order,
// computed by the real split iterators over a private in-memory catalog (nothing is kept).
import type { Command } from 'commander';
import { z } from 'zod';
import { parseSplitSpec, type Query } from '@poms/core';
import type { SplitPreview } from '@poms/server';
import { loadQueryParser, loadServer } from '../lazy.ts';
import { readDeclarations } from '../declared-files.ts';
import { EXIT_OK, EXIT_PROBLEMS, UsageError, printJson, type Io } from '../output.ts';

interface PreviewOptions {
  split: string;
  files: string;
  data?: string;
  now?: string;
  max: string;
  json?: boolean;
}

const PREVIEW_EXPERIMENT = 'preview';

export function splitCommands(
  program: Command,
  io: Io,
  runAsync: (action: () => Promise<number>) => Promise<void>,
): void {
  const split = program
    .command('split')
    .description('split specs: how a stage cuts its input into slices');
  split
    .command('preview')
    .description('print every slice a split would hand out over the given files, in order')
    .requiredOption('--split <spec>', 'the split spec, e.g. "nfiles(2)" or "byrun(low=1,high=3)"')
    .requiredOption(
      '--files <file>',
      'JSON array of {name, metadata} (SAM metadata names), or - for stdin',
    )
    .option('--data <json>', 'what list (["q1","q2"] or a,b) and multiparam ([[..],[..]]) take')
    .option('--now <iso>', 'the time to preview at (for new()); default now')
    .option('--max <n>', 'stop after this many slices', '100')
    .option('--json', 'print the slices as JSON')
    .action((opts: PreviewOptions) => runAsync(() => preview(io, opts)));
}

async function preview(io: Io, opts: PreviewOptions): Promise<number> {
  const parsedSpec = parseSplitSpec(opts.split);
  if (!parsedSpec.ok) {
    const { code, message, column } = parsedSpec.error;
    io.err(`--split:1:${column + 1}: error ${code}: ${message}`);
    return EXIT_PROBLEMS;
  }
  const max = Number(opts.max);
  if (!Number.isInteger(max) || max < 1)
    throw new UsageError(`--max must be a whole number ≥ 1, not '${opts.max}'`);
  const now = opts.now === undefined ? Math.floor(Date.now() / 1000) : parseNow(opts.now);
  const files = readDeclarations(opts.files);
  const inputList = opts.data === undefined ? undefined : parseData(opts.data);

  const { openStore, previewSplit } = await loadServer();
  const { parseQuery } = await loadQueryParser();
  /** A list element is a query over the files (`run_number = 1`), or a dataset name. */
  const listItemQuery = (item: string): Query => {
    const parsed = parseQuery(item);
    if (!parsed.ok) {
      throw new UsageError(`--data element '${item}' is not a query: ${parsed.error.message}`);
    }
    return parsed.query;
  };
  const store = await openStore({ memory: true });
  try {
    await store.experiments.create({ name: PREVIEW_EXPERIMENT, display_name: 'split preview' });
    await store.catalog.declareFiles(PREVIEW_EXPERIMENT, files);
    const result = await previewSplit(store.catalog, parsedSpec.spec, {
      experiment: PREVIEW_EXPERIMENT,
      input: { type: 'all' },
      ...(inputList ? { inputList } : {}),
      now,
      max,
      listItemQuery,
    });
    if (opts.json) printJson(io, { split: opts.split, ...result });
    else printPreview(io, opts.split, result);
    return EXIT_OK;
  } finally {
    await store.close();
  }
}

function printPreview(io: Io, spec: string, result: SplitPreview): void {
  for (const slice of result.slices) {
    const parameter = slice.parameter === undefined ? '' : ` → %(dataset)s = ${slice.parameter}`;
    const count = slice.files.length;
    io.out(
      `slice ${slice.index}: ${slice.label}${parameter}${count > 0 ? ` (${count} file${count === 1 ? '' : 's'})` : ''}`,
    );
    for (const name of slice.files) io.out(`  ${name}`);
  }
  io.out(
    `${spec}: ${result.slices.length} slice${result.slices.length === 1 ? '' : 's'}; ${result.end.status}: ${result.end.reason}`,
  );
}

function parseNow(text: string): number {
  const ms = Date.parse(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(ms)) {
    throw new UsageError(`--now must be an ISO 8601 time like 2025-01-31T12:00:00Z, not '${text}'`);
  }
  return Math.floor(ms / 1000);
}

function parseData(text: string): string[] | string[][] {
  const trimmed = text.trim();
  if (!trimmed.startsWith('['))
    return trimmed
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  let json: unknown;
  try {
    json = JSON.parse(trimmed);
  } catch (error) {
    throw new UsageError(
      `--data is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const lists = z
    .array(z.array(z.union([z.string(), z.number()]).transform(String)))
    .safeParse(json);
  if (lists.success) return lists.data;
  const list = z.array(z.string()).safeParse(json);
  if (list.success) return list.data;
  throw new UsageError('--data must be a JSON list of strings (list) or of lists (multiparam)');
}
