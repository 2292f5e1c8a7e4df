import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { COMPLETION_TYPES, STAGE_TYPES } from '../campaign/model.ts';
import type { JobCounts } from './jobs.ts';
import { SUBMISSION_STATUSES, isFinal, type SubmissionStatus } from './status.ts';
import {
  DEFAULT_LAUNCH_TIMEOUT_MS,
  transition,
  type SubmissionEvent,
  type SubmissionEventKind,
  type TransitionContext,
} from './transition.ts';

const ctx: TransitionContext = {
  completionPct: 95,
  isRecovery: false,
  completionType: 'located',
  stageType: 'regular',
};

const running: JobCounts = {
  total: 10,
  idle: 0,
  running: 10,
  held: 0,
  completed: 0,
  failed: 0,
  cancelled: 0,
};
const allCompleted: JobCounts = { ...running, running: 0, completed: 10 };
const someHeld: JobCounts = { ...running, running: 8, held: 2 };
const noJobs: JobCounts = { ...running, total: 0, running: 0 };
const hours = 60 * 60 * 1000;

/** One event of each kind, each one that would move a submission where it applies. */
const EXAMPLES: Record<SubmissionEventKind, SubmissionEvent> = {
  jobs: { kind: 'jobs', counts: running },
  launched: { kind: 'launched', batchId: '123@schedd' },
  'launch-failed': { kind: 'launch-failed', message: 'sbatch exited 1' },
  'launch-timeout': { kind: 'launch-timeout', since: 0, now: 5 * hours, hasBatchJob: false },
  located: { kind: 'located', consumed: 10, located: 10 },
  'force-located': { kind: 'force-located', by: 'ann' },
  'approval-requested': { kind: 'approval-requested' },
  approved: { kind: 'approved', by: 'ann' },
  rejected: { kind: 'rejected', by: 'ann' },
  cancel: { kind: 'cancel', by: 'ann' },
  hold: { kind: 'hold', by: 'ann' },
  release: { kind: 'release', by: 'ann', counts: running },
};

/** Per event, the statuses it moves and where to; from every other status it changes nothing. */
const MOVES: Record<SubmissionEventKind, Partial<Record<SubmissionStatus, SubmissionStatus>>> = {
  jobs: {
    New: 'Running',
    LaunchFailed: 'Running',
    Approved: 'Running',
    Idle: 'Running',
    Held: 'Running',
  },
  launched: { New: 'Idle', LaunchFailed: 'Idle', Approved: 'Idle' },
  'launch-failed': { New: 'LaunchFailed', Approved: 'LaunchFailed' },
  'launch-timeout': { New: 'LaunchFailed' },
  located: { Completed: 'Located' },
  'force-located': { Completed: 'Located' },
  'approval-requested': { New: 'Awaiting Approval' },
  approved: { 'Awaiting Approval': 'Approved' },
  rejected: { 'Awaiting Approval': 'Removed' },
  cancel: {
    New: 'Cancelled',
    LaunchFailed: 'Cancelled',
    'Awaiting Approval': 'Cancelled',
    Approved: 'Cancelled',
    Idle: 'Cancelled',
    Running: 'Cancelled',
    Held: 'Cancelled',
  },
  hold: { Idle: 'Held', Running: 'Held' },
  release: { Held: 'Running' },
};

describe('transition: every event from every status', () => {
  for (const [kind, event] of Object.entries(EXAMPLES) as [
    SubmissionEventKind,
    SubmissionEvent,
  ][]) {
    for (const from of SUBMISSION_STATUSES) {
      const expected = MOVES[kind][from] ?? from;
      it(`${kind} from ${from} → ${expected}`, () => {
        const result = transition(from, event, ctx);
        assert.equal(result.status, expected);
        assert.equal(result.changed, expected !== from);
        assert.ok(result.reason.length > 0);
      });
    }
  }
});

function step(from: SubmissionStatus, event: SubmissionEvent, c: TransitionContext = ctx) {
  return transition(from, event, c);
}

