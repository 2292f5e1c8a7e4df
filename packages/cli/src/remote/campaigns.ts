// `poms campaign push FILE` and `poms campaign pull NAME`: a campaign's text to and from a server.
// A push creates the campaign, or saves a new revision over the one read just before (refused,
// said plainly, when someone saved in between).
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { importIni } from '@poms/campaign-file';
import { fallbackName, isIni, loadCampaign, readText } from '../campaign-files.ts';
import type { RunAsync } from '../local.ts';
import { EXIT_OK, EXIT_PROBLEMS, printDiagnostics, printJson, type Io } from '../output.ts';
import { requireRemote, serverOptions } from '../target.ts';
import { RemoteError, seg } from './client.ts';

interface RemoteOptions {
  server?: string;
  experiment: string;
  json?: boolean;
}

export function campaignRemoteCommands(campaign: Command, io: Io, runAsync: RunAsync): void {
  serverOptions(campaign.command('push'))
    .description('save a campaign file on the server: create it, or save a new revision')
    .argument('<file>', 'the campaign file (.yaml, or POMS .ini, imported first)')
    .option('-m, --message <text>', 'what changed, kept with the revision')
    .action((file: string, opts: RemoteOptions & { message?: string }) =>
      runAsync(() => push(io, file, opts)),
    );

  serverOptions(campaign.command('pull'))
    .description("print a campaign's current text from the server (or write it to a file)")
    .argument('<name>', 'the campaign')
    .option('-o, --output <file>', 'write the text here instead of stdout')
    .action((name: string, opts: RemoteOptions & { output?: string }) =>
      runAsync(() => pull(io, name, opts)),
    );
}

interface Saved {
  campaign: { name: string; current_revision: number };
  revision: { revision: number };
}

async function push(
  io: Io,
  file: string,
  opts: RemoteOptions & { message?: string },
): Promise<number> {
  const remote = requireRemote(opts, 'campaign push');
  const loaded = loadCampaign(file);
  if (loaded.spec === undefined) {
    for (const { file: where, diagnostic } of loaded.diagnostics) {
      printDiagnostics(io, where, [diagnostic]);
    }
    return EXIT_PROBLEMS;
  }
  const name = loaded.spec.campaign;
  const text = isIni(file)
    ? importIni(readText(file), { name: fallbackName(file) }).yaml
    : readText(file);
  const path = `${remote.base}/campaigns/${seg(name)}`;
  const message = opts.message === undefined ? {} : { message: opts.message };
  let current: number | undefined;
  try {
    current = (await remote.client.call<{ current_revision: number }>('GET', path))
      .current_revision;
  } catch (error) {
    if (!(error instanceof RemoteError && error.status === 404)) throw error;
  }
  let saved: Saved;
  try {
    saved =
      current === undefined
        ? await remote.client.call<Saved>('POST', `${remote.base}/campaigns`, {
            body: { text, ...message },
          })
        : await remote.client.call<Saved>('PUT', path, {
            body: { text, expected_revision: current, ...message },
          });
  } catch (error) {
    if (error instanceof RemoteError && error.code === 'store.stale-revision') {
      io.err(
        `poms: error store.stale-revision: someone saved ${name} meanwhile (after revision ${current ?? '-'}): pull it, merge your changes and push again`,
      );
      return EXIT_PROBLEMS;
    }
    if (error instanceof RemoteError && Array.isArray(error.details)) {
      io.err(`poms: error ${error.code}: ${error.message}`);
      for (const d of error.details as { line?: number; column?: number; message?: string }[]) {
        io.err(`${file}:${d.line ?? 1}:${d.column ?? 1}: ${d.message ?? JSON.stringify(d)}`);
      }
      return EXIT_PROBLEMS;
    }
    throw error;
  }
  if (remote.json) printJson(io, saved);
  else io.out(`pushed ${saved.campaign.name} revision ${saved.revision.revision}`);
  return EXIT_OK;
}

async function pull(
  io: Io,
  name: string,
  opts: RemoteOptions & { output?: string },
): Promise<number> {
  const remote = requireRemote(opts, 'campaign pull');
  const campaign = await remote.client.call<{ text: string; current_revision: number }>(
    'GET',
    `${remote.base}/campaigns/${seg(name)}`,
  );
  if (remote.json) printJson(io, campaign);
  else if (opts.output !== undefined) {
    writeFileSync(opts.output, campaign.text);
    io.err(`wrote ${name} revision ${campaign.current_revision} to ${opts.output}`);
  } else io.out(campaign.text);
  return EXIT_OK;
}
