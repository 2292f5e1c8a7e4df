// The load test (issue 11): 50 people browsing and editing while 10^4 jobs report, against a
// real server on the loopback (in a child process: load-server.ts); then the store is held to
// every acknowledged answer (load-checks.ts). Bounded in requests and in time. `npm run load`
// runs the full form; load.test.ts a shorter one in CI.
//
//   npm run load -- [--users 50] [--jobs 10000] [--concurrency 32] [--think-ms 1000-3000]
//                   [--max-requests N] [--max-seconds 300] [--json FILE]
//
// Prints latency percentiles per request kind; exits 1 when a check fails (a 5xx, an unexpected
// answer, a lost report, a lost or duplicated revision).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { checkRun, sampledOutputs, type Counts } from './load-checks.ts';
import { Budget, LoadClient } from './load-client.ts';
import { nothingAcknowledged, playJobs } from './load-jobs.ts';
import { figuresTable, loadFigures, type LoadFigures } from './load-report.ts';
import { noOutcomes, peopleOf, playUsers, warmUp } from './load-users.ts';
import { startLoadServer, type LoadServer } from './load-server.ts';

export interface LoadOptions {
  users: number;
  jobs: number;
  /** Jobs reporting at once. */
  concurrency: number;
  maxRequests: number;
  maxSeconds: number;
  /** Each user waits this long (ms, uniform in the range) between two pages. */
  thinkMs: readonly [number, number];
  log?: (line: string) => void;
}

export interface LoadResult {
  options: Omit<LoadOptions, 'log'>;
  figures: LoadFigures;
  counts: Counts;
  jobsDone: number;
  userPages: number;
  /** Empty when the run held. */
  problems: string[];
}

/** Jobs played in the warm-up: in_000003 is among them, so both report paths are warmed. */
const WARM_JOBS = 4;

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const log = options.log ?? (() => {});
  const dataDir = mkdtempSync(join(tmpdir(), 'poms-load-'));
  let server: LoadServer | undefined;
  try {
    const setupStart = performance.now();
    server = await startLoadServer({ dataDir, users: options.users, jobs: options.jobs });
    const { world } = server;
    log(
      `load: ${world.users.length} users, ${world.jobs.length} jobs in ${world.submissions.length} ` +
        `submissions (set up in ${Math.round(performance.now() - setupStart)} ms) at ${world.url}`,
    );
    // Unmeasured: every page once, and the first jobs (one fails), through their own client.
    const warmClient = new LoadClient(world.url, new Budget(Number.MAX_SAFE_INTEGER, 3600));
    const people = peopleOf(warmClient, world);
    const outcomes = noOutcomes();
    const acknowledged = nothingAcknowledged();
    await warmUp(people, world, outcomes);
    const warm = { concurrency: 1, outputDir: world.outputDir };
    await playJobs(warmClient, world.jobs.slice(0, WARM_JOBS), warm, acknowledged);

    const budget = new Budget(options.maxRequests, options.maxSeconds);
    const client = new LoadClient(world.url, budget);
    for (const person of people) person.client = client;
    let jobsOver = false;
    const start = performance.now();
    const jobs = { concurrency: options.concurrency, outputDir: world.outputDir };
    await Promise.all([
      playJobs(client, world.jobs.slice(WARM_JOBS), jobs, acknowledged).finally(() => {
        jobsOver = true;
      }),
      playUsers(people, world, { thinkMs: options.thinkMs, stop: () => jobsOver }, outcomes),
    ]);
    const seconds = (performance.now() - start) / 1000;

    const snapshot = await server.snapshot(sampledOutputs(acknowledged));
    const { problems, counts } = await checkRun(
      [warmClient, client],
      world,
      snapshot,
      acknowledged,
      outcomes,
    );
    if (acknowledged.jobsDone < world.jobs.length)
      problems.push(
        `only ${acknowledged.jobsDone} of ${world.jobs.length} jobs reported before the budget ` +
          `(${options.maxRequests} requests, ${options.maxSeconds} s) ran out`,
      );
    const peakRssMiB = await server.close();
    server = undefined;
    const figures = loadFigures(client.kinds, seconds, peakRssMiB);
    log(figuresTable(figures));
    log(
      `load: ${acknowledged.jobsDone} jobs reported, ${outcomes.pages} user pages; ledger ` +
        `${JSON.stringify(counts.ledger)}, ${counts.outputs} outputs, ${counts.savedRevisions} ` +
        `revisions saved, ${counts.staleSaves} stale saves refused (409)`,
    );
    const { log: _log, ...kept } = options;
    return {
      options: kept,
      figures,
      counts,
      jobsDone: acknowledged.jobsDone,
      userPages: outcomes.pages,
      problems,
    };
  } finally {
    server?.kill();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** `LOW-HIGH` in milliseconds. */
function thinkRange(text: string): [number, number] {
  const match = /^(\d+)-(\d+)$/.exec(text);
  if (match === null) throw new Error(`--think-ms ${text}: expected LOW-HIGH in ms`);
  return [Number(match[1]), Number(match[2])];
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      users: { type: 'string', default: '50' },
      jobs: { type: 'string', default: '10000' },
      concurrency: { type: 'string', default: '32' },
      'max-requests': { type: 'string' },
      'max-seconds': { type: 'string', default: '300' },
      'think-ms': { type: 'string', default: '1000-3000' },
      json: { type: 'string' },
    },
  });
  const jobs = Number(values.jobs);
  const result = await runLoad({
    users: Number(values.users),
    jobs,
    concurrency: Number(values.concurrency),
    // About three requests a job, and room (four times that) for the users beside them.
    maxRequests: Number(values['max-requests'] ?? jobs * 4 * 3),
    maxSeconds: Number(values['max-seconds']),
    thinkMs: thinkRange(values['think-ms']),
    log: (line) => console.log(line),
  });
  if (values.json !== undefined) writeFileSync(values.json, `${JSON.stringify(result, null, 2)}\n`);
  if (result.problems.length > 0) {
    console.error(`load: ${result.problems.length} problem(s):`);
    for (const p of result.problems.slice(0, 50)) console.error(`  ${p}`);
    process.exitCode = 1;
  } else {
    console.log('load: every check held');
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
