import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { closestMatch, editDistance } from './suggest.ts';

describe('editDistance', () => {
  it('counts insertions, deletions and substitutions', () => {
    assert.equal(editDistance('', ''), 0);
    assert.equal(editDistance('abc', ''), 3);
    assert.equal(editDistance('', 'ab'), 2);
    assert.equal(editDistance('datset', 'dataset'), 1);
    assert.equal(editDistance('dataset', 'datasat'), 1);
    assert.equal(editDistance('kitten', 'sitting'), 3);
  });

  it('counts an adjacent swap as one edit', () => {
    assert.equal(editDistance('versoin', 'version'), 1);
    assert.equal(editDistance('ab', 'ba'), 1);
  });

  it('is symmetric', () => {
    assert.equal(editDistance('experimentor', 'experimenter'), 1);
    assert.equal(editDistance('experimenter', 'experimentor'), 1);
  });
});

describe('closestMatch', () => {
  const names = ['dataset', 'version', 'experiment', 'experimenter', 'group'];

  it('suggests the nearest plausible name', () => {
    assert.equal(closestMatch('datset', names), 'dataset');
    assert.equal(closestMatch('versoin', names), 'version');
    assert.equal(closestMatch('experimentor', names), 'experimenter');
    // Equally close to two names: the earlier candidate wins, so the answer is stable.
    assert.equal(closestMatch('experimentr', names), 'experiment');
  });

  it('prefers a case-only difference', () => {
    assert.equal(closestMatch('Dataset', names), 'dataset');
  });

  it('suggests nothing for unrelated words or an exact match', () => {
    assert.equal(closestMatch('release', names), undefined);
    assert.equal(closestMatch('dataset', ['dataset']), undefined);
    assert.equal(closestMatch('x', []), undefined);
  });

  it('gives short words less slack', () => {
    assert.equal(closestMatch('grp', ['group']), undefined);
    assert.equal(closestMatch('grup', ['group']), 'group');
  });
});
