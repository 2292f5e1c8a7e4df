// B3: job runtime reports over HTTP. A real server (startServer, file-backed SQLite in a temp dir)
// runs in a child process, so the load generator here does not share its event loop; 64 clients
// on loopback (keep-alive) each play jobs the way runtime/poms-job.mjs does: GET spec, then per
// input file either POST outputs (metadata, the input as parent) and POST files consumed, or POST
// files failed; then POST end. Baseline: the same server and the same 64 clients asking the empty
// route GET /api/v1/jobs/ping. After the run the ledger and the outputs are checked; a mismatch is
// a bug and throws.
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Session } from 'node:inspector';
import type { DeclaredFile } from '@poms/core';
import type { Store } from '../packages/server/src/ports/store.ts';
import { jobToken } from '../packages/server/src/services/execution/tokens.ts';
import {
  quantile,
  scaled,
  since,
  type BenchContext,
  type BenchResult,
  type Benchmark,
} from './harness.ts';

/** 64 clients; POMS_BENCH_B3_CLIENTS=1 shows each call's own cost, without queueing. */
const CLIENTS = Number(process.env.POMS_BENCH_B3_CLIENTS ?? 64);
const FILES_PER_JOB = 2;
const JOBS_PER_SUBMISSION = 100;
/** One input file in ten fails: its job reports it failed and declares no output for it. */
const FAIL_EVERY = 10;
const EXPERIMENT = 'bench';
const CAMPAIGN = 'reports';
const STAGE = 'work';
const SECRET = 'b3'.repeat(32);
const CHILD_FLAG = 'POMS_BENCH_B3_SERVER';

// ---------------------------------------------------------------------------------------------
// The server side (child process).

interface Ready {
  kind: 'ready';
  url: string;
  outputDir: string;
  submissions: { id: string; jobs: { index: number; files: string[] }[] }[];
}

interface Checked {
  kind: 'checked';
  ledger: Record<string, Record<string, string>>;
  outputs: Record<string, Record<string, number>>;
  parents: Record<string, string[]>;
}

function campaignText(filesPerSubmission: number): string {
  return `campaign: ${CAMPAIGN}
defaults:
  launch_setup: here
job_types:
  proc:
    command: /bin/true
    files_per_job: ${FILES_PER_JOB}
    output_patterns: ["out_%"]
launch_setups:
  here:
    engine: local
stages:
  ${STAGE}:
    input: "file_name like 'in_%%'"
    split: nfiles(${filesPerSubmission})
    job_type: proc
`;
}

const inputName = (i: number) => `in_${String(i).padStart(7, '0')}.root`;

async function serveChild(): Promise<void> {
  const { startServer } = await import('../packages/server/src/main.ts');
  const { CampaignService } = await import('../packages/server/src/services/campaigns.ts');
  const dataDir = process.env.POMS_BENCH_B3_DIR ?? '';
  const submissionCount = Number(process.env.POMS_BENCH_B3_SUBMISSIONS);
  // The executor is not started: the submissions stay New, so no real job competes with the
  // clients for the store, and the ledger is exactly what the clients report.
  const server = await startServer({ dataDir, port: 0, demo: false, execute: false });
  const store = server.store;
  await store.experiments.create({ name: EXPERIMENT, display_name: 'B3' });
  const perSubmission = JOBS_PER_SUBMISSION * FILES_PER_JOB;
  await new CampaignService(store).create(EXPERIMENT, campaignText(perSubmission), 'bench');
  const files: DeclaredFile[] = Array.from({ length: submissionCount * perSubmission }, (_, i) => ({
    name: inputName(i),
    size: 1000 + i,
    metadata: { run_number: Math.floor(i / 100) },
    replicas: [{ location: 'local', path: join(dataDir, 'inputs', inputName(i)) }],
  }));
  await store.catalog.declareFiles(EXPERIMENT, files);
  const ready: Ready = { kind: 'ready', url: server.url, outputDir: '', submissions: [] };
  for (let s = 0; s < submissionCount; s++) {
    const outcome = await server.execution.launches.launch({
      experiment: EXPERIMENT,
      campaign: CAMPAIGN,
      stage: STAGE,
      launcher: 'bench',
    });
    if (outcome.kind !== 'launched') throw new Error(`launch ${s}: ${outcome.kind}`);
    const id = outcome.submission.id;
    const ledger = await store.submissions.ledger(id, { limit: 100_000 });
    const jobs = new Map<number, string[]>();
    for (const row of ledger.items) {
      jobs.set(row.job_index, [...(jobs.get(row.job_index) ?? []), row.file]);
    }
    ready.submissions.push({
      id,
      jobs: [...jobs].map(([index, names]) => ({ index, files: names })),
    });
  }
  ready.outputDir = join(dataDir, 'files', EXPERIMENT, CAMPAIGN, STAGE);
  process.send?.(ready);
  process.on('message', (message: { kind: string }) => {
    if (message.kind === 'profile') {
      void profileServer().then(() => process.send?.({ kind: 'profiling' }));
    } else if (message.kind === 'profile-end') {
      void profileEnd().then(() => process.send?.({ kind: 'profiled' }));
    } else if (message.kind === 'check') {
      void check(store, ready).then((checked) => process.send?.(checked));
    } else if (message.kind === 'close') {
      void server.close().then(() => process.exit(0));
    }
  });
}

