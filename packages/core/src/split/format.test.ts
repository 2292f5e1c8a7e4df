import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatSplitSpec } from './format.ts';
import { parseSplitSpec } from './parse.ts';
import type { NewSplit, SplitSpec } from './spec.ts';
import { MAX_TIMESTAMP } from './timestamp.ts';

const NEW_DEFAULT: NewSplit = {
  type: 'new',
  window: 604800,
  round: 1,
  fts: 1800,
  localtime: false,
};

describe('formatSplitSpec', () => {
  it('prints canonical text', () => {
    assert.equal(formatSplitSpec({ type: 'none' }), 'none');
    assert.equal(formatSplitSpec({ type: 'multiparam' }), 'multiparam');
    assert.equal(formatSplitSpec({ type: 'byexistingruns' }), 'byexistingruns()');
    assert.equal(formatSplitSpec({ type: 'mod', n: 3 }), 'mod(3)');
    assert.equal(formatSplitSpec({ type: 'stagedfiles', n: 50 }), 'stagedfiles(50)');
    assert.equal(formatSplitSpec({ type: 'byrun', low: 1, high: 4 }), 'byrun(low=1,high=4)');
    assert.equal(formatSplitSpec({ type: 'byrun', low: 1 }), 'byrun(low=1)');
  });

  it('prints only the non-default keys of new, in the largest exact unit', () => {
    assert.equal(formatSplitSpec(NEW_DEFAULT), 'new');
    assert.equal(formatSplitSpec({ ...NEW_DEFAULT, window: 86400 }), 'new(window=1d)');
    assert.equal(formatSplitSpec({ ...NEW_DEFAULT, window: 129600 }), 'new(window=36h)');
    assert.equal(
      formatSplitSpec({
        ...NEW_DEFAULT,
        round: 3600,
        fts: 0,
        localtime: true,
        firsttime: 5,
        lasttime: 9,
      }),
      'new(round=1h,fts=0s,localtime=1,firsttime=5,lasttime=9)',
    );
  });

  it('normalizes what people write', () => {
    const canonical = (text: string) => {
      const result = parseSplitSpec(text);
      assert.ok(result.ok, text);
      return formatSplitSpec(result.spec);
    };
    assert.equal(canonical(' ByRun( high = 4 , low = 1 ) '), 'byrun(low=1,high=4)');
    assert.equal(canonical('new(window=7d, fts=30m)'), 'new');
    assert.equal(
      canonical('new_local(firsttime=2024-01-31)'),
      'new(localtime=1,firsttime=1706659200)',
    );
    assert.equal(canonical('byexistingruns'), 'byexistingruns()');
    assert.equal(canonical(''), 'none');
  });
});

const count = fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER });
const run = fc.maxSafeNat();
const time = fc.integer({ min: 0, max: MAX_TIMESTAMP });

const newSpec: fc.Arbitrary<NewSplit> = fc
  .record({
    round: fc.integer({ min: 1, max: 1_000_000 }),
    rounds: fc.integer({ min: 1, max: 1_000_000 }),
    fts: fc.integer({ min: 0, max: 10_000_000_000 }),
    localtime: fc.boolean(),
    firsttime: fc.option(time, { nil: undefined }),
    lasttime: fc.option(time, { nil: undefined }),
  })
  .map(({ round, rounds, fts, localtime, firsttime, lasttime }) => {
    // lasttime must come after firsttime: order the two, and drop firsttime if they are equal.
    const [first, last] =
      firsttime !== undefined && lasttime !== undefined
        ? [
            firsttime === lasttime ? undefined : Math.min(firsttime, lasttime),
            Math.max(firsttime, lasttime),
          ]
        : [firsttime, lasttime];
    return {
      type: 'new' as const,
      window: round * rounds,
      round,
      fts,
      localtime,
      ...(first === undefined ? {} : { firsttime: first }),
      ...(last === undefined ? {} : { lasttime: last }),
    };
  });

const anySpec: fc.Arbitrary<SplitSpec> = fc.oneof(
  fc.constantFrom<SplitSpec>(
    { type: 'none' },
    { type: 'draining' },
    { type: 'byexistingruns' },
    { type: 'list' },
    { type: 'multiparam' },
  ),
  fc
    .tuple(fc.constantFrom('mod', 'nfiles', 'limitn', 'drainingn', 'stagedfiles'), count)
    .map(([type, n]): SplitSpec => ({ type, n })),
  fc
    .tuple(run, fc.option(run, { nil: undefined }))
    .map(([a, b]): SplitSpec =>
      b === undefined
        ? { type: 'byrun', low: a }
        : { type: 'byrun', low: Math.min(a, b), high: Math.max(a, b) },
    ),
  newSpec,
);

/** Canonical text with random spaces around punctuation and the type name in random case. */
function scramble(text: string, spaces: readonly string[], upper: boolean): string {
  let i = 0;
  const space = () => spaces[i++ % spaces.length] ?? '';
  const spaced = text.replace(/[(),=]/g, (c) => `${space()}${c}${space()}`);
  const name = /^[a-z_]+/.exec(spaced)?.[0] ?? '';
  return `${space()}${upper ? name.toUpperCase() : name}${spaced.slice(name.length)}${space()}`;
}

describe('formatSplitSpec and parseSplitSpec: properties', () => {
  it('parse(format(spec)) gives back spec', () => {
    fc.assert(
      fc.property(anySpec, (spec) => {
        assert.deepEqual(parseSplitSpec(formatSplitSpec(spec)), { ok: true, spec });
      }),
      { numRuns: 2000 },
    );
  });

  it('whitespace around tokens and the case of the name change nothing', () => {
    const spaces = fc.array(fc.constantFrom('', ' ', '  ', '\t', '\n'), { minLength: 1 });
    fc.assert(
      fc.property(anySpec, spaces, fc.boolean(), (spec, ws, upper) => {
        assert.deepEqual(parseSplitSpec(scramble(formatSplitSpec(spec), ws, upper)), {
          ok: true,
          spec,
        });
      }),
    );
  });

  it('format is a fixed point of whatever parses', () => {
    const alphabet = fc.constantFrom(...'modnfilesbyrunlowhighnewwindow()=, 0123dhms-'.split(''));
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: alphabet })), (text) => {
        const first = parseSplitSpec(text);
        if (!first.ok) return;
        assert.deepEqual(parseSplitSpec(formatSplitSpec(first.spec)), first);
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws, and errors cover a non-empty span inside the text', () => {
    const pieces = fc.constantFrom(
      'mod',
      'byrun',
      'new',
      'new_local',
      'none',
      'low',
      'high',
      'window',
      'firsttime',
      '(',
      ')',
      ',',
      '=',
      ' ',
      '3',
      '0',
      '-1',
      '1d',
      'x',
      '2024-01-31',
      '\t',
    );
    const texts = fc.oneof(
      fc.string(),
      fc.string({ unit: 'grapheme' }),
      fc.array(pieces, { maxLength: 12 }).map((p) => p.join('')),
    );
    fc.assert(
      fc.property(texts, (text) => {
        const result = parseSplitSpec(text);
        if (result.ok) return;
        const { column, endColumn, message } = result.error;
        assert.ok(
          0 <= column && column < endColumn && endColumn <= text.length,
          JSON.stringify({ text, column, endColumn }),
        );
        assert.ok(message.length > 0);
      }),
      { numRuns: 3000 },
    );
  });
});
