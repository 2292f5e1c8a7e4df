// `poms schedule`: a stage's cron schedule (one per stage) — set, delete, list. The server running
// on the data folder fires them.
import type { Command } from 'commander';
import { describeCron, parseCron } from '@poms/core';
import type { ScheduleRecord } from '@poms/server';
import {
  allCampaigns,
  campaignWithStage,
  localOptions,
  parseStageRef,
  table,
  when,
  type LocalOptions,
  type RunAsync,
} from '../local.ts';
import { EXIT_OK, UsageError, printJson, type Io } from '../output.ts';
import { allPages, seg } from '../remote/client.ts';
import { remoteCampaigns, withTarget } from '../target.ts';

interface ScheduleOptions extends LocalOptions {
  tz: string;
  delete?: boolean;
  list?: boolean;
}

export function scheduleCommands(program: Command, io: Io, runAsync: RunAsync): void {
  localOptions(program.command('schedule'))
    .description("set a stage's cron schedule, delete it (--delete), or list them (--list)")
    .argument('[campaign/stage]')
    .argument('[cron...]', "five cron fields, quoted as one word: '0 3 * * *'")
    .option('--tz <zone>', 'the IANA time zone the cron is read in', process.env.TZ || 'UTC')
    .option('--delete', "delete the stage's schedule")
    .option('--list', 'list the schedules of the experiment with their next runs')
    .action((ref: string | undefined, cron: string[], opts: ScheduleOptions) =>
      runAsync(() => schedule(io, ref, cron.join(' ').trim(), opts)),
    );
}

async function schedule(
  io: Io,
  ref: string | undefined,
  cron: string,
  opts: ScheduleOptions,
): Promise<number> {
  if (opts.list) {
    if (ref !== undefined || opts.delete) {
      throw new UsageError('--list takes no CAMPAIGN/STAGE, cron or --delete');
    }
    return list(io, opts);
  }
  if (ref === undefined) {
    throw new UsageError('expected CAMPAIGN/STAGE CRON, CAMPAIGN/STAGE --delete, or --list');
  }
  const stage = parseStageRef(ref);
  if (opts.delete && cron !== '') throw new UsageError('--delete takes no cron');
  if (!opts.delete && cron === '') {
    throw new UsageError(`expected a cron after ${ref}, like '0 3 * * *' (or --delete)`);
  }
  const printDeleted = (json: boolean, deleted: boolean) => {
    if (json) printJson(io, { deleted });
    else io.out(deleted ? `deleted the schedule of ${ref}` : `${ref} has no schedule`);
    return EXIT_OK;
  };
  const printSet = (json: boolean, record: ScheduleRecord & { description?: string }) => {
    if (json) {
      printJson(io, record);
      return EXIT_OK;
    }
    io.out(
      [
        `schedule ${ref}: ${record.cron} (${record.timezone})`,
        `  ${record.description ?? describe(record.cron)}`,
        `  next run: ${nextRun(record)}`,
      ].join('\n'),
    );
    return EXIT_OK;
  };
  return withTarget(
    io,
    opts,
    async (local) => {
      if (opts.delete) {
        const campaign = await campaignWithStage(local.store, local.experiment, stage);
        const deleted = await local.store.control.deleteSchedule(
          local.experiment,
          campaign.id,
          stage.stage,
        );
        if (deleted) local.changed();
        return printDeleted(local.json, deleted);
      }
      await campaignWithStage(local.store, local.experiment, stage);
      const record = await local.execution.control.schedule({
        experiment: local.experiment,
        campaign: stage.campaign,
        stage: stage.stage,
        cron,
        timezone: opts.tz,
        by: local.by,
      });
      local.changed();
      return printSet(local.json, record);
    },
    async (remote) => {
      const path = `${remote.base}/campaigns/${seg(stage.campaign)}/stages/${seg(stage.stage)}/schedule`;
      if (opts.delete) {
        const answer = await remote.client.call<{ deleted?: boolean } | undefined>('DELETE', path);
        return printDeleted(remote.json, answer?.deleted ?? true);
      }
      return printSet(
        remote.json,
        await remote.client.call<ScheduleRecord & { description?: string }>('PUT', path, {
          body: { cron, timezone: opts.tz },
        }),
      );
    },
  );
}

async function list(io: Io, opts: ScheduleOptions): Promise<number> {
  type Row = ScheduleRecord & { campaign: string; description: string };
  const rowsOf = (schedules: readonly ScheduleRecord[], names: Map<string, string>): Row[] =>
    schedules.map((s) => ({
      ...s,
      campaign: names.get(s.campaign_id) ?? s.campaign_id,
      description: describe(s.cron),
    }));
  const print = (json: boolean, experiment: string, rows: Row[]) => {
    if (json) {
      printJson(io, rows);
      return EXIT_OK;
    }
    if (rows.length === 0) {
      io.out(`experiment ${experiment} has no schedules`);
      return EXIT_OK;
    }
    io.out(
      table(
        ['STAGE', 'CRON', 'ZONE', 'NEXT RUN', 'BY', 'DESCRIPTION'],
        rows.map((s) => [
          `${s.campaign}/${s.stage}`,
          s.cron,
          s.timezone,
          s.enabled ? when(s.next_run) : 'disabled',
          s.by,
          s.description,
        ]),
      ),
    );
    return EXIT_OK;
  };
  return withTarget(
    io,
    opts,
    async (local) => {
      const schedules = await local.store.control.schedules(local.experiment);
      const names = new Map(
        (await allCampaigns(local.store, local.experiment)).map((c) => [String(c.id), c.name]),
      );
      return print(local.json, local.experiment, rowsOf(schedules, names));
    },
    async (remote) => {
      const schedules = await allPages<ScheduleRecord>(remote.client, `${remote.base}/schedules`);
      const names = new Map((await remoteCampaigns(remote)).map((c) => [c.id, c.name]));
      return print(remote.json, remote.experiment, rowsOf(schedules, names));
    },
  );
}

function describe(cron: string): string {
  const parsed = parseCron(cron);
  return parsed.ok ? describeCron(parsed.cron) : '(unreadable cron)';
}

/** The next run in UTC and, when the schedule's zone is another, in that zone's local time. */
function nextRun(record: ScheduleRecord): string {
  if (record.next_run === null) return 'never (no time matches)';
  const utc = when(record.next_run);
  if (record.timezone === 'UTC') return utc;
  const local = new Intl.DateTimeFormat('sv-SE', {
    timeZone: record.timezone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).format(new Date(record.next_run));
  return `${utc} (${local} ${record.timezone})`;
}
