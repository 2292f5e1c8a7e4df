import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SPLIT_TYPES } from './catalog.ts';
import { formatSplitSpec } from './format.ts';
import { splitNeedsListInput } from './input.ts';
import { SPLIT_TYPE_NAMES } from './spec.ts';
import { parseSplitSpec } from './parse.ts';

describe('SPLIT_TYPES', () => {
  it('lists each of the twelve types once, in the canonical order', () => {
    assert.deepEqual(
      SPLIT_TYPES.map((t) => t.name),
      SPLIT_TYPE_NAMES,
    );
    assert.equal(new Set(SPLIT_TYPE_NAMES).size, 12);
  });

  it('gives examples that parse to their own type and are canonical', () => {
    for (const info of SPLIT_TYPES) {
      const result = parseSplitSpec(info.example);
      assert.ok(result.ok, info.example);
      assert.equal(result.spec.type, info.name);
      assert.equal(formatSplitSpec(result.spec), info.example);
    }
  });

  it('agrees with splitNeedsListInput about list inputs', () => {
    for (const info of SPLIT_TYPES) {
      const result = parseSplitSpec(info.example);
      assert.ok(result.ok);
      const shape = splitNeedsListInput(result.spec);
      const expected =
        info.input === 'list' || info.input === 'list-of-lists' ? info.input : 'none';
      assert.equal(shape, expected, info.name);
    }
  });

  it('describes parameters that the parser accepts by name', () => {
    for (const info of SPLIT_TYPES) {
      for (const p of info.parameters.filter((p) => !p.positional && p.default !== undefined)) {
        const text = `${info.name}(${p.name}=${p.default})`;
        assert.ok(parseSplitSpec(text).ok, text);
      }
    }
  });
});
