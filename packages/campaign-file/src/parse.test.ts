import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { parseCampaign } from './parse.ts';

const commented = readFileSync(new URL('./__fixtures__/commented.yaml', import.meta.url), 'utf8');

const minimal = `campaign: c
job_types:
  j: {command: run}
launch_setups:
  l: {}
defaults: {job_type: j, launch_setup: l}
stages:
  a:
    input: raw_data
`;

/** `LINE:COL code` of every diagnostic, the form the CLI prints. */
function where(text: string): string[] {
  return parseCampaign(text).diagnostics.map((d) => `${d.line}:${d.column} ${d.code}`);
}

describe('parseCampaign', () => {
  it('parses a commented campaign with no diagnostics', () => {
    const parsed = parseCampaign(commented);
    assert.deepEqual(parsed.diagnostics, []);
    assert.equal(parsed.ok, true);
    assert.deepEqual(
      parsed.effective?.stages.map((s) => s.name),
      ['gen', 'sim', 'reco'],
    );
  });

  it('gives source ranges of stages and edges', () => {
    const parsed = parseCampaign(commented);
    const sim = parsed.sources.stages.find((s) => s.name === 'sim');
    assert.ok(sim);
    assert.equal(commented.slice(sim.key_range[0], sim.key_range[1]), 'sim');
    assert.ok(commented.slice(sim.range[0], sim.range[1]).includes('["--stage=", "sim"]'));
    const edge = parsed.sources.edges.find((e) => e.to === 'reco');
    assert.ok(edge);
    assert.deepEqual({ from: edge.from, index: edge.index }, { from: 'sim', index: 0 });
    assert.equal(commented.slice(edge.range[0], edge.range[1]), 'sim');
  });

  it('reports YAML syntax errors with their position', () => {
    const diagnostics = parseCampaign('campaign: c\nstages:\n  a: [unclosed\n').diagnostics;
    assert.ok(diagnostics.length > 0);
    assert.ok(diagnostics.every((d) => d.code.startsWith('yaml.') && d.severity === 'error'));
    assert.equal(diagnostics[0]?.line, 4);
  });

  it('reports duplicate stage names at the second one', () => {
    const text = minimal + '  a:\n    input: other\n';
    assert.deepEqual(where(text), ['10:3 yaml.duplicate-key']);
  });

  it('reports unknown fields at the key with a suggestion', () => {
    const text = minimal.replace(
      '    input: raw_data',
      '    input: raw_data\n    spilt: nfiles(2)',
    );
    const d = parseCampaign(text).diagnostics;
    assert.deepEqual(where(text), ['10:5 schema.unknown-field']);
    assert.match(d[0]?.message ?? '', /did you mean 'split'/);
  });

  it('tells to quote versions that YAML reads as numbers', () => {
    const text = minimal.replace(
      '    input: raw_data',
      '    input: raw_data\n    software_version: 1.10',
    );
    const d = parseCampaign(text).diagnostics[0];
    assert.equal(d?.code, 'schema.type');
    assert.equal(`${d?.line}:${d?.column}`, '10:23');
    assert.match(d?.message ?? '', /quotes/);
  });

  it('reports a missing required top-level field', () => {
    assert.deepEqual(where('campaign: c\n'), ['1:1 schema.missing-field']);
  });

  it('reports a bad stage name at its key', () => {
    const text = minimal.replace('  a:\n', '  "bad name":\n');
    assert.deepEqual(where(text), ['8:3 schema.bad-name']);
  });

  it('reports an unknown stage in needs, with a suggestion', () => {
    const text = minimal + '  b:\n    needs: [aa]\n';
    const d = parseCampaign(text).diagnostics;
    assert.deepEqual(where(text), ['11:13 campaign.unknown-stage']);
    assert.match(d[0]?.message ?? '', /did you mean 'a'/);
  });

  it('reports cycles but not self-edges', () => {
    const cyclic = minimal + '  b:\n    needs: [a, c]\n  c:\n    needs: [b]\n';
    const text = cyclic.replace(
      '    input: raw_data',
      '    input: raw_data\n    needs: [a]\n    split: drainingn(5)',
    );
    const codes = where(text);
    assert.deepEqual(codes.filter((c) => c.includes('cycle')).length, 1);
    assert.ok(!codes.some((c) => c.includes('endless')));
  });

  it('reports unknown job types and launch setups where they are written', () => {
    const text = minimal.replace(
      'defaults: {job_type: j, launch_setup: l}',
      'defaults: {job_type: k, launch_setup: m}',
    );
    assert.deepEqual(where(text), [
      '3:3 campaign.unused',
      '5:3 campaign.unused',
      '6:22 campaign.unknown-job-type',
      '6:39 campaign.unknown-launch-setup',
    ]);
  });

  it('points into the split spec at the bad token', () => {
    const text = minimal.replace(
      '    input: raw_data',
      '    input: raw_data\n    split: byrun( low=1, hgh=4 )',
    );
    const d = parseCampaign(text).diagnostics[0];
    assert.equal(d?.code, 'split.unknown-key');
    assert.equal(`${d?.line}:${d?.column}-${d?.end_column}`, '10:26-29');
  });

  it('points at every bad % in commands, parameters and setups', () => {
    const text = `campaign: c
job_types:
  j:
    command: "run %(datset)s 100%"
    parameters:
      - ['--dest=', '/pnfs/%(experimenter)/out']
launch_setups:
  l:
    setup: |
      export A=%(experiment)s
      export B=%(nope)s
stages:
  a: {job_type: j, launch_setup: l, input: d}
`;
    const got = parseCampaign(text).diagnostics.map(
      (d) =>
        `${d.line}:${d.column}-${d.end_column} ${d.code} ${text.slice(d.offset, d.end_offset)}`,
    );
    assert.deepEqual(got, [
      '4:19-29 template.unknown-name %(datset)s',
      '4:33-34 template.bad-percent %',
      '6:28-43 template.bad-percent %(experimenter)',
      '11:16-24 template.unknown-name %(nope)s',
    ]);
  });

  it('knows campaign keywords as template names', () => {
    assert.deepEqual(where(commented), []);
    assert.deepEqual(where(commented.replace('release: v1', 'other: v1')).slice(0, 1), [
      '21:32 template.unknown-name',
    ]);
  });

  it('reports stages with nothing to read and list splits without lists', () => {
    const text =
      minimal + '  b: {}\n  c: {input: [x, y], split: nfiles(2)}\n  d: {input: x, split: list}\n';
    assert.deepEqual(where(text), [
      '10:3 campaign.missing-value',
      '11:7 campaign.split-input',
      '12:14 campaign.split-input',
    ]);
  });

  it('requires job type and launch setup after defaults, except for approval stages', () => {
    const text = `campaign: c\nstages:\n  a: {input: d}\n  gate: {type: approval, needs: [a]}\n`;
    assert.deepEqual(where(text), ['3:3 campaign.missing-value', '3:3 campaign.missing-value']);
  });

  it('refuses non-mapping documents and several documents', () => {
    assert.deepEqual(where('- a\n- b\n'), ['1:1 schema.not-a-mapping']);
    assert.ok(
      where('campaign: a\n---\ncampaign: b\n').some((c) => c.includes('yaml.multiple-docs')),
    );
  });

  it('refuses lists and mappings as keys', () => {
    assert.deepEqual(where('campaign: c\n? [a]\n: 1\nstages: {}\n'), ['2:3 schema.bad-key']);
    // Also deep inside values, inside lists, and inside a key that is itself a mapping.
    const nested = 'campaign: c\nstages:\n  a:\n    x: [{? [b] : 1}]\n? {? [c] : 2}\n: 3\n';
    assert.deepEqual(
      where(nested).filter((w) => w.endsWith('schema.bad-key')),
      ['4:12 schema.bad-key', '5:3 schema.bad-key', '5:6 schema.bad-key'],
    );
  });

  it('checks the test split takes the same input as the split', () => {
    const text = minimal.replace(
      '    input: raw_data',
      '    input: [d1, d2]\n    split: list\n    test_split: limitn(1)',
    );
    assert.deepEqual(where(text), ['11:17 campaign.split-input']);
  });

  it('warns that keyword values are not substituted again', () => {
    const text = minimal.replace(
      'campaign: c',
      'campaign: c\nkeywords: {dest: "/data/%(experiment)s"}',
    );
    assert.deepEqual(where(text), ['2:18 campaign.keyword-template']);
  });

  it('wants units on resource durations', () => {
    const text = minimal.replace('j: {command: run}', 'j: {command: run, resources: {time: 90}}');
    const bad = parseCampaign(text).diagnostics;
    assert.deepEqual(where(text), ['3:39 schema.bad-value']);
    assert.match(bad[0]?.message ?? '', /with units/);
    assert.deepEqual(where(text.replace('time: 90', 'time: 1h30m')), []);
    assert.deepEqual(where(text.replace('time: 90', 'time: "02:00:00"')), []);
  });

  it('reports a missing recovery type as a missing field', () => {
    const text = minimal.replace(
      'j: {command: run}',
      'j: {command: run, recovery: [{overrides: []}]}',
    );
    assert.deepEqual(where(text), ['3:32 schema.missing-field']);
  });

  it('says once what is wrong with an empty campaign name', () => {
    assert.deepEqual(where(minimal.replace('campaign: c', "campaign: ''")), [
      '1:11 schema.bad-value',
    ]);
  });

  it('never throws, whatever the text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        const parsed = parseCampaign(text);
        for (const d of parsed.diagnostics) {
          assert.ok(d.line >= 1 && d.column >= 1 && d.offset <= text.length);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on campaign-shaped text with random values', () => {
    const values = fc.oneof(
      fc.string(),
      fc.integer(),
      fc.constant('%('),
      fc.constant('mod( x'),
      fc.constant('[a, {'),
    );
    fc.assert(
      fc.property(values, values, values, (a, b, c) => {
        const text = `campaign: x\nstages:\n  s:\n    split: ${String(a)}\n    input: ${String(b)}\n    needs: [${String(c)}]\n`;
        parseCampaign(text);
      }),
      { numRuns: 300 },
    );
  });
});
