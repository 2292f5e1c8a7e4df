// Runs one local-engine job and records how it ended: `node job-wrapper.mjs <job dir>`.
// The local engine starts this wrapper detached (its own process group) rather than the job
// itself, so that the job's exit status is written the moment it ends even while the server is
// down; only a parent can learn a process's exit status. Plain JavaScript with no imports of
// ours: it runs under bare Node, without tsx.
import { spawn } from 'node:child_process';
import { openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout } from 'node:timers';

const dir = process.argv[2];
if (dir === undefined) process.exit(2);
const spec = JSON.parse(readFileSync(join(dir, 'poms-job.json'), 'utf8'));

function writeJson(name, value) {
  const tmp = join(dir, `.${name}.${process.pid}.tmp`);
  writeFileSync(tmp, JSON.stringify(value));
  renameSync(tmp, join(dir, name));
}

/** Fields of /proc/<pid>/stat after the command name (which may hold spaces and parentheses). */
function statFields(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

// A cancel signals the whole group: the wrapper outlives the job's SIGTERM to record its end.
process.on('SIGTERM', () => {});
process.on('SIGINT', () => {});

const out = openSync(join(dir, 'stdout'), 'a');
const err = openSync(join(dir, 'stderr'), 'a');
const startedAt = new Date();
let maxRssKb = 0;
let finished = false;

function finish(result) {
  if (finished) return;
  finished = true;
  // Reaped children's CPU time (cutime + cstime, in ticks of 1/100 s on Linux) is exact.
  const f = statFields('self');
  const ticks = f === undefined ? NaN : Number(f[13]) + Number(f[14]);
  const endedAt = new Date();
  writeJson('poms-exit.json', {
    ...result,
    started_at: startedAt.toISOString(),
    ended_at: endedAt.toISOString(),
    wall_s: (endedAt.getTime() - startedAt.getTime()) / 1000,
    ...(Number.isFinite(ticks) ? { cpu_s: ticks / 100 } : {}),
    ...(maxRssKb > 0 ? { max_rss_kb: maxRssKb } : {}),
  });
  process.exit(0);
}

let child;
try {
  child = spawn(spec.argv[0], spec.argv.slice(1), {
    env: spec.env,
    cwd: spec.cwd,
    stdio: ['ignore', out, err],
    shell: false,
  });
} catch (e) {
  finish({ exit_code: 127, reason: `could not start: ${String(e)}` });
}
if (child !== undefined) {
  child.on('error', (e) => finish({ exit_code: 127, reason: `could not start: ${e.message}` }));
  child.on('spawn', () => {
    const f = statFields(child.pid);
    writeJson('poms-child.json', {
      pid: child.pid,
      start_ticks: f?.[19],
      started_at: startedAt.toISOString(),
    });
    sample();
  });
  child.on('exit', (code, signal) =>
    finish(signal === null ? { exit_code: code ?? -1 } : { signal }),
  );
}

/** Peak resident memory (VmHWM) of the job's main process, sampled while it runs. */
function sample() {
  if (finished || child?.pid === undefined) return;
  try {
    const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
    if (m !== null) maxRssKb = Math.max(maxRssKb, Number(m[1]));
  } catch {
    // The job just ended.
  }
  setTimeout(sample, 200).unref();
}
