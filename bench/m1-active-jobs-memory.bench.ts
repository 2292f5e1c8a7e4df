// M1: the server's peak memory while tracking 10^5 active jobs. A real server process (a child
// running startServer on a file SQLite store) is pre-filled with 10^5 jobs on the HTCondor engine
// (100 submissions × 1000 jobs, queued, engine ids `cluster.proc`); HTCondor cannot run here, so
// fake `condor_q`/`condor_history` executables first on the child's PATH answer in HTCondor's JSON
// format (as the recorded fixtures in adapters/engines/htcondor/__fixtures__): every asked job
// running. That is a fake of the external batch system only; the server, its executor, the
// HTCondor engine adapter and the store are the real ones. While the executor polls all jobs for
// several cycles (the first moves all 10^5 to running and the submissions to Running), the API is
// asked for submission lists. Peak RSS is the child's VmHWM (/proc/PID/status), sampled.
// Baseline: the same server on a store with no jobs, idle, asked the same lists.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openSqliteStore } from '../packages/server/src/adapters/storage/sqlite.ts';
import { systemClock } from '../packages/server/src/adapters/system/system-clock.ts';
import { ulidIdSource } from '../packages/server/src/adapters/system/ulid-ids.ts';
import { scaled, since, type BenchContext, type Benchmark } from './harness.ts';
import { createJobsSubmission } from './fixtures.ts';

const EXPERIMENT = 'bench';
const JOBS_PER_SUBMISSION = 1000;
const FIRST_CLUSTER = 10_000;
const GOAL_MIB = 512;
const TOKEN = `poms_${'m1-bench-token-'.padEnd(43, '0')}`;
/** Full executor cycles to watch (each polls every active job once). */
const CYCLES = 3;
const MAIN = fileURLToPath(new URL('../packages/server/src/main.ts', import.meta.url));

/**
 * The fake condor_q: every job of every asked cluster running; counts its calls in a file. The
 * engine runs the condor tools with a clean environment, so its settings are written in.
 */
const condorQ = (procs: number, calls: string) => `#!/usr/bin/env node
const fs = require('node:fs');
const args = process.argv.slice(2);
const at = args.indexOf('-attributes');
const clusters = args.slice(at < 0 ? 0 : at + 2).filter((a) => /^\\d+$/.test(a)).map(Number);
const procs = ${procs};
const ads = [];
for (const c of clusters) {
  for (let p = 0; p < procs; p++) {
    ads.push(JSON.stringify({ ClusterId: c, ProcId: p, JobStatus: 2, EnteredCurrentStatus: 1732871000,
      JobStartDate: 1732871000, JobCurrentStartDate: 1732871000, RemoteHost: 'slot1@wn042.fnal.gov',
      RemoteSysCpu: 2.0, RemoteUserCpu: 118.0, RemoteWallClockTime: 0.0, ResidentSetSize: 51200 }));
  }
}
fs.appendFileSync(${JSON.stringify(calls)}, clusters.length + '\\n');
if (ads.length > 0) process.stdout.write('[\\n' + ads.join('\\n,\\n') + '\\n]\\n');
`;

/** The fake condor_history: no job has left the queue. */
const CONDOR_HISTORY = `#!/bin/sh
exit 0
`;

/** The child: the real server on the data folder, its URL on stdout. */
const CHILD = `const { startServer } = await import(process.env.M1_MAIN);
const server = await startServer({ dataDir: process.env.M1_DATA, port: 0, demo: false,
  pollIntervalMs: 200, log: () => {} });
process.stdout.write('URL ' + server.url + '\\n');
`;

