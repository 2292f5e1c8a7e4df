// The Slurm engine driving the live cluster through a launch host: a real sshd on this machine,
// reached with its own key and known_hosts, runs sbatch, squeue, scancel and tail for the engine.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { JobReport } from '@poms/core';
import { LocalRunner } from '../commands/runner.ts';
import { SshRunner } from '../commands/ssh.ts';
import { startTestSshd, type TestSshd } from '../commands/sshd-testing.ts';
import { RunnerPool } from '../commands/targets.ts';
import { SlurmEngine } from './slurm.ts';
import { liveSlurm } from './slurm-testing.ts';

const slurm = liveSlurm();
const DONE = new Set(['completed', 'failed', 'cancelled']);

describe('Slurm through an ssh launch host (live)', { skip: slurm === undefined }, () => {
  let sshd: TestSshd | undefined;
  let pool: RunnerPool | undefined;
  const root = mkdtempSync(join(tmpdir(), 'poms-slurm-ssh-'));
  before(async () => {
    sshd = await startTestSshd();
  });
  after(async () => {
    await pool?.close();
    await sshd?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('submits, polls, reads logs and cancels over ssh, with ids naming the host', async (t) => {
    if (slurm === undefined) return;
    if (sshd === undefined) return t.skip('no sshd on this machine');
    const remote = sshd;
    const commands: string[] = [];
    pool = new RunnerPool(new LocalRunner({ PATH: '/nowhere' }), (target) => {
      const runner = new SshRunner(target, remote.options);
      return {
        where: runner.where,
        run: (argv, options) => {
          commands.push(argv[0] ?? '');
          return runner.run(argv, options);
        },
        close: () => runner.close(),
      };
    });
    const engine = new SlurmEngine({ runners: pool, root });
    const placement = { host: `127.0.0.1:${remote.port}`, account: remote.user };
    const job = (index: number, code: string) => ({
      index,
      argv: [process.execPath, '-e', code],
      env: { PATH: '/usr/bin:/bin', GREETING: `hello from job ${index}` },
    });
    const { engine_ids } = await engine.submit({
      submission_id: `ssh${Date.now().toString(36)}`,
      placement,
      resources: { memory_mb: 100, time_s: 600 },
      jobs: [
        job(0, 'console.log(process.env.GREETING)'),
        job(1, 'process.exitCode = 4'),
        job(2, 'setTimeout(() => {}, 120000)'),
      ],
    });
    const prefix = `ssh://${remote.user}@127.0.0.1:${remote.port}/`;
    assert.ok(
      engine_ids.every((id) => id.startsWith(prefix)),
      engine_ids.join(' '),
    );
    let reports: JobReport[] = [];
    for (const end = Date.now() + 30_000; Date.now() < end;) {
      reports = await engine.poll(engine_ids);
      if (DONE.has(reports[0]?.state ?? '') && DONE.has(reports[1]?.state ?? '')) break;
      await new Promise((r) => setTimeout(r, 300));
    }
    assert.deepEqual(
      reports.slice(0, 2).map((r) => [r.state, r.exit_code]),
      [
        ['completed', 0],
        ['failed', 4],
      ],
    );
    assert.equal((await engine.logs(engine_ids[0] ?? '')).stdout.trim(), 'hello from job 0');
    await engine.cancel([engine_ids[2] ?? '']);
    for (const end = Date.now() + 30_000; Date.now() < end;) {
      reports = await engine.poll(engine_ids);
      if (reports[2]?.state === 'cancelled') break;
      await new Promise((r) => setTimeout(r, 300));
    }
    assert.equal(reports[2]?.state, 'cancelled');
    // Everything went through ssh: the local runner (PATH /nowhere) could not have run a thing.
    assert.ok(commands.includes('sbatch') && commands.includes('scancel'), commands.join(' '));
  });
});
