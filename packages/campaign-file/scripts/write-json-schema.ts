// Writes schema/campaign.schema.json from the zod schema; with --check, fails if the committed
// file is not what the schema generates now (run `npm run schema:write` to refresh it).
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { campaignJsonSchema } from '../src/json-schema.ts';

const target = fileURLToPath(new URL('../schema/campaign.schema.json', import.meta.url));
const text = JSON.stringify(campaignJsonSchema(), null, 2) + '\n';
if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(target, 'utf8');
  } catch {
    // missing counts as stale
  }
  if (current !== text) {
    console.error(`${target} is stale: run npm run schema:write`);
    process.exit(1);
  }
  console.log('campaign JSON Schema is current');
} else {
  writeFileSync(target, text);
  console.log(`wrote ${target}`);
}
