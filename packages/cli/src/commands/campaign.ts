// `poms campaign …`: local commands on campaign files (no server needed).
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import {
  diffCampaigns,
  exportIni,
  formatCampaign,
  formatDiff,
  importIni,
  isEmptyDiff,
} from '@poms/campaign-file';
import { fallbackName, isIni, loadCampaign, readText } from '../campaign-files.ts';
import type { RunAsync } from '../local.ts';
import {
  EXIT_OK,
  EXIT_PROBLEMS,
  EXIT_USAGE,
  UsageError,
  printDiagnostics,
  printJson,
  type Io,
} from '../output.ts';
import { campaignRemoteCommands } from '../remote/campaigns.ts';

type Run = (action: () => number) => void;

export function campaignCommands(program: Command, io: Io, run: Run, runAsync?: RunAsync): void {
  const campaign = program.command('campaign').description('work with campaign files');
  if (runAsync) campaignRemoteCommands(campaign, io, runAsync);

  campaign
    .command('validate')
    .description('check campaign files (YAML or POMS .ini); exit 1 when any has errors')
    .argument('<files...>')
    .option('--json', 'print the diagnostics as JSON')
    .action((files: string[], opts: { json?: boolean }) => run(() => validate(io, files, opts)));

  campaign
    .command('show')
    .description('print the effective campaign: every stage with its inherited values')
    .argument('<file>')
    .option('--json', 'print as JSON')
    .action((file: string, opts: { json?: boolean }) => run(() => show(io, file, opts)));

  campaign
    .command('fmt')
    .description('rewrite campaign files in canonical form (comments kept)')
    .argument('<files...>')
    .option('--check', 'change nothing; exit 1 if a file is not formatted')
    .option('--stdout', 'print the formatted text instead of rewriting the file')
    .option('--json', 'report as JSON')
    .action((files: string[], opts: FmtOptions) => run(() => fmt(io, files, opts)));

  campaign
    .command('import-ini')
    .description('convert a POMS .ini campaign file to YAML')
    .argument('<file>')
    .option('-o, --output <file>', 'write the YAML here instead of stdout')
    .option('--json', 'print {yaml, diagnostics} as JSON')
    .action((file: string, opts: { output?: string; json?: boolean }) =>
      run(() => importCommand(io, file, opts)),
    );

  campaign
    .command('export-ini')
    .description('convert a YAML campaign file to a POMS .ini file')
    .argument('<file>')
    .option('-o, --output <file>', 'write the .ini here instead of stdout')
    .option('--json', 'print {ini} as JSON')
    .action((file: string, opts: { output?: string; json?: boolean }) =>
      run(() => exportCommand(io, file, opts)),
    );

  campaign
    .command('diff')
    .description('semantic difference of two campaigns (.yaml or .ini); exit 1 when they differ')
    .argument('<a>')
    .argument('<b>')
    .option('--layout', 'count moved nodes as differences')
    .option('--json', 'print the diff as JSON')
    .action((a: string, b: string, opts: { json?: boolean; layout?: boolean }) =>
      run(() => diff(io, a, b, opts)),
    );
}

function validate(io: Io, files: string[], opts: { json?: boolean }): number {
  let failed = false;
  const report = files.map((file) => {
    const loaded = loadCampaign(file);
    const errors = loaded.diagnostics.some((d) => d.diagnostic.severity === 'error');
    failed ||= errors;
    if (!opts.json)
      for (const d of loaded.diagnostics) printDiagnostics(io, d.file, [d.diagnostic]);
    return {
      file,
      ok: !errors,
      diagnostics: loaded.diagnostics.map((d) => ({ file: d.file, ...d.diagnostic })),
    };
  });
  if (opts.json) printJson(io, { ok: !failed, files: report });
  else if (!failed) io.err(`${files.length} file${files.length === 1 ? '' : 's'} valid`);
  return failed ? EXIT_PROBLEMS : EXIT_OK;
}

