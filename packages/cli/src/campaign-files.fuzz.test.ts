// Campaign files that are not UTF-8 are refused with the file, line and byte offset, never read
// as U+FFFD into a campaign that differs from the file; and the check agrees with the decoder.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { runPoms } from './cli-testing.ts';
import { firstInvalidUtf8 } from './utf8-text.ts';

const template = readFileSync(new URL('../../../templates/mc-chain.yaml', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'poms-utf8-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function decodes(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

describe('campaign files that are not UTF-8', () => {
  it('finds the first bad byte exactly where the decoder stops', () => {
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 40 }),
      // Mostly valid text with a few random bytes in it: the cases near a sequence's edge.
      fc
        .tuple(
          fc.string({ unit: 'grapheme', maxLength: 20 }),
          fc.uint8Array({ maxLength: 3 }),
          fc.nat(),
        )
        .map(([text, noise, at]) => {
          const valid = Buffer.from(text, 'utf8');
          const cut = at % (valid.length + 1);
          return Buffer.concat([valid.subarray(0, cut), noise, valid.subarray(cut)]);
        }),
    );
    fc.assert(
      fc.property(bytes, (b) => {
        const bad = firstInvalidUtf8(b);
        assert.equal(bad === undefined, decodes(b));
        if (!bad) return;
        assert.ok(decodes(b.subarray(0, bad.offset)), 'everything before it is UTF-8');
        assert.equal(bad.line, b.subarray(0, bad.offset).filter((c) => c === 10).length + 1);
      }),
      { numRuns: 2000 },
    );
  });

  const cases: [string, Buffer, number, number][] = [
    ['a Latin-1 é in a description', Buffer.from([0xe9]), 0xe9, 0],
    ['a lone continuation byte', Buffer.from([0x80]), 0x80, 0],
    ['an encoded surrogate', Buffer.from([0xed, 0xa0, 0x80]), 0xed, 0],
    ['an overlong slash', Buffer.from([0xc0, 0xaf]), 0xc0, 0],
    ['a truncated sequence', Buffer.from([0xe2, 0x82]), 0xe2, 0],
  ];
  for (const [name, bad, byte] of cases) {
    it(`refuses ${name} with the file, line and offset`, async () => {
      const at = template.indexOf('\ndescription: ') + 14;
      const file = join(dir, `${name.replaceAll(' ', '-')}.yaml`);
      writeFileSync(file, Buffer.concat([template.subarray(0, at), bad, template.subarray(at)]));
      const line = template.subarray(0, at).filter((c) => c === 10).length + 1;
      const result = await runPoms('campaign', 'validate', file);
      assert.equal(result.code, 2, result.err);
      assert.equal(
        result.err,
        `poms: ${file}:${line}: not UTF-8 text: byte 0x${byte.toString(16)} at offset ${at} (save the file as UTF-8)`,
      );
    });
  }

  it('still reads UTF-8 files, with or without a byte-order mark', async () => {
    const file = join(dir, 'bom.yaml');
    writeFileSync(file, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), template]));
    const result = await runPoms('campaign', 'validate', file);
    assert.equal(result.code, 0, result.err);
  });

  it('refuses an .ini file that is not UTF-8 the same way', async () => {
    const file = join(dir, 'old.ini');
    writeFileSync(file, Buffer.from('[campaign]\nname=x\ndescription=caf\xe9\n', 'latin1'));
    const result = await runPoms('campaign', 'validate', file);
    assert.equal(result.code, 2);
    assert.match(result.err, /old\.ini:3: not UTF-8 text: byte 0xe9 at offset 33/);
  });
});
