// `poms launch CAMPAIGN/STAGE` (and its --dry-run) and `poms recover ID`: record launches on the
// data folder; the server running on it submits them.
import type { Command } from 'commander';
import { RECOVERY_TYPES, type RecoveryType } from '@poms/core';
import type { DryRunResult, LaunchOutcome, LaunchRequest } from '@poms/server';
import {
  localOptions,
  parseStageRef,
  plural,
  printOutcome,
  shellQuote,
  type LocalOptions,
  type RunAsync,
} from '../local.ts';
import { EXIT_OK, EXIT_PROBLEMS, UsageError, printJson, type Io } from '../output.ts';
import { seg } from '../remote/client.ts';
import { withTarget } from '../target.ts';

interface LaunchOptions extends LocalOptions {
  test?: boolean;
  dryRun?: boolean;
  dataset?: string;
  override: string[];
}

export function launchCommands(program: Command, io: Io, runAsync: RunAsync): void {
  localOptions(program.command('launch'))
    .description(
      'launch a stage (or, given a campaign alone, its lead stages): record New submissions that the server submits',
    )
    .argument('<campaign/stage>', 'CAMPAIGN/STAGE, or CAMPAIGN for its lead stages')
    .option('--test', 'a test launch')
    .option(
      '--dataset <name-or-query>',
      "launch with this dataset instead of the split's next slice",
    )
    .option('--dry-run', 'print what the launch would do (slice, jobs, commands), changing nothing')
    .option(
      '-O, --override <KEY=VALUE>',
      'override a parameter; the key keeps its separator: -O --events=5 (repeatable)',
      (value: string, all: string[]) => [...all, value],
      [] as string[],
    )
    .action((ref: string, opts: LaunchOptions) => runAsync(() => launch(io, ref, opts)));

  localOptions(program.command('recover'))
    .description("relaunch a finished submission's unprocessed files now")
    .argument('<id>', 'the submission (sub_…)')
    .option('--type <type>', `the recovery type: ${RECOVERY_TYPES.join(', ')}`)
    .action((id: string, opts: LocalOptions & { type?: string }) =>
      runAsync(() => recover(io, id, opts)),
    );
}

/** `KEY=VALUE` → [`KEY=`, `VALUE`]: split at the first `=`, the key keeps it. */
export function parseOverride(text: string): [string, string] {
  const at = text.indexOf('=');
  if (at <= 0) {
    throw new UsageError(`--override takes KEY=VALUE (like --events=5), not '${text}'`);
  }
  return [text.slice(0, at + 1), text.slice(at + 1)];
}

async function launch(io: Io, ref: string, opts: LaunchOptions): Promise<number> {
  if (!ref.includes('/')) return launchCampaign(io, ref, opts);
  const { campaign, stage } = parseStageRef(ref);
  const overrides = opts.override.map(parseOverride);
  const body = {
    ...(opts.test ? { test: true } : {}),
    ...(overrides.length > 0 ? { overrides } : {}),
    ...(opts.dataset === undefined ? {} : { dataset: opts.dataset }),
  };
  const dryRun = (json: boolean, result: DryRunResult) => {
    if (json) printJson(io, result);
    else printDryRun(io, result);
    return result.outcome === 'nothing' ? EXIT_PROBLEMS : EXIT_OK;
  };
  const launched = (json: boolean, outcome: LaunchOutcome) => {
    if (json) {
      printJson(io, outcome);
      return outcome.kind === 'nothing' ? EXIT_PROBLEMS : EXIT_OK;
    }
    return printOutcome(io, outcome);
  };
  return withTarget(
    io,
    opts,
    async (local) => {
      const request: LaunchRequest = {
        experiment: local.experiment,
        campaign,
        stage,
        launcher: local.by,
        ...body,
      };
      if (opts.dryRun) return dryRun(local.json, await local.execution.dryRun(request));
      const outcome = await local.execution.launches.launch(request);
      if (outcome.kind !== 'nothing') local.changed();
      return launched(local.json, outcome);
    },
    async (remote) => {
      const path = `${remote.base}/campaigns/${seg(campaign)}/stages/${seg(stage)}`;
      if (opts.dryRun) {
        return dryRun(
          remote.json,
          await remote.client.call<DryRunResult>('POST', `${path}/dry-run`, { body }),
        );
      }
      return launched(
        remote.json,
        await remote.client.call<LaunchOutcome>('POST', `${path}/launch`, { body }),
      );
    },
  );
}

