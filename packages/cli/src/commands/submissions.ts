// `poms status`, `poms submissions`, `poms submission ID`: what the data folder's submissions are
// doing, read from the store (nothing changes).
import type { Command } from 'commander';
import { SUBMISSION_STATUSES, type SubmissionStatus } from '@poms/core';
import { isFinal } from '@poms/core';
import type {
  FileStatistics,
  HeldLaunchRecord,
  HistoryEntry,
  HoldRecord,
  JobRecord,
  LedgerEntry,
  PublicationRecord,
  SubmissionRecord,
} from '@poms/server';
import { loadServer } from '../lazy.ts';
import {
  allCampaigns,
  localOptions,
  parseCampaignRef,
  stageNames,
  table,
  when,
  wholeNumber,
  withLocal,
  type Local,
  type LocalOptions,
  type RunAsync,
} from '../local.ts';
import { EXIT_OK, EXIT_PROBLEMS, UsageError, printJson, type Io } from '../output.ts';
import { allPages, seg } from '../remote/client.ts';
import { remoteCampaigns, remoteOf, remoteStageNames, withTarget, type Remote } from '../target.ts';

interface DetailOptions extends LocalOptions {
  files?: boolean;
  watch?: boolean;
}

interface ListOptions extends LocalOptions {
  status?: string;
  limit: string;
  offset: string;
}

export function submissionCommands(program: Command, io: Io, runAsync: RunAsync): void {
  localOptions(program.command('status'))
    .description('per stage: submissions by status, the latest one, holds and queued launches')
    .argument('[campaign]', 'one campaign (default: every campaign of the experiment)')
    .action((campaign: string | undefined, opts: LocalOptions) =>
      runAsync(() => status(io, campaign, opts)),
    );

  localOptions(program.command('submissions'))
    .description('list submissions, newest first')
    .argument('[campaign/stage]', 'CAMPAIGN or CAMPAIGN/STAGE (default: the whole experiment)')
    .option('--status <list>', 'only these statuses, comma-separated (e.g. New,Running)')
    .option('--limit <n>', 'at most this many (1-1000)', '50')
    .option('--offset <n>', 'skip this many', '0')
    .action((ref: string | undefined, opts: ListOptions) =>
      runAsync(() => submissions(io, ref, opts)),
    );

  localOptions(program.command('submission'))
    .description('everything about one submission: history, jobs, links, files')
    .argument('<id>', 'the submission (sub_…)')
    .option('--files', 'list every input file with its state (default: the first 20)')
    .option(
      '--watch',
      'print its status every 2 s until it and its recoveries are final; exit 0 if Located',
    )
    .action((id: string, opts: DetailOptions) =>
      runAsync(() => (opts.watch ? watch(io, id, opts) : submission(io, id, opts))),
    );
}

// ---------------------------------------------------------------------------------------------
// poms status

interface StageReport {
  name: string;
  counts: Partial<Record<SubmissionStatus, number>>;
  latest: { id: string; status: SubmissionStatus } | null;
}

interface CampaignReport {
  name: string;
  stages: StageReport[];
  holds: HoldRecord[];
  held_launches: HeldLaunchRecord[];
}

/** A stage's line of `poms status`: its submissions (newest first) counted by status. */
function stageReport(stage: string, submissions: readonly SubmissionRecord[]): StageReport {
  // Counted in the statuses' own order, so the report lists them the same way every time.
  const counts: Partial<Record<SubmissionStatus, number>> = {};
  for (const status of SUBMISSION_STATUSES) {
    const n = submissions.filter((s) => s.status === status).length;
    if (n > 0) counts[status] = n;
  }
  const latest = submissions[0];
  return {
    name: stage,
    counts,
    latest: latest ? { id: latest.id, status: latest.status } : null,
  };
}

function campaignReport(
  campaign: { id: string; name: string },
  stages: StageReport[],
  holds: readonly HoldRecord[],
  queued: readonly HeldLaunchRecord[],
): CampaignReport {
  return {
    name: campaign.name,
    stages,
    holds: holds.filter((h) => h.scope.kind === 'stage' && h.scope.campaignId === campaign.id),
    held_launches: queued.filter((q) => q.campaign_id === campaign.id),
  };
}

