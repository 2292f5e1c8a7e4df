// The linear duplicate-key check finds what yaml's own quadratic check finds, at the same places.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDocument } from 'yaml';
import { duplicateKeyErrors } from './duplicate-keys.ts';

const SAMPLES = [
  'a: 1\na: 2\n',
  'a: 1\n\n# c\na: 2\n',
  '{a: 1, a: 2}\n',
  '{a: 1,   a: 2}',
  'x:\n  &k a: 1\n  !!str a: 2\n',
  '? a\n: 1\n? a\n: 2\n',
  'a: 1\n"a": 2\n',
  '1: x\n"1": y\n',
  '1: x\n0x1: y\n',
  '~: 1\n: 2\n',
  '.nan: 1\n.nan: 2\n',
  'x: {? a : 1, ? a : 2}\n',
  '- {a: 1, a: 2, a: 3}\n',
  '[a: 1, a: 2]\n',
  '? [a]\n: 1\n? [a]\n: 2\n',
  '? {a: 1, a: 2}\n: 3\n',
  'a: 1\nb: 2\na: 3\nb: 4\n',
  'stages:\n  s1: {needs: []}\n  s2: {}\n  s1: {}\n  s2:\n    x: 1\n    x: 2\n',
  'true: 1\nTrue: 2\n',
];

function yamlOwn(text: string): [number, number, string][] {
  const doc = parseDocument(text, { version: '1.2', uniqueKeys: true, prettyErrors: false });
  return doc.errors
    .filter((e) => e.code === 'DUPLICATE_KEY')
    .map((e): [number, number, string] => [e.pos[0], e.pos[1], e.message])
    .sort((a, b) => a[0] - b[0]);
}

function ours(text: string): [number, number, string][] {
  const doc = parseDocument(text, { version: '1.2', uniqueKeys: false, prettyErrors: false });
  return duplicateKeyErrors(doc)
    .map((e): [number, number, string] => [e.pos[0], e.pos[1], e.message])
    .sort((a, b) => a[0] - b[0]);
}

describe('duplicateKeyErrors', () => {
  for (const text of SAMPLES) {
    it(`matches yaml's uniqueKeys on ${JSON.stringify(text)}`, () => {
      assert.deepEqual(ours(text), yamlOwn(text));
    });
  }

  it('finds the duplicates of the samples at all', () => {
    assert.equal(ours('a: 1\nb: 2\na: 3\nb: 4\n').length, 2);
    assert.equal(ours('- {a: 1, a: 2, a: 3}\n').length, 2);
  });
});
