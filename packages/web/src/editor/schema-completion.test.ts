// Completion from the campaign's JSON Schema: the path at the cursor from indentation, the keys
// allowed there (minus those present) and enum values.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { campaignJsonSchema } from '@poms/campaign-file';
import { keyCompletions, siblingKeys, valueCompletions, yamlPathAt } from './schema-completion.ts';

const schema = campaignJsonSchema();
const TEXT = `campaign: c
# a comment
stages:
  gen:
    type: generator

    jo
job_types:
  j:
    recovery:
      - type: consumed_status
        ov
`;

describe('schema-aware completion', () => {
  it('finds the key path at the cursor by indentation, across blank lines and comments', () => {
    assert.deepEqual(yamlPathAt(TEXT, TEXT.indexOf('jo\n') + 2), {
      path: ['stages', 'gen'],
      indent: 4,
    });
    assert.deepEqual(yamlPathAt(TEXT, TEXT.indexOf(' ov\n') + 3).path, [
      'job_types',
      'j',
      'recovery',
    ]);
    assert.deepEqual(yamlPathAt('campaign: c\nst', 14).path, []);
  });

  it('offers the keys the schema allows there, minus the ones already written', () => {
    const at = TEXT.indexOf('jo\n') + 2;
    const { path, indent } = yamlPathAt(TEXT, at);
    const present = siblingKeys(TEXT, at, indent);
    assert.ok(present.has('type'));
    const keys = keyCompletions(schema, path, present).map((k) => k.label);
    assert.ok(keys.includes('job_type'));
    assert.ok(keys.includes('needs'));
    assert.ok(!keys.includes('type'));
    assert.ok(!keys.includes('command'), 'job type keys are not stage keys');
    const top = keyCompletions(schema, []).map((k) => k.label);
    assert.ok(top.includes('launch_setups') && top.includes('layout'));
    const step = keyCompletions(schema, ['job_types', 'j', 'recovery']).map((k) => k.label);
    assert.deepEqual(step.sort(), ['overrides', 'type']);
  });

  it('offers enum values for a key', () => {
    assert.deepEqual(valueCompletions(schema, ['stages', 'x', 'type']), [
      'regular',
      'test',
      'generator',
      'approval',
      'datatransfer',
    ]);
    assert.deepEqual(valueCompletions(schema, ['stages', 'x', 'job_type']), []);
  });
});
