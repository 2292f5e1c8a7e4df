// Bad input for split specs, beyond format.test.ts: every catalog example damaged (bytes flipped,
// cut, pieces doubled, hostile text put in), huge numbers and keys, unicode and control
// characters. The answer is always either a spec that formats back to itself, or an error with a
// split.* code, a non-empty span inside the text, and a short readable message.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { SPLIT_TYPES } from './catalog.ts';
import { SPLIT_ERROR_CODES, type SplitSpecResult } from './errors.ts';
import { formatSplitSpec } from './format.ts';
import { parseSplitSpec } from './parse.ts';

function check(text: string): SplitSpecResult {
  const result = parseSplitSpec(text);
  if (result.ok) {
    const canonical = formatSplitSpec(result.spec);
    assert.deepEqual(parseSplitSpec(canonical), result, `${text} → ${canonical}`);
    assert.equal(formatSplitSpec(result.spec), canonical);
    return result;
  }
  const { code, column, endColumn, message } = result.error;
  const where = JSON.stringify({ text: text.slice(0, 100), code, column, endColumn, message });
  assert.ok((SPLIT_ERROR_CODES as readonly string[]).includes(code), where);
  assert.ok(0 <= column && column < endColumn && endColumn <= text.length, where);
  assert.ok(message.length > 0 && message.length <= 400, where);
  // eslint-disable-next-line no-control-regex -- no raw control character reaches a message
  assert.doesNotMatch(message, /[\u0000-\u0008\u000a-\u001f\u007f]/, where);
  return result;
}

const EXAMPLES = [
  ...SPLIT_TYPES.map((t) => t.example),
  'byrun(low=1,high=4)',
  'new(window=1d,round=1h,fts=0s,localtime=1,firsttime=5,lasttime=9)',
  'new_local(firsttime=2024-01-31)',
  ' ByRun( high = 4 , low = 1 ) ',
];
const HOSTILE = [
  '<script>',
  '"',
  "'",
  '$(id)',
  '`id`',
  '../',
  '\u0000',
  '\n',
  '\u202e',
  '🙂',
  '\ud800',
  '=',
  ',',
  '(',
  ')',
  '-1',
  '1e9',
  '0x10',
  '9'.repeat(30),
];

const damage = fc.oneof(
  fc.record({
    kind: fc.constant('flip' as const),
    at: fc.nat(),
    bits: fc.integer({ min: 1, max: 127 }),
  }),
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('double' as const),
    at: fc.nat(),
    length: fc.integer({ min: 1, max: 8 }),
  }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    text: fc.oneof(fc.constantFrom(...HOSTILE), fc.string({ unit: 'binary', maxLength: 4 })),
  }),
);
type Damage = typeof damage extends fc.Arbitrary<infer D> ? D : never;

function apply(text: string, d: Damage): string {
  const at = d.at % (text.length + 1);
  switch (d.kind) {
    case 'flip':
      return (
        text.slice(0, at) +
        String.fromCharCode((text.charCodeAt(at) || 32) ^ d.bits) +
        text.slice(at + 1)
      );
    case 'cut':
      return text.slice(0, at);
    case 'double':
      return text.slice(0, at + d.length) + text.slice(at);
    case 'insert':
      return text.slice(0, at) + d.text + text.slice(at);
  }
}

describe('parseSplitSpec on bad input', () => {
  it('answers every damaged example with a canonical spec or a located error', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...EXAMPLES),
        fc.array(damage, { minLength: 1, maxLength: 3 }),
        (text, ds) => {
          check(ds.reduce(apply, text));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('refuses huge counts, keys and repetitions with a short message', () => {
    const cases: [string, string][] = [
      [`nfiles(${'9'.repeat(100_000)})`, 'split.range'],
      [`mod(${'1'.repeat(17)})`, 'split.range'],
      [`byrun(low=${'9'.repeat(5000)})`, 'split.range'],
      [`new(window=${'1d'.repeat(50_000)})`, 'split.bad-duration'],
      [`new(firsttime=${'2'.repeat(10_000)})`, 'split.range'],
      ['new(firsttime=2024-02-30)', 'split.bad-time'],
      [`byrun(${'x'.repeat(100_000)}=1)`, 'split.unknown-key'],
      [`${'n'.repeat(100_000)}(2)`, 'split.unknown-type'],
      [`byrun(low=1${',low=1'.repeat(10_000)})`, 'split.duplicate-key'],
      ['('.repeat(100_000), 'split.syntax'],
      [`nfiles(2)${')'.repeat(100_000)}`, 'split.syntax'],
      ['mod(\u0000)', 'split.bad-number'],
      ['nfiles(2)\u0000', 'split.syntax'],
      ['nfiles(<script>)', 'split.bad-number'],
      ['nfiles(<script>alert(1)</script>)', 'split.syntax'],
      ['$(rm -rf /)', 'split.syntax'],
      [`\`${'x'.repeat(100_000)}`, 'split.unknown-type'],
      [`nfiles(\`${'1'.repeat(100_000)})`, 'split.bad-number'],
      ['../../etc/passwd', 'split.unknown-type'],
    ];
    for (const [text, code] of cases) {
      const result = check(text);
      assert.ok(!result.ok, text.slice(0, 60));
      assert.equal(result.error.code, code, `${text.slice(0, 60)}: ${result.error.message}`);
    }
    // The message quotes the start of what is wrong, and the span covers all of it.
    const long = check(`${'n'.repeat(100_000)}(2)`);
    assert.ok(!long.ok);
    assert.match(long.error.message, /^`n{40}…` is not a split type/);
    assert.deepEqual([long.error.column, long.error.endColumn], [0, 100_000]);
    const nul = check('mod(\u0000)');
    assert.ok(!nul.ok);
    assert.match(nul.error.message, /\\u0000/);
  });

  it('reads what only surrounds a spec with blanks', () => {
    const spaced = check(`${' '.repeat(1 << 20)}nfiles(2)\t`);
    assert.ok(spaced.ok);
    assert.equal(formatSplitSpec(spaced.spec), 'nfiles(2)');
  });
});
