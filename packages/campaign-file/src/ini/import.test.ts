// One POMS-style file per importer feature (see __fixtures__), plus the errors and warnings.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parse as parseYaml } from 'yaml';
import { CampaignSpec, effectiveCampaign } from '@poms/core';
import { formatCampaign } from '../print.ts';
import { MAX_INI_CHARS, importIni } from './import.ts';
import { fixture, where } from './__fixtures__/load.ts';

function ok(name: string) {
  const result = importIni(fixture(name));
  assert.ok(result.spec, `${name}: ${JSON.stringify(result.diagnostics, null, 1)}`);
  const formatted = formatCampaign(result.yaml);
  assert.ok(formatted.ok && formatted.text === result.yaml, `${name}: not in canonical form`);
  const reparsed = CampaignSpec.safeParse(parseYaml(result.yaml));
  assert.ok(reparsed.success, `${name}: YAML invalid: ${JSON.stringify(reparsed.error?.issues)}`);
  assert.deepEqual(reparsed.data, result.spec, `${name}: YAML differs from the model`);
  return { ...result, spec: result.spec };
}

/** Imports inline text; `lines` are joined with newlines. */
function run(...lines: string[]) {
  return importIni(lines.join('\n') + '\n');
}

function codes(result: ReturnType<typeof importIni>) {
  return result.diagnostics.map((d) => [d.code, d.severity, d.line, d.column]);
}

const HEAD = ['[campaign]', 'experiment=hypot', 'name=t', 'campaign_stage_list=s', ''];

