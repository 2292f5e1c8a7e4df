import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { templateNames } from './names.ts';

describe('templateNames', () => {
  it('lists each referenced name once, in order of first use', () => {
    assert.deepEqual(templateNames('%(b)s %(a)s %(b)s %%(c)s'), ['b', 'a']);
  });

  it('ignores malformed sequences', () => {
    assert.deepEqual(templateNames('%(a)d %(b) %(c %()s %s'), []);
  });

  it('is empty for plain text', () => {
    assert.deepEqual(templateNames('no names here'), []);
  });
});
