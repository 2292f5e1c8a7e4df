// The local engine (DESIGN.md §4, issue 4 item 3): each job is a process on this machine, started
// from its argv (never a shell line) under a concurrency limit, in its own working directory
// `<root>/<submission_id>/<index>/` that also keeps its stdout and stderr files.
//
// Each job runs under job-wrapper.mjs, started detached in its own process group: the wrapper
// writes the job's exit status (poms-exit.json) the moment it ends, even while the server is down,
// and signals sent to the group (cancel, hold, release) reach the job's own children too. The
// engine keeps a record per job (poms-state.json, written atomically) so that a new LocalEngine
// on the same root finds its jobs again: a wrapper still alive (same pid and start time in
// /proc/<pid>/stat, so a reused pid is not mistaken for it) is running; one gone with an exit
// recorded is finished; one gone without (killed with its job, the machine rebooted) is failed as
// lost, never forgotten and never left running. Failed rather than unknown: the job certainly no
// longer runs, and recovery should take its files.
//
// CPU time at the end is exact (the wrapper reads its reaped children's time); while a job runs,
// CPU time and peak memory (VmHWM of the job's main process) are sampled, so they are lower
// bounds, and memory of the job's own children is not counted.
import { spawn, type ChildProcess } from 'node:child_process';
import {
  closeSync,
  fstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  readdirSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import { availableParallelism, hostname } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import {
  JobReport,
  type BatchEngine,
  type JobLogs,
  type SubmitRequest,
  type SubmitResult,
} from '@poms/core';
import { isAlive, readPeakRssKb, readStat } from './proc.ts';
import { isSafeSubmissionId } from './submission-id.ts';

export interface LocalEngineOptions {
  /** Folder holding one working directory per job. */
  root: string;
  /** Jobs running at once across all submissions; default: the number of CPUs. */
  concurrency?: number;
  /** Between SIGTERM and SIGKILL on cancel; default 5 s. */
  killGraceMs?: number;
  /** How often jobs found again after a restart are checked for their end; default 1 s. */
  monitorIntervalMs?: number;
  /** Default size of logs(); default 64 KiB per stream. */
  logBytes?: number;
}

const WRAPPER = fileURLToPath(new URL('./job-wrapper.mjs', import.meta.url));
const LOST_WHILE_DOWN = 'lost: the process ended while the server was down';
const LOST = 'lost: the job ended without recording an exit status';

/** What the wrapper reads: the job as submitted. */
const JobSpec = z.object({
  engine_id: z.string(),
  submission_id: z.string(),
  index: z.number().int(),
  argv: z.array(z.string()).min(1),
  env: z.record(z.string(), z.string()),
  cwd: z.string(),
  throttle: z.number().int().positive().optional(),
});
type JobSpec = z.infer<typeof JobSpec>;

/** What the wrapper writes when the job ends. */
const ExitRecord = z.object({
  exit_code: z.number().int().optional(),
  signal: z.string().optional(),
  reason: z.string().optional(),
  started_at: z.string(),
  ended_at: z.string(),
  wall_s: z.number(),
  cpu_s: z.number().optional(),
  max_rss_kb: z.number().optional(),
});
type ExitRecord = z.infer<typeof ExitRecord>;

/** The engine's record of a job. */
const JobRecord = z.object({
  phase: z.enum(['queued', 'started', 'done']),
  held: z.boolean(),
  cancel_requested: z.boolean(),
  cancel_requested_at: z.string().optional(),
  pid: z.number().int().optional(),
  pgid: z.number().int().optional(),
  start_ticks: z.string().optional(),
  started_at: z.string().optional(),
  final: JobReport.optional(),
});
type JobRecord = z.infer<typeof JobRecord>;

interface Job {
  id: string;
  dir: string;
  spec: JobSpec;
  record: JobRecord;
  /** The wrapper, when this engine started it (not one found again after a restart). */
  child?: ChildProcess;
  killTimer?: NodeJS.Timeout;
}

function writeJsonAtomic(path: string, value: unknown): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(value));
  renameSync(tmp, path);
}

