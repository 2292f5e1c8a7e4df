import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import fc from 'fast-check';
import { parse } from 'yaml';
import { formatCampaign } from './print.ts';

const templatesDir = new URL('../../../templates/', import.meta.url);
const templates = readdirSync(templatesDir).filter((f) => f.endsWith('.yaml'));
const commented = readFileSync(new URL('./__fixtures__/commented.yaml', import.meta.url), 'utf8');

function fmt(text: string): string {
  const result = formatCampaign(text);
  assert.ok(result.ok, result.ok ? '' : result.message);
  return result.text;
}

function comments(text: string): string[] {
  return [...text.matchAll(/#[^\n]*/g)].map((m) => m[0].trim()).sort();
}

describe('formatCampaign', () => {
  it('leaves every template as it is (they are kept formatted)', () => {
    assert.ok(templates.length >= 6, 'the template shelf has at least six campaigns');
    for (const name of templates) {
      const text = readFileSync(new URL(name, templatesDir), 'utf8');
      assert.equal(fmt(text), text, `${name} is not in canonical form`);
    }
  });

  it('is a fixed point on a file with comments in every position', () => {
    const once = fmt(commented);
    assert.equal(fmt(once), once);
    assert.deepEqual(parse(once), parse(commented));
    assert.deepEqual(comments(once), comments(commented));
  });

  it('puts keys in the documented order and keeps comments with their entries', () => {
    const text = `stages:
  # about a
  a:
    split: nfiles(2)
    # about the job type
    job_type: j
    needs: [b]
# about the name
campaign: c
`;
    assert.equal(
      fmt(text),
      `# about the name
campaign: c
stages:
  # about a
  a:
    needs: [b]
    # about the job type
    job_type: j
    split: nfiles(2)
`,
    );
  });

  it('prints parameter pairs, positions and short maps on one line', () => {
    const text = `campaign: c
stages:
  a:
    overrides:
      -
        - --x=
        - "1"
    completion:
      pct: 90
layout:
  a:
    x: 1
    y: 2
`;
    assert.equal(
      fmt(text),
      `campaign: c
stages:
  a:
    overrides:
      - [--x=, "1"]
    completion: {pct: 90}
layout:
  a: {x: 1, y: 2}
`,
    );
  });

  it('keeps empty collections on one line', () => {
    const text = 'campaign: c\nstages: {}\nlayout: {}\n';
    assert.equal(fmt(text), text);
    const empty = 'campaign: c\nstages:\n  a:\n    overrides: []\n';
    assert.equal(fmt(empty), empty);
  });

  it('refuses text with YAML errors', () => {
    const result = formatCampaign('campaign: [\n');
    assert.equal(result.ok, false);
  });

  it('is a fixed point and keeps every comment wherever comments are added', () => {
    const lines = commented.split('\n');
    // Lines inside the block scalar are text, not places for YAML comments.
    const blockLines = new Set(
      lines.flatMap((l, i) =>
        l.trim() === 'export A=1' || l.includes('a shell comment') ? [i] : [],
      ),
    );
    const slots = lines
      .map((_, i) => i)
      .filter((i) => !blockLines.has(i) && !blockLines.has(i - 1));
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.constantFrom(...slots), { maxLength: 6 }),
        fc.uniqueArray(fc.constantFrom(...slots), { maxLength: 6 }),
        (above, trailing) => {
          const out = lines.map((line, i) => {
            let result = line;
            if (
              trailing.includes(i) &&
              line.trim() !== '' &&
              !line.trim().startsWith('#') &&
              !line.endsWith('|')
            ) {
              result += `  # t${i}`;
            }
            if (above.includes(i) && line.trim() !== '') {
              const indent = line.length - line.trimStart().length;
              result = `${' '.repeat(indent)}# a${i}\n${result}`;
            }
            return result;
          });
          const text = out.join('\n');
          const once = fmt(text);
          assert.equal(fmt(once), once);
          assert.deepEqual(parse(once), parse(text));
          assert.deepEqual(comments(once), comments(text));
        },
      ),
      { numRuns: 150 },
    );
  });
});
