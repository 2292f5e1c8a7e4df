// `poms hold`, `poms release`, `poms kill`, `poms approve`, `poms reject`: people's controls over
// launches and jobs. Launch holds live in the store; job actions are recorded as requests that
// the server running on the data folder carries out.
import type { Command } from 'commander';
import type { HoldRecord, HoldScope, LaunchOutcome, SubmissionRecord } from '@poms/server';
import {
  campaignWithStage,
  describeTarget,
  jobTarget,
  localOptions,
  parseTarget,
  plural,
  printOutcome,
  type LocalOptions,
  type RunAsync,
  type Target,
  when,
} from '../local.ts';
import { EXIT_OK, UsageError, printJson, type Io } from '../output.ts';
import { seg } from '../remote/client.ts';
import { withTarget, type Remote } from '../target.ts';

type JobResult = { submissions: string[]; jobs: number };
type Released = { released: boolean; launched: LaunchOutcome[] };

interface HoldOptions extends LocalOptions {
  jobs?: boolean;
  global?: boolean;
  reason?: string;
}

const TARGET_HELP =
  'sub_ID, sub_ID:1,2 (jobs), CAMPAIGN/STAGE, or CAMPAIGN (with --jobs); none: the experiment';

export function controlCommands(program: Command, io: Io, runAsync: RunAsync): void {
  localOptions(program.command('hold'))
    .description("hold launches (of a stage, the experiment, or all), or a submission's jobs")
    .argument('[target]', TARGET_HELP)
    .option('--jobs', 'hold the running jobs of a stage or campaign, not its launches')
    .option('--global', 'hold every launch of every experiment')
    .option('--reason <text>', 'why (launch holds)')
    .action((target: string | undefined, opts: HoldOptions) =>
      runAsync(() => holdOrRelease(io, 'hold', target, opts)),
    );

  localOptions(program.command('release'))
    .description('lift a hold (launching what it queued), or release held jobs')
    .argument('[target]', TARGET_HELP)
    .option('--jobs', 'release the held jobs of a stage or campaign, not its launches')
    .option('--global', 'lift the global hold')
    .action((target: string | undefined, opts: HoldOptions) =>
      runAsync(() => holdOrRelease(io, 'release', target, opts)),
    );

  localOptions(program.command('kill'))
    .description('cancel jobs: of a submission (or some of its jobs), a stage, or a whole campaign')
    .argument('<target>', 'sub_ID, sub_ID:1,2, CAMPAIGN/STAGE or CAMPAIGN')
    .action((target: string, opts: LocalOptions) =>
      runAsync(() => {
        const parsed = parseTarget(target);
        return withTarget(
          io,
          opts,
          async (local) => {
            if (parsed.kind === 'stage') {
              await campaignWithStage(local.store, local.experiment, parsed);
            }
            const result = await local.execution.control.kill(
              jobTarget(parsed, local.experiment),
              local.by,
            );
            if (result.submissions.length > 0) local.changed();
            return printJobAction(io, local.json, 'kill', parsed, result);
          },
          async (remote) =>
            printJobAction(
              io,
              remote.json,
              'kill',
              parsed,
              await remoteJobAction(remote, 'kill', parsed),
            ),
        );
      }),
    );

  for (const verb of ['approve', 'reject'] as const) {
    localOptions(program.command(verb))
      .description(`${verb} a submission that is Awaiting Approval`)
      .argument('<id>', 'the submission (sub_…)')
      .action((id: string, opts: LocalOptions) =>
        runAsync(() => {
          const print = (json: boolean, moved: SubmissionRecord) => {
            if (json) printJson(io, moved);
            else io.out(`${moved.id}: ${moved.status}`);
            return EXIT_OK;
          };
          return withTarget(
            io,
            opts,
            async (local) => {
              const moved = await local.execution.control[verb](id, local.by);
              local.changed();
              return print(local.json, moved);
            },
            async (remote) =>
              print(
                remote.json,
                await remote.client.call<SubmissionRecord>(
                  'POST',
                  `${remote.base}/submissions/${seg(id)}/${verb}`,
                ),
              ),
          );
        }),
      );
  }
}

/** Kill, hold or release jobs on the server: a submission's (or some), a stage's, a campaign's. */
async function remoteJobAction(
  remote: Remote,
  verb: 'kill' | 'hold' | 'release',
  target: Target,
): Promise<JobResult> {
  const { client, base } = remote;
  if (target.kind === 'submission') {
    return client.call<JobResult>('POST', `${base}/submissions/${seg(target.id)}/${verb}`, {
      body: target.indexes === undefined ? {} : { indexes: target.indexes },
    });
  }
  const action = verb === 'kill' ? 'kill' : `${verb}-jobs`;
  const campaign = `${base}/campaigns/${seg(target.campaign)}`;
  const path =
    target.kind === 'stage'
      ? `${campaign}/stages/${seg(target.stage)}/${action}`
      : `${campaign}/${action}`;
  return client.call<JobResult>('POST', path, { body: {} });
}