// POMS_BENCH_B3_PROFILE=FILE: the server's CPU profile of the measured run (where its time goes).
let profiler: Session | undefined;

async function profileServer(): Promise<void> {
  if (process.env.POMS_BENCH_B3_PROFILE === undefined) return;
  const { Session } = await import('node:inspector');
  profiler = new Session();
  profiler.connect();
  const post = (method: string) =>
    new Promise<void>((resolve, reject) =>
      profiler?.post(method, (error) => (error ? reject(error) : resolve())),
    );
  await post('Profiler.enable');
  await post('Profiler.start');
}

async function profileEnd(): Promise<void> {
  const file = process.env.POMS_BENCH_B3_PROFILE;
  if (profiler === undefined || file === undefined) return;
  const session = profiler;
  const { writeFileSync } = await import('node:fs');
  await new Promise<void>((resolve, reject) =>
    session.post('Profiler.stop', (error, result) => {
      if (error) return reject(error);
      writeFileSync(file, JSON.stringify(result.profile));
      resolve();
    }),
  );
  session.disconnect();
}

/** What the store holds after the run: ledger states, outputs (and how often), sampled parents. */
async function check(store: Store, ready: Ready): Promise<Checked> {
  const checked: Checked = { kind: 'checked', ledger: {}, outputs: {}, parents: {} };
  for (const s of ready.submissions) {
    const ledger = await store.submissions.ledger(s.id, { limit: 100_000 });
    checked.ledger[s.id] = Object.fromEntries(ledger.items.map((r) => [r.file, r.state]));
    const counts: Record<string, number> = {};
    for (const o of await store.submissions.outputs(s.id))
      counts[o.file] = (counts[o.file] ?? 0) + 1;
    checked.outputs[s.id] = counts;
  }
  // Parents of every 50th output (reading all would take longer than the check is worth).
  const all = Object.values(checked.outputs).flatMap((o) => Object.keys(o));
  for (const name of all.filter((_, i) => i % 50 === 0)) {
    const details = await store.catalog.getFile(EXPERIMENT, name);
    checked.parents[name] = [...(details.parents ?? [])];
  }
  return checked;
}

if (process.env[CHILD_FLAG] === '1' && process.send !== undefined) {
  serveChild().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}

// ---------------------------------------------------------------------------------------------
// The load generator (this process).

interface Call {
  method: 'GET' | 'POST';
  path: string;
  token?: string;
  body?: unknown;
}

class Client {
  readonly agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });
  readonly latencies: number[] = [];
  /** Latencies by call (spec, outputs, files, end, ping). */
  readonly byCall = new Map<string, number[]>();
  failures = 0;
  readonly failureSamples: string[] = [];

  constructor(private readonly url: URL) {}

  async send(call: Call): Promise<void> {
    const body = call.body === undefined ? undefined : JSON.stringify(call.body);
    const start = performance.now();
    const { status, text } = await new Promise<{ status: number; text: string }>(
      (resolve, reject) => {
        const req = httpRequest(
          {
            agent: this.agent,
            host: this.url.hostname,
            port: this.url.port,
            method: call.method,
            path: call.path,
            headers: {
              ...(call.token === undefined ? {} : { authorization: `Bearer ${call.token}` }),
              ...(body === undefined
                ? {}
                : {
                    'content-type': 'application/json',
                    'content-length': Buffer.byteLength(body),
                  }),
            },
          },
          (res) => {
            const parts: Buffer[] = [];
            res.on('data', (chunk: Buffer) => parts.push(chunk));
            res.on('end', () =>
              resolve({ status: res.statusCode ?? 0, text: Buffer.concat(parts).toString() }),
            );
            res.on('error', reject);
          },
        );
        req.on('error', reject);
        req.end(body);
      },
    );
    const took = since(start);
    this.latencies.push(took);
    const call_ = call.path.slice(call.path.lastIndexOf('/') + 1);
    const list = this.byCall.get(call_) ?? [];
    list.push(took);
    this.byCall.set(call_, list);
    if (status < 200 || status >= 300) {
      this.failures++;
      if (this.failureSamples.length < 5)
        this.failureSamples.push(`${call.method} ${call.path}: ${status} ${text.slice(0, 200)}`);
    }
  }
}

