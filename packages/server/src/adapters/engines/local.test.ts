import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JobReport } from '@poms/core';
import { LocalEngine } from './local.ts';
import { isAlive, readStat } from './proc.ts';

const SH = '/bin/sh';
const roots: string[] = [];
const engines: LocalEngine[] = [];
const pgids = new Set<number>();

function tempRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'poms-local-engine-'));
  roots.push(root);
  return root;
}

function engine(root: string, options: { concurrency?: number; killGraceMs?: number } = {}) {
  const e = new LocalEngine({ root, monitorIntervalMs: 100, ...options });
  engines.push(e);
  return e;
}

function sh(index: number, script: string, env: Record<string, string> = {}) {
  return { index, argv: [SH, '-c', script], env: { PATH: '/usr/bin:/bin', ...env } };
}

/** The wrapper's pid = the job's process group, from the engine's record. */
function pgidOf(root: string, sub: string, index: number): number {
  const rec: unknown = JSON.parse(
    readFileSync(join(root, sub, String(index), 'poms-state.json'), 'utf8'),
  );
  const pgid = (rec as { pgid?: number }).pgid;
  assert.ok(pgid !== undefined, 'job started');
  pgids.add(pgid);
  return pgid;
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(
  f: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 8000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('timed out');
    await sleep(50);
  }
}

const DONE = new Set(['completed', 'failed', 'cancelled']);
function allDone(e: LocalEngine, ids: string[]): Promise<JobReport[]> {
  return until(async () => {
    const reports = await e.poll(ids);
    return reports.every((r) => DONE.has(r.state)) ? reports : undefined;
  });
}
function inState(e: LocalEngine, id: string, state: string): Promise<JobReport> {
  return until(async () => {
    const [r] = await e.poll([id]);
    return r?.state === state ? r : undefined;
  });
}

