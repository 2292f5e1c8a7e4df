import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { BUILTIN_TEMPLATE_NAMES } from './builtins.ts';
import { checkTemplate, type TemplateProblem } from './check.ts';

const known = BUILTIN_TEMPLATE_NAMES;

/** The covered text of each problem, with its code: easier to read than bare offsets. */
function covered(text: string, problems: TemplateProblem[]) {
  return problems.map((p) => ({
    code: p.code,
    at: p.offset,
    text: text.slice(p.offset, p.offset + p.length),
  }));
}

function only(text: string): TemplateProblem {
  const problems = checkTemplate(text, known);
  assert.equal(problems.length, 1, JSON.stringify(problems));
  const [problem] = problems;
  assert.ok(problem);
  return problem;
}

describe('checkTemplate: accepted text', () => {
  it('accepts text without any percent', () => {
    assert.deepEqual(checkTemplate('', known), []);
    assert.deepEqual(checkTemplate('lar -c job.fcl --nevts 10', known), []);
  });

  it('accepts %% and known %(name)s', () => {
    assert.deepEqual(checkTemplate('100%% of %(dataset)s for %(experimenter)s', known), []);
    assert.deepEqual(checkTemplate('%%%(version)s%%', known), []);
    assert.deepEqual(checkTemplate('%%(dataset)', known), []);
  });

  it('accepts a Set or an array of known names', () => {
    assert.deepEqual(checkTemplate('%(a)s', new Set(['a'])), []);
    assert.deepEqual(checkTemplate('%(a)s', ['a']), []);
  });
});

describe('checkTemplate: bad percent sequences', () => {
  it('flags a lone % and offers %%', () => {
    const p = only('cut at 95% of files');
    assert.equal(p.code, 'template.bad-percent');
    assert.equal(p.offset, 9);
    assert.equal(p.length, 1);
    assert.equal(p.replacement, '%%');
    assert.match(p.message, /%%/);
  });

  it('flags a trailing %', () => {
    assert.deepEqual(covered('rate 5%', checkTemplate('rate 5%', known)), [
      { code: 'template.bad-percent', at: 6, text: '%' },
    ]);
  });

  it('flags %(name) without s and suggests the fix', () => {
    const text = '/pnfs/%(experimenter)/out';
    const p = only(text);
    assert.equal(p.code, 'template.bad-percent');
    assert.equal(text.slice(p.offset, p.offset + p.length), '%(experimenter)');
    assert.equal(p.replacement, '%(experimenter)s');
    assert.match(p.message, /needs `s` after `\)`/);
    assert.match(p.message, /%\(experimenter\)s/);
  });

  it('flags %(name) at the very end', () => {
    assert.deepEqual(covered('x %(dataset)', checkTemplate('x %(dataset)', known)), [
      { code: 'template.bad-percent', at: 2, text: '%(dataset)' },
    ]);
  });

  it('flags conversions other than s, covering flags and width', () => {
    const text = 'n=%(version)d w=%(dataset)-10s r=%(group)r';
    assert.deepEqual(covered(text, checkTemplate(text, known)), [
      { code: 'template.bad-percent', at: 2, text: '%(version)d' },
      { code: 'template.bad-percent', at: 16, text: '%(dataset)-10s' },
      { code: 'template.bad-percent', at: 33, text: '%(group)r' },
    ]);
    assert.equal(checkTemplate(text, known)[0]?.replacement, '%(version)s');
  });

  it('flags %s and %d without a name', () => {
    const text = 'a %s b %5d c';
    assert.deepEqual(covered(text, checkTemplate(text, known)), [
      { code: 'template.bad-percent', at: 2, text: '%s' },
      { code: 'template.bad-percent', at: 7, text: '%5d' },
    ]);
    assert.match(checkTemplate('%s', known)[0]?.message ?? '', /%\(dataset\)s/);
  });

  it('flags an empty name', () => {
    const p = only('x%()s');
    assert.equal(p.code, 'template.bad-percent');
    assert.equal(p.offset, 1);
    assert.equal(p.length, 4);
    assert.match(p.message, /empty name/);
  });

  it('flags an unclosed %( covering the intended name', () => {
    const text = 'echo %(dataset -o x';
    const p = only(text);
    assert.equal(p.code, 'template.unclosed');
    assert.equal(text.slice(p.offset, p.offset + p.length), '%(dataset');
    assert.equal(p.replacement, '%(dataset)s');
  });

  it('flags a bare %( at the end', () => {
    const p = only('x %(');
    assert.equal(p.code, 'template.unclosed');
    assert.equal(p.offset, 2);
    assert.equal(p.length, 2);
    assert.equal(p.replacement, undefined);
  });

  it('follows Python in reading nested parentheses as part of the name', () => {
    const text = '%(a(b))s';
    assert.deepEqual(covered(text, checkTemplate(text, ['a(b)'])), []);
  });
});

