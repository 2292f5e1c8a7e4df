// Every kind of bad campaign file gives exit 1 and a precise FILE:LINE:COL error. Each fixture
// under __fixtures__/bad/ states what it expects in `# expect: LINE:COL CODE` lines.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runPoms } from './cli-testing.ts';

const dir = fileURLToPath(new URL('./__fixtures__/bad/', import.meta.url));

describe('poms campaign validate on bad files', () => {
  const files = readdirSync(dir).filter((f) => /\.(yaml|ini)$/.test(f));

  it('has a fixture for every kind of error', () => {
    assert.ok(files.length >= 12);
  });

  for (const name of files) {
    it(name, async () => {
      const file = join(dir, name);
      const expected = [...readFileSync(file, 'utf8').matchAll(/^# expect: (\d+):(\d+) (\S+)$/gm)];
      assert.ok(expected.length > 0, `${name} states what it expects`);
      const result = await runPoms('campaign', 'validate', file);
      assert.equal(result.code, 1);
      const err = result.err.split('\n');
      for (const [, line, column, errorCode] of expected) {
        const prefix = `${file}:${line}:${column}: error ${errorCode}: `;
        assert.ok(
          err.some((e) => e.startsWith(prefix)),
          `expected a line starting ${prefix}\ngot:\n${result.err}`,
        );
      }
    });
  }
});