describe('transition: rules', () => {
  it('job counts decide among the job-driven statuses', () => {
    assert.equal(step('Running', { kind: 'jobs', counts: allCompleted }).status, 'Completed');
    assert.equal(step('Idle', { kind: 'jobs', counts: someHeld }).status, 'Held');
    const failed = { ...allCompleted, completed: 4, failed: 6 };
    assert.equal(step('Running', { kind: 'jobs', counts: failed }).status, 'Failed');
    assert.equal(
      step('Running', { kind: 'jobs', counts: failed }, { ...ctx, isRecovery: true }).status,
      'Completed',
    );
    const cancelled = { ...allCompleted, completed: 0, cancelled: 10 };
    assert.equal(step('Held', { kind: 'jobs', counts: cancelled }).status, 'Cancelled');
  });

  it('zero jobs leave the status as it is', () => {
    for (const from of ['New', 'Idle', 'Running'] as const) {
      const result = step(from, { kind: 'jobs', counts: noJobs });
      assert.deepEqual([result.status, result.changed], [from, false]);
    }
  });

  it('job counts do not move a submission awaiting approval', () => {
    assert.equal(step('Awaiting Approval', { kind: 'jobs', counts: allCompleted }).changed, false);
  });

  it('a person-held submission stays Held until released, unless its jobs end', () => {
    const held = { ...ctx, heldByPerson: true };
    assert.equal(step('Held', { kind: 'jobs', counts: running }, held).changed, false);
    assert.equal(step('Held', { kind: 'jobs', counts: allCompleted }, held).status, 'Completed');
  });

  it('release reads held jobs as idle and never stays Held', () => {
    const allHeld = { ...running, running: 0, held: 10 };
    assert.equal(step('Held', { kind: 'release', by: 'ann', counts: allHeld }).status, 'Idle');
    assert.equal(step('Held', { kind: 'release', by: 'ann', counts: someHeld }).status, 'Running');
    assert.equal(step('Held', { kind: 'release', by: 'ann', counts: noJobs }).status, 'Idle');
    assert.equal(
      step('Held', { kind: 'release', by: 'ann', counts: allCompleted }).status,
      'Completed',
    );
  });

  it('launch timeout waits for the limit and for the lack of a batch job', () => {
    const timeout = (now: number, hasBatchJob = false): SubmissionEvent => ({
      kind: 'launch-timeout',
      since: 1000,
      now,
      hasBatchJob,
    });
    assert.equal(step('New', timeout(1000 + DEFAULT_LAUNCH_TIMEOUT_MS - 1)).changed, false);
    assert.equal(step('New', timeout(1000 + DEFAULT_LAUNCH_TIMEOUT_MS)).status, 'LaunchFailed');
    assert.equal(step('New', timeout(1000 + 10 * hours, true)).changed, false);
    assert.equal(
      step('New', timeout(1000 + 2 * hours), { ...ctx, launchTimeoutMs: hours }).status,
      'LaunchFailed',
    );
  });

  it('LaunchFailed is not final: a slow launch recovers', () => {
    assert.equal(isFinal('LaunchFailed'), false);
    assert.equal(step('LaunchFailed', EXAMPLES.launched).status, 'Idle');
    assert.equal(step('LaunchFailed', { kind: 'jobs', counts: allCompleted }).status, 'Completed');
  });

  it('located waits for the completion rule', () => {
    const few: SubmissionEvent = { kind: 'located', consumed: 100, located: 50 };
    assert.equal(step('Completed', few).changed, false);
    assert.equal(step('Completed', few, { ...ctx, completionType: 'complete' }).status, 'Located');
    assert.equal(step('Completed', { kind: 'located', consumed: 0, located: 0 }).status, 'Located');
  });

  it('an approval stage is Completed when approved', () => {
    const approval = { ...ctx, stageType: 'approval' as const };
    assert.equal(step('Awaiting Approval', EXAMPLES.approved, approval).status, 'Completed');
  });

  it('an approved non-approval submission launches', () => {
    const approved = step('Awaiting Approval', EXAMPLES.approved).status;
    assert.equal(step(approved, EXAMPLES.launched).status, 'Idle');
  });
});

describe('transition: guards', () => {
  it('never moves out of a final status', () => {
    for (const from of SUBMISSION_STATUSES.filter(isFinal)) {
      for (const event of Object.values(EXAMPLES)) {
        const result = step(from, event);
        assert.deepEqual([result.status, result.changed], [from, false]);
        assert.match(result.reason, /final/);
      }
    }
  });

  it('never moves Completed back to a lower status', () => {
    const failed = { ...allCompleted, completed: 0, failed: 10 };
    for (const event of [
      { kind: 'jobs', counts: running },
      { kind: 'jobs', counts: failed },
      { kind: 'cancel', by: 'ann' },
      { kind: 'hold', by: 'ann' },
    ] satisfies SubmissionEvent[]) {
      const result = step('Completed', event);
      assert.deepEqual([result.status, result.changed], ['Completed', false]);
    }
  });

  it('ignores duplicates', () => {
    const result = step('Running', { kind: 'jobs', counts: running });
    assert.deepEqual([result.status, result.changed], ['Running', false]);
    assert.match(result.reason, /already Running/);
    assert.equal(step('Held', EXAMPLES.hold).changed, false);
    assert.equal(step('LaunchFailed', EXAMPLES['launch-failed']).changed, false);
  });
});

