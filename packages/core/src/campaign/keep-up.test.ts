import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkCampaign } from './check.ts';
import { effectiveCampaign } from './effective.ts';
import { CampaignSpec } from './model.ts';

function spec(stage: object) {
  return CampaignSpec.parse({
    campaign: 'k',
    job_types: { j: { command: 'run' } },
    launch_setups: { here: {} },
    stages: { s: { job_type: 'j', launch_setup: 'here', input: 'raw', ...stage } },
  });
}
const codes = (stage: object) =>
  checkCampaign(spec(stage))
    .filter((i) => i.code === 'campaign.keep-up')
    .map((i) => i.path.join('.'));

describe('keep_up', () => {
  it('takes new files, a wait, or both, and resolves the wait to seconds', () => {
    const stage = effectiveCampaign(
      spec({ split: 'drainingn(50)', keep_up: { files: 50, after: '1h30m' } }),
    ).stages[0];
    assert.deepEqual(stage?.keep_up, { files: 50, after_s: 5400 });
    assert.equal(effectiveCampaign(spec({})).stages[0]?.keep_up, undefined);
    assert.equal(
      CampaignSpec.safeParse({ campaign: 'k', stages: { s: { keep_up: {} } } }).success,
      false,
    );
    assert.equal(
      CampaignSpec.safeParse({ campaign: 'k', stages: { s: { keep_up: { after: '10' } } } })
        .success,
      false,
      'a bare number is no duration',
    );
  });

  it('needs a draining split, so that no file is delivered twice', () => {
    assert.deepEqual(codes({ split: 'drainingn(10)', keep_up: { files: 10 } }), []);
    assert.deepEqual(codes({ split: 'draining', keep_up: { after: '1h' } }), []);
    assert.deepEqual(codes({ keep_up: { files: 10 } }), ['stages.s.keep_up']);
    assert.deepEqual(codes({ split: 'nfiles(10)', keep_up: { files: 10 } }), ['stages.s.split']);
  });

  it('has no place on a generator or an approval stage', () => {
    assert.deepEqual(codes({ type: 'generator', split: 'draining', keep_up: { files: 1 } }), [
      'stages.s.keep_up',
    ]);
    assert.deepEqual(codes({ type: 'approval', keep_up: { files: 1 } }), ['stages.s.keep_up']);
  });
});