describe('checkTemplate: unknown names', () => {
  it('suggests a close known name', () => {
    const text = 'x=%(datset)s';
    const p = only(text);
    assert.equal(p.code, 'template.unknown-name');
    assert.equal(p.offset, 2);
    assert.equal(p.length, 10);
    assert.equal(p.replacement, '%(dataset)s');
    assert.match(p.message, /did you mean `dataset`\?/);
  });

  it('treats names as case-sensitive and suggests the right case', () => {
    assert.equal(only('%(Dataset)s').replacement, '%(dataset)s');
  });

  it('lists the known names when nothing is close', () => {
    const p = only('%(release)s');
    assert.equal(p.replacement, undefined);
    assert.match(p.message, /known names: campaign, dataset, experiment, experimenter, group/);
  });

  it('does not list a long list of names', () => {
    const many = Array.from({ length: 40 }, (_, i) => `keyword${i}`);
    const [p] = checkTemplate('%(zzzzzz)s', many);
    assert.ok(p);
    assert.doesNotMatch(p.message, /keyword1/);
  });

  it('says so when no names are known', () => {
    assert.match(checkTemplate('%(a)s', [])[0]?.message ?? '', /no names/);
  });

  it('does not see inherited object keys as known', () => {
    assert.equal(checkTemplate('%(constructor)s', [])[0]?.code, 'template.unknown-name');
  });
});

describe('checkTemplate: several problems in one text', () => {
  it('reports each with its exact offset, in order', () => {
    const text = 'run %(datset)s at 50% for %(experimenter)/x %s %(version)s %(';
    assert.deepEqual(covered(text, checkTemplate(text, known)), [
      { code: 'template.unknown-name', at: 4, text: '%(datset)s' },
      { code: 'template.bad-percent', at: 20, text: '%' },
      { code: 'template.bad-percent', at: 26, text: '%(experimenter)' },
      { code: 'template.bad-percent', at: 44, text: '%s' },
      { code: 'template.unclosed', at: 59, text: '%(' },
    ]);
  });

  it('keeps scanning after an unclosed %(', () => {
    const text = '%(a %(b)s 7%';
    assert.deepEqual(covered(text, checkTemplate(text, ['b'])), [
      { code: 'template.unclosed', at: 0, text: '%(a' },
      { code: 'template.bad-percent', at: 11, text: '%' },
    ]);
  });
});

describe('checkTemplate: properties', () => {
  const name = fc.constantFrom(...known);
  const literal = fc.string().map((s) => s.replaceAll('%', ''));
  const piece = fc.oneof(
    literal,
    fc.constant('%%'),
    name.map((n) => `%(${n})s`),
  );

  it('finds no problem in text made of literals, %% and known %(k)s', () => {
    fc.assert(
      fc.property(fc.array(piece), (pieces) => {
        assert.deepEqual(checkTemplate(pieces.join(''), known), []);
      }),
    );
  });

  it('never throws, and every problem covers a % sequence inside the text', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('%', '(', ')', 's', 'd', 'a', ' ', '5') }),
        (text) => {
          for (const p of checkTemplate(text, ['a'])) {
            assert.equal(text[p.offset], '%');
            assert.ok(p.length >= 1 && p.offset + p.length <= text.length);
          }
        },
      ),
    );
  });
});
