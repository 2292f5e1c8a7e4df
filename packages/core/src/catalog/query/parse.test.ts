import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Query } from './ast.ts';
import { parseQuery } from './parse.ts';
import { cmp, num, q, str, time, utc } from './testing.ts';

const a1 = cmp('a', '=', num(1));
const b2 = cmp('b', '=', num(2));
const c3 = cmp('c', '=', num(3));

function parsed(text: string): Query {
  const result = parseQuery(text);
  assert.ok(result.ok, `${text}: ${result.ok ? '' : result.error.message}`);
  return result.query;
}

describe('parseQuery: every construct', () => {
  it('reads all', () => {
    assert.deepEqual(q('all'), { type: 'all' });
  });

  it('reads comparisons with every operator', () => {
    assert.deepEqual(q('run_number = 5'), cmp('run_number', '=', num(5)));
    assert.deepEqual(q('run_number == 5'), cmp('run_number', '=', num(5)));
    assert.deepEqual(q('run_number != 5'), cmp('run_number', '!=', num(5)));
    assert.deepEqual(q('run_number <> 5'), cmp('run_number', '!=', num(5)));
    assert.deepEqual(q('run_number < 5'), cmp('run_number', '<', num(5)));
    assert.deepEqual(q('run_number <= 5'), cmp('run_number', '<=', num(5)));
    assert.deepEqual(q('run_number > 5'), cmp('run_number', '>', num(5)));
    assert.deepEqual(q('run_number >= 5'), cmp('run_number', '>=', num(5)));
    assert.deepEqual(q('run_number>=5'), cmp('run_number', '>=', num(5)));
  });

  it('reads dotted experiment fields', () => {
    assert.deepEqual(q("dune.campaign != 'x'"), cmp('dune.campaign', '!=', str('x')));
    assert.deepEqual(q('a.b.c_1 = v'), cmp('a.b.c_1', '=', str('v')));
    assert.deepEqual(q('_x = 1'), cmp('_x', '=', num(1)));
  });

  it('reads ranges, inclusive', () => {
    assert.deepEqual(q('run_number in 1..3'), {
      type: 'range',
      field: 'run_number',
      low: num(1),
      high: num(3),
    });
    assert.deepEqual(q('run_number in 1 .. 3'), q('run_number in 1..3'));
    assert.deepEqual(q('x in -3..-1'), { type: 'range', field: 'x', low: num(-3), high: num(-1) });
    assert.deepEqual(q('x in 1.5..2.5'), {
      type: 'range',
      field: 'x',
      low: num(1.5),
      high: num(2.5),
    });
    assert.deepEqual(q('x in a..b'), { type: 'range', field: 'x', low: str('a'), high: str('b') });
    assert.deepEqual(q('end_time in 2025-01-01..2025-02-01'), {
      type: 'range',
      field: 'end_time',
      low: time(utc('2025-01-01T00:00:00Z')),
      high: time(utc('2025-02-01T00:00:00Z')),
    });
  });

  it('reads in-lists and not in', () => {
    const list: Query = { type: 'in', field: 'data_tier', values: [str('raw'), str('reco')] };
    assert.deepEqual(q('data_tier in (raw, reco)'), list);
    assert.deepEqual(q('data_tier in(raw,reco)'), list);
    assert.deepEqual(q('data_tier in (raw)'), { ...list, values: [str('raw')] });
    assert.deepEqual(q('data_tier not in (raw, reco)'), { type: 'not', operand: list });
    assert.deepEqual(q('x in (1, two, "three", 2025-01-31)'), {
      type: 'in',
      field: 'x',
      values: [num(1), str('two'), str('three'), time(utc('2025-01-31T00:00:00Z'))],
    });
  });

  it('reads like and not like', () => {
    const like: Query = { type: 'like', field: 'file_name', pattern: 'gen_%.root' };
    assert.deepEqual(q("file_name like 'gen_%.root'"), like);
    assert.deepEqual(q('file_name like "gen_%.root"'), like);
    assert.deepEqual(q("file_name not like 'gen_%.root'"), { type: 'not', operand: like });
    assert.deepEqual(q("dune.tag like 'a%'"), { type: 'like', field: 'dune.tag', pattern: 'a%' });
  });

  it('reads has', () => {
    assert.deepEqual(q('has dune.campaign'), { type: 'has', field: 'dune.campaign' });
    assert.deepEqual(q('has run_number'), { type: 'has', field: 'run_number' });
  });

  it('reads defname and snapshot, bare or quoted, with or without spaces', () => {
    assert.deepEqual(q('defname: my_set'), { type: 'defname', name: 'my_set' });
    assert.deepEqual(q('defname:my_set'), { type: 'defname', name: 'my_set' });
    assert.deepEqual(q('defname : reco-pass2.v1'), { type: 'defname', name: 'reco-pass2.v1' });
    assert.deepEqual(q("defname: 'my set'"), { type: 'defname', name: 'my set' });
    assert.deepEqual(q("defname: 'all'"), { type: 'defname', name: 'all' });
    assert.deepEqual(q('snapshot: 12'), { type: 'snapshot', ref: '12' });
    assert.deepEqual(q('snapshot:007'), { type: 'snapshot', ref: '007' });
    assert.deepEqual(q('snapshot: snp_abc'), { type: 'snapshot', ref: 'snp_abc' });
    assert.deepEqual(q('snapshot: "week 3"'), { type: 'snapshot', ref: 'week 3' });
  });

  it('reads children and parents, with depth', () => {
    assert.deepEqual(q('children of (a = 1)'), { type: 'children', of: a1, depth: 1 });
    assert.deepEqual(q('parents of (a = 1)'), { type: 'parents', of: a1, depth: 1 });
    assert.deepEqual(q('children depth 3 of (a = 1)'), { type: 'children', of: a1, depth: 3 });
    assert.deepEqual(q('parents depth 1 of (a = 1)'), { type: 'parents', of: a1, depth: 1 });
    assert.deepEqual(q('children of (parents of (all))'), {
      type: 'children',
      of: { type: 'parents', of: { type: 'all' }, depth: 1 },
      depth: 1,
    });
  });

  it("reads SAM's isparentof: and ischildof:", () => {
    // isparentof:(Q) is the files that are parents of Q's files.
    assert.deepEqual(q('isparentof:(a = 1)'), { type: 'parents', of: a1, depth: 1 });
    assert.deepEqual(q('ischildof:(a = 1)'), { type: 'children', of: a1, depth: 1 });
    assert.deepEqual(q('isparentof: ( a = 1 )'), q('parents of (a = 1)'));
    assert.deepEqual(q('ISCHILDOF:(a = 1)'), q('children of (a = 1)'));
    // Without the colon they are plain words.
    assert.deepEqual(q('x = isparentof'), cmp('x', '=', str('isparentof')));
  });

  it('reads not, and, or, minus', () => {
    assert.deepEqual(q('not a = 1'), { type: 'not', operand: a1 });
    assert.deepEqual(q('not not a = 1'), { type: 'not', operand: { type: 'not', operand: a1 } });
    assert.deepEqual(q('a = 1 and b = 2'), { type: 'and', left: a1, right: b2 });
    assert.deepEqual(q('a = 1 or b = 2'), { type: 'or', left: a1, right: b2 });
    assert.deepEqual(q('a = 1 minus b = 2'), { type: 'minus', left: a1, right: b2 });
  });
});

