import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SubmitValueError, submitValue } from './submit-value.ts';

describe('submitValue', () => {
  it('quotes a plain string as a ClassAd string literal', () => {
    assert.equal(submitValue('reco-pass1', 'string'), '"reco-pass1"');
  });

  it('escapes quotes and backslashes', () => {
    assert.equal(submitValue('say "hi" \\o/', 'string'), '"say \\"hi\\" \\\\o/"');
  });

  it('keeps $(…) from being expanded by condor_submit', () => {
    assert.equal(submitValue('cost $(HOME)', 'string'), '"cost $(DOLLAR)(HOME)"');
  });

  it('refuses line breaks in either form', () => {
    for (const value of ['a\nqueue 1000', 'a\rb', 'a\u2028b']) {
      assert.throws(() => submitValue(value, 'string'), SubmitValueError);
      assert.throws(() => submitValue(value, 'bare'), SubmitValueError);
    }
  });

  it('writes safe bare values as they are', () => {
    assert.equal(
      submitValue('/var/lib/poms/sub_1/job-7.out', 'bare'),
      '/var/lib/poms/sub_1/job-7.out',
    );
    assert.equal(submitValue('group_dune.prod', 'bare'), 'group_dune.prod');
  });

  it('refuses bare values the submit language would read specially', () => {
    for (const value of ['a b', 'a"b', "a'b", 'a$b', 'a#b', 'a=b', 'a\\b', '', ' a']) {
      assert.throws(() => submitValue(value, 'bare'), SubmitValueError, value);
    }
  });
});