function readJson<T>(path: string, schema: z.ZodType<T>): T | undefined {
  try {
    const parsed = schema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** The last `max` bytes of a file, '' when it does not exist. */
function tail(path: string, max: number): { text: string; truncated: boolean } {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return { text: '', truncated: false };
  }
  try {
    const size = fstatSync(fd).size;
    const length = Math.min(size, max);
    const buf = Buffer.alloc(length);
    readSync(fd, buf, 0, length, size - length);
    return { text: buf.toString('utf8'), truncated: size > length };
  } finally {
    closeSync(fd);
  }
}

/** Signals a process group, unless its leader is gone or its pid now names another process. */
function signalGroup(record: JobRecord, signal: NodeJS.Signals): void {
  if (record.pid === undefined || record.pgid === undefined) return;
  if (!isAlive(record.pid, record.start_ticks)) return;
  try {
    process.kill(-record.pgid, signal);
  } catch {
    // The group ended meanwhile.
  }
}

export class LocalEngine implements BatchEngine {
  readonly root: string;
  private readonly concurrency: number;
  private readonly killGraceMs: number;
  private readonly logBytes: number;
  private readonly host = hostname();
  private readonly jobs = new Map<string, Job>();
  private readonly queue: Job[] = [];
  private readonly active = new Set<Job>();
  private readonly monitor: NodeJS.Timeout;
  private readonly endListeners = new Set<() => void>();
  private closed = false;

  constructor(options: LocalEngineOptions) {
    this.root = options.root;
    this.concurrency = Math.max(1, options.concurrency ?? availableParallelism());
    this.killGraceMs = options.killGraceMs ?? 5000;
    this.logBytes = options.logBytes ?? 64 * 1024;
    mkdirSync(this.root, { recursive: true });
    this.recover();
    this.monitor = setInterval(() => this.check(), options.monitorIntervalMs ?? 1000);
    this.monitor.unref();
  }

  static engineId(submissionId: string, index: number): string {
    return `local:${submissionId}:${index}`;
  }

  submit(request: SubmitRequest): Promise<SubmitResult> {
    if (!isSafeSubmissionId(request.submission_id)) {
      return Promise.reject(new Error(`unusable submission id '${request.submission_id}'`));
    }
    const indexes = new Set<number>();
    for (const job of request.jobs) {
      if (!Number.isInteger(job.index) || job.index < 0 || indexes.has(job.index)) {
        return Promise.reject(
          new Error(`job index ${job.index} is not a new non-negative integer`),
        );
      }
      if (job.argv.length === 0) return Promise.reject(new Error(`job ${job.index} has no argv`));
      indexes.add(job.index);
    }
    const engine_ids: string[] = [];
    for (const job of request.jobs) {
      const id = LocalEngine.engineId(request.submission_id, job.index);
      engine_ids.push(id);
      if (this.jobs.has(id)) continue; // submitted before: idempotent
      const dir = join(this.root, request.submission_id, String(job.index));
      mkdirSync(dir, { recursive: true });
      const spec: JobSpec = {
        engine_id: id,
        submission_id: request.submission_id,
        index: job.index,
        argv: job.argv,
        env: job.env,
        cwd: job.cwd ?? dir,
        ...(request.throttle === undefined ? {} : { throttle: request.throttle }),
      };
      writeJsonAtomic(join(dir, 'poms-job.json'), spec);
      const entry: Job = {
        id,
        dir,
        spec,
        record: { phase: 'queued', held: false, cancel_requested: false },
      };
      this.save(entry);
      this.jobs.set(id, entry);
      this.queue.push(entry);
      // Free slots take jobs as soon as they are recorded: the first job of a large submission
      // must not wait for the records of all the others (the stage-to-stage hand-off).
      if (this.active.size < this.concurrency) this.schedule();
    }
    this.schedule();
    return Promise.resolve({ engine_ids });
  }

  poll(engineIds: readonly string[]): Promise<JobReport[]> {
    return Promise.resolve(engineIds.map((id) => this.report(id)));
  }

  cancel(engineIds: readonly string[]): Promise<void> {
    for (const job of this.known(engineIds)) {
      const r = job.record;
      if (r.phase === 'queued') {
        this.queue.splice(this.queue.indexOf(job), 1);
        this.finish(job, { state: 'cancelled', reason: 'cancelled before it started' });
      } else if (r.phase === 'started' && !this.settle(job)) {
        r.cancel_requested = true;
        r.cancel_requested_at = new Date().toISOString();
        r.held = false;
        this.save(job);
        signalGroup(r, 'SIGTERM');
        signalGroup(r, 'SIGCONT'); // a stopped job only sees SIGTERM once continued
        job.killTimer = setTimeout(() => signalGroup(r, 'SIGKILL'), this.killGraceMs);
        job.killTimer.unref();
      }
    }
    this.schedule();
    return Promise.resolve();
  }

  hold(engineIds: readonly string[]): Promise<void> {
    for (const job of this.known(engineIds)) {
      const r = job.record;
      if (r.phase === 'done' || r.held || r.cancel_requested) continue;
      r.held = true;
      this.save(job);
      if (r.phase === 'started') signalGroup(r, 'SIGSTOP');
    }
    return Promise.resolve();
  }

  release(engineIds: readonly string[]): Promise<void> {
    for (const job of this.known(engineIds)) {
      const r = job.record;
      if (r.phase === 'done' || !r.held) continue;
      r.held = false;
      this.save(job);
      if (r.phase === 'started') signalGroup(r, 'SIGCONT');
    }
    this.schedule();
    return Promise.resolve();
  }

  logs(engineId: string, maxBytes = this.logBytes): Promise<JobLogs> {
    const job = this.jobs.get(engineId);
    if (job === undefined) return Promise.reject(new Error(`no local job '${engineId}'`));
    const out = tail(join(job.dir, 'stdout'), maxBytes);
    const err = tail(join(job.dir, 'stderr'), maxBytes);
    return Promise.resolve({
      stdout: out.text,
      stderr: err.text,
      truncated: out.truncated || err.truncated,
    });
  }

  /**
   * Kills every job at once (SIGKILL to each process group) and forgets the queue: for a root
   * about to be deleted (a temporary server's), where no job may outlive the engine or write
   * into a folder being removed.
   */
  killAll(): void {
    this.queue.length = 0;
    for (const job of this.jobs.values()) {
      if (job.record.phase === 'started') signalGroup(job.record, 'SIGKILL');
    }
  }

  /**
   * Calls `listener` whenever a job ends on its own (its wrapper exited, or the monitor found a
   * job of a previous engine ended), so the executor can look at once instead of at its next
   * poll: a job's end report reaches the server just before its process is gone, too early for
   * the poll it triggers. Returns the function that stops the calls.
   */
  onJobEnded(listener: () => void): () => void {
    this.endListeners.add(listener);
    return () => {
      this.endListeners.delete(listener);
    };
  }

  /** Stops watching; the jobs keep running and a new engine on the same root finds them. */
  close(): void {
    this.closed = true;
    clearInterval(this.monitor);
    for (const job of this.jobs.values()) {
      job.child?.removeAllListeners();
      clearTimeout(job.killTimer);
    }
  }

  private known(ids: readonly string[]): Job[] {
    return ids.flatMap((id) => this.jobs.get(id) ?? []);
  }

  private save(job: Job): void {
    writeJsonAtomic(join(job.dir, 'poms-state.json'), job.record);
  }

  /** Finds the jobs of a previous engine on this root again. */
  private recover(): void {
    const queued: Job[] = [];
    for (const sub of readdirSync(this.root, { withFileTypes: true })) {
      if (!sub.isDirectory()) continue;
      for (const idx of readdirSync(join(this.root, sub.name), { withFileTypes: true })) {
        if (!idx.isDirectory()) continue;
        const dir = join(this.root, sub.name, idx.name);
        const spec = readJson(join(dir, 'poms-job.json'), JobSpec);
        const record = readJson(join(dir, 'poms-state.json'), JobRecord);
        if (spec === undefined || record === undefined) continue;
        const job: Job = { id: spec.engine_id, dir, spec, record };
        this.jobs.set(job.id, job);
        if (record.phase === 'queued') queued.push(job);
        if (record.phase === 'started') {
          this.active.add(job);
          this.settle(job);
        }
      }
    }
    queued.sort((a, b) => a.spec.index - b.spec.index);
    this.queue.push(...queued);
    this.schedule();
  }

  private runningIn(submissionId: string): number {
    let n = 0;
    for (const job of this.active) if (job.spec.submission_id === submissionId) n++;
    return n;
  }

  /** Starts queued jobs while the limits allow. A held job keeps its slot (it still holds memory). */
  private schedule(): void {
    if (this.closed) return;
    for (const job of [...this.queue]) {
      if (this.active.size >= this.concurrency) return;
      if (job.record.held) continue;
      const throttle = job.spec.throttle;
      if (throttle !== undefined && this.runningIn(job.spec.submission_id) >= throttle) continue;
      this.queue.splice(this.queue.indexOf(job), 1);
      this.start(job);
    }
  }

  private start(job: Job): void {
    // The job's own stdout and stderr: the wrapper runs the job runtime in its own process.
    const out = openSync(join(job.dir, 'stdout'), 'a');
    const err = openSync(join(job.dir, 'stderr'), 'a');
    let child: ChildProcess;
    try {
      child = spawn(process.execPath, [WRAPPER, job.dir], {
        detached: true,
        stdio: ['ignore', out, err],
        env: {},
        cwd: job.dir,
        shell: false,
      });
    } finally {
      closeSync(out);
      closeSync(err);
    }
    child.unref();
    const pid = child.pid;
    if (pid === undefined) {
      this.finish(job, { state: 'failed', reason: 'could not start the job wrapper' });
      return;
    }
    job.child = child;
    job.record = {
      ...job.record,
      phase: 'started',
      pid,
      pgid: pid,
      start_ticks: readStat(pid)?.start_ticks,
      started_at: new Date().toISOString(),
    };
    this.save(job);
    this.active.add(job);
    child.on('exit', () => {
      this.settle(job);
      this.schedule();
      this.tellEnded();
    });
  }

  /** Checks jobs found again after a restart, and kills cancelled ones past their grace. */
  private check(): void {
    let freed = false;
    for (const job of [...this.active]) {
      const r = job.record;
      if (job.child === undefined && this.settle(job)) freed = true;
      else if (
        r.cancel_requested &&
        job.killTimer === undefined &&
        Date.parse(r.cancel_requested_at ?? '') + this.killGraceMs < Date.now()
      ) {
        signalGroup(r, 'SIGKILL');
      }
    }
    if (freed) {
      this.schedule();
      this.tellEnded();
    }
  }

  private tellEnded(): void {
    if (this.closed) return;
    for (const listener of [...this.endListeners]) {
      try {
        listener();
      } catch {
        // A listener's fault is its own: the engine goes on.
      }
    }
  }

  /** Records the end of a started job if it has ended; true when the job is done. */
  private settle(job: Job): boolean {
    const r = job.record;
    if (r.phase === 'done') return true;
    if (r.phase === 'queued') return false;
    const exitPath = join(job.dir, 'poms-exit.json');
    let exit = readJson(exitPath, ExitRecord);
    if (exit === undefined) {
      if (r.pid !== undefined && isAlive(r.pid, r.start_ticks)) return false;
      exit = readJson(exitPath, ExitRecord); // it may have ended between the two looks
    }
    if (exit !== undefined) {
      this.finish(job, this.fromExit(exit, r.cancel_requested));
    } else if (r.cancel_requested) {
      this.finish(job, { state: 'cancelled', reason: 'killed on cancel' });
    } else {
      this.finish(job, {
        state: 'failed',
        reason: job.child === undefined ? LOST_WHILE_DOWN : LOST,
      });
    }
    return true;
  }

  private fromExit(exit: ExitRecord, cancelled: boolean): Omit<JobReport, 'engine_id'> {
    const clean = exit.signal === undefined && exit.exit_code === 0;
    return {
      state: clean ? 'completed' : cancelled ? 'cancelled' : 'failed',
      ...exit,
      host: this.host,
    };
  }

  private finish(job: Job, final: Omit<JobReport, 'engine_id'>): void {
    job.record = {
      ...job.record,
      phase: 'done',
      held: false,
      final: { engine_id: job.id, ...final },
    };
    this.save(job);
    const freed = this.active.delete(job);
    clearTimeout(job.killTimer);
    job.killTimer = undefined;
    // A slot is free, whoever noticed the end (the child's exit, the monitor, or a poll that
    // settled a job found again after a restart): queued jobs must not wait for another event.
    if (freed) queueMicrotask(() => this.schedule());
  }

  private report(id: string): JobReport {
    const job = this.jobs.get(id);
    if (job === undefined) return { engine_id: id, state: 'unknown', reason: 'no such local job' };
    const r = job.record;
    if (r.phase === 'queued') return { engine_id: id, state: r.held ? 'held' : 'queued' };
    if (this.settle(job)) return job.record.final ?? { engine_id: id, state: 'unknown' };
    const report: JobReport = {
      engine_id: id,
      state: r.held ? 'held' : 'running',
      host: this.host,
      ...(r.started_at === undefined
        ? {}
        : {
            started_at: r.started_at,
            wall_s: Math.max(0, (Date.now() - Date.parse(r.started_at)) / 1000),
          }),
    };
    const child = readJson(join(job.dir, 'poms-child.json'), z.object({ pid: z.number().int() }));
    if (child !== undefined) {
      const stat = readStat(child.pid);
      const rss = readPeakRssKb(child.pid);
      if (stat !== undefined) report.cpu_s = stat.cpu_s;
      if (rss !== undefined) report.max_rss_kb = rss;
    }
    return report;
  }
}