describe('parseQuery: precedence', () => {
  it('binds and tighter than or', () => {
    assert.deepEqual(q('a = 1 or b = 2 and c = 3'), {
      type: 'or',
      left: a1,
      right: { type: 'and', left: b2, right: c3 },
    });
    assert.deepEqual(q('a = 1 and b = 2 or c = 3'), {
      type: 'or',
      left: { type: 'and', left: a1, right: b2 },
      right: c3,
    });
  });

  it('binds or tighter than minus', () => {
    assert.deepEqual(q('a = 1 minus b = 2 or c = 3'), {
      type: 'minus',
      left: a1,
      right: { type: 'or', left: b2, right: c3 },
    });
    assert.deepEqual(q('a = 1 and b = 2 minus c = 3'), {
      type: 'minus',
      left: { type: 'and', left: a1, right: b2 },
      right: c3,
    });
  });

  it('binds not tighter than and', () => {
    assert.deepEqual(q('not a = 1 and b = 2'), {
      type: 'and',
      left: { type: 'not', operand: a1 },
      right: b2,
    });
  });

  it('associates to the left', () => {
    assert.deepEqual(q('a = 1 minus b = 2 minus c = 3'), {
      type: 'minus',
      left: { type: 'minus', left: a1, right: b2 },
      right: c3,
    });
    assert.deepEqual(q('a = 1 or b = 2 or c = 3'), {
      type: 'or',
      left: { type: 'or', left: a1, right: b2 },
      right: c3,
    });
  });

  it('lets parentheses override', () => {
    assert.deepEqual(q('(a = 1 or b = 2) and c = 3'), {
      type: 'and',
      left: { type: 'or', left: a1, right: b2 },
      right: c3,
    });
    assert.deepEqual(q('a = 1 minus (b = 2 minus c = 3)'), {
      type: 'minus',
      left: a1,
      right: { type: 'minus', left: b2, right: c3 },
    });
    assert.deepEqual(q('not (a = 1 and b = 2)'), {
      type: 'not',
      operand: { type: 'and', left: a1, right: b2 },
    });
    assert.deepEqual(q('((a = 1))'), a1);
  });

  it('keeps `not in` to its field, and prefix not around it', () => {
    const inList: Query = { type: 'in', field: 'x', values: [num(1)] };
    assert.deepEqual(q('not x in (1)'), { type: 'not', operand: inList });
    assert.deepEqual(q('not x not in (1)'), {
      type: 'not',
      operand: { type: 'not', operand: inList },
    });
  });
});

