import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { JobCounts, statusFromJobs, type JobRules } from './jobs.ts';

const rules: JobRules = { completionPct: 95, isRecovery: false };
const recovery: JobRules = { completionPct: 95, isRecovery: true };

function counts(partial: Partial<JobCounts>): JobCounts {
  const c = { idle: 0, running: 0, held: 0, completed: 0, failed: 0, cancelled: 0, ...partial };
  const total = partial.total ?? c.idle + c.running + c.held + c.completed + c.failed + c.cancelled;
  return { ...c, total };
}

function status(c: Partial<JobCounts>, r: JobRules = rules): string | undefined {
  return statusFromJobs(counts(c), r)?.status;
}

describe('statusFromJobs', () => {
  it('all done and more than half failed: Failed', () => {
    assert.equal(status({ completed: 4, failed: 6 }), 'Failed');
    assert.equal(status({ failed: 3, cancelled: 1 }), 'Failed');
  });

  it('exactly half failed is not more than half', () => {
    assert.equal(status({ completed: 5, failed: 5 }), 'Completed');
  });

  it('records a failed recovery as Completed', () => {
    assert.equal(status({ completed: 4, failed: 6 }, recovery), 'Completed');
    assert.match(statusFromJobs(counts({ failed: 6 }), recovery)?.reason ?? '', /recovery/);
  });

  it('all done and all cancelled: Cancelled', () => {
    assert.equal(status({ cancelled: 7 }), 'Cancelled');
    assert.equal(status({ cancelled: 7 }, recovery), 'Cancelled');
  });

  it('all done otherwise: Completed', () => {
    assert.equal(status({ completed: 10 }), 'Completed');
    assert.equal(status({ completed: 5, failed: 2, cancelled: 3 }), 'Completed');
  });

  it('any held: Held, before idle and running', () => {
    assert.equal(status({ held: 1, running: 5, idle: 2, completed: 2 }), 'Held');
  });

  it('none running and some idle: Idle', () => {
    assert.equal(status({ idle: 3, completed: 7 }), 'Idle');
  });

  it('any running: Running', () => {
    assert.equal(status({ running: 1, idle: 9 }), 'Running');
  });

  it('Running becomes Completed once done/total reaches the pct', () => {
    assert.equal(status({ running: 6, completed: 94 }), 'Running');
    assert.equal(status({ running: 5, completed: 95 }), 'Completed');
    assert.equal(
      status({ running: 1, completed: 1 }, { ...rules, completionPct: 50 }),
      'Completed',
    );
    assert.equal(status({ running: 1 }, { ...rules, completionPct: 0 }), 'Completed');
  });

  it('does not complete early what is bound to fail, unless it is a recovery', () => {
    assert.equal(status({ running: 4, failed: 60, completed: 36 }), 'Running');
    assert.equal(status({ running: 4, failed: 60, completed: 36 }, recovery), 'Completed');
  });

  it('only Running completes early, not Idle or Held', () => {
    assert.equal(status({ idle: 1, completed: 99 }), 'Idle');
    assert.equal(status({ held: 1, completed: 99 }), 'Held');
  });

  it('zero jobs, or jobs in no counted state, decide nothing', () => {
    assert.equal(status({}), undefined);
    assert.equal(status({ total: 5 }), undefined);
  });

  it('counts jobs not yet in a state towards the total', () => {
    assert.equal(status({ total: 10, completed: 9 }), undefined);
    assert.equal(status({ total: 10, completed: 9, running: 0, idle: 0 }), undefined);
    assert.equal(status({ total: 10, completed: 5, running: 1 }), 'Running');
  });

  it('reads states summing above total as the sum', () => {
    assert.equal(
      statusFromJobs({ ...counts({ completed: 3 }), total: 1 }, rules)?.status,
      'Completed',
    );
  });
});

describe('JobCounts', () => {
  it('accepts consistent counts and refuses others', () => {
    assert.ok(JobCounts.safeParse(counts({ running: 2, total: 3 })).success);
    assert.ok(!JobCounts.safeParse({ ...counts({ running: 2 }), total: 1 }).success);
    assert.ok(!JobCounts.safeParse({ ...counts({}), idle: -1 }).success);
    assert.ok(!JobCounts.safeParse({ ...counts({}), extra: 1 }).success);
  });
});
