// B7: the campaign editor on a 300-stage campaign in headless Chromium. Ours: the latency from a
// keystroke to the graph of the new text being rendered (p95 over the keystrokes), through the real
// server, the built web app, CodeMirror, the parse in the page and React Flow. Baseline:
// parseCampaign alone on the same text in Node (median) — the least any update of the graph can
// cost. Also the time to open the editor until the laid-out graph is on screen.
import { existsSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseCampaign } from '@poms/campaign-file';
import {
  median,
  quantile,
  type Benchmark,
  type BenchContext,
  type BenchResult,
} from './harness.ts';

/** The size issue 10 names; not scaled: the figure is about a graph of this size. */
const STAGES = 300;
const KEYSTROKES = 60;
const LOAD_RUNS = 3;
const GOAL_MS = 50;
/**
 * The pause before each key, about a person's typing pace: the editor parses a key typed after a
 * pause at once and coalesces the keys of a faster burst (a debounce of about one parse).
 */
const TYPING_PAUSE_MS = 120;

/** Where the browser tests find the built web app (the same rule as test/browser). */
const WEB_DIST = process.env.POMS_WEB_DIST ?? resolve(import.meta.dirname, '../packages/web/dist');
const CHROMIUM = process.env.POMS_CHROMIUM ?? '/usr/bin/chromium';

/** A chain of stages (a generator every 20, a second upstream every 7th), each with a comment. */
export function campaignText(stages: number): string {
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
  const stage = (i: number) => `s${String(i).padStart(3, '0')}`;
  for (let i = 0; i < stages; i++) {
    lines.push(`  # stage ${i}`, `  ${stage(i)}:`);
    if (i % 20 === 0) lines.push('    type: generator');
    else {
      const needs = [stage(i - 1)];
      if (i % 7 === 0 && i >= 10) needs.push(stage(i - 10));
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

/** Median time of parseCampaign on `text` in Node, after a warm-up long enough for the JIT. */
function parseAloneMs(text: string): number {
  for (let i = 0; i < 50; i++) parseCampaign(text);
  const times: number[] = [];
  for (let i = 0; i < 30; i++) {
    const started = performance.now();
    parseCampaign(text);
    times.push(performance.now() - started);
  }
  return median(times);
}

interface EditorFigures {
  loadTimes: number[];
  toGraph: number[];
  toPaint: number[];
  parseInPage: number[];
}

/** Opens the editor on `text` in Chromium and types `keystrokes` keys into a description. */
async function measureEditor(
  text: string,
  keystrokes: number,
  log: (line: string) => void,
): Promise<EditorFigures> {
  const { openBrowserSession } = await import('../test/browser/browser-testing.ts');
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
    for (let run = 0; run < LOAD_RUNS; run++) {
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
    log(`open + layout: ${loadTimes.map((t) => t.toFixed(0)).join(', ')} ms`);

    // Type into the description of a stage in the middle of the file, one key at a time; the page
    // records the keydown's time and when the graph of the new text has been rendered (the graph's
    // data-graph-version changes in the commit that renders it) and painted (the next frame).
    const marker = 'description: stage number 150';
    const at = text.indexOf(marker) + marker.length;
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
    for (let i = 0; i < keystrokes; i++) {
      const before = await page.locator('.campaign-graph').getAttribute('data-graph-version');
      await new Promise((resolve) => setTimeout(resolve, TYPING_PAUSE_MS));
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
    return {
      loadTimes,
      toGraph: keys.map((k, i) => graph[i]! - k),
      toPaint: keys.map((k, i) => paint[i]! - k),
      parseInPage,
    };
  } finally {
    await session.close();
  }
}

async function run(context: BenchContext): Promise<BenchResult[]> {
  const text = campaignText(STAGES);
  const check = parseCampaign(text);
  if (!check.ok) {
    throw new Error(`the generated campaign is invalid: ${check.diagnostics[0]?.message}`);
  }
  const parseMs = parseAloneMs(text);
  context.log(
    `parseCampaign alone (Node, median of 30 after 50 warm-up runs): ${parseMs.toFixed(1)} ms`,
  );

  const keystrokes = Math.max(20, Math.round(KEYSTROKES * Math.min(1, context.scale * 10)));
  const figures = await measureEditor(text, keystrokes, (line) => context.log(line));
  const p50 = quantile(figures.toGraph, 0.5);
  const p95 = quantile(figures.toGraph, 0.95);
  context.log(`keystroke → graph: p50 ${p50.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms`);
  const met = p95 < GOAL_MS;
  const notes = [
    `load average over the last minute at the end: ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores (the figures are wall-clock times: other work on the machine inflates them)`,
    `${STAGES} stages, ${text.length} characters; ${keystrokes} keystrokes typed one at a time, ${TYPING_PAUSE_MS} ms apart, into a stage's description in the middle of the file, headless Chromium (no GPU)`,
    'keystroke → graph: from the keydown event to the commit that renders the graph of the new text (data-graph-version changes); the parse waits for a short debounce after the last key',
  ];
  if (!met) {
    notes.push(
      `p95 ${p95.toFixed(0)} ms ≥ ${GOAL_MS} ms: the parse in the page (yaml's parseDocument is about 80 % of parseCampaign) is most of it, then CodeMirror's handling of the key; the graph's re-render is small (no React Flow node or edge changes for a description edit)`,
    );
  }
  return [
    {
      id: 'B7',
      title: benchmark.title,
      store: 'none',
      ours: { label: 'keystroke → graph p95', value: p95, unit: 'ms' },
      baseline: { label: 'parseCampaign alone (median, Node)', value: parseMs, unit: 'ms' },
      ratio: p95 / parseMs,
      goal: `p95 < ${GOAL_MS} ms`,
      met,
      details: [
        { label: 'keystroke → graph p50', value: p50, unit: 'ms' },
        { label: 'keystroke → next frame p50', value: quantile(figures.toPaint, 0.5), unit: 'ms' },
        { label: 'keystroke → next frame p95', value: quantile(figures.toPaint, 0.95), unit: 'ms' },
        {
          label: 'open + layout until shown (median)',
          value: median(figures.loadTimes),
          unit: 'ms',
        },
        {
          label: 'parse + graph model in the page (median)',
          value: median(figures.parseInPage),
          unit: 'ms',
        },
        { label: 'stages', value: STAGES, unit: '' },
      ],
      notes,
    },
  ];
}

export const benchmark: Benchmark = {
  id: 'B7',
  title: 'GUI editor: 300-stage campaign, load + layout and keystroke → graph',
  needs() {
    if (!existsSync(CHROMIUM)) {
      return `no Chromium at ${CHROMIUM} (scripts/install-chromium.sh, or set POMS_CHROMIUM)`;
    }
    if (!existsSync(join(WEB_DIST, 'index.html'))) {
      return `the web app is not built at ${WEB_DIST} (npm run build, or set POMS_WEB_DIST)`;
    }
    return undefined;
  },
  run,
};