after(() => {
  for (const e of engines) e.close();
  for (const pgid of pgids) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

describe('LocalEngine', () => {
  it('runs jobs from argv and env, recording exit codes, stdout and stderr files', async () => {
    const root = tempRoot();
    const e = engine(root, { concurrency: 3 });
    const jobs = [0, 1, 2, 3, 4].map((i) =>
      sh(i, `echo "$POMS_X"; echo oops-${i} >&2; exit ${i}`, { POMS_X: `x${i}` }),
    );
    const { engine_ids } = await e.submit({ submission_id: 'sub_a', jobs });
    assert.deepEqual(
      engine_ids,
      [0, 1, 2, 3, 4].map((i) => `local:sub_a:${i}`),
    );
    const reports = await allDone(e, engine_ids);
    assert.deepEqual(
      reports.map((r) => [r.state, r.exit_code]),
      [
        ['completed', 0],
        ['failed', 1],
        ['failed', 2],
        ['failed', 3],
        ['failed', 4],
      ],
    );
    for (const r of reports) {
      assert.ok(r.wall_s !== undefined && r.wall_s >= 0);
      assert.ok(r.cpu_s !== undefined && r.cpu_s >= 0);
      assert.ok(r.started_at !== undefined && r.ended_at !== undefined && r.host !== undefined);
    }
    for (const i of [0, 1, 2, 3, 4]) {
      assert.equal(readFileSync(join(root, 'sub_a', String(i), 'stdout'), 'utf8'), `x${i}\n`);
      assert.equal(readFileSync(join(root, 'sub_a', String(i), 'stderr'), 'utf8'), `oops-${i}\n`);
    }
    assert.deepEqual(await e.logs('local:sub_a:3'), {
      stdout: 'x3\n',
      stderr: 'oops-3\n',
      truncated: false,
    });
    // Resubmitting the same submission starts nothing new.
    assert.deepEqual((await e.submit({ submission_id: 'sub_a', jobs })).engine_ids, engine_ids);
    assert.equal(readFileSync(join(root, 'sub_a', '0', 'stdout'), 'utf8'), 'x0\n');
  });

  it('keeps the last bytes of long logs', async () => {
    const e = engine(tempRoot());
    const { engine_ids } = await e.submit({
      submission_id: 'sub_logs',
      jobs: [sh(0, 'i=0; while [ $i -lt 100 ]; do echo line$i; i=$((i+1)); done')],
    });
    await allDone(e, engine_ids);
    const logs = await e.logs('local:sub_logs:0', 8);
    assert.deepEqual(logs, { stdout: '\nline99\n', stderr: '', truncated: true });
  });

  it('passes argv verbatim: shell metacharacters are not interpreted', async () => {
    const root = tempRoot();
    const marker = join(root, 'touched');
    const e = engine(root);
    const word = `$(touch ${marker}); \`touch ${marker}\` | & > <`;
    const { engine_ids } = await e.submit({
      submission_id: 'sub_meta',
      jobs: [{ index: 0, argv: ['/bin/echo', word, '*'], env: {} }],
    });
    const [r] = await allDone(e, engine_ids);
    assert.equal(r?.state, 'completed');
    assert.equal((await e.logs('local:sub_meta:0')).stdout, `${word} *\n`);
    assert.equal(existsSync(marker), false);
  });

  it('reports a program that cannot start as failed', async () => {
    const e = engine(tempRoot());
    const { engine_ids } = await e.submit({
      submission_id: 'sub_enoent',
      jobs: [{ index: 0, argv: ['/no/such/program'], env: {} }],
    });
    const [r] = await allDone(e, engine_ids);
    assert.equal(r?.state, 'failed');
    assert.match(r?.reason ?? '', /could not start/);
  });

  it('respects the concurrency limit and the per-submission throttle', async () => {
    const root = tempRoot();
    const log = join(root, 'times');
    const e = engine(root, { concurrency: 3 });
    const job = (i: number) =>
      sh(i, `echo "start $(date +%s%N)" >> ${log}; sleep 0.3; echo "end $(date +%s%N)" >> ${log}`);
    const a = await e.submit({ submission_id: 'sub_c', jobs: [0, 1, 2, 3, 4, 5].map(job) });
    await allDone(e, a.engine_ids);
    const most = maxOverlap(log);
    assert.ok(most <= 3 && most >= 2, `at most 3 at once, and more than 1: ${most}`);

    rmSync(log);
    const b = await e.submit({ submission_id: 'sub_t', jobs: [0, 1, 2, 3].map(job), throttle: 2 });
    await allDone(e, b.engine_ids);
    assert.ok(maxOverlap(log) <= 2, 'at most 2 of the throttled submission at once');
  });

  it('cancels a running job: its whole process group is gone within seconds', async () => {
    const root = tempRoot();
    const e = engine(root, { killGraceMs: 1000 });
    const { engine_ids } = await e.submit({
      submission_id: 'sub_cancel',
      // The job's own child (sleep) must die too.
      jobs: [sh(0, 'sleep 30 & wait'), sh(1, "trap '' TERM; sleep 30 & wait; sleep 30")],
    });
    await inState(e, 'local:sub_cancel:0', 'running');
    await inState(e, 'local:sub_cancel:1', 'running');
    const pgid0 = pgidOf(root, 'sub_cancel', 0);
    const pgid1 = pgidOf(root, 'sub_cancel', 1);
    await sleep(100);
    const t0 = Date.now();
    await e.cancel(engine_ids);
    const reports = await allDone(e, engine_ids);
    assert.deepEqual(
      reports.map((r) => r.state),
      ['cancelled', 'cancelled'],
    );
    await until(() => (!groupAlive(pgid0) && !groupAlive(pgid1) ? true : undefined), 4000);
    assert.ok(Date.now() - t0 < 4000);
  });

  it('cancels queued jobs before they start', async () => {
    const e = engine(tempRoot(), { concurrency: 1 });
    const { engine_ids } = await e.submit({
      submission_id: 'sub_q',
      jobs: [sh(0, 'sleep 0.5'), sh(1, 'exit 0')],
    });
    assert.equal((await e.poll(['local:sub_q:1']))[0]?.state, 'queued');
    await e.cancel(['local:sub_q:1']);
    const reports = await allDone(e, engine_ids);
    assert.deepEqual(
      reports.map((r) => r.state),
      ['completed', 'cancelled'],
    );
  });

  it('holds a running job (it stops advancing) and releases it', async () => {
    const root = tempRoot();
    const ticks = join(root, 'ticks');
    const e = engine(root);
    const { engine_ids } = await e.submit({
      submission_id: 'sub_hold',
      jobs: [
        sh(0, `i=0; while [ $i -lt 40 ]; do echo $i >> ${ticks}; i=$((i+1)); sleep 0.05; done`),
      ],
    });
    await until(() => (existsSync(ticks) ? true : undefined));
    pgidOf(root, 'sub_hold', 0);
    await e.hold(engine_ids);
    assert.equal((await e.poll(engine_ids))[0]?.state, 'held');
    await sleep(150);
    const before = lineCount(ticks);
    await sleep(400);
    assert.equal(lineCount(ticks), before, 'no ticks while held');
    await e.release(engine_ids);
    assert.equal((await e.poll(engine_ids))[0]?.state, 'running');
    const [r] = await allDone(e, engine_ids);
    assert.equal(r?.state, 'completed');
    assert.equal(lineCount(ticks), 40);
  });

  it('kills every job at once when its root is about to go, queued ones never start', async () => {
    const root = tempRoot();
    const e = engine(root, { concurrency: 1 });
    const { engine_ids } = await e.submit({
      submission_id: 'sub_k',
      jobs: [sh(0, 'sleep 30'), sh(1, `touch ${join(root, 'started-1')}; sleep 30`)],
    });
    await inState(e, 'local:sub_k:0', 'running');
    const group = pgidOf(root, 'sub_k', 0);
    e.killAll();
    await until(() => (groupAlive(group) ? undefined : true));
    e.close();
    await sleep(200);
    assert.equal(existsSync(join(root, 'started-1')), false, 'the queued job never ran');
    assert.equal(engine_ids.length, 2);
  });

  it('after a restart, finds a running job again and a job lost while it was down', async () => {
    const root = tempRoot();
    const first = engine(root);
    const marker = join(root, 'go');
    const { engine_ids } = await first.submit({
      submission_id: 'sub_r',
      jobs: [
        sh(0, `while [ ! -e ${marker} ]; do sleep 0.05; done; echo done; exit 3`),
        sh(1, 'sleep 30'),
      ],
    });
    await inState(first, 'local:sub_r:0', 'running');
    await inState(first, 'local:sub_r:1', 'running');
    const lostGroup = pgidOf(root, 'sub_r', 1);
    pgidOf(root, 'sub_r', 0);
    first.close(); // "the server stops"; its jobs go on

    process.kill(-lostGroup, 'SIGKILL'); // the job and its wrapper die while no engine watches
    await until(() => (isAlive(lostGroup, undefined) ? undefined : true));

    const second = engine(root);
    const [running, lost] = await second.poll(engine_ids);
    assert.equal(running?.state, 'running');
    assert.equal(lost?.state, 'failed');
    assert.equal(lost?.reason, 'lost: the process ended while the server was down');

    writeFileSync(marker, '');
    const [done] = await allDone(second, ['local:sub_r:0']);
    assert.equal(done?.state, 'failed');
    assert.equal(done?.exit_code, 3);
    assert.equal((await second.logs('local:sub_r:0')).stdout, 'done\n');
  });

  it('after a restart, starts queued jobs as soon as a poll sees a slot free', async () => {
    // The bug this guards: a poll that noticed the end of a job found again after a restart
    // freed its slot without starting the queued jobs, which then waited forever.
    const root = tempRoot();
    const first = engine(root, { concurrency: 1 });
    const marker = join(root, 'go');
    const { engine_ids } = await first.submit({
      submission_id: 'sub_q',
      jobs: [sh(0, `while [ ! -e ${marker} ]; do sleep 0.05; done`), sh(1, 'exit 0')],
    });
    await inState(first, 'local:sub_q:0', 'running');
    first.close();
    // No monitor to speak of: only polls see the first job end.
    const second = new LocalEngine({ root, concurrency: 1, monitorIntervalMs: 3_600_000 });
    engines.push(second);
    assert.deepEqual(
      (await second.poll(engine_ids)).map((r) => r.state),
      ['running', 'queued'],
    );
    writeFileSync(marker, '');
    const reports = await allDone(second, engine_ids);
    assert.deepEqual(
      reports.map((r) => r.state),
      ['completed', 'completed'],
    );
  });

  it('tells a process from another one that reuses its pid, by start time', () => {
    const own = readStat(process.pid);
    assert.ok(own !== undefined);
    assert.equal(isAlive(process.pid, own.start_ticks), true);
    assert.equal(isAlive(process.pid, String(Number(own.start_ticks) + 1)), false);
  });

  it('runs the job runtime (node poms-job.mjs) in its wrapper: same env, cwd, logs, exit code', async () => {
    const root = tempRoot();
    const bin = tempRoot();
    const runtime = join(bin, 'poms-job.mjs');
    // Stands in for the runtime: prints what a job sees, and on SIGTERM exits 143 as it does.
    writeFileSync(
      runtime,
      `process.on('SIGTERM', () => process.exit(143));
console.log(JSON.stringify({ argv: process.argv.slice(1), cwd: process.cwd(), x: process.env.POMS_X, keys: Object.keys(process.env).sort() }));
console.error('runtime says hi');
if (process.env.POMS_X === 'wait') setInterval(() => {}, 1000);
else process.exit(Number(process.env.POMS_X));`,
    );
    const e = engine(root);
    const job = (index: number, x: string) => ({
      index,
      argv: [process.execPath, runtime],
      env: { POMS_X: x },
    });
    const { engine_ids } = await e.submit({
      submission_id: 'sub_rt',
      jobs: [job(0, '0'), job(1, '7')],
    });
    const reports = await allDone(e, engine_ids);
    assert.deepEqual(
      reports.map((r) => [r.state, r.exit_code]),
      [
        ['completed', 0],
        ['failed', 7],
      ],
    );
    assert.ok(reports.every((r) => r.cpu_s !== undefined && r.max_rss_kb !== undefined));
    const dir = join(root, 'sub_rt', '1');
    const seen = JSON.parse(readFileSync(join(dir, 'stdout'), 'utf8')) as Record<string, unknown>;
    assert.deepEqual(seen, { argv: [runtime], cwd: dir, x: '7', keys: ['POMS_X'] });
    assert.equal(readFileSync(join(dir, 'stderr'), 'utf8'), 'runtime says hi\n');
    const child = JSON.parse(readFileSync(join(dir, 'poms-child.json'), 'utf8')) as { pid: number };
    assert.equal(child.pid, pgidOf(root, 'sub_rt', 1), 'no second process: the wrapper ran it');
    // A cancel reaches the runtime's own SIGTERM handler; its exit 143 is recorded, cancelled.
    const [waiting] = (await e.submit({ submission_id: 'sub_rt2', jobs: [job(0, 'wait')] }))
      .engine_ids;
    assert.ok(waiting !== undefined);
    await until(() => (existsSync(join(root, 'sub_rt2', '0', 'stdout')) ? true : undefined));
    await until(() =>
      readFileSync(join(root, 'sub_rt2', '0', 'stdout'), 'utf8') === '' ? undefined : true,
    );
    pgidOf(root, 'sub_rt2', 0);
    await e.cancel([waiting]);
    const [cancelled] = await allDone(e, [waiting]);
    assert.deepEqual([cancelled?.state, cancelled?.exit_code], ['cancelled', 143]);
  });

  it('tells its listeners when a job ends, so the executor need not wait for its poll', async () => {
    const e = engine(tempRoot());
    let ended = 0;
    const stop = e.onJobEnded(() => ended++);
    const { engine_ids } = await e.submit({
      submission_id: 'sub_end',
      jobs: [sh(0, 'exit 0'), sh(1, 'exit 3')],
    });
    await until(() => (ended >= 2 ? true : undefined));
    const reports = await e.poll(engine_ids);
    assert.deepEqual(
      reports.map((r) => r.state),
      ['completed', 'failed'],
      'ended, as told',
    );
    stop();
    await e.submit({ submission_id: 'sub_end2', jobs: [sh(0, 'exit 0')] });
    await allDone(e, ['local:sub_end2:0']);
    await sleep(100);
    assert.equal(ended, 2, 'not told after it stopped listening');
  });

  it('says unknown for ids it has never seen', async () => {
    const e = engine(tempRoot());
    assert.deepEqual(
      (await e.poll(['local:nope:0'])).map((r) => r.state),
      ['unknown'],
    );
  });
});

function lineCount(path: string): number {
  return readFileSync(path, 'utf8').split('\n').filter(Boolean).length;
}

/** Most jobs running at once, from their "start T" / "end T" lines. */
function maxOverlap(path: string): number {
  const events = readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [kind, t] = line.split(' ');
      return { delta: kind === 'start' ? 1 : -1, t: BigInt(t ?? '0') };
    })
    // At equal times, ends first: a job may start the instant another ends.
    .sort((a, b) => (a.t === b.t ? a.delta - b.delta : a.t < b.t ? -1 : 1));
  let now = 0;
  let max = 0;
  for (const e of events) {
    now += e.delta;
    max = Math.max(max, now);
  }
  return max;
}
