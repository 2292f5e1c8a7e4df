import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { jsonValue, parseJson, pyJson } from './json.ts';

describe('parseJson', () => {
  it('parses JSON with positions and number source text', () => {
    const r = parseJson('[["-O=", 10], {"a": 1.50}]');
    assert.ok(r.ok);
    assert.deepEqual(jsonValue(r.node), [['-O=', 10], { a: 1.5 }]);
    if (r.node.kind !== 'array') throw new Error('array expected');
    const pair = r.node.items[0];
    assert.equal(pair?.start, 1);
    assert.equal(pair?.end, 12);
    const obj = r.node.items[1];
    if (obj?.kind !== 'object') throw new Error('object expected');
    const num = obj.entries[0]?.value;
    assert.equal(num?.kind === 'number' ? num.text : '', '1.50');
  });

  it('reports the offset of the first error', () => {
    const cases: [string, number][] = [
      ['[["a" "b"]]', 6],
      ['[1, 2,]', 5],
      ["['a']", 1],
      ['{"a" 1}', 5],
      ['[1] x', 4],
      ['"unterminated', 0],
      ['', 0],
      ['[01]', 1],
      ['{a: 1}', 1],
    ];
    for (const [text, offset] of cases) {
      const r = parseJson(text);
      assert.equal(r.ok, false, text);
      if (!r.ok) assert.equal(r.offset, offset, `${text}: ${r.message}`);
    }
  });

  it('decodes escapes and refuses raw control characters', () => {
    const r = parseJson('"a\\n\\u00e9\\"\\\\"');
    assert.ok(r.ok && r.node.kind === 'string' && r.node.value === 'a\né"\\');
    assert.equal(parseJson('"a\tb"').ok, false);
  });

  it('refuses absurd nesting instead of overflowing the stack', () => {
    assert.equal(parseJson('['.repeat(10000)).ok, false);
  });

  it('keeps __proto__ as a plain key', () => {
    const r = parseJson('{"__proto__": {"polluted": true}}');
    assert.ok(r.ok);
    const value = jsonValue(r.node) as Record<string, unknown>;
    assert.ok(Object.hasOwn(value, '__proto__'));
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});

describe('pyJson', () => {
  it("writes Python json.dumps' layout", () => {
    assert.equal(
      pyJson([
        ['--stage=', 'gen'],
        ['-Ox=', '%(dataset)s'],
      ]),
      '[["--stage=", "gen"], ["-Ox=", "%(dataset)s"]]',
    );
    assert.equal(pyJson({ a: 1, b: [true, null] }), '{"a": 1, "b": [true, null]}');
    assert.equal(pyJson([]), '[]');
  });
});
