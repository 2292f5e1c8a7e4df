// The save dialog's line diff: alignment, context, hunks, and the equal case.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diffHunks, diffLines, diffStats } from './text-diff.ts';

describe('the line diff', () => {
  it('aligns unchanged lines and numbers both sides', () => {
    const lines = diffLines('a\nb\nc\n', 'a\nx\nc\nd\n');
    assert.deepEqual(
      lines.map((l) => [l.kind, l.text, l.old, l.new]),
      [
        ['same', 'a', 1, 1],
        ['removed', 'b', 2, undefined],
        ['added', 'x', undefined, 2],
        ['same', 'c', 3, 3],
        ['added', 'd', undefined, 4],
      ].map(([k, t, o, n]) => [k, t, o, n]),
    );
  });

  it('finds the common lines in the middle of a change', () => {
    const lines = diffLines('h\n1\n2\n3\nt\n', 'h\n0\n1\n3\n4\nt\n');
    assert.deepEqual(
      lines.filter((l) => l.kind !== 'same').map((l) => `${l.kind} ${l.text}`),
      ['added 0', 'removed 2', 'added 4'],
    );
  });

  it('puts changes far apart in separate hunks with context', () => {
    const before = Array.from({ length: 30 }, (_, i) => `line ${i}`).join('\n');
    const after = before.replace('line 2\n', 'line two\n').replace('line 25', 'line 25 # note');
    const hunks = diffHunks(before, after, 2);
    assert.equal(hunks.length, 2);
    assert.deepEqual(diffStats(hunks), { added: 2, removed: 2 });
    assert.equal(hunks[0]!.lines[0]!.text, 'line 0');
    assert.equal(hunks[1]!.lines.at(-1)!.text, 'line 27');
  });

  it('has no hunks for equal texts, whatever the newlines', () => {
    assert.deepEqual(diffHunks('a\r\nb\r\n', 'a\nb\n'), []);
    assert.deepEqual(diffHunks('', ''), []);
  });
});
