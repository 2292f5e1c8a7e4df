// The campaign editor on a 300-stage campaign in headless Chromium (issue 6 "done when"): the time
// to open it until the laid-out graph is on screen, and the latency from a keystroke to the graph
// of the new text being rendered (p50/p95 over 50 keystrokes), against the time parseCampaign alone
// takes on the same text in Node. Prints figures, asserts nothing. Needs a built web app (npm run
// build, or POMS_WEB_DIST=… a private build) and Chromium (scripts/install-chromium.sh).
import { parseCampaign } from '@poms/campaign-file';
import { openBrowserSession } from '../test/browser/browser-testing.ts';

const STAGES = 300;
const KEYSTROKES = 50;

function campaignText(stages: number): string {
  const lines = [
    '# A generated campaign for the editor benchmark.',
    'campaign: bench_editor_300',
    'job_types:',
    '  work:',
    '    command: /bin/true',
    '    output_patterns: ["%.root"]',
    'launch_setups:',
    '  here:',
    '    engine: local',
    'defaults:',
    '  job_type: work',
    '  launch_setup: here',
    'stages:',
  ];
  for (let i = 0; i < stages; i++) {
    const name = `s${String(i).padStart(3, '0')}`;
    lines.push(`  # stage ${i}`, `  ${name}:`);
    if (i % 20 === 0) lines.push('    type: generator');
    else {
      const needs = [`s${String(i - 1).padStart(3, '0')}`];
      if (i % 7 === 0 && i >= 10) needs.push(`s${String(i - 10).padStart(3, '0')}`);
      lines.push(`    needs: [${needs.join(', ')}]`);
    }
    lines.push(`    description: stage number ${i}`);
  }
  return lines.join('\n') + '\n';
}

/**
 * The little of the page's globals the predicates use. Predicates are functions, not strings: the
 * app's CSP forbids eval, which string predicates need (this file is typed for Node, not the DOM).
 */
interface PageGlobals {
  document: {
    querySelector(selector: string): { getAttribute(name: string): string | null } | null;
    querySelectorAll(selector: string): { length: number };
  };
  benchPaint: number[];
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

function median(values: number[]): number {
  return quantile(
    [...values].sort((a, b) => a - b),
    0.5,
  );
}

const text = campaignText(STAGES);
const check = parseCampaign(text);
if (!check.ok)
  throw new Error(`the generated campaign is invalid: ${check.diagnostics[0]?.message}`);

// Baseline: parseCampaign alone, in Node, after a warm-up.
for (let i = 0; i < 5; i++) parseCampaign(text);
const parseTimes: number[] = [];
for (let i = 0; i < 30; i++) {
  const started = performance.now();
  parseCampaign(text);
  parseTimes.push(performance.now() - started);
}
const parseMs = median(parseTimes);

const session = await openBrowserSession();
try {
  const { page } = session;
  await session.login();
  // What runs in the page is written as expressions: this file has Node's types, not the DOM's.
  const created = await page.evaluate<number>(`(async () => {
    const me = await (await fetch('/api/v1/auth/me')).json();
    const answer = await fetch('/api/v1/experiments/demo/campaigns', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrf },
      body: JSON.stringify({ text: ${JSON.stringify(text)} }),
    });
    return answer.status;
  })()`);
  if (created !== 201) throw new Error(`creating the campaign answered ${created}`);

  const url = session.url('/e/demo/campaigns/bench_editor_300/edit');
  const loadTimes: number[] = [];
  for (let run = 0; run < 3; run++) {
    const started = performance.now();
    await page.goto(url);
    await page.locator('.campaign-graph[data-layout-ready="true"]').waitFor({ timeout: 60_000 });
    await page.waitForFunction(
      (n) =>
        (globalThis as unknown as PageGlobals).document.querySelectorAll('.react-flow__node')
          .length === n,
      STAGES,
      { timeout: 60_000 },
    );
    loadTimes.push(performance.now() - started);
  }

  // Type into the description of a stage in the middle of the file, one key at a time; the page
  // records the keydown's time and when the graph of the new text has been rendered (the graph's
  // data-graph-version changes in the commit that renders it) and painted (the next frame).
  const at = text.indexOf('description: stage number 150') + 'description: stage number 150'.length;
  await page.locator('.cm-content').click();
  await page.evaluate(`(() => {
    const view = document.querySelector('.cm-content').cmTile.root.view;
    view.dispatch({ selection: { anchor: ${at} } });
    view.focus();
    window.benchKeys = [];
    window.benchGraph = [];
    window.benchPaint = [];
    document.addEventListener('keydown', (e) => window.benchKeys.push(e.timeStamp), true);
    new MutationObserver(() => {
      window.benchGraph.push(performance.now());
      requestAnimationFrame(() => window.benchPaint.push(performance.now()));
    }).observe(document.querySelector('.campaign-graph'), {
      attributes: true,
      attributeFilter: ['data-graph-version'],
    });
  })()`);
  const parseInPage: number[] = [];
  for (let i = 0; i < KEYSTROKES; i++) {
    const before = await page.locator('.campaign-graph').getAttribute('data-graph-version');
    await page.keyboard.type(String.fromCharCode(97 + (i % 26)));
    await page.waitForFunction(
      (v) =>
        (globalThis as unknown as PageGlobals).document
          .querySelector('.campaign-graph')
          ?.getAttribute('data-graph-version') !== v,
      before,
    );
    await page.waitForFunction(
      (n) => (globalThis as unknown as PageGlobals).benchPaint.length >= n,
      i + 1,
    );
    const ms = await page.locator('.editor-status').getAttribute('data-parse-ms');
    parseInPage.push(Number(ms));
  }
  const { keys, graph, paint } = await page.evaluate<{
    keys: number[];
    graph: number[];
    paint: number[];
  }>(`({ keys: window.benchKeys, graph: window.benchGraph, paint: window.benchPaint })`);
  const toGraph = keys.map((k, i) => graph[i]! - k).sort((a, b) => a - b);
  const toPaint = keys.map((k, i) => paint[i]! - k).sort((a, b) => a - b);
  const loadMs = median(loadTimes);
  const p50 = quantile(toGraph, 0.5);
  const p95 = quantile(toGraph, 0.95);

  const f = (n: number) => n.toFixed(1).padStart(8);
  console.log(
    `editor benchmark: ${STAGES} stages, ${text.length} characters, ${KEYSTROKES} keystrokes`,
  );
  console.log(`  parseCampaign alone (Node, median of 30)       ${f(parseMs)} ms`);
  console.log(
    `  open + layout until the graph is shown (median) ${f(loadMs)} ms  (runs: ${loadTimes.map((t) => t.toFixed(0)).join(', ')})`,
  );
  console.log(`  keystroke → graph rendered  p50 ${f(p50)} ms   p95 ${f(p95)} ms`);
  console.log(
    `  keystroke → next frame      p50 ${f(quantile(toPaint, 0.5))} ms   p95 ${f(quantile(toPaint, 0.95))} ms`,
  );
  console.log(`  parse + graph model in the page (median)       ${f(median(parseInPage))} ms`);
  console.log(`  ratio keystroke p50 / parse alone              ${f(p50 / parseMs)} ×`);
  console.log(`  ratio keystroke p95 / parse alone              ${f(p95 / parseMs)} ×`);
  console.log(`  ratio open+layout / parse alone                ${f(loadMs / parseMs)} ×`);
} finally {
  await session.close();
}
