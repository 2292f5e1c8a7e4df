import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { EngineJob, SubmitRequest } from '@poms/core';
import { taskScript, taskSpec } from './task-script.ts';

const dir = mkdtempSync(join(tmpdir(), 'poms-task-script-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function job(index: number, code: string): EngineJob {
  return {
    index,
    argv: [process.execPath, '-e', code],
    env: { PATH: '/usr/bin:/bin', SHARED: 'same for all', POMS_JOB_INDEX: String(index) },
  };
}

function run(script: string, args: string[], env: Record<string, string> = {}) {
  const file = join(dir, `task-${Math.random().toString(36).slice(2)}`);
  writeFileSync(file, script, { mode: 0o755 });
  return spawnSync(file, args, { env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8' });
}

describe('the task script', () => {
  const request: SubmitRequest = {
    submission_id: 'sub_t',
    jobs: [
      job(0, 'console.log("zero")'),
      job(
        1,
        'console.log(JSON.stringify([process.env.SHARED, process.env.POMS_JOB_INDEX, process.env.FROM_BATCH]))',
      ),
      job(2, 'process.exit(7)'),
      job(3, "process.kill(process.pid, 'SIGTERM')"),
    ],
  };
  const script = taskScript(request, { node: process.execPath });

  it('runs the job its index names, with its environment over the batch system’s', () => {
    const result = run(script, ['1'], { FROM_BATCH: 'slurm variable' });
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), ['same for all', '1', 'slurm variable']);
    assert.equal(run(script, [], { SLURM_ARRAY_TASK_ID: '0' }).stdout.trim(), 'zero');
  });

  it('ends as its job ended: the same exit code, or the same signal', () => {
    assert.equal(run(script, ['2']).status, 7);
    assert.equal(run(script, ['3']).signal, 'SIGTERM');
  });

  it('refuses an index the submission does not have', () => {
    const result = run(script, ['9']);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /submission sub_t has no job '9'/);
  });

  it('writes what jobs share once, so a large array stays small', () => {
    const spec = taskSpec(request);
    assert.deepEqual(spec.env, { PATH: '/usr/bin:/bin', SHARED: 'same for all' });
    assert.deepEqual(spec.jobs[1]?.env, { POMS_JOB_INDEX: '1' });
    const many: SubmitRequest = {
      submission_id: 'sub_big',
      jobs: Array.from({ length: 10_000 }, (_, i) => ({
        index: i,
        argv: ['node', '/opt/poms/poms-job.mjs'],
        env: {
          PATH: '/usr/bin',
          POMS_URL: 'http://poms.example.org',
          POMS_JOB_TOKEN: 'x'.repeat(64),
          POMS_JOB_INDEX: String(i),
        },
      })),
    };
    // Slurm refuses batch scripts over 4 MB by default: 10 000 jobs stay far below.
    assert.ok(taskScript(many).length < 600_000, String(taskScript(many).length));
  });

  it('keeps per job what any job has otherwise or lacks, and names that objects inherit', () => {
    const spec = taskSpec({
      submission_id: 'sub_mixed',
      jobs: [
        { index: 0, argv: ['a'], env: { A: '1', B: '2', C: '3', toString: 'x' } },
        { index: 1, argv: ['a'], env: { A: '1', B: 'other', C: '3', toString: 'x' } },
        { index: 2, argv: ['b'], env: { A: '1', toString: 'x', D: '4', constructor: 'y' } },
      ],
    });
    assert.deepEqual(spec.env, { A: '1', toString: 'x' });
    assert.deepEqual(
      spec.jobs.map((j) => [j.argv, j.env]),
      [
        [undefined, { B: '2', C: '3' }],
        [undefined, { B: 'other', C: '3' }],
        [['b'], { D: '4', constructor: 'y' }],
      ],
    );
  });
});
