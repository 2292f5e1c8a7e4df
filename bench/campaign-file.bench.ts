// Campaign-file speed on a large campaign (DESIGN.md §7: campaigns of hundreds of stages).
// Baseline: the yaml package's own parse of the same text, measured in the same run; every figure
// is printed with its ratio to it. Run: npm run bench:campaign-file
import { parseDocument } from 'yaml';
import {
  connect,
  formatCampaign,
  parseCampaign,
  pinPosition,
  renameStage,
} from '@poms/campaign-file';

const STAGES = Number(process.env.BENCH_STAGES ?? 500);
const RUNS = Number(process.env.BENCH_RUNS ?? 15);

/** A campaign of STAGES stages: chains of five with a fan-in every tenth stage, comments included. */
function bigCampaign(n: number): string {
  const lines = [
    '# generated for the benchmark',
    'campaign: bench',
    'keywords: {release: v1}',
    'job_types:',
    '  step:',
    '    command: run_step --release %(release)s --input %(dataset)s',
    '    parameters:',
    '      - ["--events=", "100"]',
    '    output_patterns: ["%.root"]',
    'launch_setups:',
    '  here: {engine: local}',
    'defaults: {job_type: step, launch_setup: here}',
    'stages:',
  ];
  for (let i = 0; i < n; i++) {
    lines.push(`  # stage ${i}`, `  s${i}:`);
    if (i % 5 === 0) lines.push(`    input: dataset_${i}`, '    split: nfiles(10)');
    else lines.push(`    needs: [s${i - 1}${i % 10 === 9 && i > 10 ? `, s${i - 10}` : ''}]`);
    lines.push('    overrides:', `      - ["--stage=", "s${i}"]`);
  }
  return lines.join('\n') + '\n';
}

function median(fn: () => void): number {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = process.hrtime.bigint();
    fn();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? 0;
}

const text = bigCampaign(STAGES);
const parsed = parseCampaign(text);
if (!parsed.ok) throw new Error(`benchmark campaign is invalid: ${parsed.diagnostics[0]?.message}`);

const baseline = median(() => {
  parseDocument(text).toJS();
});
const rows: [string, number][] = [
  ['parseCampaign (YAML + schema + checks + effective model)', median(() => parseCampaign(text))],
  ['formatCampaign (canonical print, meaning check)', median(() => formatCampaign(text))],
  ['renameStage (rewrites every reference)', median(() => renameStage(text, 's250', 'renamed'))],
  ['connect (one edge)', median(() => connect(text, 's1', 's400'))],
];

console.log(`campaign of ${STAGES} stages, ${text.length} characters; median of ${RUNS} runs`);
console.log(`baseline yaml parseDocument+toJS: ${baseline.toFixed(2)} ms`);
for (const [name, ms] of rows) {
  console.log(`${name}: ${ms.toFixed(2)} ms, ${(ms / baseline).toFixed(2)}x baseline`);
}

// A run of gestures, each on the text the previous one made (as the editor does): drags.
let chained = text;
let x = 0;
const gestures = median(() => {
  for (let i = 0; i < 5; i++) {
    const result = pinPosition(chained, `s${i}`, { x: x++, y: 0 });
    if (!result.ok) throw new Error(result.message);
    chained = result.text;
  }
});
console.log(
  `5 chained pinPosition (drag) gestures: ${(gestures / 5).toFixed(2)} ms each, ${(gestures / 5 / baseline).toFixed(2)}x baseline`,
);