describe('parseQuery: windows', () => {
  it('reads each part, in any order, with defaults for the others', () => {
    assert.deepEqual(q('all with limit 10'), {
      type: 'window',
      query: { type: 'all' },
      offset: 0,
      stride: 1,
      limit: 10,
    });
    assert.deepEqual(q('all with offset 5'), {
      type: 'window',
      query: { type: 'all' },
      offset: 5,
      stride: 1,
    });
    assert.deepEqual(q('all with stride 2'), {
      type: 'window',
      query: { type: 'all' },
      offset: 0,
      stride: 2,
    });
    const full: Query = { type: 'window', query: { type: 'all' }, offset: 5, stride: 2, limit: 10 };
    assert.deepEqual(q('all with limit 10 offset 5 stride 2'), full);
    assert.deepEqual(q('all with stride 2 limit 10 offset 5'), full);
    assert.deepEqual(q('all WITH OFFSET 5 STRIDE 2 LIMIT 10'), full);
    assert.deepEqual(q('all with limit 0'), { ...full, offset: 0, stride: 1, limit: 0 });
  });

  it('applies to everything before it', () => {
    assert.deepEqual(q('a = 1 minus b = 2 or c = 3 with limit 5'), {
      type: 'window',
      query: { type: 'minus', left: a1, right: { type: 'or', left: b2, right: c3 } },
      offset: 0,
      stride: 1,
      limit: 5,
    });
  });

  it('nests inside parentheses', () => {
    assert.deepEqual(q('(a = 1 with limit 5) minus b = 2'), {
      type: 'minus',
      left: { type: 'window', query: a1, offset: 0, stride: 1, limit: 5 },
      right: b2,
    });
    assert.deepEqual(q('children of (a = 1 with stride 2)'), {
      type: 'children',
      of: { type: 'window', query: a1, offset: 0, stride: 2 },
      depth: 1,
    });
  });
});

