import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SUBMISSION_STATUSES, SubmissionStatus, isFinal, mayMove } from './status.ts';

describe('SubmissionStatus', () => {
  it("uses POMS's twelve names", () => {
    assert.equal(SUBMISSION_STATUSES.length, 12);
    assert.ok(SubmissionStatus.safeParse('Awaiting Approval').success);
    assert.ok(!SubmissionStatus.safeParse('awaiting approval').success);
  });

  it('isFinal: Located, Removed, Failed, Cancelled and no other', () => {
    assert.deepEqual(SUBMISSION_STATUSES.filter(isFinal), [
      'Cancelled',
      'Failed',
      'Located',
      'Removed',
    ]);
  });

  it('mayMove: not to itself, never out of final, from Completed only up', () => {
    for (const from of SUBMISSION_STATUSES) {
      for (const to of SUBMISSION_STATUSES) {
        const expected =
          from !== to &&
          !isFinal(from) &&
          (from !== 'Completed' || to === 'Located' || to === 'Removed');
        assert.equal(mayMove(from, to), expected, `${from} → ${to}`);
      }
    }
  });
});
