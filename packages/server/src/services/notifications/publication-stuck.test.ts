// When a publication counts as stuck, and the episodes: told once when it becomes stuck, not
// again while it stays stuck (even as Rucio's error changes), again after it moved and stuck
// anew; a submission that left Completed is forgotten. (The whole path, from a rule STUCK in the
// Rucio stand-in to a verified webhook, is in services/data/data-handling.test.ts.)
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PublicationRecord, PublishedRule } from '../../ports/publications.ts';
import type { SubmissionRecord } from '../../ports/submissions.ts';
import {
  sameMarks,
  STUCK_AFTER_FAILURES,
  stuckEvents,
  stuckReason,
  type PublicationLook,
  type StuckMarks,
} from './publication-stuck.ts';

const SUBMISSION = {
  id: 'sub_1',
  experiment: 'exp',
  campaign_id: 'cmp_1',
  campaign: 'reco2026',
  stage: 'reco',
  status: 'Completed',
} as SubmissionRecord;

function rule(state: string, error?: string): PublishedRule {
  return {
    id: 'r1',
    copies: 1,
    rse_expression: 'CERN_EOS',
    state,
    locks_ok: 0,
    locks_replicating: 0,
    locks_stuck: state === 'STUCK' ? 2 : 0,
    ...(error === undefined ? {} : { error }),
  };
}

function record(changes: Partial<PublicationRecord>): PublicationRecord {
  return {
    submission_id: SUBMISSION.id,
    state: 'waiting',
    declared: 0,
    registered: 2,
    rucio_dataset: 'dune:poms.reco2026.reco.sub_1',
    rules: [],
    at_location: 2,
    outputs: 2,
    detail: '',
    failures: 0,
    updated_at: '2030-01-02T10:00:00.000Z',
    ...changes,
  };
}

const look = (changes: Partial<PublicationRecord>): PublicationLook[] => [
  { submission: SUBMISSION, record: record(changes) },
];

describe('stuckReason', () => {
  it("names each STUCK or SUSPENDED rule with Rucio's error", () => {
    assert.equal(
      stuckReason(
        record({ rules: [rule('OK'), { ...rule('STUCK', '[TRANSFER_FAILED] x'), id: 'r2' }] }),
      ),
      'rule r2 (1 × CERN_EOS) is STUCK: [TRANSFER_FAILED] x',
    );
    assert.equal(
      stuckReason(record({ rules: [rule('SUSPENDED')] })),
      'rule r1 (1 × CERN_EOS) is SUSPENDED',
    );
    assert.equal(stuckReason(record({ rules: [rule('REPLICATING')] })), undefined);
    assert.equal(stuckReason(record({ state: 'done', rules: [rule('STUCK')] })), undefined);
  });

  it(`counts a step failing ${STUCK_AFTER_FAILURES} times in a row, with its error`, () => {
    const failing = (failures: number) =>
      stuckReason(
        record({ state: 'retrying', failures, detail: 'Rucio: 503 Service Unavailable' }),
      );
    assert.equal(failing(STUCK_AFTER_FAILURES - 1), undefined);
    assert.equal(
      failing(STUCK_AFTER_FAILURES),
      `the last ${STUCK_AFTER_FAILURES} attempts failed: Rucio: 503 Service Unavailable`,
    );
    // A look that worked since (state waiting) is not a failure, whatever the count says.
    assert.equal(stuckReason(record({ state: 'waiting', failures: 9 })), undefined);
  });
});

describe('stuckEvents', () => {
  it('tells once per episode, again only after the publication moved', () => {
    let marks: StuckMarks = {};
    const step = (looks: PublicationLook[]) => {
      const found = stuckEvents(marks, looks);
      marks = found.marks;
      return found.events;
    };
    assert.deepEqual(step(look({ rules: [rule('REPLICATING')] })), []);
    assert.deepEqual(marks, {});

    const [first, ...more] = step(look({ rules: [rule('STUCK', 'Permission denied')] }));
    assert.equal(more.length, 0);
    assert.deepEqual(
      { ...first, summary: undefined },
      {
        key: 'publication_stuck:sub_1:1',
        kind: 'publication_stuck',
        experiment: 'exp',
        campaign_id: 'cmp_1',
        campaign: 'reco2026',
        stage: 'reco',
        submission_id: 'sub_1',
        at: '2030-01-02T10:00:00.000Z',
        reason: 'rule r1 (1 × CERN_EOS) is STUCK: Permission denied',
        summary: undefined,
      },
    );
    assert.match(
      first?.summary ?? '',
      /^reco2026\/reco: submission sub_1 .* a person must act: rule r1/,
    );

    // Still stuck, even suspended now or failing to be read: nothing new.
    assert.deepEqual(step(look({ rules: [rule('SUSPENDED')] })), []);
    assert.deepEqual(step(look({ state: 'retrying', failures: 1, rules: [rule('STUCK')] })), []);
    // It moved, then stuck again: a second event with its own key.
    assert.deepEqual(step(look({ rules: [rule('REPLICATING')] })), []);
    assert.deepEqual(marks, { sub_1: { episodes: 1, stuck: false } });
    const again = step(look({ state: 'retrying', failures: STUCK_AFTER_FAILURES, detail: 'down' }));
    assert.deepEqual(
      again.map((e) => [e.key, e.reason]),
      [['publication_stuck:sub_1:2', `the last ${STUCK_AFTER_FAILURES} attempts failed: down`]],
    );
    // Located (no longer waiting in Completed): forgotten.
    assert.deepEqual(step([]), []);
    assert.deepEqual(marks, {});
  });

  it('a submission without a publication record yet is not stuck', () => {
    assert.deepEqual(stuckEvents({}, [{ submission: SUBMISSION, record: null }]), {
      events: [],
      marks: {},
    });
  });

  it('sameMarks compares episodes and states', () => {
    const a = { sub_1: { episodes: 1, stuck: true } };
    assert.ok(sameMarks(a, { sub_1: { episodes: 1, stuck: true } }));
    assert.ok(!sameMarks(a, { sub_1: { episodes: 1, stuck: false } }));
    assert.ok(!sameMarks(a, {}));
    assert.ok(!sameMarks({}, a));
  });
});
