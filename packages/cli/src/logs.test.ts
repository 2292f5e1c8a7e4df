// `poms logs` on a data folder: a server ran a launch and kept its logs, then stopped; the CLI
// reads the launch log, the jobs' kept sizes and one job's logs without any server.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startServer } from '@poms/server';
import { runPoms } from './cli-testing.ts';

let dir: string;
let id = '';

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'poms-logs-cli-'));
  const server = await startServer({ dataDir: dir, port: 0, pollIntervalMs: 100 });
  try {
    const outcome = await server.execution.launches.launch({
      experiment: 'demo',
      campaign: 'toy_z_chain',
      stage: 'generate',
      launcher: 'alice',
    });
    assert.equal(outcome.kind, 'launched');
    id = outcome.kind === 'launched' ? outcome.submission.id : '';
    const deadline = Date.now() + 30_000;
    while (!existsSync(join(dir, 'logs', 'demo', id, '0.stdout'))) {
      if (Date.now() > deadline) throw new Error('the job logs were never kept');
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await server.close();
  }
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('poms logs', () => {
  it('prints the launch log and the jobs with their kept log sizes', async () => {
    const result = await runPoms('logs', id, '--data', dir);
    assert.equal(result.code, 0, result.err);
    assert.match(result.out, new RegExp(`# Launch log of ${id}`));
    assert.match(result.out, /## Command/);
    assert.match(result.out, /JOB +STATE +EXIT +STDOUT BYTES +STDERR BYTES/);
    assert.match(result.out, /^0 +\w+/m);
  });

  it("prints one job's kept stdout then stderr, one stream, or follows it to its end", async () => {
    const both = await runPoms('logs', id, '0', '--data', dir);
    assert.equal(both.code, 0, both.err);
    assert.match(both.out, /==> job 0 stdout \(kept\) <==/);
    assert.match(both.out, /==> job 0 stderr \(kept\) <==\npoms-job:/);
    const stderr = await runPoms('logs', id, '0', '--stream', 'stderr', '--data', dir);
    assert.match(stderr.out, /^poms-job:/);
    const followed = await runPoms(
      'logs',
      id,
      '0',
      '--stream',
      'stderr',
      '--follow',
      '--data',
      dir,
    );
    assert.equal(followed.code, 0, followed.err);
    assert.equal(followed.out, stderr.out);
  });

  it('refuses a bad stream, --follow without a job, and an unknown submission', async () => {
    assert.equal((await runPoms('logs', id, '0', '--stream', 'both', '--data', dir)).code, 2);
    assert.equal((await runPoms('logs', id, '--follow', '--data', dir)).code, 2);
    assert.notEqual((await runPoms('logs', 'sub_nope', '--data', dir)).code, 0);
  });
});