/** `poms launch CAMPAIGN`: every lead stage (POMS's "launch campaign"). */
async function launchCampaign(io: Io, campaign: string, opts: LaunchOptions): Promise<number> {
  if (opts.dryRun || opts.dataset !== undefined) {
    throw new UsageError('--dry-run and --dataset need a stage: CAMPAIGN/STAGE');
  }
  const overrides = opts.override.map(parseOverride);
  const body = {
    ...(opts.test ? { test: true } : {}),
    ...(overrides.length > 0 ? { overrides } : {}),
  };
  const report = (json: boolean, launched: { stage: string; outcome: LaunchOutcome }[]) => {
    if (json) {
      printJson(io, launched);
    } else {
      for (const { stage, outcome } of launched) {
        io.out(`${campaign}/${stage}:`);
        printOutcome(io, outcome);
      }
    }
    return launched.every((l) => l.outcome.kind === 'nothing') ? EXIT_PROBLEMS : EXIT_OK;
  };
  return withTarget(
    io,
    opts,
    async (local) => {
      const launched = await local.execution.launches.launchCampaign({
        experiment: local.experiment,
        campaign,
        launcher: local.by,
        ...body,
      });
      if (launched.some((l) => l.outcome.kind !== 'nothing')) local.changed();
      return report(local.json, launched);
    },
    async (remote) =>
      report(
        remote.json,
        await remote.client.call<{ stage: string; outcome: LaunchOutcome }[]>(
          'POST',
          `${remote.base}/campaigns/${seg(campaign)}/launch`,
          { body },
        ),
      ),
  );
}

function printDryRun(io: Io, result: DryRunResult): void {
  switch (result.outcome) {
    case 'nothing':
      io.err(`poms: nothing would be launched: ${result.reason}`);
      return;
    case 'would-queue': {
      const reason = result.hold.reason ? `: ${result.hold.reason}` : '';
      io.out(
        `dry run: the launch is held (by ${result.hold.by}${reason}): it would be queued until released`,
      );
      return;
    }
    case 'would-launch':
      break;
  }
  const lines: string[] = [];
  lines.push(
    `dry run: ${result.campaign}/${result.stage}${result.test ? ' (test)' : ''} would launch ${plural(result.jobs_total, 'job')}, status ${result.status}`,
  );
  const query = result.input.query === null ? '' : ` [${result.input.query}]`;
  lines.push(
    `input: ${result.input.label || '(none)'}, ${plural(result.input.files, 'file')}${query}`,
  );
  lines.push(
    result.split === null
      ? 'split: none'
      : `split: ${result.split.spec}, slice ${result.split.slice}: ${result.split.label}`,
  );
  lines.push(`command: ${result.command_text ?? '(none)'}`);
  for (const job of result.jobs) {
    lines.push('');
    lines.push(
      `job ${job.index}: ${job.files.length === 0 ? 'no input files' : plural(job.files.length, 'file') + ': ' + job.files.join(', ')}`,
    );
    for (const run of job.runs) {
      for (const setup of run.shell_setup) {
        for (const line of setup.split('\n').filter((l) => l.trim() !== '')) {
          lines.push(`  setup: ${line}`);
        }
      }
      lines.push(`  run: ${run.argv.map(shellQuote).join(' ')}`);
    }
    lines.push('  environment:');
    for (const name of Object.keys(job.env).sort()) lines.push(`    ${name}=${job.env[name]}`);
  }
  if (result.jobs_total > result.jobs.length) {
    lines.push('', `… and ${plural(result.jobs_total - result.jobs.length, 'more job')}`);
  }
  io.out(lines.join('\n'));
}

async function recover(
  io: Io,
  id: string,
  opts: LocalOptions & { type?: string },
): Promise<number> {
  const type = opts.type;
  if (type !== undefined && !(RECOVERY_TYPES as readonly string[]).includes(type)) {
    throw new UsageError(`--type must be one of ${RECOVERY_TYPES.join(', ')}, not '${type}'`);
  }
  const report = (json: boolean, outcome: LaunchOutcome) => {
    if (json) {
      printJson(io, outcome);
      return outcome.kind === 'nothing' ? EXIT_PROBLEMS : EXIT_OK;
    }
    return printOutcome(io, outcome);
  };
  return withTarget(
    io,
    opts,
    async (local) => {
      const outcome = await local.execution.control.recover(
        id,
        local.by,
        type as RecoveryType | undefined,
      );
      if (outcome.kind !== 'nothing') local.changed();
      return report(local.json, outcome);
    },
    async (remote) =>
      report(
        remote.json,
        await remote.client.call<LaunchOutcome>(
          'POST',
          `${remote.base}/submissions/${seg(id)}/recover`,
          { body: type === undefined ? {} : { type } },
        ),
      ),
  );
}
