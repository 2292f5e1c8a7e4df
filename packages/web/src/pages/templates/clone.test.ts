import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { changedKeywords, clonePreview, declaredKeywords, occurrences } from './clone.ts';

const TOY = readFileSync(
  resolve(import.meta.dirname, '../../../../../templates/demo-physics.yaml'),
  'utf8',
);

describe('template clone preview', () => {
  it('lists the keywords a template declares', () => {
    const keywords = declaredKeywords(TOY);
    assert.deepEqual(keywords.map(([k]) => k).slice(0, 2), ['nevents', 'seed']);
    assert.equal(keywords[0]?.[1], '400');
    assert.deepEqual(declaredKeywords('campaign: x\nstages: {}\n'), []);
  });

  it('sets keywords, replaces strings and renames, keeping comments', () => {
    const preview = clonePreview(TOY, 'toy_copy', { nevents: '50' }, [
      { from: '20250101', to: '777' },
    ]);
    assert.match(preview.text, /^campaign: toy_copy$/m);
    assert.match(preview.text, /^ {2}nevents: "?50"?$/m);
    assert.match(preview.text, /^ {2}seed: "?777"?$/m);
    assert.ok(preview.text.includes('# Events per generator job'));
    assert.equal(preview.ok, true, JSON.stringify(preview.diagnostics));
    assert.equal(preview.problem, undefined);
  });

  it('reports the diagnostics of a clone the replacements broke', () => {
    const preview = clonePreview(TOY, 'toy_copy', {}, [{ from: 'stages:', to: 'stagez:' }]);
    assert.equal(preview.ok, false);
    assert.ok(preview.diagnostics.some((d) => d.severity === 'error'));
  });

  it('counts occurrences and keeps only changed keywords', () => {
    assert.equal(occurrences('a-b-a-b', 'a'), 2);
    assert.equal(occurrences('abc', ''), 0);
    assert.deepEqual(
      changedKeywords(
        [
          ['a', '1'],
          ['b', '2'],
        ],
        { a: '1', b: '3', c: '9' },
      ),
      { b: '3' },
    );
  });
});
