import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isFinalSlurmState, slurmState } from './states.ts';

describe('Slurm states as job states', () => {
  it('maps every state the issue names, and the rest Slurm 22.05 documents', () => {
    const cases: [string, string, string][] = [
      ['PENDING', 'Priority', 'queued'],
      ['PENDING', 'JobHeldUser', 'held'],
      ['PENDING', 'JobHeldAdmin', 'held'],
      ['CONFIGURING', '', 'queued'],
      ['REQUEUED', '', 'queued'],
      ['REQUEUE_HOLD', '', 'held'],
      ['RUNNING', 'JobHeldAdmin', 'running'],
      ['COMPLETING', '', 'running'],
      ['SUSPENDED', '', 'held'],
      ['STOPPED', '', 'held'],
      ['COMPLETED', '', 'completed'],
      ['FAILED', 'NonZeroExitCode', 'failed'],
      ['TIMEOUT', '', 'failed'],
      ['OUT_OF_MEMORY', '', 'failed'],
      ['NODE_FAIL', '', 'failed'],
      ['PREEMPTED', '', 'failed'],
      ['BOOT_FAIL', '', 'failed'],
      ['DEADLINE', '', 'failed'],
      ['CANCELLED', '', 'cancelled'],
      ['CANCELLED by 1234', '', 'cancelled'],
      ['CANCELLED+', '', 'cancelled'],
      ['REVOKED', '', 'cancelled'],
      ['SOMETHING_NEW', '', 'unknown'],
    ];
    for (const [slurm, reason, expected] of cases) {
      assert.equal(slurmState(slurm, reason).state, expected, `${slurm} (${reason})`);
    }
  });

  it('says why a job failed when its state tells more than its exit code', () => {
    assert.match(slurmState('TIMEOUT', '').reason ?? '', /time limit/);
    assert.match(slurmState('OUT_OF_MEMORY', '').reason ?? '', /memory/);
    assert.match(slurmState('PREEMPTED', '').reason ?? '', /preempted/);
  });

  it('tells final states from live ones', () => {
    assert.equal(isFinalSlurmState('COMPLETED'), true);
    assert.equal(isFinalSlurmState('CANCELLED by 0'), true);
    assert.equal(isFinalSlurmState('TIMEOUT'), true);
    assert.equal(isFinalSlurmState('RUNNING'), false);
    assert.equal(isFinalSlurmState('PENDING'), false);
    assert.equal(isFinalSlurmState('SOMETHING_NEW'), false);
  });
});