interface JobPlay {
  submission: string;
  token: string;
  index: number;
  files: string[];
}

/** Whether the job fails this input file (deterministic, so the check knows what to expect). */
const fails = (name: string) => Number(/(\d+)\.root$/.exec(name)?.[1] ?? 0) % FAIL_EVERY === 3;
const outputOf = (input: string) => input.replace(/^in_/, 'out_');

/** The calls a job makes, in order, as the job runtime makes them. */
function jobCalls(job: JobPlay, outputDir: string): Call[] {
  const base = `/api/v1/jobs/${job.submission}/${job.index}`;
  const calls: Call[] = [{ method: 'GET', path: `${base}/spec`, token: job.token }];
  for (const input of job.files) {
    if (fails(input)) {
      calls.push({
        method: 'POST',
        path: `${base}/files`,
        token: job.token,
        body: { files: [{ name: input, state: 'failed', reason: 'exit 3' }] },
      });
      continue;
    }
    const output = outputOf(input);
    calls.push({
      method: 'POST',
      path: `${base}/outputs`,
      token: job.token,
      body: {
        files: [
          {
            name: output,
            size: 4096,
            checksum: `adler32:${(output.length * 2654435761) % 4294967296}`,
            metadata: { data_tier: 'reco', event_count: 500, 'bench.quality': 0.9 },
            parents: [input],
            path: join(outputDir, output),
          },
        ],
      },
    });
    calls.push({
      method: 'POST',
      path: `${base}/files`,
      token: job.token,
      body: { files: [{ name: input, state: 'consumed' }] },
    });
  }
  calls.push({
    method: 'POST',
    path: `${base}/end`,
    token: job.token,
    body: { exit_code: 0, consumed: job.files.length, failed: 0, outputs: job.files.length },
  });
  return calls;
}

/** `CLIENTS` clients taking the next piece of work until none is left; requests/s over the run. */
async function drive(
  client: Client,
  work: readonly (() => Promise<void>)[],
): Promise<{ ms: number; requests: number }> {
  const before = client.latencies.length;
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (next < work.length) await work[next++]!();
    }),
  );
  return { ms: since(start), requests: client.latencies.length - before };
}

