// The local side of a data folder for the execution commands (launch, status, hold, kill, …):
// opens the store and the execution services with `openLocal`, says when no server runs on the
// folder to carry a change out, and parses the targets people type (CAMPAIGN/STAGE, sub_ID:1,2).
import type { Command } from 'commander';
import type { JobTarget, LaunchOutcome, Store, openLocal } from '@poms/server';
import { loadServer } from './lazy.ts';
import { UsageError, type Io } from './output.ts';

/** The options every execution command takes. */
export interface LocalOptions {
  /** Unset: $POMS_DATA, else `.poms-data` (see `resolveTarget`). */
  data?: string;
  postgres?: string;
  experiment: string;
  /** Unset: $USER, else `poms`. Local only. */
  as?: string;
  /** A POMS server to act on over its API instead of a data folder. */
  server?: string;
  json?: boolean;
}

export type RunAsync = (action: () => Promise<number>) => Promise<void>;

export function localOptions(command: Command): Command {
  return command
    .option('--server <url>', 'act on this POMS server over its API ($POMS_URL, else `poms login`)')
    .option('--data <dir>', 'the data folder ($POMS_DATA, else .poms-data)')
    .option('--postgres <url>', 'use this PostgreSQL store ($POMS_POSTGRES_URL)')
    .option('--experiment <name>', 'the experiment', process.env.POMS_EXPERIMENT ?? 'demo')
    .option('--as <user>', 'who acts, on a data folder ($USER)')
    .option('--json', 'print the records as JSON');
}

type Opened = Awaited<ReturnType<typeof openLocal>>;

export interface Local extends Opened {
  experiment: string;
  /** Who acts. */
  by: string;
  json: boolean;
  /** Marks the command as one that changed something (the server carries it out). */
  changed(): void;
}

/**
 * Runs `fn` on the local side of the data folder and closes it. After a change (one that
 * succeeded), says on stderr when no server runs on the folder to carry it out.
 */
export async function withLocal(
  io: Io,
  opts: LocalOptions,
  fn: (local: Local) => Promise<number>,
): Promise<number> {
  const server = await loadServer();
  const postgres = opts.postgres ?? process.env.POMS_POSTGRES_URL;
  const opened = await server.openLocal({
    dataDir: opts.data ?? process.env.POMS_DATA ?? '.poms-data',
    ...(postgres ? { postgresUrl: postgres } : {}),
  });
  let changed = false;
  const local: Local = {
    ...opened,
    experiment: opts.experiment,
    by: opts.as ?? process.env.USER ?? 'poms',
    json: opts.json === true,
    changed: () => {
      changed = true;
    },
  };
  let code: number;
  try {
    code = await fn(local);
  } finally {
    await opened.close();
  }
  if (changed && server.runningServer(opened.dataDir) === undefined) {
    const dir = opened.dataDir;
    io.err(
      `poms: no server is running on ${dir}: this takes effect when \`poms start --data ${dir}\` runs`,
    );
  }
  return code;
}

// ---------------------------------------------------------------------------------------------
// What people type

export interface StageRef {
  campaign: string;
  stage: string;
}

/** `CAMPAIGN/STAGE` (stage names never contain `/`). */
export function parseStageRef(text: string): StageRef {
  const parts = text.split('/');
  if (parts.length !== 2 || parts[0] === '' || parts[1] === '') {
    throw new UsageError(`expected CAMPAIGN/STAGE, not '${text}'`);
  }
  return { campaign: parts[0]!, stage: parts[1]! };
}

/** `CAMPAIGN` or `CAMPAIGN/STAGE`. */
export function parseCampaignRef(text: string): { campaign: string; stage?: string } {
  if (!text.includes('/')) {
    if (text === '') throw new UsageError('expected CAMPAIGN or CAMPAIGN/STAGE, not an empty name');
    return { campaign: text };
  }
  return parseStageRef(text);
}

export type Target =
  | { kind: 'submission'; id: string; indexes?: number[] }
  | { kind: 'stage'; campaign: string; stage: string }
  | { kind: 'campaign'; campaign: string };

