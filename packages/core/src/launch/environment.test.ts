import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { jobEnvironment } from './environment.ts';

const base = {
  campaign: 'mc',
  stage: 'reco',
  submissionId: 'sub_2',
  test: false,
  launcher: 'alice',
  experiment: 'dune',
};

describe('jobEnvironment', () => {
  it('gives our names and POMS names, group defaulting to the experiment', () => {
    assert.deepEqual(jobEnvironment(base), {
      POMS_CAMPAIGN_NAME: 'mc',
      POMS_STAGE_NAME: 'reco',
      POMS_SUBMISSION_ID: 'sub_2',
      POMS_PARENT_SUBMISSION_ID: '',
      POMS_TEST: '',
      POMS_LAUNCHER: 'alice',
      POMS_EXPERIMENT: 'dune',
      POMS_GROUP: 'dune',
      POMS4_CAMPAIGN_STAGE_NAME: 'reco',
      POMS4_CAMPAIGN_NAME: 'mc',
      POMS4_SUBMISSION_ID: 'sub_2',
      POMS4_PARENT_SUBMISSION_ID: '',
      POMS4_TEST_LAUNCH: 'False',
      POMS_TASK_ID: 'sub_2',
      POMS_PARENT_TASK_ID: '',
      EXPERIMENT: 'dune',
      GROUP: 'dune',
      JOBSUB_GROUP: 'dune',
    });
  });

  it('adds ids, the parent, the stage type and the test flag when given', () => {
    const env = jobEnvironment({
      ...base,
      test: true,
      group: 'fermilab',
      parentSubmissionId: 'sub_1',
      campaignId: 'cmp_1',
      stageId: 'stg_3',
      stageType: 'regular',
    });
    assert.equal(env.POMS_TEST, '1');
    assert.equal(env.POMS4_TEST_LAUNCH, 'True');
    assert.equal(env.GROUP, 'fermilab');
    assert.equal(env.POMS_GROUP, 'fermilab');
    assert.equal(env.EXPERIMENT, 'dune');
    for (const name of [
      'POMS_PARENT_SUBMISSION_ID',
      'POMS4_PARENT_SUBMISSION_ID',
      'POMS_PARENT_TASK_ID',
    ]) {
      assert.equal(env[name], 'sub_1');
    }
    assert.deepEqual(
      [env.POMS_CAMPAIGN_ID, env.POMS4_CAMPAIGN_ID, env.POMS_STAGE_ID, env.POMS4_CAMPAIGN_STAGE_ID],
      ['cmp_1', 'cmp_1', 'stg_3', 'stg_3'],
    );
    assert.equal(env.POMS4_CAMPAIGN_STAGE_TYPE, 'regular');
  });

  it('keeps values verbatim, shell metacharacters included', () => {
    const stage = `x"; rm -rf / #$(id)\`y\`\n'z'`;
    assert.equal(jobEnvironment({ ...base, stage }).POMS_STAGE_NAME, stage);
  });
});
