import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkCampaign } from './check.ts';
import { effectiveCampaign } from './effective.ts';
import { CampaignSpec } from './model.ts';

function stage(fields: object) {
  return CampaignSpec.safeParse({ campaign: 'p', stages: { s: { input: 'raw', ...fields } } });
}

describe('publish, output_location, output_dataset', () => {
  it('resolves rules (lifetimes in seconds) and makes rules imply Rucio', () => {
    const parsed = stage({
      output_location: 'tape',
      output_dataset: 'reco-%(campaign)s',
      publish: {
        metadata: true,
        rules: [{ copies: 2, rse_expression: 'type=TAPE', lifetime: '30d' }],
        wait_for_rules: true,
      },
    });
    assert.ok(parsed.success);
    const s = effectiveCampaign(parsed.data).stages[0];
    assert.equal(s?.output_location, 'tape');
    assert.equal(s?.output_dataset, 'reco-%(campaign)s');
    assert.deepEqual(s?.publish, {
      metadata: true,
      metadata_dataset: undefined,
      rucio: true,
      rules: [{ copies: 2, rse_expression: 'type=TAPE', lifetime_s: 30 * 86_400 }],
      wait_for_rules: true,
    });
    const plain = stage({});
    assert.ok(plain.success);
    assert.equal(effectiveCampaign(plain.data).stages[0]?.publish, undefined);
  });

  it('refuses waiting for rules that are not there, and bad rules, naming the field', () => {
    const noRules = stage({ publish: { wait_for_rules: true } });
    assert.equal(noRules.success, false);
    assert.deepEqual(noRules.error?.issues[0]?.path, ['stages', 's', 'publish', 'wait_for_rules']);
    const zero = stage({ publish: { rules: [{ copies: 0, rse_expression: 'X' }] } });
    assert.deepEqual(zero.error?.issues[0]?.path, ['stages', 's', 'publish', 'rules', 0, 'copies']);
    assert.equal(stage({ publish: { replicate: true } }).success, false, 'unknown key');
    assert.equal(stage({ output_location: '' }).success, false);
  });

  it('an approval stage has no outputs to publish, gather or land (campaign.outputs)', () => {
    const spec = CampaignSpec.parse({
      campaign: 'p',
      stages: {
        ok: { input: 'raw', publish: { metadata: true }, output_location: 'tape' },
        sign: { type: 'approval', needs: ['ok'], output_dataset: 'x', publish: { rucio: true } },
      },
    });
    const found = checkCampaign(spec)
      .filter((i) => i.code === 'campaign.outputs')
      .map((i) => i.path.join('.'));
    assert.deepEqual(found, ['stages.sign.output_dataset', 'stages.sign.publish']);
  });
});
