import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { openSqliteStore } from '../adapters/storage/sqlite.ts';
import { systemClock } from '../adapters/system/system-clock.ts';
import { ulidIdSource } from '../adapters/system/ulid-ids.ts';
import { StaleRevisionError } from '../ports/errors.ts';
import { CampaignService, ExperimentMismatchError, InvalidCampaignError } from './campaigns.ts';

const good = `campaign: c
job_types: {j: {command: run %(dataset)s}}
launch_setups: {l: {}}
stages:
  a: {job_type: j, launch_setup: l, input: raw}
`;

async function fresh() {
  const store = await openSqliteStore({
    file: ':memory:',
    clock: systemClock,
    ids: ulidIdSource(),
  });
  await store.experiments.create({ name: 'exp', display_name: 'Exp' });
  return { store, service: new CampaignService(store) };
}

describe('CampaignService', () => {
  it('stores the verbatim text with its parsed model, revision by revision', async () => {
    const { store, service } = await fresh();
    const created = await service.create('exp', good, 'alice');
    assert.equal(created.campaign.name, 'c');
    assert.equal(created.campaign.text, good);
    const model = created.campaign.model as { effective: { stages: { name: string }[] } };
    assert.deepEqual(
      model.effective.stages.map((s) => s.name),
      ['a'],
    );
    const edited = good.replace('input: raw', 'input: raw2') + '# the input moved to raw2\n';
    const saved = await service.save(created.campaign.id, 1, edited, 'bob', 'new input');
    assert.equal(saved.campaign.current_revision, 2);
    assert.equal(saved.campaign.text, edited);
    await assert.rejects(service.save(created.campaign.id, 1, good, 'carol'), StaleRevisionError);
    await store.close();
  });

  it('refuses text with errors and writes nothing', async () => {
    const { store, service } = await fresh();
    const bad = good.replace('input: raw', 'input: raw, needs: [nope]');
    await assert.rejects(service.create('exp', bad, 'alice'), (error: unknown) => {
      assert.ok(error instanceof InvalidCampaignError);
      assert.equal(error.diagnostics[0]?.code, 'campaign.unknown-stage');
      assert.match(error.message, /line 5/);
      return true;
    });
    assert.equal((await store.campaigns.list('exp', {})).total, 0);
    await store.close();
  });
});

describe('CampaignService experiment check', () => {
  it('refuses a text that names another experiment', async () => {
    const { store, service } = await fresh();
    await assert.rejects(
      service.create('exp', good.replace('campaign: c', 'campaign: c\nexperiment: other'), 'alice'),
      ExperimentMismatchError,
    );
    assert.equal((await store.campaigns.list('exp', {})).total, 0);
    await store.close();
  });
});
