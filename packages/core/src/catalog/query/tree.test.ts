import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Query } from './ast.ts';
import { parseQuery } from './parse.ts';
import { q } from './testing.ts';
import { queryReferences, querySpanless } from './tree.ts';

describe('querySpanless', () => {
  it('removes every span and nothing else', () => {
    const result = parseQuery(
      "(a = 1 or has b) and not c in (1, 'x') minus children depth 2 of (defname: d) minus x like 'p' minus y in 1..2 with offset 1 limit 3",
    );
    assert.ok(result.ok);
    const spanless = querySpanless(result.query);
    assert.ok(!JSON.stringify(spanless).includes('span'));
    assert.ok(JSON.stringify(result.query).includes('span'));
    // The same tree as the parse, spans aside.
    const strip = (value: unknown): unknown =>
      JSON.parse(JSON.stringify(value, (key, v: unknown) => (key === 'span' ? undefined : v)));
    assert.deepEqual(spanless, strip(result.query));
  });

  it('keeps nodes that have no syntax', () => {
    const delivered: Query = { type: 'delivered', owner: 'stg_1', span: { start: 0, end: 1 } };
    assert.deepEqual(querySpanless(delivered), { type: 'delivered', owner: 'stg_1' });
  });

  it('copies, leaving the input untouched', () => {
    const result = parseQuery('x in (1, 2)');
    assert.ok(result.ok);
    const before = JSON.stringify(result.query);
    const copy = querySpanless(result.query);
    if (copy.type === 'in') copy.values.push({ kind: 'number', value: 3 });
    assert.equal(JSON.stringify(result.query), before);
  });

  it('handles long chains without deep recursion', () => {
    // Longer than the parser takes (500 operators): trees can also be built by programs.
    const term = parseQuery('x = 1');
    assert.ok(term.ok);
    let tree: Query = term.query;
    for (let i = 0; i < 20000; i++) {
      tree = { type: 'and', left: tree, right: term.query, span: { start: 0, end: 5 } };
    }
    const spanless = querySpanless(tree);
    assert.equal(spanless.type, 'and');
  });
});

describe('queryReferences', () => {
  it('lists datasets and snapshots once each, in order of appearance', () => {
    assert.deepEqual(
      queryReferences(
        q(
          'defname: b or (defname: a minus snapshot: 3) or not parents of (defname: b and snapshot: s1) with limit 1',
        ),
      ),
      { defnames: ['b', 'a'], snapshots: ['3', 's1'] },
    );
  });

  it('finds them inside children, parents and windows', () => {
    assert.deepEqual(queryReferences(q('children depth 2 of (defname: x with limit 1)')), {
      defnames: ['x'],
      snapshots: [],
    });
  });

  it('is empty for a query that names none', () => {
    assert.deepEqual(queryReferences(q("all minus x = 1 and has y or z like 'a%'")), {
      defnames: [],
      snapshots: [],
    });
    assert.deepEqual(queryReferences({ type: 'delivered', owner: 'o' }), {
      defnames: [],
      snapshots: [],
    });
  });
});
