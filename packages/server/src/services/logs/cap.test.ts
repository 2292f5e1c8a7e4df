import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { capLog } from './cap.ts';

describe('capLog', () => {
  it('keeps a log under the cap as it is', () => {
    assert.equal(capLog('hello\n', 100).toString(), 'hello\n');
  });

  it('keeps the end of a long log after one line saying how much was cut', () => {
    const text = 'a'.repeat(1000) + 'THE END\n';
    const kept = capLog(text, 100).toString();
    const [marker, rest] = kept.split('\n', 2);
    assert.equal(
      marker,
      '[poms: 908 bytes cut from the start of this log; the last 100 bytes are kept]',
    );
    assert.ok(kept.endsWith('THE END\n'));
    assert.equal(Buffer.byteLength(kept.slice(kept.indexOf('\n') + 1)), 100);
    assert.ok(rest?.startsWith('a'));
  });

  it('never cuts inside a character', () => {
    const kept = capLog('é'.repeat(100), 51).toString();
    assert.ok(!kept.includes('\uFFFD'));
    assert.ok(kept.endsWith('é'.repeat(25)));
  });

  it('says so when the engine had already cut the start', () => {
    assert.match(
      capLog('tail\n', 100, true).toString(),
      /^\[poms: the start of this log was cut by the engine/,
    );
    assert.match(capLog('x'.repeat(200), 100, true).toString(), /^\[poms: more than 100 bytes cut/);
  });
});
