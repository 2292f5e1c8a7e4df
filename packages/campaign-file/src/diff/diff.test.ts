import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CampaignSpec } from '@poms/core';
import { exportIni } from '../ini/export.ts';
import { importIni } from '../ini/import.ts';
import { POMS_SAMPLES, fixture } from '../ini/__fixtures__/load.ts';
import { diffCampaigns, isEmptyDiff } from './diff.ts';
import { NO_CHANGES, formatDiff, formatValue } from './format.ts';

const BASE = CampaignSpec.parse({
  campaign: 'mc',
  experiment: 'hypot',
  role: 'production',
  keywords: { release: 'v1', nev: '100' },
  tags: ['mc', 'test'],
  job_types: {
    gen: { command: 'gen.sh', output_patterns: ['%.gen'] },
    sim: { command: 'sim.sh', output_patterns: ['%.sim'] },
  },
  launch_setups: { grid: { host: 'gpvm01', account: 'pro', setup: 'setup x' } },
  stages: {
    gen: { type: 'generator', job_type: 'gen', launch_setup: 'grid' },
    sim: {
      needs: ['gen'],
      job_type: 'sim',
      launch_setup: 'grid',
      split: 'nfiles(5)',
      overrides: [['--n=', '1']],
    },
    reco: { needs: [{ stage: 'sim', patterns: ['%.sim'] }], job_type: 'sim', launch_setup: 'grid' },
  },
  layout: { gen: { x: 0, y: 0 }, sim: { x: 200, y: 0 } },
});

function edit(change: (s: CampaignSpec) => void): CampaignSpec {
  const copy = structuredClone(BASE);
  change(copy);
  return CampaignSpec.parse(copy);
}

