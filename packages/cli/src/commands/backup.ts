// `poms backup DEST` and `poms restore SRC`: a data folder's embedded store, job secret and kept
// logs, copied consistently while the server runs, and put back while it does not
// (docs/reliability.md). PostgreSQL stores are backed up with pg_dump, as that page shows.
import type { Command } from 'commander';
import type { BackupManifest } from '@poms/server';
import { loadServer } from '../lazy.ts';
import type { RunAsync } from '../local.ts';
import { EXIT_OK, EXIT_PROBLEMS, printJson, type Io } from '../output.ts';

interface FolderOptions {
  data?: string;
  json?: boolean;
}

export function backupCommands(program: Command, io: Io, runAsync: RunAsync): void {
  program
    .command('backup')
    .description(
      "copy a data folder's store, job secret and kept logs (safe while the server runs)",
    )
    .argument('<destination>', 'a new or empty folder for the backup')
    .option('--data <dir>', 'the data folder ($POMS_DATA, else .poms-data)', process.env.POMS_DATA)
    .option('--with-files', "also copy the output files the local engine's jobs wrote")
    .option('--json', 'print the manifest as JSON')
    .action((destination: string, opts: FolderOptions & { withFiles?: boolean }) =>
      runAsync(async () => {
        const { backupDataFolder } = await loadServer();
        const manifest = refusalsAsProblems(io, () =>
          backupDataFolder({
            dataDir: opts.data ?? '.poms-data',
            destination,
            withFiles: opts.withFiles === true,
          }),
        );
        if (manifest === undefined) return EXIT_PROBLEMS;
        if (opts.json === true) printJson(io, manifest);
        else io.out(`backed up ${manifest.source} to ${destination}: ${summary(manifest)}`);
        return EXIT_OK;
      }),
    );
  program
    .command('restore')
    .description('put a backup in place as the data folder (the server must be stopped)')
    .argument('<source>', 'a folder written by poms backup')
    .option('--data <dir>', 'the data folder ($POMS_DATA, else .poms-data)', process.env.POMS_DATA)
    .option('--force', 'restore over an existing store (it is kept aside, not deleted)')
    .option('--json', 'print the manifest as JSON')
    .action((source: string, opts: FolderOptions & { force?: boolean }) =>
      runAsync(async () => {
        const { restoreDataFolder } = await loadServer();
        const dataDir = opts.data ?? '.poms-data';
        const done = refusalsAsProblems(io, () =>
          restoreDataFolder({ source, dataDir, force: opts.force === true }),
        );
        if (done === undefined) return EXIT_PROBLEMS;
        if (opts.json === true) printJson(io, { ...done.manifest, kept_aside: done.keptAside });
        else {
          io.out(`restored ${source} into ${dataDir}: ${summary(done.manifest)}`);
          if (done.keptAside !== undefined) io.out(`what was there is kept in ${done.keptAside}`);
        }
        return EXIT_OK;
      }),
    );
}

/** A refusal (no store, a running server, a damaged backup) is one line, not a stack. */
function refusalsAsProblems<T>(io: Io, act: () => T): T | undefined {
  try {
    return act();
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'backup.refused') {
      io.err(`poms: ${error.message}`);
      return undefined;
    }
    throw error;
  }
}

function summary(m: BackupManifest): string {
  const c = m.counts;
  const extras = [
    m.includes.job_secret ? 'job secret' : undefined,
    m.includes.logs ? 'kept logs' : undefined,
    m.includes.files ? 'output files' : undefined,
  ].filter((x) => x !== undefined);
  return (
    `${c.campaigns} campaign(s), ${c.submissions} submission(s), ${c.jobs} job(s), ` +
    `${c.files} file(s), ${c.ledger} ledger row(s), ${m.database_bytes} bytes of store` +
    (extras.length > 0 ? ` + ${extras.join(', ')}` : '')
  );
}
