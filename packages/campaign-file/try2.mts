import { readFileSync, readdirSync } from 'node:fs';
import { importIni, exportIni } from './src/ini/index.ts';
import { parseCampaign } from './src/parse.ts';
import { isDeepStrictEqual } from 'node:util';
const dir = 'packages/campaign-file/src/ini/__fixtures__/';
for (const f of readdirSync(dir).filter(f => f.endsWith('.ini'))) {
  const r = importIni(readFileSync(dir + f, 'utf8'));
  console.log('==', f, r.diagnostics.map(d => `${d.line}:${d.column} ${d.severity} ${d.code} ${d.message}`));
  if (!r.spec) continue;
  const p = parseCampaign(r.yaml);
  console.log('  parse:', p.diagnostics.map(d => `${d.line}:${d.column} ${d.code} ${d.message}`));
  const again = importIni(exportIni(r.spec));
  console.log('  roundtrip equal:', isDeepStrictEqual(again.spec, r.spec), again.diagnostics.length);
}