async function status(io: Io, only: string | undefined, opts: LocalOptions): Promise<number> {
  if (only !== undefined && (only === '' || only.includes('/'))) {
    throw new UsageError(`status takes a CAMPAIGN name, not '${only}'`);
  }
  const remote = remoteOf(opts);
  if (remote !== undefined) return remoteStatus(io, only, remote);
  const { runningServer } = await loadServer();
  return withLocal(io, opts, async (local) => {
    const { store, experiment } = local;
    const server = runningServer(local.dataDir) ?? null;
    const campaigns =
      only === undefined
        ? await allCampaigns(store, experiment)
        : [await store.campaigns.get(experiment, only)];
    const holds = await store.control.holds(experiment);
    const queued = await local.execution.control.heldLaunches(experiment);
    const report: CampaignReport[] = [];
    for (const summary of campaigns) {
      const campaign = await store.campaigns.get(experiment, summary.name);
      const stages: StageReport[] = [];
      for (const stage of stageNames(campaign.model)) {
        const base = { experiment, campaignId: campaign.id, stage };
        const all: SubmissionRecord[] = [];
        for (let offset = 0; ; offset += 1000) {
          const page = await store.submissions.list({ ...base, limit: 1000, offset });
          all.push(...page.items);
          if (offset + page.items.length >= page.total || page.items.length === 0) break;
        }
        stages.push(stageReport(stage, all));
      }
      report.push(campaignReport(campaign, stages, holds, queued));
    }
    const general = holds.filter((h) => h.scope.kind !== 'stage');
    if (local.json) {
      printJson(io, {
        data_dir: local.dataDir,
        server,
        experiment,
        holds: general,
        campaigns: report,
      });
      return EXIT_OK;
    }
    const header = server
      ? `server: running on ${local.dataDir} (pid ${server.pid}, ${server.url})`
      : `server: none running on ${local.dataDir} (launches wait for \`poms start\`)`;
    printStatus(io, header, experiment, general, report);
    return EXIT_OK;
  });
}

/** `poms status` on a server: its campaigns, their submissions, its holds and queued launches. */
async function remoteStatus(io: Io, only: string | undefined, remote: Remote): Promise<number> {
  const { client, base, experiment } = remote;
  const names = only === undefined ? (await remoteCampaigns(remote)).map((c) => c.name) : [only];
  const [holds, queued, me] = await Promise.all([
    allPages<HoldRecord>(client, `${base}/holds`),
    allPages<HeldLaunchRecord>(client, `${base}/held-launches`),
    client.call<{ username: string }>('GET', '/auth/me'),
  ]);
  const report: CampaignReport[] = [];
  for (const name of names) {
    const campaign = await client.call<{ id: string; name: string; effective: unknown }>(
      'GET',
      `${base}/campaigns/${seg(name)}`,
    );
    const stages: StageReport[] = [];
    for (const stage of remoteStageNames(campaign)) {
      stages.push(stageReport(stage, await remoteSubmissions(remote, { campaign: name, stage })));
    }
    report.push(campaignReport(campaign, stages, holds, queued));
  }
  const general = holds.filter((h) => h.scope.kind !== 'stage');
  if (remote.json) {
    printJson(io, {
      server: { url: remote.url, as: me.username },
      experiment,
      holds: general,
      campaigns: report,
    });
    return EXIT_OK;
  }
  printStatus(io, `server: ${remote.url} (as ${me.username})`, experiment, general, report);
  return EXIT_OK;
}

/** Every submission of a campaign (or one stage of it) on the server, newest first. */
async function remoteSubmissions(
  remote: Remote,
  where: { campaign: string; stage?: string },
): Promise<SubmissionRecord[]> {
  return allPages<SubmissionRecord>(remote.client, `${remote.base}/submissions`, where);
}

