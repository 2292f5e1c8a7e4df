// `poms triage`: an experiment's failed jobs grouped by signature, or by exit code alone with
// --group-by exit_code (docs/triage.md); `poms triage recover SIGNATURE|EXIT`: relaunch exactly
// that group's open files, one launch per campaign stage, once. On the data folder's store, or a
// server's API (--server).
import type { Command } from 'commander';
import type { TriageGroup, TriageLaunch, TriageReport } from '@poms/server';
import { loadServer } from '../lazy.ts';
import { localOptions, table, type Local, type LocalOptions, type RunAsync } from '../local.ts';
import { EXIT_OK, EXIT_PROBLEMS, UsageError, printJson, type Io } from '../output.ts';
import { seg } from '../remote/client.ts';
import { withTarget } from '../target.ts';

interface TriageOptions extends LocalOptions {
  campaign?: string;
  stage?: string;
  since: string;
}

interface ShowOptions extends TriageOptions {
  groupBy: string;
}

const GROUP_BY = ['signature', 'exit_code'] as const;
type GroupBy = (typeof GROUP_BY)[number];

function groupByOf(opts: ShowOptions): GroupBy {
  const by = GROUP_BY.find((g) => g === opts.groupBy);
  if (by === undefined)
    throw new UsageError(`--group-by must be signature or exit_code, not '${opts.groupBy}'`);
  return by;
}

export function triageCommands(program: Command, io: Io, runAsync: RunAsync): void {
  const triage = localOptions(program.command('triage'))
    .description('failed jobs across submissions, grouped by log signature or by exit code')
    .option('--campaign <name>', 'only this campaign')
    .option('--stage <name>', 'only this stage')
    .option('--since <when>', '7d, 36h or an ISO date/time', '7d')
    .option(
      '--group-by <how>',
      'signature (exit code and log tail) or exit_code (one group per exit code)',
      'signature',
    )
    .action((opts: ShowOptions) => runAsync(() => show(io, opts)));
  localOptions(triage.command('recover'))
    .description('relaunch exactly the open files of one group (one launch per campaign stage)')
    .argument(
      '<signature>',
      'the signature `poms triage` shows, or an exit key of --group-by exit_code (exit65)',
    )
    .option('--campaign <name>', 'only its files of this campaign')
    .option('--stage <name>', 'only its files of this stage')
    .option('--since <when>', '7d, 36h or an ISO date/time', '7d')
    // `triage` has the same options and commander gives them to it wherever they are written
    // (`poms triage recover X --json`): the merged values are the ones given.
    .action((signature: string, _opts: TriageOptions, command: Command) =>
      runAsync(() => recover(io, signature, command.optsWithGlobals<TriageOptions>())),
    );
}

async function localFilter(local: Local, opts: TriageOptions) {
  const { sinceTime } = await loadServer();
  const since = sinceTime(opts.since, new Date());
  if (since === undefined)
    throw new UsageError(`--since: '${opts.since}' is not 7d, 36h or a date`);
  const campaignId =
    opts.campaign === undefined
      ? undefined
      : (await local.store.campaigns.get(local.experiment, opts.campaign)).id;
  return { experiment: local.experiment, campaignId, stage: opts.stage, since };
}

async function localService(local: Local) {
  const { TriageService } = await loadServer();
  return new TriageService({
    store: local.store,
    logs: (job, bytes) => local.execution.logs(job.submission_id, job.index, bytes),
  });
}

function query(opts: ShowOptions): string {
  const params = new URLSearchParams({ since: opts.since, group_by: groupByOf(opts) });
  if (opts.campaign !== undefined) params.set('campaign', opts.campaign);
  if (opts.stage !== undefined) params.set('stage', opts.stage);
  return params.toString();
}

async function show(io: Io, opts: ShowOptions): Promise<number> {
  const groupBy = groupByOf(opts);
  const print = (json: boolean, report: TriageReport) => {
    if (json) {
      printJson(io, report);
      return EXIT_OK;
    }
    printReport(io, report);
    return EXIT_OK;
  };
  return withTarget(
    io,
    opts,
    async (local) =>
      print(
        local.json,
        await (await localService(local)).report({ ...(await localFilter(local, opts)), groupBy }),
      ),
    async (remote) =>
      print(
        remote.json,
        await remote.client.call<TriageReport>('GET', `${remote.base}/triage?${query(opts)}`),
      ),
  );
}

function printReport(io: Io, report: TriageReport): void {
  if (report.groups.length === 0) {
    io.out(`no failed jobs since ${report.since}\n`);
    return;
  }
  const byExit = report.group_by === 'exit_code';
  io.out(
    table(
      [
        byExit ? 'EXIT' : 'SIGNATURE',
        'JOBS',
        'FILES',
        ...(byExit ? ['SIGNATURES'] : []),
        'LAST SEEN',
        'STAGES',
        'TITLE',
      ],
      report.groups.map((g: TriageGroup) => [
        g.signature,
        String(g.count),
        String(g.files),
        ...(byExit ? [String(g.signatures.length)] : []),
        g.last_seen.slice(0, 19).replace('T', ' '),
        g.stages.map((s) => `${s.campaign}/${s.stage}`).join(' '),
        g.title.length > 80 ? `${g.title.slice(0, 79)}…` : g.title,
      ]),
    ),
  );
  io.out(
    `${report.jobs} failed job(s) since ${report.since}${report.truncated ? ' (the oldest left out)' : ''}; ` +
      `recover a group: poms triage recover ${byExit ? 'EXIT' : 'SIGNATURE'}\n`,
  );
}

async function recover(io: Io, signature: string, opts: TriageOptions): Promise<number> {
  const print = (json: boolean, launches: TriageLaunch[]) => {
    if (json) printJson(io, { signature, launches });
    else {
      for (const { campaign, stage, files, outcome } of launches) {
        const what = `${campaign}/${stage} (${files.length} file(s))`;
        io.out(
          outcome.kind === 'launched'
            ? `${what}: ${outcome.created ? 'launched' : 'already launched as'} ${outcome.submission.id}\n`
            : outcome.kind === 'held'
              ? `${what}: queued behind a hold (${outcome.entry.id})\n`
              : `${what}: nothing to launch (${outcome.reason})\n`,
        );
      }
    }
    return launches.length > 0 && launches.every((l) => l.outcome.kind !== 'nothing')
      ? EXIT_OK
      : EXIT_PROBLEMS;
  };
  return withTarget(
    io,
    opts,
    async (local) => {
      const service = await localService(local);
      const { stages } = await service.openFiles(await localFilter(local, opts), signature);
      const launches: TriageLaunch[] = [];
      for (const { campaign, stage, files } of stages) {
        const outcome = await service.recoverStage(local.execution.launches, {
          experiment: local.experiment,
          campaign,
          stage,
          signature,
          files,
          launcher: local.by,
        });
        launches.push({ campaign, stage, files, outcome });
      }
      if (launches.some((l) => l.outcome.kind !== 'nothing')) local.changed();
      return print(local.json, launches);
    },
    async (remote) => {
      const body = {
        since: opts.since,
        ...(opts.campaign === undefined ? {} : { campaign: opts.campaign }),
        ...(opts.stage === undefined ? {} : { stage: opts.stage }),
      };
      const answer = await remote.client.call<{ launches: TriageLaunch[] }>(
        'POST',
        `${remote.base}/triage/${seg(signature)}/recover`,
        { body },
      );
      return print(remote.json, answer.launches);
    },
  );
}
