// The catalog a `poms files`/`poms datasets`/`poms snapshots` command acts on: the local store of
// a data folder, or a POMS server's catalog over its API. Both sides answer the same records, so
// each command is written (and prints) once, whichever side it runs on. The side is chosen by the
// rule every command follows (target.ts): --server, --data/--postgres, $POMS_URL, $POMS_DATA, a
// saved login, else the local `.poms-data`.
import type { Command } from 'commander';
import type { LocalOptions } from '../local.ts';
import { remoteOf } from '../target.ts';
import { EXIT_PROBLEMS, type Io } from '../output.ts';
import { QueryError, withLocalCatalog } from './catalog-local.ts';
import { RemoteCatalog } from './catalog-remote.ts';
import type { CatalogSide } from './catalog-port.ts';

export type { CatalogSide, CountedDataset, Located, OutputFilter } from './catalog-port.ts';

/** The options every catalog command takes: where it acts, the experiment, --json (no --as). */
export function catalogOptions(command: Command): Command {
  return command
    .option('--server <url>', 'act on this POMS server over its API ($POMS_URL, else `poms login`)')
    .option('--data <dir>', 'the data folder ($POMS_DATA, else .poms-data)')
    .option('--postgres <url>', 'use this PostgreSQL store ($POMS_POSTGRES_URL)')
    .option('--experiment <name>', 'the experiment', process.env.POMS_EXPERIMENT ?? 'demo')
    .option('--json', 'print JSON');
}

/** Runs `fn` on the catalog of the server or of the data folder, by the rule above. */
export async function withCatalog(
  opts: LocalOptions,
  fn: (catalog: CatalogSide) => Promise<number>,
): Promise<number> {
  const remote = remoteOf(opts);
  if (remote !== undefined) return fn(new RemoteCatalog(remote));
  return withLocalCatalog(opts, fn);
}

/** Runs a catalog command; a local query that does not parse prints WHAT:1:COL and exits 1. */
export function onCatalog(
  io: Io,
  opts: LocalOptions,
  fn: (catalog: CatalogSide) => Promise<number>,
): Promise<number> {
  return withCatalog(opts, fn).catch((error: unknown) => {
    if (error instanceof QueryError) {
      io.err(error.message);
      return EXIT_PROBLEMS;
    }
    throw error;
  });
}