function printStatus(
  io: Io,
  header: string,
  experiment: string,
  general: HoldRecord[],
  report: CampaignReport[],
): void {
  const lines: string[] = [header];
  for (const hold of general) {
    const what = hold.scope.kind === 'global' ? 'every launch' : `experiment ${experiment}`;
    lines.push(
      `hold: ${what} held by ${hold.by} since ${when(hold.created_at)}${because(hold.reason)}`,
    );
  }
  if (report.length === 0) lines.push(`experiment ${experiment} has no campaigns`);
  for (const c of report) {
    lines.push('', `campaign ${c.name}`);
    const rows = c.stages.map((s) => [
      s.name,
      Object.entries(s.counts)
        .map(([k, n]) => `${k} ${n}`)
        .join(', ') || '-',
      s.latest ? `${s.latest.id} ${s.latest.status}` : '-',
    ]);
    lines.push(indent(table(['STAGE', 'SUBMISSIONS', 'LATEST'], rows)));
    for (const hold of c.holds) {
      const stage = hold.scope.kind === 'stage' ? hold.scope.stage : '';
      lines.push(
        `  hold: ${stage} held by ${hold.by} since ${when(hold.created_at)}${because(hold.reason)}`,
      );
    }
    for (const q of c.held_launches) {
      lines.push(`  queued: ${q.id} ${q.stage} by ${q.by} at ${when(q.created_at)}`);
    }
  }
  io.out(lines.join('\n'));
}

function because(reason: string | null): string {
  return reason ? `: ${reason}` : '';
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}

// ---------------------------------------------------------------------------------------------
// poms submissions

/** `New,running,awaiting approval` → the statuses, matched without case, spaces or dashes. */
export function parseStatuses(text: string): SubmissionStatus[] {
  const key = (s: string) => s.toLowerCase().replace(/[\s_-]/g, '');
  return text.split(',').map((word) => {
    const found = SUBMISSION_STATUSES.find((s) => key(s) === key(word));
    if (found === undefined) {
      throw new UsageError(
        `--status: '${word.trim()}' is not a status (${SUBMISSION_STATUSES.join(', ')})`,
      );
    }
    return found;
  });
}

type Page = { items: SubmissionRecord[]; total: number };

async function submissions(io: Io, ref: string | undefined, opts: ListOptions): Promise<number> {
  const where = ref === undefined ? undefined : parseCampaignRef(ref);
  const statuses = opts.status === undefined ? undefined : parseStatuses(opts.status);
  const limit = wholeNumber('--limit', opts.limit, 1, 1000);
  const offset = wholeNumber('--offset', opts.offset, 0);
  const print = (json: boolean, page: Page) => {
    if (json) {
      printJson(io, page);
      return EXIT_OK;
    }
    printSubmissions(io, page, offset);
    return EXIT_OK;
  };
  return withTarget(
    io,
    opts,
    async (local) => {
      const campaign =
        where === undefined
          ? undefined
          : await local.store.campaigns.get(local.experiment, where.campaign);
      const page = await local.store.submissions.list({
        experiment: local.experiment,
        ...(campaign ? { campaignId: campaign.id } : {}),
        ...(where?.stage === undefined ? {} : { stage: where.stage }),
        ...(statuses ? { statuses } : {}),
        limit,
        offset,
      });
      return print(local.json, page);
    },
    async (remote) =>
      print(
        remote.json,
        await remote.client.call<Page>('GET', `${remote.base}/submissions`, {
          query: {
            campaign: where?.campaign,
            stage: where?.stage,
            status: statuses?.join(','),
            limit,
            offset,
          },
        }),
      ),
  );
}

function printSubmissions(io: Io, page: Page, offset: number): void {
  if (page.items.length > 0) {
    io.out(
      table(
        ['ID', 'CAMPAIGN', 'STAGE', 'STATUS', 'ORIGIN', 'TEST', 'JOBS', 'FILES', 'CREATED'],
        page.items.map((s) => [
          s.id,
          s.campaign,
          s.stage,
          s.status,
          s.origin,
          s.test ? 'test' : '-',
          String(s.job_count),
          String(s.file_count),
          when(s.created_at),
        ]),
      ),
    );
  }
  const shown =
    page.items.length === 0
      ? `0 of ${page.total}`
      : `${offset + 1}-${offset + page.items.length} of ${page.total}`;
  io.out(`${shown} submissions`);
}

// ---------------------------------------------------------------------------------------------
// poms submission ID