describe('diffCampaigns', () => {
  it('finds nothing between a campaign and itself', () => {
    const diff = diffCampaigns(BASE, BASE);
    assert.ok(isEmptyDiff(diff));
    assert.ok(isEmptyDiff(diff, { layout: true }));
    assert.equal(formatDiff(diff), NO_CHANGES);
  });

  it('finds nothing when a value moves from the stages into defaults', () => {
    const moved = edit((s) => {
      s.defaults = { launch_setup: 'grid', job_type: 'sim' };
      for (const stage of Object.values(s.stages)) delete stage.launch_setup;
      delete s.stages.sim?.job_type;
      delete s.stages.reco?.job_type;
    });
    assert.ok(isEmptyDiff(diffCampaigns(BASE, moved)), formatDiff(diffCampaigns(BASE, moved)));
  });

  it('finds nothing when an edge states the patterns its upstream already makes', () => {
    const explicit = edit((s) => {
      if (s.stages.sim) s.stages.sim.needs = [{ stage: 'gen', patterns: ['%.gen'] }];
    });
    assert.ok(isEmptyDiff(diffCampaigns(BASE, explicit)));
  });

  it('campaign fields, keywords and tags', () => {
    const diff = diffCampaigns(
      BASE,
      edit((s) => {
        s.active = false;
        s.description = 'new';
        s.keywords = { release: 'v2', extra: 'x' };
        s.tags = ['mc', 'prod'];
      }),
    );
    assert.deepEqual(diff.campaign, [
      { field: 'description', before: undefined, after: 'new' },
      { field: 'active', before: true, after: false },
    ]);
    assert.deepEqual(diff.keywords, {
      added: [{ name: 'extra', value: 'x' }],
      removed: [{ name: 'nev', value: '100' }],
      changed: [{ name: 'release', before: 'v1', after: 'v2' }],
    });
    assert.deepEqual(diff.tags, { added: ['prod'], removed: ['test'] });
  });

  it('stages added, removed and changed field by field', () => {
    const diff = diffCampaigns(
      BASE,
      edit((s) => {
        delete s.stages.reco;
        s.stages.ana = { needs: ['sim'], job_type: 'sim' };
        if (s.stages.sim) {
          s.stages.sim.split = 'nfiles(10)';
          s.stages.sim.completion = { pct: 80 };
          s.stages.sim.overrides = [['--n=', '2']];
        }
      }),
    );
    assert.deepEqual(
      diff.stages.added.map((a) => a.name),
      ['ana'],
    );
    assert.equal(diff.stages.added[0]?.value.input, 'from_parent');
    assert.deepEqual(
      diff.stages.removed.map((r) => r.name),
      ['reco'],
    );
    assert.deepEqual(diff.stages.changed, [
      {
        name: 'sim',
        fields: [
          { field: 'split', before: 'nfiles(5)', after: 'nfiles(10)' },
          { field: 'overrides', before: [['--n=', '1']], after: [['--n=', '2']] },
          { field: 'completion.pct', before: 95, after: 80 },
        ],
      },
    ]);
  });

  it('edges added, removed and with changed patterns (explicit or from the upstream job type)', () => {
    const diff = diffCampaigns(
      BASE,
      edit((s) => {
        if (s.stages.reco)
          s.stages.reco.needs = [{ stage: 'sim', patterns: ['%.sim', '%.log'] }, 'gen'];
        if (s.stages.sim) s.stages.sim.needs = [];
        if (s.job_types?.gen) s.job_types.gen.output_patterns = ['%.root'];
      }),
    );
    assert.deepEqual(diff.edges, {
      added: [{ from: 'gen', to: 'reco', patterns: ['%.root'] }],
      removed: [{ from: 'gen', to: 'sim', patterns: ['%.gen'] }],
      changed: [
        {
          from: 'sim',
          to: 'reco',
          fields: [{ field: 'patterns', before: ['%.sim'], after: ['%.sim', '%.log'] }],
        },
      ],
    });
    assert.deepEqual(diff.job_types.changed, [
      { name: 'gen', fields: [{ field: 'output_patterns', before: ['%.gen'], after: ['%.root'] }] },
    ]);
  });

  it('pattern order on an edge is not a change', () => {
    const a = edit((s) => {
      if (s.stages.reco) s.stages.reco.needs = [{ stage: 'sim', patterns: ['%.a', '%.b'] }];
    });
    const b = edit((s) => {
      if (s.stages.reco) s.stages.reco.needs = [{ stage: 'sim', patterns: ['%.b', '%.a'] }];
    });
    assert.ok(isEmptyDiff(diffCampaigns(a, b)));
  });

  it('job types and launch setups added, removed and changed', () => {
    const diff = diffCampaigns(
      BASE,
      edit((s) => {
        s.job_types = {
          gen: {
            command: 'gen2.sh',
            output_patterns: ['%.gen'],
            recovery: [{ type: 'added_files' }],
          },
          sim: { command: 'sim.sh', output_patterns: ['%.sim'] },
          ana: { command: 'ana.sh' },
        };
        s.launch_setups = {
          slurm: { engine: 'slurm' },
          grid: { host: 'gpvm02', account: 'pro', setup: 'setup x' },
        };
        s.launch_setups.grid = { host: 'gpvm02', account: 'pro', setup: 'setup x' };
        delete s.launch_setups.slurm;
        s.launch_setups.cluster = { engine: 'slurm', partition: 'cpu' };
      }),
    );
    assert.deepEqual(
      diff.job_types.added.map((a) => a.name),
      ['ana'],
    );
    assert.deepEqual(diff.job_types.changed, [
      {
        name: 'gen',
        fields: [
          { field: 'command', before: 'gen.sh', after: 'gen2.sh' },
          { field: 'recovery', before: [], after: [{ type: 'added_files', overrides: [] }] },
        ],
      },
    ]);
    assert.deepEqual(
      diff.launch_setups.added.map((a) => a.name),
      ['cluster'],
    );
    assert.deepEqual(diff.launch_setups.changed, [
      { name: 'grid', fields: [{ field: 'host', before: 'gpvm01', after: 'gpvm02' }] },
    ]);
    const removed = diffCampaigns(
      BASE,
      edit((s) => delete s.launch_setups),
    );
    assert.deepEqual(
      removed.launch_setups.removed.map((r) => r.name),
      ['grid'],
    );
  });

  it('layout changes are reported apart and are not semantic', () => {
    const diff = diffCampaigns(
      BASE,
      edit((s) => {
        s.layout = { sim: { x: 250, y: 10 }, reco: { x: 400, y: 0 } };
      }),
    );
    assert.deepEqual(diff.layout, {
      added: [{ stage: 'reco', position: { x: 400, y: 0 } }],
      removed: [{ stage: 'gen', position: { x: 0, y: 0 } }],
      moved: [{ stage: 'sim', before: { x: 200, y: 0 }, after: { x: 250, y: 10 } }],
    });
    assert.ok(isEmptyDiff(diff));
    assert.ok(!isEmptyDiff(diff, { layout: true }));
  });

  it('an imported sample and its export re-imported do not differ', () => {
    for (const name of POMS_SAMPLES) {
      const spec = importIni(fixture(name)).spec;
      assert.ok(spec);
      const again = importIni(exportIni(spec)).spec;
      assert.ok(again);
      assert.ok(isEmptyDiff(diffCampaigns(spec, again), { layout: true }), name);
    }
  });
});