describe('importIni: features', () => {
  it('campaign_keywords become keywords (numbers as text)', () => {
    const { spec, diagnostics } = ok('keywords.ini');
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(spec.keywords, { release: 'v09_10_00', nevents: '100', qual: 'e20:prof' });
    assert.equal(spec.role, 'production');
    assert.equal(spec.active, true);
    assert.equal(spec.stages.gen?.software_version, '%(release)s');
    assert.deepEqual(spec.job_types?.gen_job, {
      command: 'fife_launch -c gen.cfg',
      parameters: [['--release=', '%(release)s']],
      output_patterns: ['%.root'],
    });
  });

  it('node_positions become layout, printed as flow maps', () => {
    const { spec, yaml } = ok('node_positions.ini');
    assert.deepEqual(spec.layout, { a: { x: 100, y: 200 }, b: { x: 350.5, y: -20 } });
    assert.match(yaml, /^ {2}a: \{x: 100, y: 200\}$/m);
  });

  it('multiparam split data becomes a list of lists of text', () => {
    const { spec, yaml } = ok('multiparam.ini');
    assert.deepEqual(spec.stages.scan?.input, [['a', 'b'], ['1', '2', '3'], ['x']]);
    assert.equal(spec.stages.scan?.split, 'multiparam');
    assert.match(yaml, /^ {4}overrides:\n {6}- \["-Oglobal.point=", "%\(dataset\)s"\]$/m);
  });

  it('list split data (split from the defaults) becomes a list of datasets', () => {
    const { spec } = ok('list_split.ini');
    assert.deepEqual(spec.defaults, { split: 'list' });
    assert.deepEqual(spec.stages.each_ds, { input: ['ds_run1', 'ds_run2', 'ds_run3'] });
  });

  it('recoveries become the recovery recipe with per-step overrides', () => {
    const { spec } = ok('recoveries.ini');
    assert.deepEqual(spec.job_types?.reco_job, {
      command: 'fife_launch -c reco.cfg',
      parameters: [['-Oglobal.fcl=', 'reco.fcl']],
      output_patterns: ['%_reco.root', '%_hist.root'],
      recovery: [
        { type: 'consumed_status' },
        {
          type: 'process_status',
          overrides: [
            ['-Osubmit.memory=', '4000MB'],
            ['-Osubmit.expected-lifetime=', '24h'],
          ],
        },
        { type: 'pending_files' },
      ],
    });
  });

  it('merge_overrides in any case; merged overrides equal to the defaults stay', () => {
    const { spec } = ok('merge_overrides.ini');
    assert.deepEqual(spec.stages, {
      merged: { overrides: [['-Oglobal.own=', '2']], merge_overrides: true },
      replaced: { overrides: [['-Oglobal.own=', '3']] },
      merged_same: { overrides: [['-Oglobal.common=', '1']], merge_overrides: true },
      default_merge: { overrides: [] },
    });
    const effective = effectiveCampaign(spec);
    assert.deepEqual(
      effective.stages.map((s) => s.overrides.map(([k]) => k)),
      [
        ['-Oglobal.common=', '-Oglobal.own='],
        ['-Oglobal.own='],
        ['-Oglobal.common=', '-Oglobal.common='],
        [],
      ],
    );
  });

  it('test split, test overrides and the test campaign type', () => {
    const { spec } = ok('test_overrides.ini');
    assert.equal(spec.test, true);
    assert.deepEqual(spec.stages.sim, {
      input: 'sim_input',
      split: 'nfiles(100)',
      test_split: 'limitn(2)',
      overrides: [['-Oglobal.nevents=', '1000']],
      test_overrides: [
        ['-Oglobal.nevents=', '10'],
        ['-Osubmit.N=', '1'],
      ],
    });
  });

  it('stage types', () => {
    const { spec } = ok('stage_types.ini');
    assert.deepEqual(
      Object.entries(spec.stages).map(([n, s]) => [n, s.type]),
      [
        ['gen', 'generator'],
        ['check', 'test'],
        ['approve', 'approval'],
        ['move', 'datatransfer'],
        ['plain', 'regular'],
      ],
    );
    assert.deepEqual(spec.stages.check?.needs, ['gen']);
  });

  it('numbered dependencies with gaps, several parents, a self-edge and a parent without patterns', () => {
    const { spec, yaml } = ok('dependencies.ini');
    assert.deepEqual(spec.stages.merge?.needs, [
      { stage: 'gen_a', patterns: ['%_a.root'] },
      { stage: 'gen_b', patterns: ['%_b.root', '%_b.log'] },
      { stage: 'merge', patterns: ['%merged%'] },
      'gen_c',
    ]);
    assert.match(yaml, /^ {6}- gen_c$/m);
  });

  it('continuation lines, comments, key case and spacing', () => {
    const { spec, diagnostics } = ok('continuation.ini');
    assert.deepEqual(diagnostics, []);
    assert.equal(spec.campaign, 'continuation_demo');
    assert.equal(spec.experiment, 'hypot');
    assert.deepEqual(spec.stages.only, { launch_setup: 'multi', input: 'my_dataset' });
    assert.equal(
      spec.launch_setups?.multi?.setup,
      'source /grid/fermiapp/products/common/etc/setups\nsetup fife_utils v3_5\n\nexport X509_USER_PROXY=/opt/hypotpro/proxy',
    );
  });

  it('unknown keys and sections: warnings naming section, key and line, and a YAML comment', () => {
    const text = fixture('unknown_key.ini');
    const { spec, yaml, diagnostics } = ok('unknown_key.ini');
    assert.deepEqual(
      diagnostics.map((d) => [d.code, d.severity, d.line]),
      [
        ['ini.unknown-key', 'warning', where(text, 'data_handling_service').line],
        ['ini.unknown-key', 'warning', where(text, 'cs_split_dimensions').line],
        ['ini.unknown-section', 'warning', where(text, '[campaign_settings]').line],
        ['ini.unknown-key', 'warning', where(text, 'file_pattern_2').line],
      ],
    );
    assert.match(
      diagnostics[1]?.message ?? '',
      new RegExp(
        `\\[campaign_stage one\\] cs_split_dimensions \\(line ${where(text, 'cs_split_dimensions').line}\\)`,
      ),
    );
    assert.match(
      diagnostics[2]?.message ?? '',
      new RegExp(`\\[campaign_settings\\] \\(line ${where(text, '[campaign_settings]').line}\\)`),
    );
    assert.deepEqual(spec.stages.one, { vo_role: 'Production', input: 'ds' });
    assert.match(yaml, /# not imported from POMS: cs_split_dimensions\n {2}one:/);
  });

  it('bad JSON: an error at its line and column, and no campaign', () => {
    const text = fixture('bad_json.ini');
    const result = importIni(text);
    assert.equal(result.spec, undefined);
    assert.equal(result.yaml, '');
    const at = where(text, '"2"');
    assert.deepEqual(codes(result), [['ini.bad-json', 'error', at.line, at.column]]);
    assert.match(result.diagnostics[0]?.message ?? '', /\[campaign_stage one\] param_overrides/);
  });

  it('renames names that do not fit, consistently, and says what they became', () => {
    const text = fixture('renames.ini');
    const { spec, yaml, diagnostics } = ok('renames.ini');
    assert.equal(spec.campaign, 'users_me_My_Campaign');
    assert.equal(spec.experiment, 'hypot');
    assert.deepEqual(Object.keys(spec.stages), ['first_stage', 'second_stage', 'ghost', 'extra']);
    assert.deepEqual(spec.stages.second_stage, {
      needs: ['first_stage'],
      job_type: 'my_job',
      input: 'from_parent',
    });
    assert.deepEqual(spec.stages.ghost, {});
    assert.deepEqual(Object.keys(spec.job_types ?? {}), ['my_job']);
    assert.deepEqual(spec.layout, { first_stage: { x: 10, y: 20 } });
    assert.deepEqual(
      diagnostics.map((d) => [d.code, d.line]),
      [
        ['ini.renamed', where(text, 'experiment=').line],
        ['ini.renamed', where(text, 'name=').line],
        ['ini.missing-stage-section', where(text, 'campaign_stage_list').line],
        ['ini.renamed', where(text, '[campaign_stage first stage]').line],
        ['ini.renamed', where(text, 'job_type=my job').line],
        ['ini.renamed', where(text, '[campaign_stage second/stage]').line],
        ['ini.unlisted-stage', where(text, '[campaign_stage extra]').line],
        ['ini.unknown-stage', where(text, 'nowhere').line],
      ],
    );
    const ghost = diagnostics.find((d) => d.code === 'ini.missing-stage-section');
    assert.equal(ghost?.column, where(text, 'ghost').column);
    assert.match(
      diagnostics[1]?.message ?? '',
      /"users\/me\/My Campaign.ini" became "users_me_My_Campaign"/,
    );
    assert.match(yaml, /# POMS name: first stage\n {2}first_stage:/);
    assert.match(yaml, /# listed in POMS campaign_stage_list without a section\n {2}ghost: \{\}/);
  });

  it('a renamed name never takes a name that was already valid', () => {
    const result = run(
      '[campaign]',
      'name=t',
      'campaign_stage_list=a b,a_b',
      '[campaign_stage a b]',
      '[campaign_stage a_b]',
      '[dependencies a_b]',
      'campaign_stage_1=a b',
    );
    assert.deepEqual(Object.keys(result.spec?.stages ?? {}), ['a_b_2', 'a_b']);
    assert.deepEqual(result.spec?.stages.a_b?.needs, ['a_b_2']);
  });

  it('values equal to [campaign_defaults] are not repeated on the stage', () => {
    const { spec } = ok('defaults.ini');
    assert.deepEqual(spec.stages, {
      same: { merge_overrides: false },
      different: {
        active: false,
        vo_role: 'Analysis',
        software_version: 'v2_0',
        split: 'none',
        overrides: [],
        completion: { type: 'complete' },
        output_ancestor_depth: 2,
        clear_schedule_when_exhausted: false,
      },
    });
    const [same, different] = effectiveCampaign(spec).stages;
    assert.equal(same?.split, 'nfiles(10)');
    assert.deepEqual(same?.overrides, [['--x=', '1']]);
    assert.equal(different?.split, 'none');
    assert.deepEqual(different?.overrides, []);
    assert.equal(different?.completion.pct, 95);
  });

  it('every section and key', () => {
    const { spec, diagnostics } = ok('everything.ini');
    assert.deepEqual(diagnostics, []);
    const expected: CampaignSpec = {
      campaign: 'everything',
      experiment: 'hypot',
      description: 'A campaign that uses every key',
      role: 'production',
      test: true,
      active: false,
      keywords: { release: 'v2_1', nev: '50' },
      tags: ['mc', '2024'],
      defaults: {
        type: 'regular',
        active: true,
        wait: 'each',
        job_type: 'art',
        launch_setup: 'grid',
        vo_role: 'Production',
        software_version: '%(release)s',
        input: 'from_parent',
        split: 'none',
        test_split: 'limitn(1)',
        overrides: [['-Oglobal.release=', '%(release)s']],
        test_overrides: [['-Osubmit.N=', '1']],
        merge_overrides: true,
        completion: { type: 'located', pct: 90 },
        output_ancestor_depth: 1,
        clear_schedule_when_exhausted: false,
      },
      job_types: {
        art: {
          description: 'art framework job',
          command: 'fife_launch -c art.cfg',
          parameters: [
            ['-Oglobal.fcl=', 'reco.fcl'],
            ['--stage=', 'art'],
          ],
          output_patterns: ['%.root', '%.art'],
          recovery: [
            { type: 'consumed_status' },
            { type: 'added_files', overrides: [['-Oglobal.recover=', '1']] },
          ],
          resources: { memory: '2GB', disk: '10GB', gpus: 0 },
        },
        generator_job: { command: 'fife_launch -c gen.cfg', output_patterns: ['gen_%.root'] },
      },
      launch_setups: {
        grid: {
          host: 'hypotgpvm01.fnal.gov',
          account: 'hypotpro',
          setup: 'setup fife_utils; setup jobsub_client',
        },
        cluster: {
          description: 'Slurm cluster',
          engine: 'slurm',
          host: 'login.cluster.example',
          account: 'hypot',
          partition: 'batch',
          qos: 'normal',
          batch_account: 'hypot_prod',
          setup: 'module load art\nexport ART_OPTS=--fast',
          environment: { OMP_NUM_THREADS: '4', TMPDIR: '/scratch/%(experiment)s' },
          resources: { memory: '4GB', time: '8h', cpus: 4 },
        },
      },
      stages: {
        gen: {
          description: 'Event generation',
          type: 'generator',
          job_type: 'generator_job',
          input: 'none',
          overrides: [['-Oglobal.nevents=', '%(nev)s']],
        },
        sim: {
          needs: [{ stage: 'gen', patterns: ['gen_%.root'] }],
          split: 'nfiles(5)',
          test_split: 'nfiles(1)',
          test_overrides: [['-Osubmit.N=', '2']],
          merge_overrides: false,
          completion: { type: 'complete', pct: 100 },
          output_ancestor_depth: 2,
        },
        approve: { type: 'approval', needs: ['sim'] },
        reco: {
          active: false,
          needs: ['approve', { stage: 'sim', patterns: ['%.art'] }, 'reco'],
          wait: 'all',
          launch_setup: 'cluster',
          split: 'drainingn(100)',
          clear_schedule_when_exhausted: true,
        },
        scan: {
          input: [
            ['0.1', '0.2'],
            ['left', 'right'],
          ],
          split: 'multiparam',
        },
        ship: {
          type: 'datatransfer',
          needs: [{ stage: 'reco', patterns: ['%.root'] }],
          vo_role: 'Analysis',
          software_version: 'v9',
          input: ['store_a', 'store_b'],
          split: 'list',
        },
      },
      layout: { gen: { x: 0, y: 0 }, sim: { x: 200, y: 0 }, reco: { x: 400, y: 0 } },
    };
    assert.deepEqual(spec, expected);
  });
});

describe('importIni: values it refuses or changes', () => {
  const cases: [string, string, string][] = [
    ['completion_type=sometimes', 'ini.bad-value', 'located or complete'],
    ['completion_pct=ninety', 'ini.bad-value', 'percentage'],
    ['completion_pct=150', 'ini.bad-value', 'percentage'],
    ['output_ancestor_depth=0', 'ini.bad-value', 'whole number'],
    ['stage_type=magic', 'ini.bad-value', 'stage_type'],
    ['merge_overrides=maybe', 'ini.bad-value', 'True or False'],
    ['state=Paused', 'ini.bad-value', 'Active or Inactive'],
    ['wait=some', 'ini.bad-value', 'each or all'],
    ['param_overrides={"a": "b"}', 'ini.bad-value', 'list of [key, value] pairs'],
    ['param_overrides=[["a", "b", "c"]]', 'ini.bad-value', 'pair'],
    ['param_overrides=[["a", true]]', 'ini.bad-value', 'pair'],
    ['cs_split_type=multiparam\ndataset_or_split_data=a,b', 'ini.bad-value', 'list of lists'],
    ['cs_split_type=multiparam\ndataset_or_split_data=[["a"]', 'ini.bad-json', 'multiparam'],
  ];
  for (const [line, code, message] of cases) {
    it(`${line.replace('\n', ' ')} → ${code}`, () => {
      const result = run(...HEAD, '[campaign_stage s]', line);
      assert.equal(result.spec, undefined);
      const errors = result.diagnostics.filter((d) => d.severity === 'error');
      assert.equal(errors.length, 1, JSON.stringify(result.diagnostics));
      assert.equal(errors[0]?.code, code);
      assert.match(errors[0]?.message ?? '', new RegExp(message.replace(/[[\]]/g, '\\$&')));
      assert.equal(errors[0]?.line, HEAD.length + 1 + line.split('\n').length);
    });
  }

  it('points at the offending pair inside a value, even across continuation lines', () => {
    const result = run(...HEAD, '[campaign_stage s]', 'param_overrides=[["a", "b"],', '    ["c"]]');
    assert.deepEqual(codes(result), [['ini.bad-value', 'error', HEAD.length + 3, 5]]);
  });

  it('bad keywords and recovery types', () => {
    const keywords = run('[campaign]', 'name=t', 'campaign_keywords={"ok": "1", "bad-name": "2"}');
    assert.deepEqual(codes(keywords), [['ini.bad-value', 'error', 3, 31]]);
    const recovery = run(
      '[campaign]',
      'name=t',
      '[job_type j]',
      'launch_script=x',
      'recoveries=[["consumed_status", []], ["telepathy", []]]',
    );
    assert.deepEqual(codes(recovery), [['ini.bad-value', 'error', 5, 39]]);
  });

  it('a job type needs a launch_script', () => {
    const result = run('[campaign]', 'name=t', '[job_type j]', 'parameters=[]');
    assert.deepEqual(codes(result), [['ini.missing-key', 'error', 3, 1]]);
  });

  it('missing [campaign] or name: an error, unless a name is given', () => {
    assert.deepEqual(codes(run('[campaign_stage a]')), [['ini.missing-campaign', 'error', 1, 1]]);
    assert.deepEqual(codes(run('[campaign]', 'experiment=hypot')), [
      ['ini.missing-name', 'error', 1, 1],
    ]);
    const named = importIni('[campaign_stage a]\n', { name: 'from file.ini' });
    assert.equal(named.spec?.campaign, 'from_file');
    assert.deepEqual(
      named.diagnostics.map((d) => d.severity),
      ['warning'],
    );
  });

  it('an experiment that is no id is an error; upper case is lowered with a warning', () => {
    assert.deepEqual(codes(run('[campaign]', 'name=t', 'experiment=my experiment')), [
      ['ini.bad-value', 'error', 3, 12],
    ]);
    const upper = run('[campaign]', 'name=t', 'experiment=DUNE');
    assert.equal(upper.spec?.experiment, 'dune');
    assert.deepEqual(codes(upper), [['ini.renamed', 'warning', 3, 12]]);
  });

  it('poms_role of a person maps to production with a warning', () => {
    const result = run('[campaign]', 'name=t', 'poms_role=superuser');
    assert.equal(result.spec?.role, 'production');
    assert.deepEqual(codes(result), [['ini.mapped-value', 'warning', 3, 11]]);
  });

  it('sections without a name, or with one they do not take', () => {
    assert.deepEqual(codes(run('[campaign]', 'name=t', '[campaign_stage]')), [
      ['ini.bad-section', 'error', 3, 1],
    ]);
    assert.deepEqual(codes(run('[campaign]', 'name=t', '[campaign_defaults extra]')), [
      ['ini.unknown-section', 'warning', 3, 1],
    ]);
  });

  it('sections that differ only in case or spacing are one section repeated: an error', () => {
    const result = run(
      '[campaign]',
      'name=t',
      '[campaign_stage a]',
      '[Campaign_Stage  a]',
      '[CAMPAIGN]',
    );
    assert.deepEqual(codes(result), [
      ['ini.duplicate-section', 'error', 4, 1],
      ['ini.duplicate-section', 'error', 5, 1],
    ]);
    const deps = run(
      '[campaign]',
      'name=t',
      '[campaign_stage a]',
      '[campaign_stage b]',
      '[campaign_stage c]',
      '[dependencies c]',
      'campaign_stage_1=a',
      '[Dependencies c]',
      'campaign_stage_1=b',
    );
    assert.deepEqual(deps.spec?.stages.c?.needs, ['a', 'b']);
  });

  it('dependencies of an unknown stage, or on one', () => {
    const result = run(
      '[campaign]',
      'name=t',
      '[campaign_stage a]',
      '[dependencies a]',
      'campaign_stage_1=nowhere',
      '[dependencies zzz]',
      'campaign_stage_1=a',
    );
    assert.deepEqual(codes(result), [
      ['ini.unknown-stage', 'warning', 5, 18],
      ['ini.unknown-stage', 'warning', 6, 1],
    ]);
    assert.deepEqual(result.spec?.stages.a?.needs, ['nowhere']);
  });

  it('keeps %(name)s and %% exactly in launch text', () => {
    const result = run(
      ...HEAD,
      '[campaign_stage s]',
      'param_overrides=[["-Oglobal.x=", "100%% of %(dataset)s"], ["-f ", "%(bad)"]]',
    );
    assert.deepEqual(result.spec?.stages.s?.overrides, [
      ['-Oglobal.x=', '100%% of %(dataset)s'],
      ['-f ', '%(bad)'],
    ]);
  });

  it('reads KEY.json as the text of KEY', () => {
    const result = run(
      '[campaign]',
      'name=t',
      '[login_setup l]',
      'setup.json="  indented\\n# not a comment\\n"',
    );
    assert.equal(result.spec?.launch_setups?.l?.setup, '  indented\n# not a comment\n');
    const both = run('[campaign]', 'name=t', '[login_setup l]', 'setup=a', 'setup.json="b"');
    assert.deepEqual(codes(both), [['ini.duplicate-key', 'error', 5, 1]]);
  });

  it('refuses text larger than a campaign file can be', () => {
    const result = importIni('#'.repeat(MAX_INI_CHARS + 1));
    assert.deepEqual(codes(result), [['ini.too-large', 'error', 1, 1]]);
  });

  it('null and [] overrides and parameters say "none"', () => {
    const result = run(
      ...HEAD,
      '[campaign_stage s]',
      'param_overrides=null',
      'test_param_overrides=[]',
      '[job_type j]',
      'launch_script=x',
      'parameters=null',
      'recoveries=[]',
    );
    assert.deepEqual(result.spec?.stages.s, {});
    assert.deepEqual(result.spec?.job_types?.j, { command: 'x' });
  });
});

describe('byrun high', () => {
  it('warns that POMS-TS includes the high run', () => {
    const text = `[campaign]
name=runs
campaign_stage_list=reco

[campaign_stage reco]
dataset_or_split_data=raw
cs_split_type=byrun(low=1,high=4)
`;
    const warning = importIni(text).diagnostics.find((d) => d.code === 'ini.byrun-high');
    assert.ok(warning);
    assert.equal(`${warning.line}:${warning.column}`, '7:15');
    assert.match(warning.message, /write high=3/);
  });
});
