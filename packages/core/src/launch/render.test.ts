import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { effectiveCampaign } from '../campaign/effective.ts';
import { CampaignSpec } from '../campaign/model.ts';
import { renderLaunch, type LaunchKind, type RenderedLaunch } from './render.ts';
import type { LaunchProblem } from './problems.ts';

const values = { dataset: 'ds_1', experimenter: 'alice', experiment: 'dune' };

function campaign(spec: object) {
  return effectiveCampaign(
    CampaignSpec.parse({
      campaign: 'mc',
      launch_setups: { here: {} },
      ...spec,
    }),
  );
}

/** Six levels that all set `-k=`, each also setting a key of its own. */
function sixLevels(merge: boolean) {
  return campaign({
    job_types: {
      jt: {
        command: 'run',
        parameters: [
          ['-k=', 'job_type'],
          ['-j=', '1'],
        ],
        recovery: [
          { type: 'consumed_status', overrides: [['-k=', 'recovery0']] },
          {
            type: 'process_status',
            overrides: [
              ['-k=', 'recovery1'],
              ['-r=', '1'],
            ],
          },
        ],
      },
    },
    defaults: {
      job_type: 'jt',
      launch_setup: 'here',
      merge_overrides: merge,
      overrides: [
        ['-d=', '1'],
        ['-k=', 'defaults'],
      ],
    },
    stages: {
      s: {
        input: 'ds',
        overrides: [
          ['-k=', 'stage'],
          ['-s=', '1'],
        ],
        test_overrides: [
          ['-k=', 'test'],
          ['-t=', '1'],
        ],
      },
    },
  });
}

function launch(c: ReturnType<typeof campaign>, kind: LaunchKind, stage = 's'): RenderedLaunch {
  const r = renderLaunch({ campaign: c, stage, kind, values });
  assert.ok(r.ok, JSON.stringify(!r.ok && r.problems));
  return r.launch;
}

function problemsOf(
  c: ReturnType<typeof campaign>,
  kind: LaunchKind = { test: false },
): LaunchProblem[] {
  const r = renderLaunch({ campaign: c, stage: 's', kind, values });
  assert.ok(!r.ok, 'expected problems');
  return r.problems;
}

describe('renderLaunch: parameter precedence', () => {
  it('lets each of the six levels win over the ones before it, keys at first position', () => {
    const c = sixLevels(true);
    assert.deepEqual(launch(c, { test: false }).params, [
      ['-k=', 'stage'],
      ['-j=', '1'],
      ['-d=', '1'],
      ['-s=', '1'],
    ]);
    assert.deepEqual(launch(c, { test: false, recoveryStep: 1 }).params, [
      ['-k=', 'recovery1'],
      ['-j=', '1'],
      ['-d=', '1'],
      ['-s=', '1'],
      ['-r=', '1'],
    ]);
    assert.deepEqual(launch(c, { test: true, recoveryStep: 0 }).params, [
      ['-k=', 'test'],
      ['-j=', '1'],
      ['-d=', '1'],
      ['-s=', '1'],
      ['-t=', '1'],
    ]);
    const all = launch(c, {
      test: true,
      recoveryStep: 1,
      overrides: [
        ['-l=', ''],
        ['-k=', 'launch'],
      ],
    });
    assert.deepEqual(all.params, [
      ['-k=', 'launch'],
      ['-j=', '1'],
      ['-d=', '1'],
      ['-s=', '1'],
      ['-r=', '1'],
      ['-t=', '1'],
      ['-l=', ''],
    ]);
    assert.deepEqual(all.command, [
      'run',
      '-k=launch',
      '-j=1',
      '-d=1',
      '-s=1',
      '-r=1',
      '-t=1',
      '-l=',
    ]);
    assert.deepEqual(all.recovery, { step: 1, type: 'process_status' });
    assert.equal(all.test, true);
  });

  it('uses the defaults overrides only through merge_overrides', () => {
    const merged = launch(sixLevels(true), { test: false });
    const replaced = launch(sixLevels(false), { test: false });
    assert.ok(merged.params.some(([k]) => k === '-d='));
    assert.deepEqual(replaced.params, [
      ['-k=', 'stage'],
      ['-j=', '1'],
      ['-s=', '1'],
    ]);
  });

  it('shows the defaults value when the stage does not override the key', () => {
    const c = campaign({
      job_types: { jt: { command: 'run', parameters: [['-k=', 'jt']] } },
      defaults: { merge_overrides: true, overrides: [['-k=', 'defaults']] },
      stages: {
        s: { input: 'ds', job_type: 'jt', launch_setup: 'here', overrides: [['-x=', '1']] },
      },
    });
    assert.deepEqual(launch(c, { test: false }).params, [
      ['-k=', 'defaults'],
      ['-x=', '1'],
    ]);
  });

  it('adds test overrides on test launches only, and always in a test campaign', () => {
    const c = sixLevels(true);
    assert.ok(!launch(c, { test: false }).params.some(([k]) => k === '-t='));
    assert.ok(launch(c, { test: true }).params.some(([k]) => k === '-t='));
    const testCampaign = { ...c, test: true };
    const l = launch(testCampaign, { test: false });
    assert.equal(l.test, true);
    assert.deepEqual(l.params[0], ['-k=', 'test']);
  });

  it('refuses a recovery step the recipe does not have', () => {
    const p = problemsOf(sixLevels(true), { test: false, recoveryStep: 2 });
    assert.deepEqual(
      p.map((x) => [x.code, x.field]),
      [['launch.unknown-recovery-step', ['recovery_step']]],
    );
  });
});

