// Bad input for parseCampaign: mangled real templates, YAML-shaped noise, hostile names, huge and
// deeply nested text. It never throws, every diagnostic has a code and lies inside the text, and
// what is refused is refused before the YAML parser spends seconds or its stack on it.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { isMap, isPair, isSeq, parseDocument } from 'yaml';
import { findTooDeep, MAX_CAMPAIGN_NESTING } from './nesting.ts';
import { MAX_CAMPAIGN_CHARS, parseCampaign, type ParsedCampaign } from './parse.ts';
import { locate, PairIndex } from './yaml-nodes.ts';
import { damageText, HOSTILE_TEXTS, textDamage } from './fuzz-testing.ts';

const templatesDir = new URL('../../../templates/', import.meta.url);
const TEMPLATES = readdirSync(templatesDir)
  .filter((name) => name.endsWith('.yaml'))
  .map((name) => readFileSync(new URL(name, templatesDir), 'utf8'));

/** The properties every parse keeps, whatever the text. */
function checkParse(text: string): ParsedCampaign {
  const parsed = parseCampaign(text);
  const lines = text.split('\n').length;
  for (const d of parsed.diagnostics) {
    const where = JSON.stringify(d);
    assert.match(d.code, /^[a-z]+\.[a-z0-9-]+$/, where);
    assert.ok(d.message.length > 0, where);
    assert.ok(d.line >= 1 && d.line <= lines && d.end_line >= d.line, where);
    assert.ok(d.column >= 1 && d.end_line <= lines, where);
    assert.ok(0 <= d.offset && d.offset <= d.end_offset && d.end_offset <= text.length, where);
  }
  assert.equal(parsed.ok, !parsed.diagnostics.some((d) => d.severity === 'error'));
  if (parsed.ok) assert.ok(parsed.spec && parsed.effective);
  return parsed;
}

const hostile = fc.oneof(
  fc.constantFrom(...HOSTILE_TEXTS),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
);

