import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { effectiveCampaign } from './effective.ts';
import { CampaignSpec } from './model.ts';

const base = {
  campaign: 'c',
  job_types: {
    gen: { command: 'gen', output_patterns: ['gen_%.root'] },
    reco: { command: 'reco', recovery: [{ type: 'consumed_status' as const }] },
  },
  launch_setups: { here: {}, there: { engine: 'slurm' as const } },
};

function effective(spec: object) {
  return effectiveCampaign(CampaignSpec.parse({ ...base, ...spec }));
}

describe('effectiveCampaign', () => {
  it("takes a stage's own value over the defaults'", () => {
    const c = effective({
      defaults: {
        job_type: 'reco',
        launch_setup: 'here',
        vo_role: 'Production',
        split: 'nfiles(5)',
      },
      stages: { a: { input: 'd', launch_setup: 'there', split: 'mod(2)' } },
    });
    const a = c.stages[0];
    assert.deepEqual(
      [a?.job_type, a?.launch_setup, a?.vo_role, a?.split],
      ['reco', 'there', 'Production', 'mod(2)'],
    );
  });

  it('replaces the defaults overrides unless merge_overrides, which puts the defaults first', () => {
    const defaults = { job_type: 'reco', launch_setup: 'here', overrides: [['-a=', '1']] };
    const replaced = effective({
      defaults,
      stages: { a: { input: 'd', overrides: [['-b=', '2']] }, b: { input: 'd' } },
    });
    assert.deepEqual(replaced.stages[0]?.overrides, [['-b=', '2']]);
    assert.deepEqual(
      replaced.stages[1]?.overrides,
      [['-a=', '1']],
      'inherited when the stage has none',
    );
    const merged = effective({
      defaults: { ...defaults, merge_overrides: true },
      stages: { a: { input: 'd', overrides: [['-b=', '2']] } },
    });
    assert.deepEqual(merged.stages[0]?.overrides, [
      ['-a=', '1'],
      ['-b=', '2'],
    ]);
    assert.equal(merged.stages[0]?.merge_overrides, true);
  });

  it('merges the completion rule key by key, over the built-in located 95', () => {
    const c = effective({
      defaults: { job_type: 'reco', launch_setup: 'here', completion: { pct: 80 } },
      stages: { a: { input: 'd', completion: { type: 'complete' } }, b: { input: 'd' } },
    });
    assert.deepEqual(c.stages[0]?.completion, { type: 'complete', pct: 80 });
    assert.deepEqual(c.stages[1]?.completion, { type: 'located', pct: 80 });
    const bare = effective({
      stages: { a: { input: 'd', job_type: 'reco', launch_setup: 'here' } },
    });
    assert.deepEqual(bare.stages[0]?.completion, { type: 'located', pct: 95 });
  });

  it('fills the built-in defaults', () => {
    const a = effective({ stages: { a: { input: 'd', job_type: 'reco', launch_setup: 'here' } } })
      .stages[0];
    assert.deepEqual(
      [
        a?.type,
        a?.split,
        a?.output_ancestor_depth,
        a?.wait,
        a?.active,
        a?.clear_schedule_when_exhausted,
      ],
      ['regular', 'none', 1, 'each', true, false],
    );
    const c = effective({ stages: {} });
    assert.equal(c.launch_setups.find((l) => l.name === 'here')?.engine, 'local');
    assert.deepEqual(c.job_types.find((j) => j.name === 'reco')?.recovery, [
      { type: 'consumed_status', overrides: [] },
    ]);
    assert.deepEqual(c.job_types.find((j) => j.name === 'reco')?.output_patterns, ['%']);
  });

  it('resolves input: from_parent with upstream stages, none for generators', () => {
    const c = effective({
      defaults: { launch_setup: 'here' },
      stages: {
        g: { type: 'generator', job_type: 'gen' },
        r: { job_type: 'reco', needs: ['g'] },
        k: { job_type: 'reco', input: 'raw', needs: ['k'], split: 'drainingn(3)' },
      },
    });
    assert.deepEqual(
      c.stages.map((s) => s.input),
      ['none', 'from_parent', 'raw'],
    );
  });

  it("gives edges their explicit patterns, else the upstream job type's outputs, else all files", () => {
    const c = effective({
      defaults: { launch_setup: 'here' },
      stages: {
        g: { type: 'generator', job_type: 'gen' },
        r: { job_type: 'reco', needs: ['g'] },
        s: { job_type: 'reco', needs: [{ stage: 'g', patterns: ['gen_a%'] }, 'r'] },
        k: { job_type: 'reco', needs: ['k'], input: 'raw', split: 'drainingn(3)' },
      },
    });
    assert.deepEqual(
      c.edges.map((e) => [e.from, e.to, e.patterns, e.explicit_patterns, e.self]),
      [
        ['g', 'r', ['gen_%.root'], false, false],
        ['g', 's', ['gen_a%'], true, false],
        ['r', 's', ['%'], false, false],
        ['k', 'k', ['%'], false, true],
      ],
    );
  });

  it('keeps stages in file order', () => {
    const c = effective({
      defaults: { job_type: 'reco', launch_setup: 'here', input: 'd' },
      stages: { z: {}, a: {}, m: {} },
    });
    assert.deepEqual(
      c.stages.map((s) => s.name),
      ['z', 'a', 'm'],
    );
  });
});
