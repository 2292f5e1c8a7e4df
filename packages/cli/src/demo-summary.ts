// The demo's account of what happened, per stage: how its submissions ended, how many jobs and
// files went through, what recovery relaunched, and whether the ledger adds up (every delivered
// file ended consumed, failed or skipped; nothing is left undecided).
import type { Store, SubmissionRecord } from '@poms/server';

export interface StageSummary {
  stage: string;
  /** The status of the stage's last chain member (Located when all went well). */
  status: string;
  submissions: number;
  recoveries: number;
  jobs: number;
  failed_jobs: number;
  files_in: number;
  consumed: number;
  failed_files: number;
  files_out: number;
  wall_s: number;
}

/** What the analysis made of it all: the histogram it wrote and its fitted peak. */
export interface DemoResult {
  histogram: string;
  entries: number;
  peak_gev: number | null;
  width_gev: number | null;
}

export interface DemoSummary {
  ok: boolean;
  result: DemoResult | null;
  campaign: string;
  experiment: string;
  data_dir: string;
  wall_s: number;
  stages: StageSummary[];
  recoveries: number;
  /** Every submission's delivered = consumed + failed + skipped, none left delivered. */
  ledger_balanced: boolean;
  problems: string[];
}

export async function summarize(
  store: Store,
  experiment: string,
  campaign: string,
  stageNames: readonly string[],
  since: string,
): Promise<Omit<DemoSummary, 'data_dir' | 'wall_s'>> {
  const record = await store.campaigns.get(experiment, campaign);
  const page = await store.submissions.list({ experiment, campaignId: record.id, limit: 1000 });
  const mine = page.items.filter((s) => s.created_at >= since).reverse();
  const problems: string[] = [];
  let balanced = true;
  const stages: StageSummary[] = [];
  for (const stage of stageNames) {
    const subs = mine.filter((s) => s.stage === stage);
    let jobs = 0;
    let failedJobs = 0;
    let consumed = 0;
    let failedFiles = 0;
    let filesOut = 0;
    for (const s of subs) {
      const [stats, jobList] = await Promise.all([
        store.submissions.statistics(s.id),
        store.submissions.jobs(s.id),
      ]);
      jobs += jobList.length;
      failedJobs += jobList.filter((j) => j.state === 'failed').length;
      consumed += stats.consumed;
      failedFiles += stats.failed;
      filesOut += stats.outputs;
      if (stats.consumed + stats.failed + stats.skipped + stats.unknown !== stats.submitted) {
        balanced = false;
        problems.push(`${s.id}: ledger states do not add up to ${stats.submitted}`);
      }
      if (stats.unknown > 0 && s.stage_type !== 'approval') {
        balanced = false;
        problems.push(`${s.id}: ${stats.unknown} file(s) still delivered, never reported`);
      }
    }
    const last = subs.at(-1);
    const roots = subs.filter((s) => s.recovery_step === null);
    const status = chainStatus(subs);
    if (status !== 'Located') problems.push(`${stage}: ${status}`);
    stages.push({
      stage,
      status,
      submissions: subs.length,
      recoveries: subs.length - roots.length,
      jobs,
      failed_jobs: failedJobs,
      files_in: roots.reduce((n, s) => n + s.file_count, 0),
      consumed,
      failed_files: failedFiles,
      files_out: filesOut,
      wall_s:
        subs[0] && last ? (Date.parse(last.status_at) - Date.parse(subs[0].created_at)) / 1000 : 0,
    });
  }
  const recoveries = stages.reduce((n, s) => n + s.recoveries, 0);
  if (recoveries === 0) problems.push('no automatic recovery ran');
  const analysis = mine.filter((s) => s.stage === stageNames.at(-1)).at(-1);
  return {
    ok: problems.length === 0,
    result: await demoResult(store, experiment, analysis).catch(() => null),
    campaign,
    experiment,
    stages,
    recoveries,
    ledger_balanced: balanced,
    problems,
  };
}

/** A stage is Located when its last submission is; "not launched" when it has none. */
function chainStatus(subs: readonly SubmissionRecord[]): string {
  const last = subs.at(-1);
  return last === undefined ? 'not launched' : last.status;
}

export function formatSummary(summary: DemoSummary): string[] {
  const header = [
    'stage',
    'status',
    'subs',
    'recov',
    'jobs',
    'failed',
    'in',
    'consumed',
    'out',
    'wall',
  ];
  const rows = summary.stages.map((s) => [
    s.stage,
    s.status,
    String(s.submissions),
    String(s.recoveries),
    String(s.jobs),
    String(s.failed_jobs),
    String(s.files_in),
    String(s.consumed),
    String(s.files_out),
    `${s.wall_s.toFixed(1)} s`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ');
  return [
    line(header),
    ...rows.map(line),
    '',
    `${summary.recoveries} automatic recover${summary.recoveries === 1 ? 'y' : 'ies'}; ledger ${summary.ledger_balanced ? 'balanced' : 'NOT balanced'}; ${summary.wall_s.toFixed(1)} s in all`,
    ...(summary.result === null
      ? []
      : [
          `histogram: ${summary.result.histogram} (${summary.result.entries} events${
            summary.result.peak_gev === null
              ? ''
              : `, peak at ${summary.result.peak_gev.toFixed(2)} GeV, width ${summary.result.width_gev?.toFixed(2) ?? '?'} GeV; the Z is at 91.19 GeV`
          })`,
        ]),
    ...summary.problems.map((p) => `problem: ${p}`),
  ];
}

/** The analysis stage's histogram (JSON written by toy-physics.mjs ana), read from its replica. */
export async function demoResult(
  store: Store,
  experiment: string,
  submission: SubmissionRecord | undefined,
): Promise<DemoResult | null> {
  if (submission === undefined) return null;
  const outputs = await store.submissions.outputs(submission.id);
  const json = outputs.find((o) => o.file.endsWith('.json'));
  if (json === undefined) return null;
  const file = await store.catalog.getFile(experiment, json.file);
  const path = file.replicas[0]?.path;
  if (path === undefined) return null;
  const { readFile } = await import('node:fs/promises');
  const histogram = JSON.parse(await readFile(path, 'utf8')) as {
    entries?: number;
    peak?: { mean: number; sigma: number } | null;
  };
  return {
    histogram: path.replace(/\.json$/, '.txt'),
    entries: histogram.entries ?? 0,
    peak_gev: histogram.peak?.mean ?? null,
    width_gev: histogram.peak?.sigma ?? null,
  };
}