/** A store with `jobs` queued HTCondor jobs (none when 0), written through the store's API. */
export async function fill(dataDir: string, jobs: number): Promise<void> {
  mkdirSync(dataDir, { recursive: true });
  const store = await openSqliteStore({
    file: join(dataDir, 'poms.sqlite'),
    clock: systemClock,
    ids: ulidIdSource(),
  });
  try {
    await store.experiments.create({ name: EXPERIMENT, display_name: 'Bench' });
    // Who asks the API for lists: a root user's read token (the store keeps its hash only).
    const user = await store.identity.createUser({
      username: 'bench',
      displayName: 'Bench',
      isRoot: true,
    });
    await store.identity.createToken({
      userId: user.id,
      name: 'bench',
      tokenHash: createHash('sha256').update(TOKEN).digest('hex'),
      scopes: ['read'],
    });
    const { campaign } = await store.campaigns.create({
      experiment: EXPERIMENT,
      name: 'camp',
      text: 'campaign: camp\nstages: {}\n',
      model: {},
      author: 'bench',
    });
    for (let s = 0; s * JOBS_PER_SUBMISSION < jobs; s++) {
      const n = Math.min(JOBS_PER_SUBMISSION, jobs - s * JOBS_PER_SUBMISSION);
      const submission = await createJobsSubmission(store, {
        experiment: EXPERIMENT,
        campaignId: campaign.id,
        engine: 'htcondor',
        jobs: n,
      });
      const cluster = FIRST_CLUSTER + s;
      await store.submissions.recordBatch(
        submission.id,
        `htcondor:${cluster}`,
        Array.from({ length: n }, (_, p) => `${cluster}.${p}`),
      );
      await store.submissions.changeStatus(submission.id, {
        expected: 'New',
        to: 'Idle',
        reason: 'bench: launched',
      });
    }
  } finally {
    await store.close();
  }
}

function vm(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1];
    return kb === undefined ? 0 : Number(kb) / 1024;
  } catch {
    return 0;
  }
}

interface Watch {
  peakMiB: number;
  seconds: number;
  lists: number;
  listFailures: number;
  /** The last answer's HTTP status (0: no answer). */
  lastStatus: number;
}

/**
 * Runs the server on `dataDir` until `done` says so (or `limitS` passes), asking for lists, and
 * returns its peak memory.
 */
async function watchServer(
  dir: string,
  dataDir: string,
  procs: number,
  done: (calls: number, seconds: number) => boolean,
  limitS: number,
): Promise<Watch> {
  const bin = join(dir, 'bin');
  mkdirSync(bin, { recursive: true });
  const calls = join(dir, `calls-${procs}.txt`);
  writeFileSync(calls, '');
  for (const [name, text] of [
    ['condor_q', condorQ(procs, calls)],
    ['condor_history', CONDOR_HISTORY],
  ] as const) {
    writeFileSync(join(bin, name), text);
    chmodSync(join(bin, name), 0o755);
  }
  const childFile = join(dir, 'child.mts');
  writeFileSync(childFile, CHILD);
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', childFile], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    env: {
      ...process.env,
      PATH: `${bin}:${process.env.PATH ?? ''}`,
      M1_MAIN: MAIN,
      M1_DATA: dataDir,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout?.on('data', (d: Buffer) => {
        out += d.toString();
        const found = /URL (\S+)/.exec(out)?.[1];
        if (found !== undefined) resolve(found);
      });
      child.once('exit', (code) => reject(new Error(`M1: server exited (${code}): ${stderr}`)));
    });
    const pid = child.pid!;
    const started = performance.now();
    let peak = 0;
    let lists = 0;
    let listFailures = 0;
    let lastStatus = 0;
    const callCount = () =>
      readFileSync(calls, 'utf8')
        .split('\n')
        .filter((l) => l !== '').length;
    for (;;) {
      peak = Math.max(peak, vm(pid, 'VmHWM'), vm(pid, 'VmRSS'));
      const response = await fetch(
        `${url}/api/v1/experiments/${EXPERIMENT}/submissions?limit=100`,
        { headers: { authorization: `Bearer ${TOKEN}` } },
      ).catch(() => undefined);
      lists++;
      lastStatus = response?.status ?? 0;
      if (response === undefined || !response.ok) listFailures++;
      await response?.arrayBuffer();
      const seconds = since(started) / 1000;
      if (done(callCount(), seconds) || seconds > limitS) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    peak = Math.max(peak, vm(pid, 'VmHWM'));
    return { peakMiB: peak, seconds: since(started) / 1000, lists, listFailures, lastStatus };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r).once('error', r));
  }
}