interface Detail {
  s: SubmissionRecord;
  statistics: FileStatistics;
  history: HistoryEntry[];
  jobs: JobRecord[];
  children: SubmissionRecord[];
  ledger: { items: LedgerEntry[]; total: number };
  /** Where its outputs stand outside the catalog; null when its stage asks for nothing. */
  publication: PublicationRecord | null;
}

/** Where a submission's details come from: the store, or the server. */
interface Source {
  json: boolean;
  get(id: string): Promise<SubmissionRecord>;
  detail(id: string, all: boolean): Promise<Detail>;
  /** Every submission of the campaign, newest first. */
  campaignSubmissions(s: SubmissionRecord): Promise<SubmissionRecord[]>;
}

function localSource(local: Local): Source {
  const { store } = local;
  const campaignSubmissions = async (s: SubmissionRecord) => {
    const out: SubmissionRecord[] = [];
    for (let offset = 0; ; offset += 1000) {
      const page = await store.submissions.list({
        experiment: s.experiment,
        campaignId: s.campaign_id,
        limit: 1000,
        offset,
      });
      out.push(...page.items);
      if (offset + page.items.length >= page.total || page.items.length === 0) return out;
    }
  };
  const ledgerOf = async (id: string, all: boolean) => {
    if (!all) return store.submissions.ledger(id, { limit: 20 });
    const items: LedgerEntry[] = [];
    for (let offset = 0; ; offset += 1000) {
      const page = await store.submissions.ledger(id, { limit: 1000, offset });
      items.push(...page.items);
      if (items.length >= page.total || page.items.length === 0) {
        return { items, total: page.total };
      }
    }
  };
  return {
    json: local.json,
    get: (id) => store.submissions.get(id),
    campaignSubmissions,
    detail: async (id, all) => {
      const s = await store.submissions.get(id);
      const [statistics, history, jobs, children, ledger, publication] = await Promise.all([
        store.submissions.statistics(id),
        store.submissions.history(id),
        store.submissions.jobs(id),
        childrenOf(campaignSubmissions, s),
        ledgerOf(id, all),
        store.publications.get(id),
      ]);
      return { s, statistics, history, jobs, children, ledger, publication };
    },
  };
}

function remoteSource(remote: Remote): Source {
  const { client, base } = remote;
  const path = (id: string) => `${base}/submissions/${seg(id)}`;
  const campaignSubmissions = (s: SubmissionRecord) =>
    remoteSubmissions(remote, { campaign: s.campaign });
  type Ledger = { items: LedgerEntry[]; total: number };
  const ledgerOf = async (id: string, all: boolean): Promise<Ledger> => {
    if (!all) return client.call<Ledger>('GET', `${path(id)}/ledger`, { query: { limit: 20 } });
    const items: LedgerEntry[] = [];
    for (let offset = 0; ; offset += 10_000) {
      const page = await client.call<Ledger>('GET', `${path(id)}/ledger`, {
        query: { limit: 10_000, offset },
      });
      items.push(...page.items);
      if (items.length >= page.total || page.items.length === 0) {
        return { items, total: page.total };
      }
    }
  };
  type Details = Omit<Detail, 's' | 'children' | 'ledger' | 'jobs'> & {
    submission: SubmissionRecord;
  };
  return {
    json: remote.json,
    get: async (id) => (await client.call<Details>('GET', path(id))).submission,
    campaignSubmissions,
    detail: async (id, all) => {
      const {
        submission: s,
        statistics,
        history,
        publication,
      } = await client.call<Details>('GET', path(id));
      // The details answer counts the jobs; the jobs themselves come a page at a time.
      const [children, ledger, jobs] = await Promise.all([
        childrenOf(campaignSubmissions, s),
        ledgerOf(id, all),
        allPages<JobRecord>(client, `${path(id)}/jobs`, {}, 1000),
      ]);
      return { s, statistics, history, jobs, children, ledger, publication };
    },
  };
}

/** Submissions whose parent is this one: its recoveries and the launches that follow it. */
async function childrenOf(
  campaignSubmissions: (s: SubmissionRecord) => Promise<SubmissionRecord[]>,
  s: SubmissionRecord,
): Promise<SubmissionRecord[]> {
  return (await campaignSubmissions(s)).filter((c) => c.parent_id === s.id).reverse();
}

