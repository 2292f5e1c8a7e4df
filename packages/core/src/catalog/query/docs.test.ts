// The examples of docs/queries.md parse, and its canonical-form examples print as shown.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { formatQuery } from './format.ts';
import { parseQuery } from './parse.ts';

const doc = readFileSync(new URL('../../../../../docs/queries.md', import.meta.url), 'utf8');
const lines = [...doc.matchAll(/```text\n([\s\S]*?)```/g)].flatMap((block) =>
  (block[1] ?? '').split('\n').filter((line) => line.trim() !== ''),
);

describe('docs/queries.md', () => {
  it('has examples', () => {
    assert.ok(lines.length >= 8);
  });

  it('shows queries that parse, and their canonical form as formatQuery prints it', () => {
    for (const line of lines) {
      const [text = '', canonical] = line.split(/\s+→\s+/);
      const result = parseQuery(text);
      assert.ok(result.ok, `${text}: ${result.ok ? '' : result.error.message}`);
      if (canonical !== undefined) assert.equal(formatQuery(result.query), canonical.trim(), text);
    }
  });
});
