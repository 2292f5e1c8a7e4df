import { readFileSync } from 'node:fs';
import { importIni, exportIni } from '/work/main/packages/campaign-file/src/ini/index.ts';
const f = process.argv[2]!;
const r = importIni(readFileSync(f, 'utf8'));
console.log(r.diagnostics);
console.log(r.yaml);
if (r.spec) console.log(exportIni(r.spec));
