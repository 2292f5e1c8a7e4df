// `poms demo --json`: the acceptance run — every stage Located, at least one automatic
// recovery, the ledger balanced, and the physics right (the Z peak where it belongs).
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Provenance } from '@poms/core';
import { after, describe, it } from 'node:test';
import { runPoms } from './cli-testing.ts';
import type { DemoSummary } from './demo-summary.ts';

describe('poms demo', () => {
  const dirs: string[] = [];
  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  async function demo(): Promise<DemoSummary> {
    const dir = mkdtempSync(join(tmpdir(), 'poms-demo-test-'));
    dirs.push(dir);
    const run = await runPoms('demo', '--json', '--data', dir, '--slots', '4');
    assert.equal(run.code, 0, run.err + run.out);
    return JSON.parse(run.out) as DemoSummary;
  }

  it('runs the campaign to the end, twice, each run on its own', async () => {
    const first = await demo();
    assert.equal(first.ok, true, first.problems.join('; '));
    assert.deepEqual(
      first.stages.map((s) => [s.stage, s.status]),
      [
        ['generate', 'Located'],
        ['simulate', 'Located'],
        ['reconstruct', 'Located'],
        ['analyse', 'Located'],
      ],
    );
    assert.ok(first.recoveries >= 1);
    assert.equal(first.ledger_balanced, true);
    const simulate = first.stages.find((s) => s.stage === 'simulate');
    assert.ok(simulate && simulate.failed_jobs > 0 && simulate.consumed === simulate.files_in);
    const peak = first.result?.peak_gev ?? 0;
    assert.ok(Math.abs(peak - 91.19) < 2, `Z peak at ${peak} GeV`);

    // The histogram walked back to the generator jobs and the campaign revision behind them.
    const histogram = basename(first.result?.histogram ?? '');
    const walked = await runPoms(
      'files',
      'provenance',
      histogram,
      '--json',
      '--data',
      first.data_dir,
    );
    assert.equal(walked.code, 0, walked.err);
    const provenance = JSON.parse(walked.out) as Provenance;
    const stagesSeen = new Set(provenance.nodes.map((n) => n.produced_by?.stage));
    for (const stage of ['analyse', 'reconstruct', 'simulate', 'generate']) {
      assert.ok(stagesSeen.has(stage), `${stage} in the provenance of ${histogram}`);
    }
    const generator = provenance.nodes.find((n) => n.produced_by?.stage === 'generate');
    assert.equal(generator?.produced_by?.campaign, 'toy_z_chain');
    assert.equal(generator?.produced_by?.campaign_revision, 1);
    assert.ok(Number.isInteger(generator?.produced_by?.job_index));
    assert.ok(provenance.edges.length >= provenance.nodes.length - 1);
    const text = await runPoms('files', 'provenance', histogram, '--data', first.data_dir);
    assert.match(text.out, /← gen_\S+ {2}\(toy_z_chain@r1 generate, sub_\S+ job \d+\)/);

    const second = await demo();
    assert.equal(second.ok, true, second.problems.join('; '));
    assert.notEqual(second.data_dir, first.data_dir);
    assert.deepEqual(
      second.stages.map((s) => [s.stage, s.submissions, s.files_in, s.files_out]),
      first.stages.map((s) => [s.stage, s.submissions, s.files_in, s.files_out]),
    );
  });

  // The live Slurm of scripts/slurm-setup.sh; CI requires it (POMS_REQUIRE_SLURM=1).
  const slurm = process.env.SLURM_CONF !== undefined || process.env.POMS_REQUIRE_SLURM === '1';
  it('runs the campaign on Slurm with --engine slurm', { skip: !slurm }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'poms-demo-slurm-'));
    dirs.push(dir);
    const run = await runPoms('demo', '--json', '--data', dir, '--engine', 'slurm');
    assert.equal(run.code, 0, run.err + run.out);
    const summary = JSON.parse(run.out) as DemoSummary;
    assert.equal(summary.ok, true, summary.problems.join('; '));
    assert.ok(summary.recoveries >= 1);
    assert.equal(summary.ledger_balanced, true);
    assert.ok(Math.abs((summary.result?.peak_gev ?? 0) - 91.19) < 2);
    // The jobs ran as Slurm array tasks: their folders are under the Slurm engine's root.
    assert.ok(existsSync(join(dir, 'slurm')), 'the Slurm work folder exists');
  });

  it('refuses an engine this machine does not run, and bad numbers', async () => {
    const engine = await runPoms('demo', '--engine', 'htcondor');
    assert.equal(engine.code, 2);
    assert.match(engine.err, /--engine htcondor/);
    assert.equal((await runPoms('demo', '--slots', '0')).code, 2);
    assert.equal((await runPoms('demo', '--timeout', 'soon')).code, 2);
  });
});
