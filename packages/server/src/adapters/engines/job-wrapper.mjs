// Runs one local-engine job and records how it ended: `node job-wrapper.mjs <job dir>`.
// The local engine starts this wrapper detached (its own process group) rather than the job
// itself, so that the job's exit status is written the moment it ends even while the server is
// down; only a parent can learn a process's exit status. Plain JavaScript with no imports of
// ours: it runs under bare Node, without tsx.
//
// A job that is the POMS job runtime itself (`node …/poms-job.mjs`, what every POMS submission
// runs) is run inside this process instead of as a child: starting Node costs about as much CPU
// as a short job's whole work, and a second Node per job halved the throughput of short jobs
// (bench B5). The wrapper still records how it ended, from the process's 'exit' event (the
// runtime ends with process.exit); the engine gives this process the job's stdout and stderr.
import { spawn } from 'node:child_process';
import { openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { setTimeout } from 'node:timers';
import { pathToFileURL } from 'node:url';

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

/** The job runtime, started by the same Node as this wrapper: it can run in this process. */
function isJobRuntime(argv) {
  return argv.length === 2 && argv[0] === process.execPath && basename(argv[1]) === 'poms-job.mjs';
}

const startedAt = new Date();
let finished = false;

function exitRecord(result, cpuTicks) {
  const endedAt = new Date();
  return {
    ...result,
    started_at: startedAt.toISOString(),
    ended_at: endedAt.toISOString(),
    wall_s: (endedAt.getTime() - startedAt.getTime()) / 1000,
    ...(Number.isFinite(cpuTicks) ? { cpu_s: cpuTicks / 100 } : {}),
  };
}

if (isJobRuntime(spec.argv)) runInProcess();
else runAsChild();

/**
 * The runtime in this process: its environment, working directory and argv as a child would have
 * them. Its own SIGTERM/SIGINT handlers (forward to the command, report, exit 143) are the ones
 * a cancel reaches; whatever way it exits, the 'exit' event records the code.
 */
function runInProcess() {
  for (const name of Object.keys(process.env)) delete process.env[name];
  Object.assign(process.env, spec.env);
  process.chdir(spec.cwd);
  process.argv = [...spec.argv];
  writeJson('poms-child.json', {
    pid: process.pid,
    start_ticks: statFields('self')?.[19],
    started_at: startedAt.toISOString(),
  });
  process.on('exit', (code) => {
    // Its own CPU time and its reaped children's (utime, stime, cutime, cstime), in ticks.
    const f = statFields('self');
    const ticks = f === undefined ? NaN : [11, 12, 13, 14].reduce((t, i) => t + Number(f[i]), 0);
    const maxRssKb = process.resourceUsage().maxRSS;
    writeJson('poms-exit.json', {
      ...exitRecord({ exit_code: code }, ticks),
      ...(maxRssKb > 0 ? { max_rss_kb: maxRssKb } : {}),
    });
  });
  import(pathToFileURL(spec.argv[1]).href).catch((e) => {
    process.stderr.write(`poms-job-wrapper: could not start the job runtime: ${String(e)}\n`);
    process.exit(127);
  });
}

function runAsChild() {
  // A cancel signals the whole group: the wrapper outlives the job's SIGTERM to record its end.
  process.on('SIGTERM', () => {});
  process.on('SIGINT', () => {});

  const out = openSync(join(dir, 'stdout'), 'a');
  const err = openSync(join(dir, 'stderr'), 'a');
  let maxRssKb = 0;

  function finish(result) {
    if (finished) return;
    finished = true;
    // Reaped children's CPU time (cutime + cstime, in ticks of 1/100 s on Linux) is exact.
    const f = statFields('self');
    const ticks = f === undefined ? NaN : Number(f[13]) + Number(f[14]);
    writeJson('poms-exit.json', {
      ...exitRecord(result, ticks),
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
}
