// The batch task: what a Slurm array task or an HTCondor job runs, to start one job of a POMS
// submission. task-script.ts appends one call, `main("<the submission's jobs as JSON>")`, so the
// whole submission travels in one self-contained script: nothing to stage on a shared disk, the
// same over ssh, and no shell ever parses a job's argv or environment.
//
// Plain CommonJS with no imports of ours: batch systems copy the script (Slurm into its spool,
// under a name without extension) and run it with whatever `node` the worker has.
'use strict';
const { spawn } = require('node:child_process');
const { mkdirSync } = require('node:fs');
const { join } = require('node:path');

/** Signals a batch system sends to end or pause a job, passed on to the job itself. */
const FORWARDED = ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGUSR1', 'SIGUSR2', 'SIGXCPU'];

function main(specText) {
  const spec = JSON.parse(specText);
  // The job index: an argument (HTCondor's item data), else Slurm's array task id.
  const given = process.argv[2] ?? process.env.SLURM_ARRAY_TASK_ID;
  const index = Number(given);
  const job = spec.jobs.find((j) => j.index === index);
  if (given === undefined || job === undefined) {
    process.stderr.write(`poms-task: submission ${spec.submission_id} has no job '${given}'\n`);
    process.exit(2);
  }
  const argv = job.argv ?? spec.argv;
  // The batch system's own variables (SLURM_*, _CONDOR_*, scratch dirs) stay; the job's win.
  const env = { ...process.env, ...spec.env, ...job.env };
  let cwd = job.cwd;
  if (cwd === undefined && spec.workdir !== undefined) {
    cwd = join(spec.workdir, String(index));
    mkdirSync(cwd, { recursive: true });
  }
  const child = spawn(argv[0], argv.slice(1), {
    env,
    stdio: 'inherit',
    shell: false,
    ...(cwd === undefined ? {} : { cwd }),
  });
  for (const signal of FORWARDED) {
    process.on(signal, () => {
      try {
        child.kill(signal);
      } catch {
        // The job has ended meanwhile.
      }
    });
  }
  child.on('error', (error) => {
    process.stderr.write(`poms-task: could not start ${argv[0]}: ${error.message}\n`);
    process.exit(127);
  });
  child.on('exit', (code, signal) => {
    if (signal === null) process.exit(code ?? 1);
    // Die of the same signal, so the batch system records how the job ended.
    for (const s of FORWARDED) process.removeAllListeners(s);
    process.kill(process.pid, signal);
  });
}

module.exports = main;