async function holdOrRelease(
  io: Io,
  verb: 'hold' | 'release',
  text: string | undefined,
  opts: HoldOptions,
): Promise<number> {
  if (opts.global && text !== undefined) {
    throw new UsageError(`--global takes no target: ${verb} --global is about every launch`);
  }
  if (opts.global && opts.jobs) throw new UsageError('--global and --jobs do not go together');
  const target = text === undefined ? undefined : parseTarget(text);
  if (opts.jobs && target === undefined) {
    throw new UsageError(`--jobs needs a target: CAMPAIGN/STAGE or CAMPAIGN`);
  }
  if (target?.kind === 'campaign' && !opts.jobs) {
    throw new UsageError(
      `launches are held per stage (CAMPAIGN/STAGE), the experiment or --global; ` +
        `to ${verb} the jobs of campaign ${target.campaign}, add --jobs`,
    );
  }
  const jobs = target !== undefined && (target.kind === 'submission' || opts.jobs === true);
  const printHold = (json: boolean, what: string, hold: HoldRecord) => {
    if (json) printJson(io, hold);
    else {
      const reason = hold.reason ? `: ${hold.reason}` : '';
      io.out(`held: ${what} (by ${hold.by} since ${when(hold.created_at)}${reason})`);
    }
    return EXIT_OK;
  };
  const printRelease = (json: boolean, what: string, result: Released) => {
    if (json) {
      printJson(io, result);
      return EXIT_OK;
    }
    io.out(result.released ? `released: ${what}` : `not held: ${what}`);
    for (const outcome of result.launched) printOutcome(io, outcome);
    return EXIT_OK;
  };
  return withTarget(
    io,
    opts,
    async (local) => {
      // Jobs: a submission (always), or a stage/campaign with --jobs.
      if (jobs) {
        if (target.kind === 'stage') {
          await campaignWithStage(local.store, local.experiment, target);
        }
        const control = local.execution.control;
        const job = jobTarget(target, local.experiment);
        const result =
          verb === 'hold'
            ? await control.holdJobs(job, local.by)
            : await control.releaseJobs(job, local.by);
        if (result.submissions.length > 0) local.changed();
        return printJobAction(io, local.json, verb, target, result);
      }
      // Launches: a stage, the experiment, or everything.
      let scope: HoldScope;
      if (opts.global) {
        scope = { kind: 'global' };
      } else if (target?.kind === 'stage') {
        const campaign = await campaignWithStage(local.store, local.experiment, target);
        scope = {
          kind: 'stage',
          experiment: local.experiment,
          campaignId: campaign.id,
          stage: target.stage,
        };
      } else {
        scope = { kind: 'experiment', experiment: local.experiment };
      }
      const what = launchesOf(opts, target, local.experiment);
      local.changed();
      if (verb === 'hold') {
        return printHold(
          local.json,
          what,
          await local.execution.control.hold(scope, local.by, opts.reason),
        );
      }
      return printRelease(local.json, what, await local.execution.control.release(scope, local.by));
    },
    async (remote) => {
      if (jobs) {
        return printJobAction(
          io,
          remote.json,
          verb,
          target,
          await remoteJobAction(remote, verb, target),
        );
      }
      const path = opts.global
        ? '/holds/global'
        : target?.kind === 'stage'
          ? `${remote.base}/campaigns/${seg(target.campaign)}/stages/${seg(target.stage)}/hold`
          : `${remote.base}/hold`;
      const what = launchesOf(opts, target, remote.experiment);
      if (verb === 'hold') {
        return printHold(
          remote.json,
          what,
          await remote.client.call<HoldRecord>('PUT', path, {
            body: opts.reason === undefined ? {} : { reason: opts.reason },
          }),
        );
      }
      return printRelease(remote.json, what, await remote.client.call<Released>('DELETE', path));
    },
  );
}

function launchesOf(opts: HoldOptions, target: Target | undefined, experiment: string): string {
  if (opts.global) return 'every launch';
  if (target?.kind === 'stage') return `launches of ${target.campaign}/${target.stage}`;
  return `launches of experiment ${experiment}`;
}

function printJobAction(
  io: Io,
  json: boolean,
  verb: 'kill' | 'hold' | 'release',
  target: Target,
  result: JobResult,
): number {
  if (json) {
    printJson(io, result);
    return EXIT_OK;
  }
  const what = describeTarget(target);
  if (result.submissions.length === 0) {
    io.out(`${verb}: no live submissions in ${what}`);
    return EXIT_OK;
  }
  io.out(
    `${verb} requested for ${plural(result.jobs, 'job')} of ${plural(result.submissions.length, 'submission')} (${what}): ${result.submissions.join(', ')}`,
  );
  return EXIT_OK;
}