// Arbitraries for the properties.
const status = fc.constantFrom(...SUBMISSION_STATUSES);
const n = fc.nat({ max: 20 });
const counts: fc.Arbitrary<JobCounts> = fc
  .record({ idle: n, running: n, held: n, completed: n, failed: n, cancelled: n, extra: n })
  .map(({ extra, ...c }) => ({
    ...c,
    total:
      c.idle + c.running + c.held + c.completed + c.failed + c.cancelled + (extra > 15 ? extra : 0),
  }));
const person = fc.constantFrom('ann', 'bob');
const event: fc.Arbitrary<SubmissionEvent> = fc.oneof(
  counts.map((c) => ({ kind: 'jobs', counts: c }) as const),
  fc.string().map((batchId) => ({ kind: 'launched', batchId }) as const),
  fc.string().map((message) => ({ kind: 'launch-failed', message }) as const),
  fc
    .record({ since: fc.nat(), waited: fc.nat({ max: 10 * hours }), hasBatchJob: fc.boolean() })
    .map(({ since, waited, hasBatchJob }) => ({
      kind: 'launch-timeout' as const,
      since,
      now: since + waited,
      hasBatchJob,
    })),
  fc.record({ consumed: n, located: n }).map((c) => ({ kind: 'located', ...c }) as const),
  person.map((by) => ({ kind: 'force-located', by }) as const),
  fc.constant({ kind: 'approval-requested' } as const),
  person.map((by) => ({ kind: 'approved', by }) as const),
  person.map((by) => ({ kind: 'rejected', by }) as const),
  person.map((by) => ({ kind: 'cancel', by }) as const),
  person.map((by) => ({ kind: 'hold', by }) as const),
  fc.record({ by: person, counts }).map((r) => ({ kind: 'release', ...r }) as const),
);
const context: fc.Arbitrary<TransitionContext> = fc.record({
  completionPct: fc.integer({ min: 0, max: 100 }),
  isRecovery: fc.boolean(),
  completionType: fc.constantFrom(...COMPLETION_TYPES),
  stageType: fc.constantFrom(...STAGE_TYPES),
  launchTimeoutMs: fc.nat({ max: 8 * hours }),
  heldByPerson: fc.boolean(),
});

/** Every status a run of events visits, starting with `start`. */
function visits(start: SubmissionStatus, events: readonly SubmissionEvent[], c: TransitionContext) {
  const seen = [start];
  let current = start;
  for (const e of events) {
    const result = transition(current, e, c);
    assert.equal(result.changed, result.status !== current);
    current = result.status;
    seen.push(current);
  }
  return seen;
}

describe('transition: properties', () => {
  it('a final status never changes, whatever events follow', () => {
    fc.assert(
      fc.property(status, fc.array(event, { maxLength: 30 }), context, (start, events, c) => {
        const seen = visits(start, events, c);
        const first = seen.findIndex(isFinal);
        if (first >= 0) assert.ok(seen.slice(first).every((s) => s === seen[first]));
      }),
    );
  });

  it('after Completed, only Completed, Located or Removed', () => {
    fc.assert(
      fc.property(status, fc.array(event, { maxLength: 30 }), context, (start, events, c) => {
        const seen = visits(start, events, c);
        const first = seen.indexOf('Completed');
        if (first >= 0) {
          assert.ok(
            seen.slice(first).every((s) => ['Completed', 'Located', 'Removed'].includes(s)),
          );
        }
      }),
    );
  });

  it('the same event twice changes nothing the second time', () => {
    fc.assert(
      fc.property(status, event, context, (start, e, c) => {
        const once = transition(start, e, c);
        const twice = transition(once.status, e, c);
        assert.deepEqual([twice.status, twice.changed], [once.status, false]);
      }),
    );
  });

  it('reports changed exactly when the status differs', () => {
    fc.assert(
      fc.property(status, event, context, (start, e, c) => {
        const result = transition(start, e, c);
        assert.equal(result.changed, result.status !== start);
      }),
    );
  });
});
