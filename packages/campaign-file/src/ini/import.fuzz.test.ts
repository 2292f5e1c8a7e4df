// Bad input for the .ini importer, beyond fuzz.test.ts (random text, POMS-shaped lines, samples
// cut anywhere): samples with bytes flipped, lines doubled and re-indented, every line ending;
// hostile names in sections and values; JSON values nested 10^5 deep; text just over the size
// limit; five thousand stages. The importer never throws, diagnostics stay inside the text, and
// what it imports is a campaign parseCampaign checks in time linear in its size.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseCampaign } from '../parse.ts';
import { importIni, MAX_INI_CHARS } from './import.ts';
import { POMS_SAMPLES, fixture } from './__fixtures__/load.ts';
import { damageText, HOSTILE_TEXTS, textDamage } from '../fuzz-testing.ts';

function check(text: string): ReturnType<typeof importIni> {
  const result = importIni(text);
  const lines = text.split('\n').length;
  for (const d of result.diagnostics) {
    const where = JSON.stringify(d).slice(0, 300);
    assert.match(d.code, /^ini\.[a-z-]+$/, where);
    assert.ok(d.message.length > 0, where);
    assert.ok(d.line >= 1 && d.line <= d.end_line && d.end_line <= lines, where);
    assert.ok(d.column >= 1, where);
  }
  assert.equal(result.spec === undefined, result.yaml === '');
  if (result.spec) {
    // What is imported is a campaign the YAML parser reads back (it may still have errors of
    // meaning, such as a missing job type, which parseCampaign reports).
    const parsed = parseCampaign(result.yaml);
    assert.ok(!parsed.diagnostics.some((d) => /^(yaml|schema|file)\./.test(d.code)), result.yaml);
  }
  return result;
}

const SAMPLES = POMS_SAMPLES.map(fixture);

// Besides the common hostile texts, what means something in an .ini file.
const HOSTILE = [...HOSTILE_TEXTS, '%', '[x]', '=', 'x'.repeat(10_000)];

describe('importIni on bad input', () => {
  it('keeps its properties on damaged POMS samples', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...SAMPLES),
        fc.array(textDamage, { minLength: 1, maxLength: 4 }),
        (text, ds) => {
          check(ds.reduce(damageText, text));
        },
      ),
      { numRuns: 120 },
    );
  });

  it('takes hostile names and values as data', () => {
    const hostile = fc.oneof(fc.constantFrom(...HOSTILE), fc.string({ maxLength: 20 }));
    fc.assert(
      fc.property(hostile, hostile, hostile, hostile, (campaign, stage, jobType, value) => {
        const text = [
          '[campaign]',
          `name=${campaign}`,
          `campaign_stage_list=${stage}`,
          `[campaign_stage ${stage}]`,
          `dataset_or_split_data=${value}`,
          `job_type=${jobType}`,
          `param_overrides=[["--x=", ${JSON.stringify(value)}]]`,
          `[job_type ${jobType}]`,
          `launch_script=${value}`,
          `parameters=[[${JSON.stringify(value)}, ${JSON.stringify(campaign)}]]`,
        ].join('\n');
        check(text);
      }),
      { numRuns: 150 },
    );
  });

  it('refuses JSON values nested far too deep, at their line', () => {
    for (const value of [
      `${'['.repeat(100_000)}${']'.repeat(100_000)}`,
      `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`,
      '['.repeat(100_000),
    ]) {
      const result = check(`[campaign]\nname=x\n[campaign_stage a]\nparam_overrides=${value}\n`);
      assert.equal(result.spec, undefined);
      const d = result.diagnostics.find((x) => x.code === 'ini.bad-json');
      assert.ok(d, JSON.stringify(result.diagnostics).slice(0, 300));
      assert.equal(d.line, 4);
      assert.match(d.message, /nested too deeply|not valid JSON/);
    }
  });

  it('refuses text just over the size limit before reading it', () => {
    const text = `[campaign]\nname=x\ndescription=${'x'.repeat(MAX_INI_CHARS)}\n`;
    assert.deepEqual(
      check(text).diagnostics.map((d) => `${d.line}:${d.column} ${d.code}`),
      ['1:1 ini.too-large'],
    );
  });

  // Stages each with two errors of meaning: locating the diagnostics was quadratic (10^4 stages
  // took 21 s, now 2 s); the deadline catches a hang.
  it('imports and checks five thousand stages', { timeout: 60_000 }, () => {
    const stages = Array.from(
      { length: 5000 },
      (_, i) => `[campaign_stage s${i}]\ndataset_or_split_data=d\n`,
    );
    const result = check(`[campaign]\nname=many\n${stages.join('')}`);
    assert.ok(result.spec);
    const parsed = parseCampaign(result.yaml);
    assert.equal(
      parsed.diagnostics.filter((d) => d.code === 'campaign.missing-value').length,
      10_000,
    );
    // Each at its own stage's key.
    const lines = new Set(parsed.diagnostics.map((d) => d.line));
    assert.equal(lines.size, 5000);
  });
});
