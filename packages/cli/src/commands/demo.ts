// `poms demo`: the demo campaign headless. A server on the embedded defaults (SQLite in a data
// folder, the local engine, the embedded catalog) runs the toy Z → μμ chain from the template
// library — generate, simulate (with deliberate failures), reconstruct, analyse — while the
// terminal shows its progress; at the end a summary per stage, or JSON with --json.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { RunningServer } from '@poms/server';
import { formatSummary, summarize, type DemoSummary } from '../demo-summary.ts';
import { loadServer } from '../lazy.ts';
import { EXIT_OK, EXIT_PROBLEMS, UsageError, printJson, type Io } from '../output.ts';

export const DEMO_CAMPAIGN = 'toy_z_chain';
export const DEMO_EXPERIMENT = 'demo';
const DEMO_LEAD_STAGE = 'generate';

interface DemoOptions {
  data?: string;
  engine: string;
  json?: boolean;
  slots?: string;
  timeout: string;
}

export function demoCommand(
  program: Command,
  io: Io,
  runAsync: (action: () => Promise<number>) => Promise<void>,
): void {
  program
    .command('demo')
    .description(
      'run the demo campaign (toy Z → μμ: generate, simulate, reconstruct, analyse) to the end',
    )
    .option(
      '--data <dir>',
      'data folder (default: a new temporary folder, so runs are independent)',
    )
    .option('--engine <name>', 'batch engine to run the jobs on', 'local')
    .option('--slots <n>', 'jobs the local engine runs at once (default: the number of CPUs)')
    .option('--timeout <seconds>', 'give up after this long', '600')
    .option('--json', 'print the summary as JSON on stdout')
    .action((opts: DemoOptions) => runAsync(() => demo(io, opts)));
}

/** The command each cluster engine submits with: the demo needs it on this machine. */
const SUBMIT_COMMAND: Record<string, string> = {
  slurm: 'sbatch',
  htcondor: 'condor_submit',
  jobsub: 'jobsub_submit',
};

function onPath(program: string): boolean {
  return (process.env.PATH ?? '')
    .split(delimiter)
    .some((dir) => dir !== '' && existsSync(join(dir, program)));
}

async function demo(io: Io, opts: DemoOptions): Promise<number> {
  const engine = opts.engine;
  if (engine !== 'local') {
    const command = SUBMIT_COMMAND[engine];
    if (command === undefined) {
      throw new UsageError(
        `--engine ${engine}: not an engine; one of local, ${Object.keys(SUBMIT_COMMAND).join(', ')}`,
      );
    }
    // The demo's jobs report to this server and write into its data folder: they run on this
    // machine's cluster, whose submit command must be here.
    if (!onPath(command)) {
      throw new UsageError(
        `--engine ${engine}: ${command} is not on this machine's PATH (for Slurm: scripts/slurm-setup.sh)`,
      );
    }
  }
  const timeoutS = Number(opts.timeout);
  if (!Number.isFinite(timeoutS) || timeoutS <= 0) {
    throw new UsageError(`--timeout must be a number of seconds, not '${opts.timeout}'`);
  }
  const slots = opts.slots === undefined ? undefined : Number(opts.slots);
  if (slots !== undefined && (!Number.isInteger(slots) || slots < 1)) {
    throw new UsageError(`--slots must be a whole number ≥ 1, not '${opts.slots}'`);
  }
  const dataDir = resolve(opts.data ?? mkdtempSync(join(tmpdir(), 'poms-demo-')));
  const { startServer } = await loadServer();
  const started = Date.now();
  const since = new Date(started - 1000).toISOString();
  const server = await startServer({
    dataDir,
    port: 0,
    pollIntervalMs: 250,
    ...(engine === 'local' ? {} : { demoEngine: engine as 'slurm' | 'htcondor' | 'jobsub' }),
    ...(slots === undefined ? {} : { localSlots: slots }),
    log: (line) => {
      if (!opts.json) io.err(`  ${line}`);
    },
  });
  try {
    const record = await server.store.campaigns.get(DEMO_EXPERIMENT, DEMO_CAMPAIGN);
    const stages = Object.keys((record.model as { spec: { stages: object } }).spec.stages);
    if (!opts.json) {
      io.err(`POMS demo: ${DEMO_CAMPAIGN} (${stages.join(' → ')}), data in ${dataDir}`);
      io.err(`server ${server.url}, store ${server.store.kind}, engine ${engine}`);
    }
    const outcome = await server.execution.launches.launch({
      experiment: DEMO_EXPERIMENT,
      campaign: DEMO_CAMPAIGN,
      stage: DEMO_LEAD_STAGE,
      launcher: 'demo',
      reason: 'poms demo',
    });
    if (outcome.kind !== 'launched') {
      io.err(`poms: the demo could not launch ${DEMO_LEAD_STAGE}: ${JSON.stringify(outcome)}`);
      return EXIT_PROBLEMS;
    }
    const settled = await waitUntilSettled(
      server,
      io,
      stages,
      since,
      started,
      timeoutS,
      !opts.json,
    );
    const summary: DemoSummary = {
      ...(await summarize(server.store, DEMO_EXPERIMENT, DEMO_CAMPAIGN, stages, since)),
      data_dir: dataDir,
      wall_s: (Date.now() - started) / 1000,
    };
    if (!settled) {
      summary.ok = false;
      summary.problems.push(`not finished after ${timeoutS} s`);
    }
    if (opts.json) printJson(io, summary);
    else for (const line of formatSummary(summary)) io.out(line);
    return summary.ok ? EXIT_OK : EXIT_PROBLEMS;
  } finally {
    await server.close();
  }
}

/** Shows progress until no submission has work left; false on timeout. */
async function waitUntilSettled(
  server: RunningServer,
  io: Io,
  stages: readonly string[],
  since: string,
  started: number,
  timeoutS: number,
  show: boolean,
): Promise<boolean> {
  let quiet = 0;
  let lastLine = '';
  for (;;) {
    const open = await server.store.submissions.unfinished();
    const active = await server.store.submissions.activeJobs(1);
    quiet = open.length === 0 && active.length === 0 ? quiet + 1 : 0;
    if (show) {
      const line = await progressLine(server, stages, since);
      if (line !== lastLine) {
        io.err(`[${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s] ${line}`);
        lastLine = line;
      }
    }
    if (quiet >= 2) return true;
    if (Date.now() - started > timeoutS * 1000) return false;
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** One line: per stage its submissions' statuses, and its jobs running/done. */
async function progressLine(
  server: RunningServer,
  stages: readonly string[],
  since: string,
): Promise<string> {
  const page = await server.store.submissions.list({ experiment: DEMO_EXPERIMENT, limit: 200 });
  const mine = page.items.filter((s) => s.campaign === DEMO_CAMPAIGN && s.created_at >= since);
  const parts: string[] = [];
  for (const stage of stages) {
    const subs = mine.filter((s) => s.stage === stage).reverse();
    if (subs.length === 0) {
      parts.push(`${stage}: -`);
      continue;
    }
    const statuses = subs.map((s) => (s.recovery_step === null ? s.status : `↻${s.status}`));
    parts.push(`${stage}: ${statuses.join(',')}`);
  }
  return parts.join(' | ');
}
