// `poms watch`, `poms unwatch`, `poms watches`: what the caller follows (docs/notifications.md),
// on a server: a watch belongs to the user of the token, and notifications are sent by the server
// (like `poms notify`, there is no data-folder mode).
//   poms watch CAMPAIGN [STAGE]      (or CAMPAIGN/STAGE)
//   poms unwatch CAMPAIGN [STAGE]
//   poms watches [--campaign NAME] [--limit N] [--offset N]
import type { Command } from 'commander';
import type { RunAsync } from '../local.ts';
import { EXIT_OK, UsageError, printJson, type Io } from '../output.ts';
import { seg } from '../remote/client.ts';
import { requireRemote, type Remote, serverOptions } from '../target.ts';

interface WatchOptions {
  server?: string;
  experiment: string;
  json?: boolean;
}

interface ListOptions extends WatchOptions {
  campaign?: string;
  limit: string;
  offset: string;
}

export interface WatchAnswer {
  experiment: string;
  campaign: string;
  stage: string | null;
  created_at: string;
}

export function watchCommands(program: Command, io: Io, runAsync: RunAsync): void {
  serverOptions(program.command('watch'))
    .description('be notified of what happens in a campaign, or in one of its stages')
    .argument('<campaign>', 'the campaign (or CAMPAIGN/STAGE)')
    .argument('[stage]', 'one stage of it; without it, the whole campaign')
    .action((campaign: string, stage: string | undefined, opts: WatchOptions) =>
      runAsync(() => watch(io, campaign, stage, opts)),
    );
  serverOptions(program.command('unwatch'))
    .description('stop watching a campaign, or one of its stages')
    .argument('<campaign>', 'the campaign (or CAMPAIGN/STAGE)')
    .argument('[stage]', 'the stage; without it, the watch of the whole campaign')
    .action((campaign: string, stage: string | undefined, opts: WatchOptions) =>
      runAsync(() => unwatch(io, campaign, stage, opts)),
    );
  serverOptions(program.command('watches'))
    .description('list what you watch in the experiment, by campaign then stage')
    .option('--campaign <name>', "only this campaign's watches")
    .option('--limit <n>', 'at most this many', '100')
    .option('--offset <n>', 'skip this many first', '0')
    .action((opts: ListOptions) => runAsync(() => list(io, opts)));
}

/** `rc make` and `rc/make` both name stage make of campaign rc; `rc` alone the campaign. */
export function watchTarget(
  campaign: string,
  stage: string | undefined,
): { campaign: string; stage?: string } {
  const slash = campaign.indexOf('/');
  if (slash < 0) return stage === undefined ? { campaign } : { campaign, stage };
  const [name, inRef] = [campaign.slice(0, slash), campaign.slice(slash + 1)];
  if (name === '' || inRef === '' || inRef.includes('/') || stage !== undefined) {
    throw new UsageError(`expected CAMPAIGN [STAGE] or CAMPAIGN/STAGE, not '${campaign}'`);
  }
  return { campaign: name, stage: inRef };
}

const watchPath = (remote: Remote, campaign: string) =>
  `${remote.base}/campaigns/${seg(campaign)}/watch`;

const described = (campaign: string, stage: string | null | undefined) =>
  stage === null || stage === undefined ? `campaign ${campaign}` : `stage ${campaign}/${stage}`;

async function watch(
  io: Io,
  campaignArg: string,
  stageArg: string | undefined,
  opts: WatchOptions,
): Promise<number> {
  const { campaign, stage } = watchTarget(campaignArg, stageArg);
  const remote = requireRemote(opts, 'poms watch');
  const answer = await remote.client.call<WatchAnswer>('PUT', watchPath(remote, campaign), {
    body: stage === undefined ? {} : { stage },
  });
  if (remote.json) printJson(io, answer);
  else io.out(`watching ${described(answer.campaign, answer.stage)} (since ${answer.created_at})`);
  return EXIT_OK;
}

async function unwatch(
  io: Io,
  campaignArg: string,
  stageArg: string | undefined,
  opts: WatchOptions,
): Promise<number> {
  const { campaign, stage } = watchTarget(campaignArg, stageArg);
  const remote = requireRemote(opts, 'poms unwatch');
  const answer = await remote.client.call<{ removed: boolean }>(
    'DELETE',
    watchPath(remote, campaign),
    { query: { stage } },
  );
  if (remote.json) {
    printJson(io, answer);
  } else {
    io.out(
      answer.removed
        ? `stopped watching ${described(campaign, stage)}`
        : `not watching ${described(campaign, stage)}`,
    );
  }
  // Nothing to stop is not a failure: the wanted state holds (like `poms release` of no hold).
  return EXIT_OK;
}

function count(text: string, name: string, min: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) {
    throw new UsageError(`${name} takes a whole number of at least ${min}, not '${text}'`);
  }
  return n;
}

async function list(io: Io, opts: ListOptions): Promise<number> {
  const limit = count(opts.limit, '--limit', 1);
  const offset = count(opts.offset, '--offset', 0);
  const remote = requireRemote(opts, 'poms watches');
  const page = await remote.client.call<{ items: WatchAnswer[]; total: number }>(
    'GET',
    `${remote.base}/watches`,
    { query: { campaign: opts.campaign, limit, offset } },
  );
  if (remote.json) {
    printJson(io, page);
    return EXIT_OK;
  }
  if (page.items.length === 0) {
    io.out(
      page.total === 0
        ? `watching nothing in ${remote.experiment}`
        : `nothing after the first ${offset} of ${page.total} watches`,
    );
    return EXIT_OK;
  }
  const width = Math.max(...page.items.map((w) => w.campaign.length), 'CAMPAIGN'.length);
  const lines = [`${'CAMPAIGN'.padEnd(width)}  ${'STAGE'.padEnd(16)}  SINCE`];
  for (const w of page.items) {
    lines.push(`${w.campaign.padEnd(width)}  ${(w.stage ?? '(all)').padEnd(16)}  ${w.created_at}`);
  }
  if (offset + page.items.length < page.total || offset > 0) {
    lines.push(`(${offset + 1}–${offset + page.items.length} of ${page.total}; --offset for more)`);
  }
  io.out(lines.join('\n'));
  return EXIT_OK;
}