describe('parseCampaign on bad input', () => {
  it('keeps its properties on mutated templates', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...TEMPLATES),
        fc.array(textDamage, { minLength: 1, maxLength: 4 }),
        (text, ms) => {
          checkParse(ms.reduce(damageText, text));
        },
      ),
      { numRuns: 100 },
    );
  });

  it('keeps its properties on YAML-shaped noise', () => {
    const token = fc.constantFrom(
      'campaign:',
      'stages:',
      'job_types:',
      'needs:',
      'split:',
      ' ',
      '  ',
      '\n',
      '\n  ',
      '- ',
      '? ',
      ': ',
      '[',
      ']',
      '{',
      '}',
      ',',
      '"',
      "'",
      '#',
      '|',
      '>',
      '&a ',
      '*a',
      '!!str ',
      '---',
      '%(x)s',
      'nfiles(2)',
      'a',
      '\t',
    );
    fc.assert(
      fc.property(fc.array(token, { maxLength: 60 }), (tokens) => {
        checkParse(tokens.join(''));
      }),
      { numRuns: 400 },
    );
  });

  it('takes hostile names of campaigns, stages, job types and parameters as data', () => {
    fc.assert(
      fc.property(hostile, hostile, hostile, hostile, (campaign, stage, jobType, parameter) => {
        const q = (s: string) => JSON.stringify(s);
        const text = [
          `campaign: ${q(campaign)}`,
          `job_types:\n  ${q(jobType)}:\n    command: run\n    parameters: [[${q(parameter)}, ${q(parameter)}]]`,
          'launch_setups:\n  l: {}',
          `defaults: {job_type: ${q(jobType)}, launch_setup: l}`,
          `stages:\n  ${q(stage)}:\n    input: raw`,
        ].join('\n');
        const parsed = checkParse(text);
        // A name the schema takes comes back exactly as written, never interpreted.
        if (parsed.spec) assert.equal(parsed.spec.campaign, campaign);
      }),
      { numRuns: 150 },
    );
  });

  it('refuses text just over the size limit before parsing it', () => {
    const text = `campaign: big\ndescription: "${'x'.repeat(MAX_CAMPAIGN_CHARS)}"\n`;
    const parsed = checkParse(text);
    assert.deepEqual(
      parsed.diagnostics.map((d) => `${d.line}:${d.column} ${d.code}`),
      ['1:1 file.too-large'],
    );
  });

  it('takes a 1 MiB value and a thousand stages within the limit', () => {
    const big = checkParse(
      TEMPLATES[0]!.replace(/^description: .*$/m, `description: ${'y'.repeat(1 << 20)}`),
    );
    assert.ok(big.ok, JSON.stringify(big.diagnostics.slice(0, 3)));
    const stages = Array.from(
      { length: 1000 },
      (_, i) => `  s${i}: {input: raw, needs: [${i === 0 ? '' : `s${i - 1}`}]}`,
    );
    const many = checkParse(
      `campaign: many\njob_types:\n  j: {command: run}\nlaunch_setups:\n  l: {}\ndefaults: {job_type: j, launch_setup: l}\nstages:\n${stages.join('\n')}\n`,
    );
    assert.equal(many.effective?.stages.length, 1000, JSON.stringify(many.diagnostics.slice(0, 3)));
  });

  // Each was seconds of work and a stack overflow inside the YAML parser (10^5 balanced `[]`
  // inside a value ran it out of memory in one try): now one diagnostic at the line it happens.
  const deep: [string, string, number][] = [
    ['[[[[ unclosed, 10^5', '['.repeat(100_000), 1],
    [
      '[[[[ ]]]] in a value, 10^5',
      `campaign: c\nstages: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`,
      2,
    ],
    ['{a: {a: …, 2·10^4', `campaign: c\nx: ${'{a: '.repeat(20_000)}1${'}'.repeat(20_000)}\n`, 2],
    ['- - - …, 10^5', `campaign: c\nx:\n  ${'- '.repeat(100_000)}x\n`, 3],
    [
      'indented blocks, 10^4 lines',
      Array.from({ length: 10_000 }, (_, i) => `${' '.repeat(i % 300)}k${i}:`).join('\n'),
      101,
    ],
    ['anchored [[[[', `campaign: c\nx: &a !!seq ${'['.repeat(5_000)}\n`, 2],
    ['after ---', `--- ${'['.repeat(5_000)}\n`, 1],
  ];
  for (const [name, text, line] of deep) {
    it(`refuses nesting too deep before parsing: ${name}`, () => {
      const parsed = checkParse(text);
      assert.deepEqual(
        parsed.diagnostics.map((d) => `${d.line} ${d.code}`),
        [`${line} file.too-deep`],
      );
      assert.match(parsed.diagnostics[0]!.message, /nested more than 100 levels/);
    });
  }

  it('takes nesting up to the limit', () => {
    // `x:` is one level, each `{a:` one more; a `[` counts two (it may hold a one-pair mapping).
    const nested = (n: number) => `campaign: c\nx: ${'{a: '.repeat(n)}1${'}'.repeat(n)}\n`;
    const codes = (text: string) => parseCampaign(text).diagnostics.map((d) => d.code);
    assert.ok(!codes(nested(MAX_CAMPAIGN_NESTING - 1)).includes('file.too-deep'));
    assert.ok(codes(nested(MAX_CAMPAIGN_NESTING)).includes('file.too-deep'));
    const brackets = (n: number) => `campaign: c\nx: ${'['.repeat(n)}${']'.repeat(n)}\n`;
    assert.ok(!codes(brackets(49)).includes('file.too-deep'));
    assert.ok(codes(brackets(50)).includes('file.too-deep'));
  });

  it('ignores brackets and dashes inside quotes, comments and block scalars', () => {
    const many = '['.repeat(300);
    const text = [
      `campaign: c`,
      `description: "${many}"`,
      `x: '${many}'`,
      `# ${many}`,
      `y: run ${many}`,
      `setup: |`,
      `  ${many}`,
      `  ${'- '.repeat(300)}`,
    ].join('\n');
    assert.equal(findTooDeep(text), undefined);
    for (const template of TEMPLATES) assert.equal(findTooDeep(template, 12), undefined);
  });

  it('locates paths the same with and without a pair index', () => {
    const docs = TEMPLATES.map((t) => parseDocument(t, { uniqueKeys: false }));
    const step = fc.oneof(
      fc.constantFrom('stages', 'job_types', 'defaults', 'campaign', 'needs', 'recovery', 'x'),
      fc.string({ maxLength: 12 }),
      fc.nat({ max: 3 }),
    );
    fc.assert(
      fc.property(fc.nat({ max: docs.length - 1 }), fc.array(step, { maxLength: 5 }), (i, path) => {
        const doc = docs[i]!;
        // Real paths too: the keys the document has, walked from the root.
        const real = [...(doc.contents && isMap(doc.contents) ? doc.contents.items : [])].map((p) =>
          String((p.key as { value?: unknown }).value),
        );
        for (const candidate of [
          path,
          [real[path.length % Math.max(1, real.length)] ?? 'x', ...path],
        ]) {
          const index = new PairIndex();
          assert.deepEqual(locate(doc, candidate, index), locate(doc, candidate));
          assert.deepEqual(locate(doc, candidate, index), locate(doc, candidate));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('never counts less nesting than the YAML parser builds', () => {
    const token = fc.constantFrom(
      '[',
      ']',
      '{',
      '}',
      ',',
      ' ',
      '\n',
      '\n  ',
      '\n    ',
      '- ',
      '? ',
      ': ',
      'a',
      'b: ',
      '"',
      "'",
      '#',
      '|',
      '&x ',
      '!t ',
      '\t',
      '---',
    );
    fc.assert(
      fc.property(fc.array(token, { maxLength: 40 }), (tokens) => {
        const text = tokens.join('');
        const doc = parseDocument(text, { uniqueKeys: false, prettyErrors: false });
        if (doc.errors.length > 0) return;
        const depth = depthOf(doc.contents);
        if (depth <= 1) return;
        assert.ok(
          findTooDeep(text, depth - 1) !== undefined,
          `${JSON.stringify(text)} nests ${depth}`,
        );
      }),
      { numRuns: 2000 },
    );
  });
});

/** Collections inside one another in a parsed document. */
function depthOf(node: unknown): number {
  if (isPair(node)) return Math.max(depthOf(node.key), depthOf(node.value));
  if (isMap(node) || isSeq(node)) {
    return 1 + Math.max(0, ...(node.items as unknown[]).map((item) => depthOf(item)));
  }
  return 0;
}