function startChild(
  dir: string,
  submissions: number,
): Promise<{ child: ChildProcess; ready: Ready }> {
  const child = fork(fileURLToPath(import.meta.url), [], {
    execArgv: ['--import', 'tsx'],
    env: {
      ...process.env,
      [CHILD_FLAG]: '1',
      POMS_BENCH_B3_DIR: dir,
      POMS_BENCH_B3_SUBMISSIONS: String(submissions),
      POMS_JOB_SECRET: SECRET,
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', (m: Ready) => resolve({ child, ready: m }));
    child.once('exit', (code) =>
      reject(new Error(`the B3 server exited (${code}) before it was ready`)),
    );
  });
}

function ask<T>(child: ChildProcess, kind: string): Promise<T> {
  return new Promise((resolve) => {
    child.once('message', (m: T) => resolve(m));
    child.send({ kind });
  });
}

/** Every file in the state its job reported, every output declared once with its parent. */
function verify(ready: Ready, checked: Checked): void {
  const problems: string[] = [];
  for (const s of ready.submissions) {
    const ledger = checked.ledger[s.id] ?? {};
    const outputs = checked.outputs[s.id] ?? {};
    let expectedOutputs = 0;
    for (const job of s.jobs) {
      for (const input of job.files) {
        const want = fails(input) ? 'failed' : 'consumed';
        if (ledger[input] !== want) problems.push(`${s.id} ${input}: ${ledger[input]} ≠ ${want}`);
        if (fails(input)) continue;
        expectedOutputs++;
        if (outputs[outputOf(input)] !== 1)
          problems.push(`${s.id} ${outputOf(input)}: declared ${outputs[outputOf(input)] ?? 0}×`);
      }
    }
    if (Object.keys(outputs).length !== expectedOutputs)
      problems.push(`${s.id}: ${Object.keys(outputs).length} outputs, expected ${expectedOutputs}`);
  }
  for (const [name, parents] of Object.entries(checked.parents)) {
    const want = name.replace(/^out_/, 'in_');
    if (parents.length !== 1 || parents[0] !== want)
      problems.push(`${name}: parents ${parents.join(',')} ≠ ${want}`);
  }
  if (problems.length > 0)
    throw new Error(
      `B3: the ledger does not match the reports:\n${problems.slice(0, 20).join('\n')}`,
    );
}

async function run(context: BenchContext): Promise<BenchResult[]> {
  // ~5.8 requests per job: 1800 jobs give ≥ 10^4 requests at full scale.
  const submissions = Math.max(2, Math.ceil(scaled(context, 1800, 64) / JOBS_PER_SUBMISSION)) + 1;
  const dir = mkdtempSync(join(tmpdir(), 'poms-bench-b3-'));
  let child: ChildProcess | undefined;
  try {
    context.log(
      `B3: starting the server (child process), ${submissions} submissions × ${JOBS_PER_SUBMISSION} jobs`,
    );
    const started = await startChild(dir, submissions);
    child = started.child;
    const ready = started.ready;
    const client = new Client(new URL(ready.url));
    const secret = Buffer.from(SECRET, 'hex');
    const plays = (s: Ready['submissions'][number]) => {
      const token = jobToken(secret, s.id);
      return s.jobs.map((j) => {
        const calls = jobCalls(
          { submission: s.id, token, index: j.index, files: j.files },
          ready.outputDir,
        );
        return async () => {
          for (const call of calls) await client.send(call);
        };
      });
    };
    const [warm, ...measured] = ready.submissions;
    const ping = (n: number) =>
      Array.from(
        { length: n },
        () => () => client.send({ method: 'GET', path: '/api/v1/jobs/ping' }),
      );

    // Warm-up of both paths (JIT, connections, SQLite pages), not measured.
    await drive(client, ping(2000));
    await drive(client, plays(warm!));
    const warmFailures = client.failures;
    client.latencies.length = 0;

    const work = measured.flatMap(plays);
    context.log(`B3: ${work.length} jobs from ${CLIENTS} clients`);
    await ask(child, 'profile');
    client.byCall.clear();
    const ours = await drive(client, work);
    const byCall = [...client.byCall];
    await ask(child, 'profile-end');
    const oursLatencies = [...client.latencies];
    const oursFailures = client.failures;
    client.latencies.length = 0;

    context.log(`B3: baseline, ${ours.requests} pings from ${CLIENTS} clients`);
    const base = await drive(client, ping(ours.requests));
    const baseLatencies = [...client.latencies];
    const baseFailures = client.failures - oursFailures;

    context.log('B3: checking the ledger');
    verify(ready, await ask<Checked>(child, 'check'));
    client.agent.destroy();

    const oursRps = (ours.requests / ours.ms) * 1000;
    const baseRps = (base.requests / base.ms) * 1000;
    const ratio = oursRps / baseRps;
    const ms = (label: string, value: number) => ({
      label,
      value: Math.round(value * 100) / 100,
      unit: 'ms',
    });
    return [
      {
        id: 'B3',
        title: 'Job runtime reports over HTTP, 64 concurrent clients',
        store: 'SQLite (file, WAL)',
        ours: { label: 'job reports', value: Math.round(oursRps), unit: 'requests/s' },
        baseline: { label: 'empty route', value: Math.round(baseRps), unit: 'requests/s' },
        ratio,
        goal: 'ratio ≥ 0.5',
        met: ratio >= 0.5 && oursFailures === 0,
        details: [
          { label: 'requests (ours)', value: ours.requests, unit: 'requests' },
          { label: 'jobs played', value: work.length, unit: 'jobs' },
          ms('ours p50', quantile(oursLatencies, 0.5)),
          ms('ours p95', quantile(oursLatencies, 0.95)),
          ms('ours p99', quantile(oursLatencies, 0.99)),
          ms('baseline p50', quantile(baseLatencies, 0.5)),
          ms('baseline p95', quantile(baseLatencies, 0.95)),
          ms('baseline p99', quantile(baseLatencies, 0.99)),
          ...byCall.map(([call, values]) => ms(`ours p50 ${call}`, quantile(values, 0.5))),
          { label: 'non-2xx (ours)', value: oursFailures - warmFailures, unit: 'requests' },
          { label: 'non-2xx (baseline)', value: baseFailures, unit: 'requests' },
        ],
        notes: [
          'Server: startServer in a child process (its own event loop and core), file-backed SQLite, executor not started (submissions stay New).',
          `Per job: GET spec, per input file POST outputs + POST files consumed (1 in ${FAIL_EVERY}: POST files failed), POST end; ${FILES_PER_JOB} files per job.`,
          'Baseline: GET /api/v1/jobs/ping on the same Fastify server, same 64 keep-alive clients.',
          ...(ratio >= 0.5
            ? []
            : [
                'What limits it: POST outputs (the catalog declaration of the output with its parent, in a transaction: see "ours p50 outputs") costs most; every store query is also compiled by Kysely and prepared anew by better-sqlite3 (no statement cache in the SQLite dialect). Authentication and the frozen config are read once per submission (cached 30 s).',
              ]),
          ...client.failureSamples.map((s) => `non-2xx: ${s}`),
        ],
      },
    ];
  } finally {
    if (child !== undefined && child.exitCode === null) {
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      child.send({ kind: 'close' });
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

export const benchmark: Benchmark = {
  id: 'B3',
  title: 'Job runtime reports over HTTP, 64 concurrent clients',
  run,
};