describe('formatDiff', () => {
  it('lists every change on its own line, in a stable order', () => {
    const after = edit((s) => {
      s.active = false;
      s.keywords = { release: 'v2', extra: 'x' };
      s.tags = ['mc', 'prod'];
      delete s.stages.reco;
      s.stages.ana = { needs: [{ stage: 'sim', patterns: ['%.sim'] }], job_type: 'sim' };
      if (s.stages.sim) s.stages.sim.split = 'nfiles(10)';
      if (s.stages.gen) s.stages.gen.description = 'two\nlines';
      if (s.job_types?.sim) s.job_types.sim.command = 'sim2.sh';
      if (s.launch_setups?.grid) s.launch_setups.grid.setup = 'setup y';
      s.layout = { gen: { x: 0, y: 0 }, sim: { x: 220, y: 0 } };
    });
    const expected = [
      '~ campaign.active: true → false',
      '+ keyword extra = x',
      '- keyword nev (was 100)',
      '~ keyword release: v1 → v2',
      '+ tag prod',
      '- tag test',
      '+ stage ana',
      '- stage reco',
      '~ stage gen.description: (unset) → "two\\nlines"',
      '~ stage sim.split: nfiles(5) → nfiles(10)',
      '+ edge sim → ana [%.sim]',
      '- edge sim → reco',
      '~ job type sim.command: sim.sh → sim2.sh',
      '~ launch setup grid.setup: setup x → setup y',
      '~ layout sim: (200, 0) → (220, 0)',
    ];
    assert.equal(formatDiff(diffCampaigns(BASE, after)), expected.join('\n'));
    assert.equal(
      formatDiff(diffCampaigns(BASE, after), { layout: false }),
      expected.slice(0, -1).join('\n'),
    );
    // Same input, same text: the report does not depend on the order of the file.
    const reordered = CampaignSpec.parse({
      ...after,
      stages: Object.fromEntries(Object.entries(after.stages).reverse()),
    });
    assert.equal(formatDiff(diffCampaigns(BASE, reordered)), expected.join('\n'));
  });

  it('formats values readably and unambiguously', () => {
    assert.equal(formatValue(undefined), '(unset)');
    assert.equal(formatValue(''), '""');
    assert.equal(formatValue('nfiles(5)'), 'nfiles(5)');
    assert.equal(formatValue(' padded'), '" padded"');
    assert.equal(formatValue(95), '95');
    assert.equal(formatValue([['--n=', '1']]), '[["--n=","1"]]');
  });
});