async function submission(io: Io, id: string, opts: DetailOptions): Promise<number> {
  const show = async (source: Source) => {
    printDetail(io, source.json, await source.detail(id, opts.files === true));
    return EXIT_OK;
  };
  return withTarget(
    io,
    opts,
    (local) => show(localSource(local)),
    (remote) => show(remoteSource(remote)),
  );
}

/** How often `--watch` looks ($POMS_WATCH_INTERVAL_MS, for tests). */
function watchInterval(): number {
  const ms = Number(process.env.POMS_WATCH_INTERVAL_MS);
  return Number.isFinite(ms) && ms > 0 ? ms : 2000;
}

/**
 * `poms submission ID --watch`: its status line every 2 s until it and its recovery chain (the
 * recoveries descending from it) are final; exit 0 when the last of them is Located.
 */
async function watch(io: Io, id: string, opts: DetailOptions): Promise<number> {
  const run = async (source: Source) => {
    for (;;) {
      const s = await source.get(id);
      const all = await source.campaignSubmissions(s);
      const chain = recoveriesOf(s, all);
      const last = chain.at(-1) ?? s;
      if (source.json) {
        io.out(
          JSON.stringify({
            id: s.id,
            status: s.status,
            recoveries: chain.map((r) => ({ id: r.id, status: r.status })),
          }),
        );
      } else {
        const recoveries = chain.map((r) => `; recovery ${r.id} ${r.status}`).join('');
        io.out(`${s.id}: ${s.campaign}/${s.stage} ${s.status}${recoveries}`);
      }
      if ([s, ...chain].every((x) => isFinal(x.status))) {
        return last.status === 'Located' ? EXIT_OK : EXIT_PROBLEMS;
      }
      await new Promise((resolve) => setTimeout(resolve, watchInterval()));
    }
  };
  return withTarget(
    io,
    opts,
    (local) => run(localSource(local)),
    (remote) => run(remoteSource(remote)),
  );
}

/** The recoveries descending from a submission (recoveries of recoveries too), oldest first. */
function recoveriesOf(s: SubmissionRecord, all: SubmissionRecord[]): SubmissionRecord[] {
  const out: SubmissionRecord[] = [];
  const ids = new Set([s.id]);
  const oldestFirst = [...all].reverse();
  for (const c of oldestFirst) {
    if (c.parent_id !== null && ids.has(c.parent_id) && c.recovery_type !== null) {
      ids.add(c.id);
      out.push(c);
    }
  }
  return out;
}

