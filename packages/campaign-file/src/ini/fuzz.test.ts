// importIni never throws, whatever the text; what it returns is always coherent: diagnostics
// inside the text, a campaign only without errors, YAML equal to it, and export gives it back.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parse as parseYaml } from 'yaml';
import { CampaignSpec } from '@poms/core';
import { exportIni } from './export.ts';
import { importIni } from './import.ts';
import { POMS_SAMPLES, fixture } from './__fixtures__/load.ts';

function checkResult(text: string): void {
  const result = importIni(text);
  const lineCount = text.split('\n').length;
  for (const d of result.diagnostics) {
    assert.ok(d.line >= 1 && d.end_line <= lineCount && d.line <= d.end_line, JSON.stringify(d));
    assert.ok(d.column >= 1 && (d.end_line > d.line || d.end_column > d.column), JSON.stringify(d));
  }
  const errors = result.diagnostics.some((d) => d.severity === 'error');
  if (!result.spec) {
    assert.ok(errors, 'no campaign without an error');
    assert.equal(result.yaml, '');
    return;
  }
  assert.ok(!errors, 'a campaign only without errors');
  assert.deepEqual(CampaignSpec.parse(parseYaml(result.yaml)), result.spec);
  assert.deepEqual(importIni(exportIni(result.spec)).spec, result.spec);
}

const SECTION_HEADS = [
  '[campaign]',
  '[campaign_defaults]',
  '[node_positions]',
  '[campaign_stage a]',
  '[campaign_stage b c]',
  '[job_type j]',
  '[login_setup l]',
  '[dependencies a]',
  '[dependencies b c]',
  '[x]',
  '[',
  '[]',
];
const KEYS = [
  'name',
  'experiment',
  'poms_role',
  'state',
  'campaign_type',
  'campaign_keywords',
  'campaign_stage_list',
  'tags',
  'description',
  'dataset_or_split_data',
  'cs_split_type',
  'test_split_type',
  'param_overrides',
  'test_param_overrides',
  'merge_overrides',
  'completion_type',
  'completion_pct',
  'output_ancestor_depth',
  'stage_type',
  'default_clear_cronjob',
  'job_type',
  'login_setup',
  'wait',
  'launch_script',
  'parameters',
  'output_file_patterns',
  'recoveries',
  'host',
  'account',
  'setup',
  'setup.json',
  'engine',
  'environment',
  'resources',
  'campaign_stage_1',
  'file_pattern_1',
  'campaign_stage_2',
  'nxy0',
  'unknown',
];
const VALUES = [
  '',
  'None',
  'a',
  'b c',
  'a,b c',
  'from_parent',
  'list',
  'multiparam',
  'nfiles(3)',
  'True',
  'false',
  'Active',
  '95',
  '150',
  '2',
  'generator',
  'slurm',
  '%%.root',
  '[]',
  'null',
  '{}',
  '[["k=", "v"]]',
  '[["k=", 1]]',
  '[["k="]]',
  '[["a", "b"], [1, 2]]',
  '["a", "b"]',
  '{"k": "v", "n": 1}',
  '{"bad key": 1}',
  '["a", 1, 2]',
  '[["consumed_status", []], ["added_files", [["x", "y"]]]]',
  '"json text"',
  '{"memory": "2GB"}',
  '[[',
  '{"a":',
  '%(experiment)s',
];

const lineArb = fc.oneof(
  fc.constantFrom(...SECTION_HEADS),
  fc
    .tuple(
      fc.constantFrom(...KEYS),
      fc.constantFrom('=', ' = ', ': ', ':'),
      fc.constantFrom(...VALUES),
    )
    .map(([k, sep, v]) => `${k}${sep}${v}`),
  fc.constantFrom(...VALUES).map((v) => `    ${v}`),
  fc.constantFrom('# comment', '; comment', '', '   ', 'junk line'),
  fc.string({ maxLength: 20 }),
);

describe('importIni never throws', () => {
  it('on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => checkResult(text)),
      { numRuns: 500 },
    );
  });

  it('on text shaped like a POMS file', () => {
    fc.assert(
      fc.property(
        fc.array(lineArb, { maxLength: 40 }),
        fc.constantFrom('\n', '\r\n'),
        (lines, eol) => checkResult(['[campaign]', 'name=fuzz', ...lines].join(eol)),
      ),
      { numRuns: 1500 },
    );
  });

  it('on POMS samples cut or mangled anywhere', () => {
    const samples = POMS_SAMPLES.map(fixture);
    fc.assert(
      fc.property(
        fc.constantFrom(...samples),
        fc.nat(),
        fc.nat(),
        fc.string({ maxLength: 5 }),
        (text, a, b, insert) => {
          const i = a % (text.length + 1);
          const j = Math.min(text.length, i + (b % 20));
          checkResult(text.slice(0, i) + insert + text.slice(j));
        },
      ),
      { numRuns: 500 },
    );
  });
});