function show(io: Io, file: string, opts: { json?: boolean }): number {
  const loaded = loadCampaign(file);
  const errors = loaded.diagnostics.filter((d) => d.diagnostic.severity === 'error');
  const effective = loaded.effective;
  if (errors.length > 0 || !effective) {
    for (const d of loaded.diagnostics) printDiagnostics(io, d.file, [d.diagnostic]);
    return EXIT_PROBLEMS;
  }
  if (opts.json) {
    printJson(io, effective);
    return EXIT_OK;
  }
  io.out(`campaign ${effective.name}${effective.experiment ? ` (${effective.experiment})` : ''}`);
  for (const stage of effective.stages) {
    const upstream = stage.needs.map((e) => (e.self ? `${e.from} (self)` : e.from)).join(', ');
    io.out(`  stage ${stage.name} [${stage.type}]${upstream ? ` ← ${upstream}` : ''}`);
    io.out(`    job_type ${stage.job_type ?? '-'}  launch_setup ${stage.launch_setup ?? '-'}`);
    io.out(`    input ${JSON.stringify(stage.input)}  split ${stage.split}`);
    io.out(`    completion ${stage.completion.type} ${stage.completion.pct}%`);
    for (const [key, value] of stage.overrides) io.out(`    override ${key}${value}`);
  }
  return EXIT_OK;
}

interface FmtOptions {
  check?: boolean;
  stdout?: boolean;
  json?: boolean;
}

function fmt(io: Io, files: string[], opts: FmtOptions): number {
  let status = EXIT_OK;
  const report: { file: string; formatted: boolean; error?: string }[] = [];
  for (const file of files) {
    const text = readText(file);
    const result = formatCampaign(text);
    if (!result.ok) {
      io.err(`${file}: ${result.message}`);
      report.push({ file, formatted: false, error: result.message });
      status = EXIT_PROBLEMS;
      continue;
    }
    const formatted = result.text === text;
    report.push({ file, formatted });
    if (opts.check) {
      if (!formatted) {
        if (!opts.json) io.err(`${file}: not formatted (run poms campaign fmt ${file})`);
        status = EXIT_PROBLEMS;
      }
    } else if (opts.stdout || file === '-') {
      io.out(result.text);
    } else if (!formatted) {
      writeFileSync(file, result.text);
      if (!opts.json) io.err(`formatted ${file}`);
    }
  }
  if (opts.json) printJson(io, { files: report });
  return status;
}

function importCommand(io: Io, file: string, opts: { output?: string; json?: boolean }): number {
  const result = importIni(readText(file), { name: fallbackName(file) });
  const errors = result.diagnostics.some((d) => d.severity === 'error');
  if (opts.json) {
    printJson(io, { ok: !errors, yaml: result.yaml, diagnostics: result.diagnostics });
  } else {
    for (const d of result.diagnostics) {
      io.err(`${file}:${d.line}:${d.column}: ${d.severity} ${d.code}: ${d.message}`);
    }
    // A failed import writes nothing: an existing output file is never replaced by a broken one.
    if (errors) io.err(`${file}: not imported (fix the errors above)`);
    else if (opts.output) writeFileSync(opts.output, result.yaml);
    else io.out(result.yaml);
  }
  return errors ? EXIT_PROBLEMS : EXIT_OK;
}

function exportCommand(io: Io, file: string, opts: { output?: string; json?: boolean }): number {
  if (isIni(file)) throw new UsageError(`${file} is already an .ini file`);
  const loaded = loadCampaign(file);
  if (!loaded.spec) {
    for (const d of loaded.diagnostics) printDiagnostics(io, d.file, [d.diagnostic]);
    return EXIT_PROBLEMS;
  }
  const ini = exportIni(loaded.spec);
  if (opts.json) printJson(io, { ini });
  else if (opts.output) writeFileSync(opts.output, ini);
  else io.out(ini);
  return EXIT_OK;
}

function diff(io: Io, a: string, b: string, opts: { json?: boolean; layout?: boolean }): number {
  const left = loadCampaign(a);
  const right = loadCampaign(b);
  if (!left.spec || !right.spec) {
    for (const side of [left, right]) {
      for (const d of side.diagnostics) printDiagnostics(io, d.file, [d.diagnostic]);
    }
    return EXIT_USAGE;
  }
  const result = diffCampaigns(left.spec, right.spec);
  const same = isEmptyDiff(result, { layout: opts.layout ?? false });
  if (opts.json) printJson(io, { same, diff: result });
  else io.out(same ? 'no differences' : formatDiff(result));
  return same ? EXIT_OK : EXIT_PROBLEMS;
}