function printDetail(io: Io, json: boolean, detail: Detail): void {
  const { s, statistics, history, jobs, children, ledger, publication } = detail;
  if (json) {
    printJson(io, {
      submission: s,
      statistics,
      publication,
      history,
      jobs,
      children: children.map((c) => ({
        id: c.id,
        stage: c.stage,
        origin: c.origin,
        status: c.status,
      })),
      ledger,
    });
    return;
  }
  const lines: string[] = [`${s.id}: ${s.campaign}/${s.stage} ${s.status}`];
  const fields: [string, string][] = [
    ['experiment', s.experiment],
    ['campaign', `${s.campaign} (revision ${s.campaign_revision})`],
    ['stage', `${s.stage} (${s.stage_type})`],
    [
      'status',
      `${s.status}${s.held_by_person ? ' (held by a person)' : ''} since ${when(s.status_at)}`,
    ],
    ['origin', s.origin],
    ['test', s.test ? 'yes' : 'no'],
    ['launcher', s.launcher],
    ['engine', `${s.engine}${s.batch_id ? ` (batch ${s.batch_id})` : ''}`],
    ['jobs', String(s.job_count)],
    ['files', String(s.file_count)],
    ['input', s.input_query ?? '-'],
    ['dataset', s.dataset_query ?? '-'],
    ['parameter', s.parameter ?? '-'],
    ['split slice', s.split_seq === null ? '-' : String(s.split_seq)],
    ['recovery', s.recovery_type ? `${s.recovery_type} (step ${s.recovery_step ?? '-'})` : '-'],
    ['launch key', s.launch_key ?? '-'],
    ['created', when(s.created_at)],
    ['updated', when(s.updated_at)],
  ];
  lines.push(...fields.map(([k, v]) => `  ${(k + ':').padEnd(13)}${v}`));

  lines.push('', 'links');
  lines.push(`  parent:      ${s.parent_id ?? '-'}`);
  lines.push(
    `  chain root:  ${s.chain_root_id}${s.chain_done_at ? ` (done ${when(s.chain_done_at)})` : ''}`,
  );
  lines.push(`  upstream:    ${s.upstream_ids.length > 0 ? s.upstream_ids.join(', ') : '-'}`);
  lines.push(
    `  children:    ${children.length > 0 ? children.map((c) => `${c.id} (${c.origin}, ${c.stage}, ${c.status})`).join(', ') : '-'}`,
  );

  const st = statistics;
  lines.push('', 'file statistics');
  lines.push(
    `  submitted ${st.submitted}, delivered ${st.delivered}, consumed ${st.consumed}, failed ${st.failed}, skipped ${st.skipped}, unknown ${st.unknown}`,
  );
  lines.push(
    `  with outputs ${st.with_outputs}, with located outputs ${st.with_located_outputs}, pending ${st.pending}; outputs ${st.outputs} (${st.located_outputs} located)`,
  );

  if (publication !== null) lines.push('', ...publicationLines(publication));

  lines.push('', 'history');
  lines.push(
    indent(
      table(
        ['TIME', 'STATUS', 'BY', 'REASON'],
        history.map((h) => [when(h.at), h.status, h.by ?? '-', h.reason]),
      ),
    ),
  );

  lines.push('', 'jobs');
  if (jobs.length === 0) lines.push('  (none)');
  else
    lines.push(
      indent(
        table(
          ['INDEX', 'STATE', 'EXIT', 'WALL', 'CPU', 'MAX RSS', 'HOST', 'REQUEST'],
          jobs.map((j) => [
            String(j.index),
            j.state,
            j.exit_code === null ? (j.signal ?? '-') : String(j.exit_code),
            seconds(j.wall_s),
            seconds(j.cpu_s),
            j.max_rss_kb === null ? '-' : `${Math.round(j.max_rss_kb / 1024)} MiB`,
            j.host ?? '-',
            j.request ?? '-',
          ]),
        ),
      ),
    );

  lines.push(
    '',
    ledger.total === 0 ? 'files: none' : `files (${ledger.items.length} of ${ledger.total})`,
  );
  if (ledger.items.length > 0) {
    lines.push(
      indent(
        table(
          ['FILE', 'JOB', 'STATE', 'REASON'],
          ledger.items.map((e) => [e.file, String(e.job_index), e.state, e.reason ?? '']),
        ),
      ),
    );
  }
  if (ledger.items.length < ledger.total) lines.push('  (--files lists them all)');
  io.out(lines.join('\n'));
}

function seconds(value: number | null): string {
  if (value === null) return '-';
  return value < 100 ? `${value.toFixed(1)}s` : `${Math.round(value)}s`;
}

/** Where the outputs stand outside the catalog: MetaCat/SAM, Rucio and its rules, the location. */
function publicationLines(p: PublicationRecord): string[] {
  const lines = [`outputs published (${p.state}, ${when(p.updated_at)})`];
  lines.push(
    `  ${p.outputs} output(s): ${p.declared} declared, ${p.registered} registered in Rucio${p.rucio_dataset ? ` (${p.rucio_dataset})` : ''}, ${p.at_location} at the output location`,
  );
  for (const r of p.rules) {
    lines.push(
      `  rule ${r.id}: ${r.copies} × ${r.rse_expression} ${r.state || '?'} (locks ok ${r.locks_ok}, replicating ${r.locks_replicating}, stuck ${r.locks_stuck})${r.error ? `: ${r.error}` : ''}`,
    );
  }
  if (p.state !== 'done') {
    lines.push(`  ${p.state === 'retrying' ? `failed ${p.failures} time(s): ` : ''}${p.detail}`);
  }
  return lines;
}