describe('parseQuery: literals', () => {
  it('reads numbers: integers, decimals, negatives, exponents', () => {
    assert.deepEqual(q('x = 42'), cmp('x', '=', num(42)));
    assert.deepEqual(q('x = -7'), cmp('x', '=', num(-7)));
    assert.deepEqual(q('x = 3.25'), cmp('x', '=', num(3.25)));
    assert.deepEqual(q('x = 1e3'), cmp('x', '=', num(1000)));
    assert.deepEqual(q('x = 1.5E-2'), cmp('x', '=', num(0.015)));
    assert.deepEqual(q('x = 007'), cmp('x', '=', num(7)));
    assert.deepEqual(q('x = -0'), cmp('x', '=', num(0)));
    assert.ok(Object.is((q('x = -0') as { value: { value: number } }).value.value, 0));
  });

  it('reads quoted strings with their escapes', () => {
    assert.deepEqual(q("x = 'a b'"), cmp('x', '=', str('a b')));
    assert.deepEqual(q('x = "a b"'), cmp('x', '=', str('a b')));
    assert.deepEqual(q("x = ''"), cmp('x', '=', str('')));
    assert.deepEqual(q(String.raw`x = 'it\'s'`), cmp('x', '=', str("it's")));
    assert.deepEqual(q(String.raw`x = "say \"hi\""`), cmp('x', '=', str('say "hi"')));
    assert.deepEqual(q(String.raw`x = 'back\\slash'`), cmp('x', '=', str('back\\slash')));
    // Any other backslash stays: LIKE patterns may want it.
    assert.deepEqual(q(String.raw`x = 'a\_b'`), cmp('x', '=', str('a\\_b')));
    assert.deepEqual(q("x = 'two\nlines'"), cmp('x', '=', str('two\nlines')));
    assert.deepEqual(q("x = 'and'"), cmp('x', '=', str('and')));
    assert.deepEqual(q("x = '5'"), cmp('x', '=', str('5')));
  });

  it('reads bare words', () => {
    for (const word of ['raw', 'v1_0', 'reco-pass2', 'v1.2.3', 'gen_%.root', 'a+b', '_', 'x9']) {
      assert.deepEqual(q(`x = ${word}`), cmp('x', '=', str(word)), word);
    }
    // Words that start like numbers or dates but go on.
    for (const word of [
      '5abc',
      '1.5.3',
      '5-6',
      '1e5x',
      '2025-01-31x',
      '2025-01-31.root',
      '2025-1-31',
    ]) {
      assert.deepEqual(q(`x = ${word}`), cmp('x', '=', str(word)), word);
    }
    // Words that contain keywords.
    for (const word of ['android', 'order', 'offsets', 'notable', 'all_files', 'in1', 'likes']) {
      assert.deepEqual(q(`x = ${word}`), cmp('x', '=', str(word)), word);
    }
  });

  it('reads ISO times as epoch seconds, UTC unless an offset is given', () => {
    const at = (text: string) => q(`x = ${text}`);
    assert.deepEqual(at('2025-01-31'), cmp('x', '=', time(utc('2025-01-31T00:00:00Z'))));
    assert.deepEqual(at('2025-01-31T06:00:00Z'), cmp('x', '=', time(utc('2025-01-31T06:00:00Z'))));
    assert.deepEqual(at('2025-01-31T06:00:00'), cmp('x', '=', time(utc('2025-01-31T06:00:00Z'))));
    assert.deepEqual(at('2025-01-31T06:00'), cmp('x', '=', time(utc('2025-01-31T06:00:00Z'))));
    assert.deepEqual(
      at('2025-01-31T06:00:00+01:00'),
      cmp('x', '=', time(utc('2025-01-31T05:00:00Z'))),
    );
    assert.deepEqual(
      at('2025-01-31T06:00:00-0230'),
      cmp('x', '=', time(utc('2025-01-31T08:30:00Z'))),
    );
    assert.deepEqual(at('2025-01-31t06:00:00z'), cmp('x', '=', time(utc('2025-01-31T06:00:00Z'))));
    assert.deepEqual(
      at('2025-01-31T06:00:00.5Z'),
      cmp('x', '=', time(utc('2025-01-31T06:00:00.500Z'))),
    );
    assert.deepEqual(at('2024-02-29'), cmp('x', '=', time(utc('2024-02-29T00:00:00Z'))));
    assert.deepEqual(at('1969-12-31'), cmp('x', '=', time(-86400)));
  });

  it('splits ranges from the words around them', () => {
    assert.deepEqual(q('x in 1..3'), { type: 'range', field: 'x', low: num(1), high: num(3) });
    assert.deepEqual(q('x in v1..v3'), {
      type: 'range',
      field: 'x',
      low: str('v1'),
      high: str('v3'),
    });
    assert.deepEqual(q('x in a.b..c.d'), {
      type: 'range',
      field: 'x',
      low: str('a.b'),
      high: str('c.d'),
    });
    assert.deepEqual(q('x in 2025-01-31T06:00:00Z..2025-02-01T06:00:00+01:00'), {
      type: 'range',
      field: 'x',
      low: time(utc('2025-01-31T06:00:00Z')),
      high: time(utc('2025-02-01T05:00:00Z')),
    });
    assert.deepEqual(q("x in 'a'..'b'"), {
      type: 'range',
      field: 'x',
      low: str('a'),
      high: str('b'),
    });
  });
});