export const benchmark: Benchmark = {
  id: 'M1',
  title: 'Server peak memory while tracking 10^5 active jobs',
  async run(context: BenchContext) {
    const jobs = scaled(context, 100_000, 1000);
    const dir = mkdtempSync(join(tmpdir(), 'poms-m1-'));
    try {
      const pages = Math.ceil(jobs / 10_000);
      context.log('  M1: idle server (no jobs)');
      await fill(join(dir, 'idle'), 0);
      const idle = await watchServer(dir, join(dir, 'idle'), 0, (_, s) => s >= 5, 5);
      const filled = performance.now();
      await fill(join(dir, 'busy'), jobs);
      context.log(`  M1: ${jobs} queued jobs in ${(since(filled) / 1000).toFixed(1)} s`);
      // The executor reads active jobs in pages of 10^4 and asks condor_q once per page.
      const busy = await watchServer(
        dir,
        join(dir, 'busy'),
        JOBS_PER_SUBMISSION,
        (calls) => calls >= pages * CYCLES,
        150,
      );
      const callsSeen = readFileSync(join(dir, `calls-${JOBS_PER_SUBMISSION}.txt`), 'utf8')
        .split('\n')
        .filter((l) => l !== '').length;
      const cycles = Math.floor(callsSeen / pages);
      context.log(
        `  M1: peak ${busy.peakMiB.toFixed(0)} MiB over ${cycles} cycles (idle ${idle.peakMiB.toFixed(0)} MiB)`,
      );
      const ratio = busy.peakMiB / GOAL_MIB;
      const notes = [
        `${jobs} active HTCondor jobs in submissions of ${JOBS_PER_SUBMISSION}; condor_q/condor_history are fakes of the batch system on the child's PATH (JSON as HTCondor prints it), everything else is the real server.`,
        `peak = the child's VmHWM sampled every ~100 ms over ${busy.seconds.toFixed(0)} s: ${callsSeen} condor_q calls, ${cycles} full poll cycles, ${busy.lists} submission lists asked (${busy.listFailures} not OK, last HTTP ${busy.lastStatus}).`,
        `baseline: the same server on a store with no jobs, idle for ${idle.seconds.toFixed(0)} s (${idle.lists} lists): ${idle.peakMiB.toFixed(0)} MiB, so the jobs cost ${(busy.peakMiB - idle.peakMiB).toFixed(0)} MiB.`,
      ];
      if (cycles < CYCLES) notes.push(`only ${cycles} of ${CYCLES} cycles within 150 s`);
      if (ratio > 1) notes.push(`peak over ${GOAL_MIB} MiB`);
      return [
        {
          id: 'M1',
          title: 'Server peak memory, 10^5 active jobs',
          store: 'SQLite (file, WAL)',
          ours: { label: `peak RSS tracking ${jobs} jobs`, value: busy.peakMiB, unit: 'MiB' },
          baseline: {
            label: 'peak RSS, same server idle, no jobs',
            value: idle.peakMiB,
            unit: 'MiB',
          },
          ratio,
          goal: `peak ≤ ${GOAL_MIB} MiB (ratio = peak / ${GOAL_MIB} ≤ 1)`,
          met: ratio <= 1 && cycles >= 1,
          details: [
            { label: 'active jobs', value: jobs, unit: 'jobs' },
            { label: 'poll cycles watched', value: cycles, unit: 'cycles' },
            { label: 'idle peak', value: idle.peakMiB, unit: 'MiB' },
            { label: 'cost of the jobs', value: busy.peakMiB - idle.peakMiB, unit: 'MiB' },
          ],
          notes,
        },
      ];
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
