import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Query } from './ast.ts';
import { formatQuery, isBareWord } from './format.ts';
import { cmp, num, q, str, time } from './testing.ts';

/** The canonical text of a text, checking that it means the same query. */
function canonical(text: string): string {
  const query = q(text);
  const formatted = formatQuery(query);
  assert.deepEqual(q(formatted), query, `${text} → ${formatted}`);
  return formatted;
}

describe('formatQuery', () => {
  it('writes keywords in lower case with single spaces', () => {
    assert.equal(
      canonical('NOT  a=1\nAND b==2 OR c<>3 MINUS All'),
      'not a = 1 and b = 2 or c != 3 minus all',
    );
    assert.equal(canonical('Children Depth 2 Of ( ALL )'), 'children depth 2 of (all)');
    assert.equal(canonical('parents depth 1 of (all)'), 'parents of (all)');
    assert.equal(canonical('HAS x'), 'has x');
    assert.equal(canonical('DEFNAME:x'), 'defname: x');
    assert.equal(canonical('snapshot :007'), 'snapshot: 007');
  });

  it('writes SAM spellings the canonical way', () => {
    assert.equal(canonical('isparentof:(a = 1)'), 'parents of (a = 1)');
    assert.equal(canonical('ischildof:(a = 1)'), 'children of (a = 1)');
  });

  it('keeps only the parentheses precedence needs', () => {
    assert.equal(canonical('(a = 1) or ((b = 2) and (c = 3))'), 'a = 1 or b = 2 and c = 3');
    assert.equal(canonical('(a = 1 or b = 2) and c = 3'), '(a = 1 or b = 2) and c = 3');
    assert.equal(canonical('a = 1 and (b = 2 and c = 3)'), 'a = 1 and (b = 2 and c = 3)');
    assert.equal(canonical('(a = 1 and b = 2) and c = 3'), 'a = 1 and b = 2 and c = 3');
    assert.equal(canonical('a = 1 minus (b = 2 minus c = 3)'), 'a = 1 minus (b = 2 minus c = 3)');
    assert.equal(canonical('(a = 1 minus b = 2) or c = 3'), '(a = 1 minus b = 2) or c = 3');
    assert.equal(canonical('a = 1 minus (b = 2 or c = 3)'), 'a = 1 minus b = 2 or c = 3');
    assert.equal(canonical('not (a = 1)'), 'not a = 1');
    assert.equal(canonical('not (a = 1 and b = 2)'), 'not (a = 1 and b = 2)');
    assert.equal(canonical('(not a = 1) and b = 2'), 'not a = 1 and b = 2');
    assert.equal(canonical('not (not (a = 1))'), 'not not a = 1');
    assert.equal(canonical('not (x in (1))'), 'x not in (1)');
    assert.equal(canonical("not (x not like 'a')"), "not x not like 'a'");
  });

  it('writes windows last, their parts in a fixed order, defaults left out', () => {
    assert.equal(
      canonical('all with limit 5 stride 2 offset 3'),
      'all with offset 3 stride 2 limit 5',
    );
    assert.equal(canonical('all with stride 1 offset 0 limit 5'), 'all with limit 5');
    assert.equal(canonical('all with offset 0'), 'all with offset 0');
    assert.equal(canonical('a = 1 or b = 2 with limit 1'), 'a = 1 or b = 2 with limit 1');
    assert.equal(canonical('(a = 1 with limit 1) or b = 2'), '(a = 1 with limit 1) or b = 2');
    assert.equal(canonical('(all with limit 1) with offset 1'), '(all with limit 1) with offset 1');
    assert.equal(canonical('children of (all with limit 1)'), 'children of (all with limit 1)');
  });

  it('quotes only where a bare word would read differently', () => {
    assert.equal(canonical("x = 'raw'"), 'x = raw');
    assert.equal(canonical("x = 'reco-pass2'"), 'x = reco-pass2');
    assert.equal(canonical("x = 'a b'"), "x = 'a b'");
    assert.equal(canonical("x = 'and'"), "x = 'and'");
    assert.equal(canonical("x = 'AND'"), "x = 'AND'");
    assert.equal(canonical("x = '5'"), "x = '5'");
    assert.equal(canonical("x = '2025-01-31'"), "x = '2025-01-31'");
    assert.equal(canonical("x = ''"), "x = ''");
    assert.equal(canonical("x = 'a.'"), "x = 'a.'");
    assert.equal(canonical("x = 'a..b'"), "x = 'a..b'");
    assert.equal(canonical("x = 'isparentof:'"), "x = 'isparentof:'");
    assert.equal(canonical(`x = "it's"`), `x = "it's"`);
    assert.equal(canonical("defname: 'my set'"), "defname: 'my set'");
    assert.equal(canonical("defname: 'v1'"), 'defname: v1');
    assert.equal(canonical("snapshot: '12'"), 'snapshot: 12');
    assert.equal(canonical("snapshot: '1.5'"), "snapshot: '1.5'");
    assert.equal(canonical('file_name like "gen_%"'), "file_name like 'gen_%'");
    assert.equal(canonical("x in 'a.'..b"), "x in 'a.'..b");
    assert.equal(
      canonical("data_tier in ('raw', reco, 'with')"),
      "data_tier in (raw, reco, 'with')",
    );
  });

  it('writes numbers as JavaScript does and text fields as their text', () => {
    assert.equal(canonical('x = 007'), 'x = 7');
    assert.equal(canonical('x = 1e3'), 'x = 1000');
    assert.equal(canonical('x = 1e21'), 'x = 1e+21');
    assert.equal(canonical('x = -0.5'), 'x = -0.5');
    assert.equal(canonical('x in -3..-1'), 'x in -3..-1');
    assert.equal(canonical("run_number = '5'"), 'run_number = 5');
    assert.equal(canonical('software_version = 1.10'), "software_version = '1.10'");
  });

  it('writes times in UTC, dates alone at midnight', () => {
    assert.equal(canonical('x = 2025-01-31T00:00:00Z'), 'x = 2025-01-31');
    assert.equal(canonical('x = 2025-01-31T06:00:00+01:00'), 'x = 2025-01-31T05:00:00Z');
    assert.equal(canonical('x = 2025-01-31T06:00'), 'x = 2025-01-31T06:00:00Z');
    assert.equal(canonical('end_time > 1738303200'), 'end_time > 2025-01-31T06:00:00Z');
    assert.equal(
      canonical('end_time in 2025-01-01..2025-01-02T12:00:00Z'),
      'end_time in 2025-01-01..2025-01-02T12:00:00Z',
    );
  });

  it('writes an unprintable time as epoch seconds on a standard time field', () => {
    const query = cmp('end_time', '>', time(1.0005));
    assert.equal(formatQuery(query), 'end_time > 1.0005');
    assert.deepEqual(q(formatQuery(query)), query);
  });

  it('throws for trees that have no text', () => {
    const cases: [Query, RegExp][] = [
      [{ type: 'delivered', owner: 'stg_1' }, /'delivered' node/],
      [
        { type: 'and', left: { type: 'all' }, right: { type: 'delivered', owner: 'x' } },
        /delivered/,
      ],
      [{ type: 'in', field: 'x', values: [] }, /without values/],
      [cmp('x', '=', time(0.0001)), /the time/],
      [cmp('x', '=', num(Number.NaN)), /NaN/],
      [cmp('x', '=', num(Infinity)), /Infinity/],
      [cmp('bad field', '=', num(1)), /field name/],
      [{ type: 'has', field: 'Offset' }, /field name/],
      [{ type: 'defname', name: '' }, /empty/],
      [{ type: 'snapshot', ref: '' }, /empty/],
      [{ type: 'children', of: { type: 'all' }, depth: 0 }, /depth/],
      [{ type: 'window', query: { type: 'all' }, offset: -1, stride: 1 }, /offset/],
      [{ type: 'window', query: { type: 'all' }, offset: 0, stride: 0 }, /stride/],
      [{ type: 'window', query: { type: 'all' }, offset: 0, stride: 1, limit: 0.5 }, /limit/],
    ];
    for (const [query, message] of cases) {
      assert.throws(() => formatQuery(query), message, JSON.stringify(query));
    }
  });

  it('formats long chains without deep recursion', () => {
    let query: Query = cmp('x', '=', num(0));
    for (let i = 1; i < 20000; i++)
      query = { type: 'or', left: query, right: cmp('x', '=', num(i)) };
    const text = formatQuery(query);
    assert.ok(text.startsWith('x = 0 or x = 1 or x = 2'));
    assert.ok(text.endsWith('or x = 19999'));
  });

  it('knows which words stand bare', () => {
    for (const word of ['raw', 'v1_0', 'reco-pass2', 'gen_%.root', 'a.b', '5abc', 'isparentof']) {
      assert.ok(isBareWord(word), word);
    }
    for (const word of [
      '',
      'a b',
      'and',
      'Of',
      '5',
      '-5',
      '1e5',
      '2025-01-31',
      'a.',
      'a..b',
      "a'",
      'é',
    ]) {
      assert.ok(!isBareWord(word), word);
    }
    assert.equal(formatQuery(cmp('x', '=', str('é'))), "x = 'é'");
  });
});
