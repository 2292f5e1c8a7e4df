// The real POMS campaign files (shared/poms-samples, copied into __fixtures__) import with the
// stages, edges, keywords and patterns they state, as valid canonical YAML, and round trip.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parse as parseYaml } from 'yaml';
import { CampaignSpec, checkCampaign, effectiveCampaign } from '@poms/core';
import { formatCampaign } from '../print.ts';
import { exportIni } from './export.ts';
import { importIni } from './import.ts';
import { POMS_SAMPLES, fixture, where } from './__fixtures__/load.ts';

function imported(name: string) {
  const result = importIni(fixture(name));
  assert.ok(result.spec, `${name}: ${JSON.stringify(result.diagnostics)}`);
  return { ...result, spec: result.spec, effective: effectiveCampaign(result.spec) };
}

function edges(name: string): string[] {
  return imported(name).effective.edges.map(
    (e) =>
      `${e.from}->${e.to} [${e.patterns.join(',')}]${e.explicit_patterns ? '' : ' (implicit)'}`,
  );
}

describe('POMS samples', () => {
  for (const name of POMS_SAMPLES) {
    describe(name, () => {
      it('imports with only the campaign rename warning, as valid YAML equal to the model', () => {
        const { spec, yaml, diagnostics } = imported(name);
        assert.deepEqual(
          diagnostics.map((d) => [d.code, d.severity, d.line]),
          [['ini.renamed', 'warning', where(fixture(name), 'name=').line]],
        );
        const formatted = formatCampaign(yaml);
        assert.ok(formatted.ok && formatted.text === yaml, 'the YAML is in canonical form');
        const reparsed = CampaignSpec.safeParse(parseYaml(yaml));
        assert.ok(reparsed.success, JSON.stringify(reparsed.error?.issues));
        assert.deepEqual(reparsed.data, spec);
        const pomsName = /^name=(.*)$/m.exec(fixture(name))?.[1];
        assert.ok(yaml.startsWith(`# Imported from POMS campaign file ${pomsName}\n`));
      });

      it('import → export → import gives the same model', () => {
        const { spec } = imported(name);
        const again = importIni(exportIni(spec));
        assert.deepEqual(again.diagnostics, []);
        assert.deepEqual(again.spec, spec);
      });
    });
  }

  it('analysis_generator: one stage on the defaults, the broken %(experimenter)/ kept for the parser', () => {
    const { spec, effective } = imported('analysis_generator.ini');
    assert.equal(spec.campaign, 'samples_analysis_generator');
    assert.equal(spec.experiment, 'sample');
    assert.equal(spec.role, 'analysis');
    assert.equal(spec.active, true);
    assert.equal(spec.keywords, undefined);
    assert.deepEqual(spec.defaults, {
      job_type: 'analysis_generator',
      launch_setup: 'generic_analysis_launch',
      vo_role: 'Analysis',
      software_version: 'v1_2',
      input: 'none',
      split: 'none',
      completion: { type: 'located', pct: 95 },
    });
    assert.deepEqual(Object.keys(spec.stages), ['generate']);
    assert.deepEqual(effective.edges, []);
    const overrides = spec.stages.generate?.overrides ?? [];
    assert.equal(overrides.length, 11);
    assert.deepEqual(overrides[1], [
      '-Oglobal.dest=',
      '/pnfs/%(experiment)s/scratch/users/%(experimenter)/%(version)s/generated',
    ]);
    assert.deepEqual(spec.job_types?.analysis_generator, {
      command:
        'setup fife_utils -j  -g analysis; fife_launch -c $FIFE_UTILS_DIR/cfg/template_launch.cfg --stage=analysis_gen',
      output_patterns: ['%root'],
    });
    assert.deepEqual(spec.launch_setups?.generic_analysis_launch, {
      host: 'pomsgpvm01.fnal.gov',
      account: 'poms_launcher',
      setup: 'setup fife_utils -q analysis',
    });
    const template = checkCampaign(spec).filter((i) => i.severity === 'error');
    assert.deepEqual(
      template.map((i) => i.path),
      [['stages', 'generate', 'overrides', 1, 1]],
    );
  });

  it('analysis_processor: dataset input, job type parameters and a recovery', () => {
    const { spec, effective } = imported('analysis_processor.ini');
    assert.equal(spec.campaign, 'samples_generic_analysis');
    assert.equal(spec.stages.analyze?.input, 'my_data_1');
    assert.equal(spec.stages.analyze?.overrides?.length, 9);
    assert.deepEqual(spec.stages.analyze?.overrides?.[4], ['-Oglobal.qualifiers=', '']);
    const jt = spec.job_types?.generic_analysis_job;
    assert.equal(jt?.parameters?.length, 4);
    assert.deepEqual(jt?.recovery, [{ type: 'consumed_status' }]);
    assert.deepEqual(jt?.output_patterns, ['%root']);
    assert.equal(effective.stages[0]?.job_type, 'generic_analysis_job');
    assert.equal(effective.stages[0]?.split, 'none');
    assert.deepEqual(checkCampaign(spec), []);
  });

  it('sample_mc: a five-stage chain, inactive stages, %% patterns collapsed', () => {
    const { spec, effective } = imported('sample_mc.ini');
    assert.deepEqual(Object.keys(spec.stages), [
      'sample_gen',
      'sample_g4',
      'sample_detsim',
      'sample_reco',
      'sample_anatree',
    ]);
    assert.deepEqual(edges('sample_mc.ini'), [
      'sample_gen->sample_g4 [gen%.root]',
      'sample_g4->sample_detsim [g4%.root]',
      'sample_detsim->sample_reco [detsim%.root]',
      'sample_reco->sample_anatree [reco%.root]',
    ]);
    assert.ok(effective.stages.every((s) => !s.active));
    assert.ok(
      effective.stages.every((s) => s.completion.type === 'complete' && s.completion.pct === 95),
    );
    assert.deepEqual(spec.stages.sample_gen, {
      active: false,
      job_type: 'generic',
      launch_setup: 'generic',
      vo_role: 'Production',
      software_version: 'v1_0',
      input: 'none',
      overrides: [['--stage=', 'gen']],
      completion: { type: 'complete', pct: 95 },
    });
    assert.equal(spec.stages.sample_g4?.input, 'from_parent');
    assert.deepEqual(spec.job_types?.generic?.output_patterns, ['%.root']);
    assert.equal(spec.launch_setups?.generic?.host, '%(experiment)sgpvm01.fnal.gov');
    assert.equal(
      spec.launch_setups?.generic?.setup,
      'export X509_USER_PROXY=/opt/%(experiment)spro/%(experiment)spro.Production.proxy; setup fife_utils, poms_client, poms_jobsub_wrapper',
    );
    assert.deepEqual(checkCampaign(spec), []);
  });

  it('sample_reco: a draining dataset split in blocks of 10000', () => {
    const { spec } = imported('sample_reco.ini');
    assert.deepEqual(spec.stages.sample_reco, {
      job_type: 'generic',
      launch_setup: 'generic',
      vo_role: 'Production',
      software_version: 'v1_0',
      input: 'draining_production_reco_v1_0',
      split: 'nfiles(10000)',
      overrides: [['--stage=', 'reco']],
      completion: { type: 'complete', pct: 95 },
    });
    assert.deepEqual(edges('sample_reco.ini'), ['sample_reco->sample_anatree [reco%.root]']);
    assert.deepEqual(checkCampaign(spec), []);
  });

  it('sample_split_merge: one split feeding six merges by pattern, clear-cron flags', () => {
    const { spec, effective } = imported('sample_split_merge.ini');
    assert.equal(spec.experiment, 'dune');
    assert.equal(Object.keys(spec.stages).length, 7);
    assert.deepEqual(
      edges('sample_split_merge.ini'),
      ['a', 'b', 'c', 'd', 'e', 'f'].map((t) => `sample_split->sample_merge_trig${t} [%trig${t}%]`),
    );
    assert.deepEqual(
      effective.stages.map((s) => [s.name, s.clear_schedule_when_exhausted, s.split]),
      [
        ['sample_split', true, 'nfiles(10000)'],
        ['sample_merge_triga', false, 'none'],
        ['sample_merge_trigb', false, 'none'],
        ['sample_merge_trigc', true, 'none'],
        ['sample_merge_trigd', false, 'none'],
        ['sample_merge_trige', true, 'none'],
        ['sample_merge_trigf', false, 'none'],
      ],
    );
    // cs_split_type=none with no defaults says nothing: it is not repeated on each stage.
    assert.equal(spec.stages.sample_merge_triga?.split, undefined);
    assert.deepEqual(checkCampaign(spec), []);
  });
});