describe('renderLaunch: substitution', () => {
  const c = campaign({
    keywords: { tune: 'T1', dataset: 'shadowed' },
    job_types: {
      jt: {
        command: `lar -c "%(tune)s.fcl" --pct 100%% %(dataset)s`,
        parameters: [
          ['-Oglobal.ds=', '%(parameter)s'],
          ['--v=', '%(version)s'],
          ['--%(tune)s=', '%(group)s/%(experimenter)s/%(experiment)s'],
          ['--where=', '%(campaign)s.%(stage)s'],
        ],
      },
    },
    launch_setups: {
      here: {
        engine: 'slurm',
        host: '%(experiment)sgpvm01',
        account: '%(experiment)spro',
        setup: 'source /setup %(version)s\nsetup tune %(tune)s 100%%\n',
        environment: { DS: '%(dataset)s' },
      },
    },
    stages: {
      s: { input: 'ds', job_type: 'jt', launch_setup: 'here', software_version: 'v09' },
    },
  });

  it('substitutes built-ins and keywords everywhere, keys included; %% is a percent', () => {
    const l = launch(c, { test: false });
    assert.deepEqual(l.command, [
      'lar',
      '-c',
      'T1.fcl',
      '--pct',
      '100%',
      'ds_1',
      '-Oglobal.ds=ds_1',
      '--v=v09',
      '--T1=dune/alice/dune',
      '--where=mc.s',
    ]);
    assert.deepEqual(l.setup, ['source /setup v09', 'setup tune T1 100%']);
    assert.equal(l.host, 'dunegpvm01');
    assert.equal(l.account, 'dunepro');
    assert.equal(l.engine, 'slurm');
    assert.deepEqual(l.environment, { DS: 'ds_1' });
    assert.equal(
      l.command_text,
      `lar -c T1.fcl --pct 100% ds_1 -Oglobal.ds=ds_1 --v=v09 --T1=dune/alice/dune --where=mc.s`,
    );
  });

  it('uses the given group over the experiment', () => {
    const r = renderLaunch({
      campaign: c,
      stage: 's',
      kind: { test: false },
      values: { ...values, group: 'fermilab' },
    });
    assert.ok(r.ok);
    assert.ok(r.launch.command.includes('--T1=fermilab/alice/dune'));
  });

  it('reports problems with their field, source and offset as written', () => {
    const bad = campaign({
      job_types: {
        jt: {
          command: `run "x %(nope)s" 5%`,
          parameters: [
            ['-a=', 'ok'],
            ['-b=', '%(datset)s'],
          ],
        },
      },
      launch_setups: { here: { setup: 'ok\nuse %(version)\n', environment: { E: '%d' } } },
      stages: {
        s: { input: 'ds', job_type: 'jt', launch_setup: 'here', overrides: [['%(x', '1']] },
      },
    });
    const p = problemsOf(bad, { test: false, overrides: [['-a=', '%s']] });
    assert.deepEqual(
      p.map((x) => [x.code, x.field, x.source, x.offset, x.length]),
      [
        ['template.unknown-name', ['command'], undefined, 7, 8],
        ['template.bad-percent', ['command'], undefined, 18, 1],
        ['template.bad-percent', ['params', 0, 'value'], { level: 'launch', index: 0 }, 0, 2],
        ['template.unknown-name', ['params', 1, 'value'], { level: 'job_type', index: 1 }, 0, 10],
        ['template.unclosed', ['params', 2, 'key'], { level: 'stage', index: 0 }, 0, 3],
        ['template.bad-percent', ['setup'], undefined, 7, 10],
        ['template.bad-percent', ['environment', 'E'], undefined, 0, 2],
      ],
    );
    assert.equal(p[3]?.replacement, '%(dataset)s');
  });

  it('reports command syntax problems in the command field', () => {
    const bad = campaign({
      job_types: { jt: { command: `run 'open` } },
      stages: { s: { input: 'ds', job_type: 'jt', launch_setup: 'here' } },
    });
    assert.deepEqual(
      problemsOf(bad).map((x) => [x.code, x.field, x.offset]),
      [['launch.unclosed-quote', ['command'], 4]],
    );
    const blank = campaign({
      job_types: { jt: { command: '  ' } },
      stages: { s: { input: 'ds', job_type: 'jt', launch_setup: 'here' } },
    });
    assert.deepEqual(
      problemsOf(blank).map((x) => x.code),
      ['launch.empty-command'],
    );
  });

  it('refuses unknown stages, approval stages and missing references', () => {
    const c2 = campaign({
      job_types: { jt: { command: 'run' } },
      stages: {
        s: { input: 'ds', job_type: 'nope', launch_setup: 'gone' },
        a: { type: 'approval', input: 'ds' },
        n: { input: 'ds' },
      },
    });
    const codes = (stage: string) => {
      const r = renderLaunch({ campaign: c2, stage, kind: { test: false }, values });
      assert.ok(!r.ok);
      return r.problems.map((x) => x.code);
    };
    assert.deepEqual(codes('s'), ['launch.unknown-job-type', 'launch.unknown-launch-setup']);
    assert.deepEqual(codes('a'), ['launch.nothing-to-run']);
    assert.deepEqual(codes('n'), ['launch.no-job-type', 'launch.no-launch-setup']);
    assert.deepEqual(codes('zz'), ['launch.unknown-stage']);
  });
});

