import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { substituteTemplate, TemplateError } from './substitute.ts';

describe('substituteTemplate', () => {
  it('substitutes names and unescapes %%', () => {
    assert.equal(
      substituteTemplate('lar -s %(dataset)s --pct 100%% -v %(version)s%(version)s', {
        dataset: 'ds_1',
        version: 'v2',
      }),
      'lar -s ds_1 --pct 100% -v v2v2',
    );
  });

  it('inserts values verbatim, even ones that look like templates', () => {
    assert.equal(substituteTemplate('%(a)s', { a: '%(b)s %' }), '%(b)s %');
  });

  it('throws a TemplateError carrying the problems', () => {
    assert.throws(
      () => substituteTemplate('x %(experimenter)/y and 5%', { experimenter: 'me' }),
      (error: unknown) => {
        assert.ok(error instanceof TemplateError);
        assert.equal(error.problems.length, 2);
        assert.match(error.message, /offset 2/);
        assert.match(error.message, /and 1 more/);
        return true;
      },
    );
  });

  it('throws for a name with no value', () => {
    assert.throws(() => substituteTemplate('%(toString)s', {}), TemplateError);
  });

  it('matches a reference substitution for well-formed templates', () => {
    const values = { a: 'AA', bb: '', c: '%' };
    const piece = fc.oneof(
      fc.string().map((s) => s.replaceAll('%', '')),
      fc.constant('%%'),
      fc.constantFrom('a', 'bb', 'c').map((n) => `%(${n})s`),
    );
    fc.assert(
      fc.property(fc.array(piece), (pieces) => {
        const expected = pieces
          .map((p) => (p === '%%' ? '%' : p.startsWith('%(') ? values[p.slice(2, -2) as 'a'] : p))
          .join('');
        assert.equal(substituteTemplate(pieces.join(''), values), expected);
      }),
    );
  });
});