describe('parseQuery: standard field types', () => {
  it('makes numeric text a number on number fields', () => {
    assert.deepEqual(q("run_number = '5'"), cmp('run_number', '=', num(5)));
    assert.deepEqual(q('event_count in ("1", 2)'), {
      type: 'in',
      field: 'event_count',
      values: [num(1), num(2)],
    });
  });

  it('makes numbers and ISO text times on time fields (numbers are epoch seconds)', () => {
    assert.deepEqual(q('end_time > 1700000000'), cmp('end_time', '>', time(1700000000)));
    assert.deepEqual(
      q("start_time < '2025-01-31'"),
      cmp('start_time', '<', time(utc('2025-01-31T00:00:00Z'))),
    );
    assert.deepEqual(q("create_time >= '1700000000'"), cmp('create_time', '>=', time(1700000000)));
    assert.deepEqual(q('end_time in 0..2025-01-01'), {
      type: 'range',
      field: 'end_time',
      low: time(0),
      high: time(utc('2025-01-01T00:00:00Z')),
    });
  });

  it('keeps the text as written on text fields', () => {
    assert.deepEqual(q('software_version = 1.10'), cmp('software_version', '=', str('1.10')));
    assert.deepEqual(q('data_tier = 5'), cmp('data_tier', '=', str('5')));
    assert.deepEqual(q('file_name = 2025-01-31'), cmp('file_name', '=', str('2025-01-31')));
    assert.deepEqual(q('checksum in (007, abc)'), {
      type: 'in',
      field: 'checksum',
      values: [str('007'), str('abc')],
    });
  });

  it('leaves experiment fields as written, whatever the value', () => {
    assert.deepEqual(q("x = '5'"), cmp('x', '=', str('5')));
    assert.deepEqual(q('x = 5'), cmp('x', '=', num(5)));
    assert.deepEqual(q('Run_Number = abc'), cmp('Run_Number', '=', str('abc')));
  });
});

describe('parseQuery: keywords and whitespace', () => {
  it('reads keywords in any case', () => {
    assert.deepEqual(
      q('NOT a = 1 AND b = 2 Or c = 3 MINUS All'),
      q('not a = 1 and b = 2 or c = 3 minus all'),
    );
    assert.deepEqual(q('DefName: x'), q('defname: x'));
    assert.deepEqual(q('SNAPSHOT: 3'), q('snapshot: 3'));
    assert.deepEqual(q('Children Depth 2 Of (ALL)'), q('children depth 2 of (all)'));
    assert.deepEqual(q('x NOT IN (1)'), q('x not in (1)'));
    assert.deepEqual(q("file_name NOT LIKE 'a%'"), q("file_name not like 'a%'"));
    assert.deepEqual(q('HAS x'), q('has x'));
    assert.deepEqual(q('x In 1..2'), q('x in 1..2'));
  });

  it('takes newlines and tabs between tokens', () => {
    assert.deepEqual(q('\n  run_number >= 5\n\tand data_tier = raw\n'), {
      type: 'and',
      left: cmp('run_number', '>=', num(5)),
      right: cmp('data_tier', '=', str('raw')),
    });
  });

  it('keeps field names as written (they are case-sensitive)', () => {
    assert.deepEqual(q('Dune.Campaign = x'), cmp('Dune.Campaign', '=', str('x')));
  });
});

describe('parseQuery: spans', () => {
  it('gives every node the text it came from', () => {
    const text = '(a = 1 or has b) and not c in (1, 2) with limit 5';
    const query = parsed(text);
    const slice = (node: { span?: { start: number; end: number } }) =>
      node.span === undefined ? undefined : text.slice(node.span.start, node.span.end);
    assert.equal(query.type, 'window');
    if (query.type !== 'window') return;
    assert.equal(slice(query), text);
    const and = query.query;
    assert.equal(slice(and), '(a = 1 or has b) and not c in (1, 2)');
    if (and.type !== 'and') return assert.fail('and');
    assert.equal(slice(and.left), 'a = 1 or has b');
    assert.equal(slice(and.right), 'not c in (1, 2)');
    if (and.left.type !== 'or' || and.right.type !== 'not') return assert.fail('or, not');
    assert.equal(slice(and.left.left), 'a = 1');
    assert.equal(slice(and.left.right), 'has b');
    assert.equal(slice(and.right.operand), 'c in (1, 2)');
  });

  it('spans the keywords of the other constructs', () => {
    const spanText = (text: string) => {
      const query = parsed(text);
      return query.span && text.slice(query.span.start, query.span.end);
    };
    assert.equal(spanText('  defname: x  '), 'defname: x');
    assert.equal(spanText("snapshot: 'a b' "), "snapshot: 'a b'");
    assert.equal(spanText(' children depth 2 of (all) '), 'children depth 2 of (all)');
    assert.equal(spanText('isparentof:(all)'), 'isparentof:(all)');
    assert.equal(spanText("x not like 'a' "), "x not like 'a'");
    assert.equal(spanText('x in 1..2 '), 'x in 1..2');
    assert.equal(spanText('not not all'), 'not not all');
    assert.equal(spanText('(all)'), 'all');
  });
});
