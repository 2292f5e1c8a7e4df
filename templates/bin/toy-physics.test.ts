import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SCRIPT = join(import.meta.dirname, 'toy-physics.mjs');
const roots: string[] = [];

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'poms-toy-physics-'));
  roots.push(dir);
  return dir;
}

after(() => {
  for (const dir of roots) rmSync(dir, { recursive: true, force: true });
});

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real script in `cwd` with a clean POMS environment plus `env`. */
function run(cwd: string, args: string[], env: Record<string, string> = {}): Run {
  const base: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !k.startsWith('POMS_')) base[k] = v;
  }
  const r = spawnSync(process.execPath, [SCRIPT, ...args], {
    cwd,
    env: { ...base, ...env },
    encoding: 'utf8',
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function ok(cwd: string, args: string[], env: Record<string, string> = {}): Run {
  const r = run(cwd, args, env);
  assert.equal(r.status, 0, `${args.join(' ')} failed: ${r.stderr}`);
  return r;
}

function meta(dir: string, file: string): Record<string, unknown> {
  assert.ok(existsSync(join(dir, file)), `${file} exists`);
  return JSON.parse(readFileSync(join(dir, `${file}.meta.json`), 'utf8')) as Record<
    string,
    unknown
  >;
}

function lines(dir: string, file: string): Record<string, unknown>[] {
  return readFileSync(join(dir, file), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

interface Histogram {
  edges: number[];
  counts: number[];
  entries: number;
  underflow: number;
  overflow: number;
  mean: number;
  rms: number;
  peak: { mean: number; sigma: number };
}

describe('toy-physics.mjs', () => {
  it('runs the whole chain gen → sim → reco → ana and finds the Z peak', () => {
    const dir = tempDir();
    for (const index of ['0', '1']) {
      ok(dir, ['gen', '--events=300', '--seed=42'], {
        POMS_JOB_INDEX: index,
        POMS_SUBMISSION_ID: 'sub_7',
      });
    }
    const genMeta = meta(dir, 'gen_7_0.evt');
    assert.equal(genMeta.data_tier, 'generated');
    assert.equal(genMeta.nevents, 300);
    assert.equal(genMeta.seed, 42);
    assert.equal(genMeta.job_index, 0);
    // About 80 % signal.
    assert.ok(Math.abs((genMeta.nsignal as number) / 300 - 0.8) < 0.1, String(genMeta.nsignal));
    const events = lines(dir, 'gen_7_0.evt');
    assert.equal(events.length, 300);
    const muons = events[0]?.muons as Record<string, number>[];
    assert.equal(muons.length, 2);
    for (const key of ['px', 'py', 'pz', 'E']) assert.equal(typeof muons[0]?.[key], 'number');
    // Different jobs of a launch draw different events.
    assert.notEqual(
      readFileSync(join(dir, 'gen_7_0.evt'), 'utf8'),
      readFileSync(join(dir, 'gen_7_1.evt'), 'utf8'),
    );

    ok(dir, ['sim', '--fail-rate=0', 'gen_7_0.evt', 'gen_7_1.evt']);
    for (const name of ['sim_7_0.hits', 'sim_7_1.hits']) {
      const m = meta(dir, name);
      assert.equal(m.data_tier, 'simulated');
      assert.equal(m.nevents, 300);
    }
    const hits = lines(dir, 'sim_7_0.hits');
    assert.ok(hits.every((h) => Array.isArray(h.hits) && h.hits.length <= 2));
    assert.ok(
      hits.some((h) => (h.hits as unknown[]).length < 2),
      'the acceptance drops muons',
    );

    ok(dir, ['reco', 'sim_7_0.hits']);
    ok(dir, ['reco', 'sim_7_1.hits']);
    const reco = meta(dir, 'reco_7_0.reco');
    assert.equal(reco.data_tier, 'reconstructed');
    const recoEvents = lines(dir, 'reco_7_0.reco');
    assert.equal(reco.nevents, recoEvents.length);
    assert.ok(recoEvents.length > 150 && recoEvents.length < 300, `${recoEvents.length} events`);
    assert.equal(typeof reco.mean_mass, 'number');
    for (const r of recoEvents) {
      assert.ok((r.pt1 as number) >= (r.pt2 as number) && (r.pt2 as number) >= 5);
    }

    ok(dir, ['ana', 'reco_7_0.reco', 'reco_7_1.reco'], { POMS_SUBMISSION_ID: 'sub_9' });
    const hist = JSON.parse(readFileSync(join(dir, 'hist_9.json'), 'utf8')) as Histogram;
    assert.equal(hist.edges.length, 41);
    assert.equal(hist.counts.length, 40);
    assert.equal(hist.edges[0], 60);
    assert.equal(hist.edges[40], 120);
    const total = hist.counts.reduce((a, b) => a + b, 0);
    assert.equal(hist.entries, total);
    assert.equal(
      total + hist.underflow + hist.overflow,
      recoEvents.length + lines(dir, 'reco_7_1.reco').length,
    );
    assert.ok(Math.abs(hist.peak.mean - 91.19) < 2, `peak at ${hist.peak.mean}`);
    assert.ok(hist.peak.sigma > 0.5 && hist.peak.sigma < 6, `width ${hist.peak.sigma}`);
    for (const name of ['hist_9.json', 'hist_9.txt']) {
      const m = meta(dir, name);
      assert.equal(m.data_tier, 'histogram');
      assert.equal(m.nevents, total + hist.underflow + hist.overflow);
    }
    const text = readFileSync(join(dir, 'hist_9.txt'), 'utf8');
    assert.match(text, new RegExp(`${total} entries`));
    assert.match(text, /peak: 9\d\.\d\d GeV/);
    assert.ok(text.split('\n').filter((l) => l.includes('|')).length === 40);
    assert.match(text, /\|\s+\d+ #+/);
  });

  it('is deterministic: the same seed gives the same bytes, another seed others', () => {
    const a = tempDir();
    const b = tempDir();
    for (const dir of [a, b]) {
      ok(dir, ['gen', '--events=200', '--seed=5', '--tag=t']);
      ok(dir, ['sim', 'gen_t_0.evt']);
      ok(dir, ['reco', 'sim_t_0.hits']);
      ok(dir, ['ana', '--tag=t', 'reco_t_0.reco']);
    }
    assert.deepEqual(readdirSync(a).sort(), readdirSync(b).sort());
    for (const name of readdirSync(a)) {
      assert.deepEqual(readFileSync(join(a, name)), readFileSync(join(b, name)), name);
    }
    const c = tempDir();
    ok(c, ['gen', '--events=200', '--seed=6', '--tag=t']);
    assert.notDeepEqual(readFileSync(join(a, 'gen_t_0.evt')), readFileSync(join(c, 'gen_t_0.evt')));
  });

  it('names generated files after the submission, else "local"', () => {
    const dir = tempDir();
    ok(dir, ['gen', '--events=3', '--seed=1']);
    ok(dir, ['gen', '--events=3', '--seed=1'], {
      POMS_SUBMISSION_ID: 'sub_a/b',
      POMS_JOB_INDEX: '2',
    });
    assert.ok(existsSync(join(dir, 'gen_local_0.evt')));
    assert.ok(existsSync(join(dir, 'gen_a_b_2.evt')));
  });

  it('fails on purpose with --fail-rate=1: exit 65, a G4Exception, no output', () => {
    const dir = tempDir();
    ok(dir, ['gen', '--events=20', '--seed=3', '--tag=f']);
    const r = run(dir, ['sim', '--fail-rate=1', 'gen_f_0.evt']);
    assert.equal(r.status, 65);
    assert.match(r.stderr, /G4Exception: track stuck in volume/);
    assert.match(r.stderr, /deliberate demo failure, --fail-rate=1/);
    assert.deepEqual(readdirSync(dir).sort(), ['gen_f_0.evt', 'gen_f_0.evt.meta.json']);
  });

  it('with --fail-rate=0.3 fails some inputs and not others, the same ones every time', () => {
    const dir = tempDir();
    ok(dir, ['gen', '--events=5', '--seed=3', '--tag=src']);
    const source = readFileSync(join(dir, 'gen_src_0.evt'));
    const names = Array.from({ length: 20 }, (_, i) => `gen_demo_${i}.evt`);
    for (const name of names) writeFileSync(join(dir, name), source);
    const outcome = (some: string[]) =>
      some.map((name) => {
        const r = run(dir, ['sim', '--fail-rate=0.3', name]);
        assert.ok(r.status === 0 || r.status === 65, r.stderr);
        const out = join(dir, name.replace(/^gen_/, 'sim_').replace(/\.evt$/, '.hits'));
        assert.equal(existsSync(out), r.status === 0, name);
        return r.status;
      });
    const first = outcome(names);
    const failed = first.filter((s) => s === 65).length;
    assert.ok(failed > 0 && failed < names.length, `${failed} of ${names.length} failed`);
    assert.ok(failed >= 2 && failed <= 12, `${failed} of 20 is far from 30 %`);
    assert.deepEqual(outcome(names.slice(0, 8)), first.slice(0, 8), 'same outcome again');
    // Several files in one run: stops at the first failing one.
    const firstBad = names[first.indexOf(65)] ?? '';
    const r = run(dir, ['sim', '--fail-rate=0.3', ...names]);
    assert.equal(r.status, 65);
    assert.match(r.stderr, new RegExp(firstBad.replace('.', '\\.')));
  });

  it('rejects bad usage with exit 2 and a clear message', () => {
    const dir = tempDir();
    const cases: [string[], RegExp][] = [
      [[], /no command given/],
      [['frobnicate'], /unknown command "frobnicate"/],
      [['gen', '--seed=1'], /--events is required/],
      [['gen', '--events=ten', '--seed=1'], /--events must be a whole number/],
      [['gen', '--events=10', '--seed=1', '--colour=red'], /unknown option --colour/],
      [['gen', '--events', '--seed=1'], /needs a value/],
      [['sim', '--fail-rate=2', 'x.evt'], /--fail-rate must be between 0 and 1/],
      [['sim', '--resolution=abc', 'x.evt'], /--resolution must be a number/],
      [['sim'], /needs at least one input FILE/],
      [['ana', '--low=100', '--high=50', 'x.reco'], /--high \(50\) must be above --low \(100\)/],
      [['ana', '--bins=0', 'x.reco'], /--bins must be between 1 and/],
    ];
    for (const [args, message] of cases) {
      const r = run(dir, args);
      assert.equal(r.status, 2, args.join(' '));
      assert.match(r.stderr, message);
      assert.match(r.stderr, /usage: toy-physics\.mjs/);
    }
    assert.deepEqual(readdirSync(dir), []);
    const missing = run(dir, ['reco', 'nope.hits']);
    assert.equal(missing.status, 66);
    assert.match(missing.stderr, /input file not found: nope\.hits/);
  });
});
