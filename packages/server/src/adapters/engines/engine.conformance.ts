// One conformance suite for every BatchEngine that can run here (DESIGN.md §4): the local engine
// and a live Slurm run the same cases. Jobs are small node programs that leave a trace of each run
// in a folder every worker can see (this machine's), so "ran once" and "never started" are facts
// read from disk, not from the engine under test.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { BatchEngine, EngineJob, JobReport, SubmitRequest } from '@poms/core';

export interface EngineUnderTest {
  engine: BatchEngine;
  /** Stops watching (the jobs keep running): a server going down. */
  close(): void;
}

export interface ConformanceTarget {
  name: string;
  /** A new engine on `root`; a second call on the same root is the restarted server's engine. */
  open(root: string): EngineUnderTest;
  /** How long a short job may take from submit to end (scheduling included). */
  jobTimeoutMs: number;
  /**
   * Whether holding a running job pauses it (the local engine stops it) or only keeps queued
   * ones from starting (Slurm: suspending needs operator rights, so running jobs go on).
   */
  holdPausesRunning: boolean;
}

const DONE = new Set(['completed', 'failed', 'cancelled']);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A job that records its start in `traces` (index, pid, time), then does what `code` says. */
function traced(
  traces: string,
  index: number,
  code: string,
  env: Record<string, string> = {},
): EngineJob {
  const program = [
    "const fs = require('node:fs');",
    `fs.appendFileSync(${JSON.stringify(join(traces, `start-${index}`))}, Date.now() + '\\n');`,
    code,
    `fs.appendFileSync(${JSON.stringify(join(traces, `end-${index}`))}, Date.now() + '\\n');`,
  ].join('\n');
  return {
    index,
    argv: [process.execPath, '-e', program],
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', POMS_JOB_INDEX: String(index), ...env },
  };
}

function lines(path: string): number[] {
  return existsSync(path) ? readFileSync(path, 'utf8').trim().split('\n').map(Number) : [];
}