/** `sub_ID`, `sub_ID:1,2` (job indexes), `CAMPAIGN/STAGE` or `CAMPAIGN`. */
export function parseTarget(text: string): Target {
  if (text.startsWith('sub_')) {
    const colon = text.indexOf(':');
    if (colon < 0) return { kind: 'submission', id: text };
    const id = text.slice(0, colon);
    const list = text.slice(colon + 1);
    const indexes = list.split(',').map((word) => {
      if (!/^\d+$/.test(word.trim())) {
        throw new UsageError(
          `job indexes are whole numbers separated by commas (sub_ID:0,3), not '${list}'`,
        );
      }
      return Number(word.trim());
    });
    return { kind: 'submission', id, indexes: [...new Set(indexes)].sort((a, b) => a - b) };
  }
  const ref = parseCampaignRef(text);
  return ref.stage === undefined
    ? { kind: 'campaign', campaign: ref.campaign }
    : { kind: 'stage', campaign: ref.campaign, stage: ref.stage };
}

export function jobTarget(target: Target, experiment: string): JobTarget {
  switch (target.kind) {
    case 'submission':
      return { kind: 'submission', id: target.id, indexes: target.indexes };
    case 'stage':
      return { kind: 'stage', experiment, campaign: target.campaign, stage: target.stage };
    case 'campaign':
      return { kind: 'campaign', experiment, campaign: target.campaign };
  }
}

export function describeTarget(target: Target): string {
  switch (target.kind) {
    case 'submission':
      return target.indexes === undefined
        ? target.id
        : `jobs ${target.indexes.join(', ')} of ${target.id}`;
    case 'stage':
      return `${target.campaign}/${target.stage}`;
    case 'campaign':
      return `campaign ${target.campaign}`;
  }
}

/** A whole number in [min, max], for flags like --limit. */
export function wholeNumber(flag: string, text: string, min: number, max?: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || value < min || (max !== undefined && value > max)) {
    const range = max === undefined ? `≥ ${min}` : `from ${min} to ${max}`;
    throw new UsageError(`${flag} must be a whole number ${range}, not '${text}'`);
  }
  return value;
}

// ---------------------------------------------------------------------------------------------
// Campaigns and stages

/** An unknown name in the store: exit 1 with its code, like the store's own not-found. */
export class NotFound extends Error {
  readonly code = 'store.not-found';
}

/** The stage names of a campaign's current revision, in campaign order. */
export function stageNames(model: unknown): string[] {
  const stages = (model as { spec?: { stages?: Record<string, unknown> } } | null)?.spec?.stages;
  return stages ? Object.keys(stages) : [];
}

/** The campaign, after checking it has the stage. */
export async function campaignWithStage(store: Store, experiment: string, ref: StageRef) {
  const campaign = await store.campaigns.get(experiment, ref.campaign);
  const stages = stageNames(campaign.model);
  if (!stages.includes(ref.stage)) {
    throw new NotFound(
      `campaign ${ref.campaign} has no stage '${ref.stage}' (stages: ${stages.join(', ')})`,
    );
  }
  return campaign;
}

/** Every campaign of an experiment, by name. */
type CampaignPage = Awaited<ReturnType<Store['campaigns']['list']>>;

export async function allCampaigns(store: Store, experiment: string) {
  const out: CampaignPage['items'] = [];
  let cursor: string | null = null;
  do {
    const page: CampaignPage = await store.campaigns.list(experiment, { limit: 1000, cursor });
    out.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor !== null);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Printing

/** Prints what a launch (or a recovery, or a released hold) did; the exit code it means. */
export function printOutcome(io: Io, outcome: LaunchOutcome): number {
  switch (outcome.kind) {
    case 'launched': {
      const s = outcome.submission;
      const again = outcome.created ? '' : ' (launched before)';
      io.out(
        `launched ${s.id} (${s.stage}, ${plural(s.job_count, 'job')}, ${plural(s.file_count, 'file')}): ${s.status}${again}`,
      );
      return 0;
    }
    case 'held':
      io.out(
        `held: ${outcome.entry.stage} is held (by ${outcome.hold.by}): the launch is queued as ${outcome.entry.id}`,
      );
      return 0;
    case 'nothing':
      io.err(`poms: nothing launched: ${outcome.reason}`);
      return 1;
  }
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Quotes a word for display when it holds anything but [A-Za-z0-9_./:=@%+-]. */
export function shellQuote(word: string): string {
  if (/^[A-Za-z0-9_./:=@%+-]+$/.test(word)) return word;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/** Columns padded to their widest cell; the last column is not padded. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((row) => (row[i] ?? '').length)));
  return all
    .map((row) =>
      row
        .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** A time as people read it: ISO 8601 to the second, UTC. */
export function when(iso: string | null | undefined): string {
  if (!iso) return '-';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