describe('renderLaunch: values are data', () => {
  const c = campaign({
    job_types: {
      jt: {
        command: `run %(dataset)s 'q %(experimenter)s'`,
        parameters: [['--ds=', '%(dataset)s']],
      },
    },
    stages: { s: { input: 'ds', job_type: 'jt', launch_setup: 'here' } },
  });
  const nasty = fc.oneof(
    fc.string({ unit: 'binary' }),
    fc
      .array(
        fc.constantFrom(
          '$(id)',
          '`id`',
          ';',
          '&&',
          '|',
          "'",
          '"',
          '\n',
          ' ',
          '\\',
          '%',
          '%(x)s',
          'a',
        ),
      )
      .map((parts) => parts.join('')),
  );

  it('puts substituted values verbatim into single argv elements', () => {
    fc.assert(
      fc.property(nasty, nasty, nasty, (dataset, experimenter, overrideValue) => {
        const r = renderLaunch({
          campaign: c,
          stage: 's',
          kind: { test: false, overrides: [['--o=', overrideValue.replaceAll('%', '%%')]] },
          values: { ...values, dataset, experimenter },
        });
        assert.ok(r.ok);
        assert.deepEqual(r.launch.command, [
          'run',
          dataset,
          `q ${experimenter}`,
          `--ds=${dataset}`,
          `--o=${overrideValue}`,
        ]);
      }),
    );
  });

  it('gives a key ending in a blank as an option and its value, the value never split', () => {
    fc.assert(
      fc.property(nasty, (value) => {
        const r = renderLaunch({
          campaign: c,
          stage: 's',
          kind: { test: false, overrides: [['-c ', value.replaceAll('%', '%%')]] },
          values: { ...values, dataset: 'd' },
        });
        assert.ok(r.ok);
        assert.deepEqual(r.launch.command.slice(-2), ['-c', value]);
      }),
    );
  });
});
