// The format reference stays true: every complete campaign in docs/campaign-file.md (a yaml
// block with a top-level `campaign:`) parses without errors.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseCampaign } from './parse.ts';

const doc = readFileSync(new URL('../../../docs/campaign-file.md', import.meta.url), 'utf8');
const campaigns = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)]
  .map((m) => m[1] ?? '')
  .filter((block) => /^campaign: /m.test(block) && /^stages:/m.test(block));

describe('docs/campaign-file.md', () => {
  it('has complete examples', () => {
    assert.ok(campaigns.length >= 1);
  });

  campaigns.forEach((text, i) => {
    it(`example ${i + 1} (${/^campaign: (\S+)/m.exec(text)?.[1]}) parses without errors`, () => {
      const errors = parseCampaign(text).diagnostics.filter((d) => d.severity === 'error');
      assert.deepEqual(
        errors.map((d) => `${d.line}:${d.column} ${d.code} ${d.message}`),
        [],
      );
    });
  });
});
