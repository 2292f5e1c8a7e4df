import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { JobCounts } from '../submission/jobs.ts';
import { jobCounts, type JobReport, type JobState } from './port.ts';

const r = (state: JobState): JobReport => ({ engine_id: `x:${state}`, state });

describe('jobCounts', () => {
  it('maps every state to the count the status machine reads', () => {
    const counts = jobCounts(
      (['queued', 'queued', 'running', 'held', 'completed', 'failed', 'cancelled'] as const).map(r),
    );
    assert.deepEqual(counts, {
      total: 7,
      idle: 2,
      running: 1,
      held: 1,
      completed: 1,
      failed: 1,
      cancelled: 1,
    });
    assert.equal(JobCounts.safeParse(counts).success, true);
  });

  it('counts unknown jobs only in the total, never as failed', () => {
    const counts = jobCounts([r('unknown'), r('completed')]);
    assert.equal(counts.total, 2);
    assert.equal(counts.failed, 0);
    assert.equal(counts.completed, 1);
  });

  it('takes a larger total for jobs not yet reported, never a smaller one', () => {
    assert.equal(jobCounts([r('running')], 5).total, 5);
    assert.equal(jobCounts([r('running'), r('running')], 1).total, 2);
  });
});