export function engineConformance(target: ConformanceTarget): void {
  describe(`BatchEngine conformance: ${target.name}`, () => {
    const folders: string[] = [];
    const opened: EngineUnderTest[] = [];
    const folder = (what: string) => {
      const dir = mkdtempSync(join(tmpdir(), `poms-conf-${what}-`));
      folders.push(dir);
      return dir;
    };
    const open = (root: string) => {
      const e = target.open(root);
      opened.push(e);
      return e;
    };
    let submissions = 0;
    const submissionId = () => `conf${process.pid}x${Date.now().toString(36)}x${++submissions}`;

    async function until(
      engine: BatchEngine,
      ids: readonly string[],
      done: (reports: JobReport[]) => boolean,
      timeoutMs = target.jobTimeoutMs,
    ): Promise<JobReport[]> {
      const end = Date.now() + timeoutMs;
      for (;;) {
        const reports = await engine.poll(ids);
        if (done(reports)) return reports;
        if (Date.now() > end) assert.fail(`timed out; last reports ${JSON.stringify(reports)}`);
        await sleep(200);
      }
    }
    const allDone = (engine: BatchEngine, ids: readonly string[], timeoutMs?: number) =>
      until(engine, ids, (rs) => rs.every((r) => DONE.has(r.state)), timeoutMs);

    after(() => {
      for (const e of opened) e.close();
      for (const dir of folders) rmSync(dir, { recursive: true, force: true });
    });

    it('runs each job from its argv and environment only; exit codes, signals, accounting and logs', async () => {
      const traces = folder('traces');
      const { engine } = open(folder('root'));
      process.env.POMS_CONFORMANCE_SECRET = 'the server keeps this';
      const word = `it's "quoted" $(touch ${join(traces, 'injected')}) \`x\` ; * \n ü`;
      const request: SubmitRequest = {
        submission_id: submissionId(),
        jobs: [
          traced(
            traces,
            0,
            `console.log(JSON.stringify({ argv: process.argv.slice(1), word: process.env.WORD, secret: process.env.POMS_CONFORMANCE_SECRET ?? null, index: process.env.POMS_JOB_INDEX })); console.error('to stderr');`,
            { WORD: word },
          ),
          traced(traces, 1, 'process.exitCode = 3;'),
          traced(traces, 2, "process.kill(process.pid, 'SIGKILL');"),
          traced(traces, 3, ''),
        ],
      };
      request.jobs[0]?.argv.push('--', word, '');
      const { engine_ids } = await engine.submit(request);
      assert.equal(engine_ids.length, 4);
      assert.equal(new Set(engine_ids).size, 4);
      const reports = await allDone(engine, engine_ids);
      const [ok, three, killed, plain] = reports;
      assert.equal(ok?.state, 'completed', JSON.stringify(ok));
      assert.equal(ok?.exit_code, 0);
      assert.equal(three?.state, 'failed', JSON.stringify(three));
      assert.equal(three?.exit_code, 3);
      assert.equal(killed?.state, 'failed', JSON.stringify(killed));
      assert.equal(killed?.signal, 'SIGKILL');
      assert.equal(plain?.state, 'completed');
      for (const r of reports) {
        assert.ok(r.started_at !== undefined && r.ended_at !== undefined, JSON.stringify(r));
        assert.ok(Date.parse(r.ended_at) >= Date.parse(r.started_at) - 1000, JSON.stringify(r));
        assert.ok(r.wall_s !== undefined && r.wall_s >= 0, JSON.stringify(r));
        assert.ok(r.host !== undefined && r.host !== '', JSON.stringify(r));
      }
      const logs = await engine.logs(engine_ids[0] ?? '');
      const printed = JSON.parse(logs.stdout.trim().split('\n').at(-1) ?? '{}') as Record<
        string,
        unknown
      >;
      assert.deepEqual(printed.argv, [word, '']); // node itself takes the '--'
      assert.equal(printed.word, word);
      assert.equal(printed.index, '0');
      assert.equal(printed.secret, null, "the server's environment never reaches a job");
      assert.match(logs.stderr, /to stderr/);
      assert.equal(logs.truncated, false);
      const short = await engine.logs(engine_ids[0] ?? '', 8);
      assert.equal(short.truncated, true);
      assert.ok(short.stdout.length <= 8);
      assert.equal(existsSync(join(traces, 'injected')), false, 'no argument was run as code');
    });

    it('submitting the same submission again returns the same ids and runs nothing twice', async () => {
      const traces = folder('traces');
      const { engine } = open(folder('root'));
      const request: SubmitRequest = {
        submission_id: submissionId(),
        jobs: [0, 1, 2].map((i) => traced(traces, i, '')),
      };
      const first = await engine.submit(request);
      const second = await engine.submit(request);
      assert.deepEqual(second.engine_ids, first.engine_ids);
      await allDone(engine, first.engine_ids);
      const third = await engine.submit(request);
      assert.deepEqual(third.engine_ids, first.engine_ids);
      await sleep(1500);
      for (const i of [0, 1, 2])
        assert.equal(lines(join(traces, `start-${i}`)).length, 1, `job ${i} ran once`);
    });

    it('keeps to the throttle', async () => {
      const traces = folder('traces');
      const { engine } = open(folder('root'));
      const { engine_ids } = await engine.submit({
        submission_id: submissionId(),
        throttle: 2,
        jobs: [0, 1, 2, 3, 4].map((i) =>
          traced(traces, i, 'Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1200);'),
        ),
      });
      const reports = await allDone(engine, engine_ids, target.jobTimeoutMs * 3);
      assert.ok(
        reports.every((r) => r.state === 'completed'),
        JSON.stringify(reports),
      );
      const spans = [0, 1, 2, 3, 4].map(
        (i) =>
          [
            lines(join(traces, `start-${i}`))[0] ?? 0,
            lines(join(traces, `end-${i}`))[0] ?? 0,
          ] as const,
      );
      for (const [start] of spans) {
        const running = spans.filter(([s, e]) => s <= start && start < e).length;
        assert.ok(running <= 2, `at most 2 at once, saw ${running}: ${JSON.stringify(spans)}`);
      }
    });

    it('cancels running and queued jobs', async () => {
      const traces = folder('traces');
      const { engine } = open(folder('root'));
      const { engine_ids } = await engine.submit({
        submission_id: submissionId(),
        throttle: 1,
        jobs: [0, 1].map((i) => traced(traces, i, 'setTimeout(() => {}, 120000);')),
      });
      await until(engine, engine_ids, (rs) => rs[0]?.state === 'running');
      await engine.cancel(engine_ids);
      const reports = await allDone(engine, engine_ids);
      assert.deepEqual(
        reports.map((r) => r.state),
        ['cancelled', 'cancelled'],
      );
      assert.equal(lines(join(traces, 'start-1')).length, 0, 'the queued job never started');
      await engine.cancel(engine_ids); // cancelling ended jobs is no error
    });

    it('holds queued jobs until released', async () => {
      const traces = folder('traces');
      const { engine } = open(folder('root'));
      const { engine_ids } = await engine.submit({
        submission_id: submissionId(),
        throttle: 1,
        jobs: [0, 1, 2].map((i) =>
          traced(traces, i, 'Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000);'),
        ),
      });
      await until(engine, engine_ids, (rs) => rs[0]?.state === 'running');
      await engine.hold(engine_ids.slice(1));
      const held = await until(
        engine,
        engine_ids,
        (rs) => rs[1]?.state === 'held' && rs[2]?.state === 'held',
      );
      assert.equal(held[1]?.state, 'held');
      // The first job ends; the held ones stay held and never start.
      await until(engine, engine_ids, (rs) => rs[0]?.state === 'completed');
      await sleep(2500);
      const still = await engine.poll(engine_ids);
      assert.deepEqual(
        still.slice(1).map((r) => r.state),
        ['held', 'held'],
      );
      assert.equal(
        lines(join(traces, 'start-1')).length + lines(join(traces, 'start-2')).length,
        0,
      );
      await engine.release(engine_ids.slice(1));
      const reports = await allDone(engine, engine_ids, target.jobTimeoutMs * 2);
      assert.deepEqual(
        reports.map((r) => r.state),
        ['completed', 'completed', 'completed'],
      );
      if (target.holdPausesRunning) {
        // Covered by the engine's own tests (a stopped process group): nothing more here.
      }
    });

    it('reports ids it never made as unknown, never failed', async () => {
      const { engine } = open(folder('root'));
      const [report] = await engine.poll(['999999_0']);
      assert.equal(report?.state, 'unknown');
    });

    it('a new engine on the same root finds its jobs, their ends and their ids again', async () => {
      const traces = folder('traces');
      const root = folder('root');
      const first = open(root);
      const request: SubmitRequest = {
        submission_id: submissionId(),
        jobs: [0, 1].map((i) =>
          traced(
            traces,
            i,
            `Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1500); process.exitCode = ${i};`,
          ),
        ),
      };
      const { engine_ids } = await first.engine.submit(request);
      await until(first.engine, engine_ids, (rs) => rs.some((r) => r.state === 'running'));
      first.close();
      const second = open(root);
      const reports = await allDone(second.engine, engine_ids);
      assert.deepEqual(
        reports.map((r) => [r.state, r.exit_code]),
        [
          ['completed', 0],
          ['failed', 1],
        ],
      );
      assert.deepEqual((await second.engine.submit(request)).engine_ids, engine_ids);
      assert.deepEqual(
        readdirSync(traces)
          .filter((f) => f.startsWith('start-'))
          .map((f) => lines(join(traces, f)).length),
        [1, 1],
      );
    });
  });
}
