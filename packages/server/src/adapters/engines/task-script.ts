// The self-contained script a batch engine hands to its batch system (the Slurm batch script, the
// HTCondor executable): the task runner poms-task.cjs with the submission's jobs embedded as one
// JSON string literal. Data is carried as data — JSON inside a JavaScript string — so no job's
// argv or environment is ever parsed by a shell, here, on a launch host or on a worker.
//
// Jobs of one submission share most of their environment (they differ by POMS_JOB_INDEX): what is
// common is written once, so a 10 000-job array stays far below batch systems' script limits.
import { readFileSync } from 'node:fs';
import type { EngineJob, SubmitRequest } from '@poms/core';

const RUNNER = readFileSync(new URL('./poms-task.cjs', import.meta.url), 'utf8');

export interface TaskScriptOptions {
  /** The interpreter line: `#!/usr/bin/env node` unless a path to node is given. */
  node?: string;
  /** Jobs without their own cwd run in `<workdir>/<index>` (made on the worker). */
  workdir?: string;
}

interface TaskSpec {
  submission_id: string;
  argv: string[];
  env: Record<string, string>;
  workdir?: string;
  jobs: { index: number; argv?: string[]; env: Record<string, string>; cwd?: string }[];
}

/** The submission's jobs with what they share taken out once. */
export function taskSpec(request: SubmitRequest, workdir?: string): TaskSpec {
  const first: EngineJob | undefined = request.jobs[0];
  const firstEnv = first?.env ?? {};
  // One pass over the jobs with no allocation per job unless a job differs: a 1000-job launch
  // builds its script in a few ms, not tens.
  let shared = Object.keys(firstEnv);
  for (const job of request.jobs) {
    if (shared.some((name) => job.env[name] !== firstEnv[name])) {
      shared = shared.filter((name) => job.env[name] === firstEnv[name]);
    }
  }
  const common: Record<string, string> = {};
  for (const name of shared) common[name] = firstEnv[name]!;
  const isCommon = new Set(shared);
  const argv = first?.argv ?? [];
  const same = (a: readonly string[]) =>
    a.length === argv.length && a.every((w, i) => w === argv[i]);
  return {
    submission_id: request.submission_id,
    argv,
    env: common,
    ...(workdir === undefined ? {} : { workdir }),
    jobs: request.jobs.map((job) => {
      const env: Record<string, string> = {};
      for (const [name, value] of Object.entries(job.env))
        if (!isCommon.has(name)) env[name] = value;
      return {
        index: job.index,
        ...(same(job.argv) ? {} : { argv: job.argv }),
        env,
        ...(job.cwd === undefined ? {} : { cwd: job.cwd }),
      };
    }),
  };
}

export function taskScript(request: SubmitRequest, options: TaskScriptOptions = {}): string {
  const node = options.node ?? '/usr/bin/env node';
  if (/[\n\r]/.test(node)) throw new Error('the node interpreter path holds a line break');
  const spec = JSON.stringify(taskSpec(request, options.workdir));
  // JSON.stringify twice: the outer one makes a JavaScript string literal of the JSON text.
  return `#!${node}\n${RUNNER}\nmain(${JSON.stringify(spec)});\n`;
}
