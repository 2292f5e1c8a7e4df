#!/usr/bin/env node
// toy-physics.mjs: a small but real physics chain for the POMS-TS demo campaign
// (templates/demo-physics.yaml). Z → μ⁺μ⁻ on a Drell–Yan-like background:
//
//   gen  → gen_<tag>_<job>.evt     generated four-vectors (JSON Lines)
//   sim  → sim_<base>.hits         detector acceptance + momentum smearing
//   reco → reco_<base>.reco        di-muon invariant mass per event
//   ana  → hist_<tag>.json/.txt    mass histogram with a fitted peak
//
// Every output FILE comes with FILE.meta.json (its catalog metadata: data_tier, nevents, …).
// Outputs are written into the current directory; inputs are the trailing arguments.
// Self-contained on purpose: Node built-ins only, so any job can run it with a bare `node`.
// Exit codes: 0 fine, 1 unreadable or malformed input, 2 usage, 65 deliberate demo failure
// (sim --fail-rate), 66 an input file that does not exist.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { Buffer } from 'node:buffer';
import { basename } from 'node:path';
import process from 'node:process';

const USAGE = `usage: toy-physics.mjs COMMAND [--name=value ...] [FILE ...]

commands:
  gen  --events=N --seed=S [--tag=T]
       generate N events (80 % Z → μμ, 20 % background) into gen_<T>_<job>.evt;
       the seed is combined with $POMS_JOB_INDEX; T defaults to $POMS_SUBMISSION_ID or "local"
  sim  [--fail-rate=R] [--resolution=0.02] FILE...
       detector simulation (|η| < 2.4, pT > 5 GeV, Gaussian momentum smearing) into
       sim_<base>.hits; a fraction R of input names fails on purpose with exit 65
  reco FILE...
       di-muon invariant mass of the two highest-pT tracks into reco_<base>.reco
  ana  [--bins=40] [--low=60] [--high=120] [--tag=T] FILE...
       mass histogram of all inputs into hist_<T>.json and hist_<T>.txt

Every output FILE gets a metadata sidecar FILE.meta.json.`;

const MUON_MASS = 0.105658; // GeV
const Z_MASS = 91.1876;
const Z_WIDTH = 2.4952;
const SIGNAL_FRACTION = 0.8;
const BG_LOW = 40;
const BG_HIGH = 140;
const BG_SLOPE = 25; // GeV: background mass spectrum ∝ exp(−m / 25 GeV)

class UsageError extends Error {}
class InputError extends Error {
  constructor(message, code = 1) {
    super(message);
    this.code = code;
  }
}

// ---------------------------------------------------------------- arguments

function parseArgs(argv, allowed) {
  const options = {};
  const files = [];
  for (const arg of argv) {
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      if (eq < 0) throw new UsageError(`option ${arg} needs a value: --name=value`);
      const name = arg.slice(2, eq);
      if (!allowed.includes(name)) {
        const known = allowed.length ? allowed.map((a) => `--${a}`).join(', ') : 'none';
        throw new UsageError(`unknown option --${name} (options of this command: ${known})`);
      }
      if (name in options) throw new UsageError(`option --${name} given twice`);
      options[name] = arg.slice(eq + 1);
    } else if (arg.startsWith('-') && arg !== '-') {
      throw new UsageError(`unknown option ${arg}: options are written --name=value`);
    } else {
      files.push(arg);
    }
  }
  return { options, files };
}

function intOption(options, name, { min, max, fallback }) {
  const text = options[name];
  if (text === undefined) {
    if (fallback === undefined) throw new UsageError(`--${name} is required`);
    return fallback;
  }
  if (!/^[0-9]+$/.test(text))
    throw new UsageError(`--${name} must be a whole number, not "${text}"`);
  const value = Number(text);
  if (value < min || value > max) {
    throw new UsageError(`--${name} must be between ${min} and ${max}, not ${text}`);
  }
  return value;
}

function numberOption(options, name, { min, max, fallback }) {
  const text = options[name];
  if (text === undefined) return fallback;
  const value = text.trim() === '' ? NaN : Number(text);
  if (!Number.isFinite(value)) throw new UsageError(`--${name} must be a number, not "${text}"`);
  if (value < min || value > max) {
    throw new UsageError(`--${name} must be between ${min} and ${max}, not ${text}`);
  }
  return value;
}

function safeTag(text) {
  return text.replace(/^sub_/, '').replace(/[^A-Za-z0-9._-]/g, '_') || 'local';
}

function tagOption(options) {
  if (options.tag !== undefined) {
    if (!/^[A-Za-z0-9._-]+$/.test(options.tag)) {
      throw new UsageError(`--tag must be letters, digits and . _ - only, not "${options.tag}"`);
    }
    return options.tag;
  }
  const sub = process.env.POMS_SUBMISSION_ID;
  return sub ? safeTag(sub) : 'local';
}

function jobIndex() {
  const text = process.env.POMS_JOB_INDEX;
  if (text === undefined || text === '') return 0;
  if (!/^[0-9]+$/.test(text))
    throw new UsageError(`POMS_JOB_INDEX must be a whole number, not "${text}"`);
  return Number(text);
}

function requireFiles(files, command) {
  if (files.length === 0) throw new UsageError(`${command} needs at least one input FILE`);
  for (const f of files) {
    if (!existsSync(f)) throw new InputError(`${command}: input file not found: ${f}`, 66);
  }
}

// ---------------------------------------------------------------- numerics

/**
 * FNV-1a (32 bit) of a text's UTF-8 bytes, then murmur3's final avalanche: plain FNV-1a leaves
 * the top bits of names that differ only in their last character (gen_x_0, gen_x_1, …) nearly
 * equal, so a threshold on hash / 2^32 would fail all of them or none.
 */
function nameHash(text) {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    h ^= byte;
    h = Math.imul(h, 0x01000193);
  }
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** mulberry32: a small, fast, well-mixed 32-bit PRNG; returns uniforms in [0, 1). */
function mulberry32(seed) {
  let a = seed >>> 0;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  let spare;
  const gauss = () => {
    if (spare !== undefined) {
      const s = spare;
      spare = undefined;
      return s;
    }
    const u = 1 - uniform(); // (0, 1]
    const v = uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
  return { uniform, gauss };
}

/** Mixes the user's seed with the job index so that every job of a launch has its own stream. */
function combineSeed(seed, index) {
  let h = (seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

const round = (x, digits = 4) => Number(x.toFixed(digits));
const pT = (p) => Math.hypot(p.px, p.py);
function eta(p) {
  const pt = pT(p);
  if (pt === 0) return p.pz >= 0 ? Infinity : -Infinity;
  return Math.asinh(p.pz / pt);
}

/** Boosts a four-vector by velocity (bx, by, bz). */
function boost(p, bx, by, bz) {
  const b2 = bx * bx + by * by + bz * bz;
  if (b2 === 0) return p;
  const gamma = 1 / Math.sqrt(1 - b2);
  const bp = bx * p.px + by * p.py + bz * p.pz;
  const k = ((gamma - 1) * bp) / b2 + gamma * p.E;
  return {
    px: p.px + k * bx,
    py: p.py + k * by,
    pz: p.pz + k * bz,
    E: gamma * (p.E + bp),
  };
}

/** A di-muon system of mass m with some transverse boost, decayed isotropically (massless muons). */
function decayToMuons(rng, m) {
  const ptSys = -8 * Math.log(1 - rng.uniform()); // exponential, mean 8 GeV
  const phiSys = 2 * Math.PI * rng.uniform();
  const y = -2 + 4 * rng.uniform(); // rapidity, flat in [-2, 2]
  const mT = Math.hypot(m, ptSys);
  const sys = {
    px: ptSys * Math.cos(phiSys),
    py: ptSys * Math.sin(phiSys),
    pz: mT * Math.sinh(y),
    E: mT * Math.cosh(y),
  };
  const cosTheta = 2 * rng.uniform() - 1;
  const sinTheta = Math.sqrt(1 - cosTheta * cosTheta);
  const phi = 2 * Math.PI * rng.uniform();
  const q = m / 2;
  const d = {
    px: q * sinTheta * Math.cos(phi),
    py: q * sinTheta * Math.sin(phi),
    pz: q * cosTheta,
  };
  const bx = sys.px / sys.E;
  const by = sys.py / sys.E;
  const bz = sys.pz / sys.E;
  const mu1 = boost({ ...d, E: q }, bx, by, bz);
  const mu2 = boost({ px: -d.px, py: -d.py, pz: -d.pz, E: q }, bx, by, bz);
  const fmt = (p) => ({ px: round(p.px), py: round(p.py), pz: round(p.pz), E: round(p.E) });
  return [fmt(mu1), fmt(mu2)];
}

function breitWignerMass(rng) {
  for (;;) {
    const m = Z_MASS + (Z_WIDTH / 2) * Math.tan(Math.PI * (rng.uniform() - 0.5));
    if (m > BG_LOW && m < BG_HIGH) return m;
  }
}

function backgroundMass(rng) {
  const span = 1 - Math.exp(-(BG_HIGH - BG_LOW) / BG_SLOPE);
  return BG_LOW - BG_SLOPE * Math.log(1 - rng.uniform() * span);
}

// ---------------------------------------------------------------- files

function readJsonLines(file) {
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError(`cannot read ${file}: ${e.message}`);
  }
  const records = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      records.push(JSON.parse(line));
    } catch {
      throw new InputError(`${file}:${i + 1}: not a JSON line`);
    }
  });
  return records;
}

function writeOutput(name, text, meta) {
  writeFileSync(name, text);
  writeFileSync(`${name}.meta.json`, JSON.stringify(meta, null, 2) + '\n');
  console.log(`wrote ${name} (${meta.data_tier}, ${meta.nevents} events)`);
}

const jsonLines = (records) => records.map((r) => JSON.stringify(r) + '\n').join('');

/** The base name without directory, extension and the given step prefix: gen_a_0.evt → a_0. */
function stem(file, prefix) {
  const base = basename(file).replace(/\.[^.]*$/, '');
  return base.startsWith(prefix) && base.length > prefix.length ? base.slice(prefix.length) : base;
}

function muonsOf(event, file) {
  const list = Array.isArray(event.muons) ? event.muons : undefined;
  const ok = (p) => p && ['px', 'py', 'pz'].every((k) => typeof p[k] === 'number');
  if (!list || !list.every(ok))
    throw new InputError(`${file}: event ${event.id} has no muons list`);
  return list;
}

// ---------------------------------------------------------------- commands

function gen(argv) {
  const { options, files } = parseArgs(argv, ['events', 'seed', 'tag']);
  if (files.length) throw new UsageError(`gen reads no files (got ${files.join(' ')})`);
  const events = intOption(options, 'events', { min: 1, max: 10_000_000 });
  const seed = intOption(options, 'seed', { min: 0, max: 4294967295 });
  const tag = tagOption(options);
  const index = jobIndex();
  const rng = mulberry32(combineSeed(seed, index));
  const records = [];
  let signal = 0;
  for (let id = 0; id < events; id++) {
    const isSignal = rng.uniform() < SIGNAL_FRACTION;
    if (isSignal) signal++;
    const m = isSignal ? breitWignerMass(rng) : backgroundMass(rng);
    records.push({ id, process: isSignal ? 'Z' : 'bkg', muons: decayToMuons(rng, m) });
  }
  writeOutput(`gen_${tag}_${index}.evt`, jsonLines(records), {
    data_tier: 'generated',
    nevents: events,
    seed,
    job_index: index,
    nsignal: signal,
  });
}

function sim(argv) {
  const { options, files } = parseArgs(argv, ['fail-rate', 'resolution']);
  const failRate = numberOption(options, 'fail-rate', { min: 0, max: 1, fallback: 0 });
  const resolution = numberOption(options, 'resolution', { min: 0, max: 1, fallback: 0.02 });
  requireFiles(files, 'sim');
  for (const file of files) {
    const name = basename(file);
    const hash = nameHash(name);
    // Which files fail depends on the name's last part (the generator job's index), not on the
    // submission tag before it, so every run of the demo fails the same files.
    const failKey = nameHash(name.replace(/^.*_/, ''));
    if (failRate > 0 && failKey / 4294967296 < failRate) {
      const volume = ['ECAL_barrel', 'HCAL_endcap', 'MuonChamber_MB2', 'Solenoid_coil'][hash % 4];
      console.error(
        `-------- EEEE ------- G4Exception-START -------- EEEE -------\n` +
          `*** G4Exception : GeomNav1002\n` +
          `      issued by : G4Navigator::ComputeStep()\n` +
          `G4Exception: track stuck in volume ${volume} while processing ${name}\n` +
          `*** Fatal Exception *** core dump ***\n` +
          `(deliberate demo failure, --fail-rate=${options['fail-rate']})`,
      );
      process.exit(65);
    }
    const rng = mulberry32(hash);
    const out = [];
    for (const event of readJsonLines(file)) {
      const hits = [];
      for (const mu of muonsOf(event, file)) {
        if (Math.abs(eta(mu)) > 2.4 || pT(mu) < 5) continue;
        const scale = Math.max(0, 1 + resolution * rng.gauss());
        hits.push({ px: round(mu.px * scale), py: round(mu.py * scale), pz: round(mu.pz * scale) });
      }
      out.push({ id: event.id, hits });
    }
    writeOutput(`sim_${stem(file, 'gen_')}.hits`, jsonLines(out), {
      data_tier: 'simulated',
      nevents: out.length,
      resolution,
    });
  }
}

function reco(argv) {
  const { files } = parseArgs(argv, []);
  requireFiles(files, 'reco');
  for (const file of files) {
    const out = [];
    for (const event of readJsonLines(file)) {
      if (!Array.isArray(event.hits))
        throw new InputError(`${file}: event ${event.id} has no hits`);
      if (event.hits.length < 2) continue;
      const [a, b] = [...event.hits].sort((x, y) => pT(y) - pT(x));
      const ea = Math.sqrt(a.px ** 2 + a.py ** 2 + a.pz ** 2 + MUON_MASS ** 2);
      const eb = Math.sqrt(b.px ** 2 + b.py ** 2 + b.pz ** 2 + MUON_MASS ** 2);
      const e = ea + eb;
      const p2 = (a.px + b.px) ** 2 + (a.py + b.py) ** 2 + (a.pz + b.pz) ** 2;
      const mass = Math.sqrt(Math.max(0, e * e - p2));
      out.push({ id: event.id, mass: round(mass), pt1: round(pT(a)), pt2: round(pT(b)) });
    }
    const mean = out.length ? out.reduce((s, r) => s + r.mass, 0) / out.length : 0;
    writeOutput(`reco_${stem(file, 'sim_')}.reco`, jsonLines(out), {
      data_tier: 'reconstructed',
      nevents: out.length,
      mean_mass: round(mean),
    });
  }
}

/** Mean and width of the peak, by moments in ±10 GeV around the fullest bin, re-centred twice. */
function fitPeak(centers, counts) {
  let best = 0;
  counts.forEach((c, i) => {
    if (c > counts[best]) best = i;
  });
  let center = centers[best];
  let fit = { mean: center, sigma: 0, entries: 0 };
  for (let pass = 0; pass < 3; pass++) {
    let n = 0;
    let s = 0;
    let s2 = 0;
    centers.forEach((x, i) => {
      if (Math.abs(x - center) <= 10) {
        n += counts[i];
        s += counts[i] * x;
        s2 += counts[i] * x * x;
      }
    });
    if (n === 0) break;
    const mean = s / n;
    fit = { mean, sigma: Math.sqrt(Math.max(0, s2 / n - mean * mean)), entries: n };
    center = mean;
  }
  return { mean: round(fit.mean, 3), sigma: round(fit.sigma, 3), entries: fit.entries, window: 10 };
}

function ana(argv) {
  const { options, files } = parseArgs(argv, ['bins', 'low', 'high', 'tag']);
  const bins = intOption(options, 'bins', { min: 1, max: 10000, fallback: 40 });
  const low = numberOption(options, 'low', { min: 0, max: 1e6, fallback: 60 });
  const high = numberOption(options, 'high', { min: 0, max: 1e6, fallback: 120 });
  if (!(high > low)) throw new UsageError(`--high (${high}) must be above --low (${low})`);
  const tag = tagOption(options);
  requireFiles(files, 'ana');
  const width = (high - low) / bins;
  const counts = new Array(bins).fill(0);
  let underflow = 0;
  let overflow = 0;
  let n = 0;
  let sum = 0;
  let sum2 = 0;
  for (const file of files) {
    for (const r of readJsonLines(file)) {
      if (typeof r.mass !== 'number') throw new InputError(`${file}: event ${r.id} has no mass`);
      if (r.mass < low) underflow++;
      else if (r.mass >= high) overflow++;
      else {
        counts[Math.min(bins - 1, Math.floor((r.mass - low) / width))]++;
        n++;
        sum += r.mass;
        sum2 += r.mass * r.mass;
      }
    }
  }
  const edges = Array.from({ length: bins + 1 }, (_, i) => round(low + i * width, 6));
  const centers = counts.map((_, i) => low + (i + 0.5) * width);
  const mean = n ? sum / n : 0;
  const rms = n ? Math.sqrt(Math.max(0, sum2 / n - mean * mean)) : 0;
  const peak = n ? fitPeak(centers, counts) : null;
  const hist = {
    title: 'di-muon invariant mass',
    unit: 'GeV',
    edges,
    counts,
    entries: n,
    underflow,
    overflow,
    mean: round(mean, 3),
    rms: round(rms, 3),
    peak,
    inputs: files.map((f) => basename(f)),
  };
  const meta = { data_tier: 'histogram', nevents: n + underflow + overflow };
  writeOutput(`hist_${tag}.json`, JSON.stringify(hist, null, 2) + '\n', meta);

  const maxCount = Math.max(1, ...counts);
  const barWidth = 50;
  const lines = [
    `di-muon invariant mass [GeV]: ${n} entries in [${low}, ${high}), ${underflow} underflow, ${overflow} overflow`,
    peak
      ? `peak: ${peak.mean.toFixed(2)} GeV, width ${peak.sigma.toFixed(2)} GeV (moments within ±10 GeV; Z: 91.19 GeV)`
      : 'peak: none (no entries)',
    `mean ${hist.mean.toFixed(2)} GeV, rms ${hist.rms.toFixed(2)} GeV, from ${files.length} file(s)`,
    '',
    ...counts.map((c, i) => {
      const bar = '#'.repeat(Math.round((c / maxCount) * barWidth));
      const from = edges[i].toFixed(1).padStart(7);
      const to = edges[i + 1].toFixed(1).padStart(7);
      return `${from} –${to} |${String(c).padStart(6)} ${bar}`;
    }),
  ];
  writeOutput(`hist_${tag}.txt`, lines.join('\n') + '\n', meta);
}

// ---------------------------------------------------------------- main

const commands = { gen, sim, reco, ana };
const [command, ...rest] = process.argv.slice(2);
if (command === '--help' || command === '-h' || command === 'help') {
  console.log(USAGE);
  process.exit(0);
}
try {
  const run = command === undefined ? undefined : commands[command];
  if (!run) throw new UsageError(command ? `unknown command "${command}"` : 'no command given');
  run(rest);
} catch (e) {
  if (e instanceof UsageError) {
    console.error(`toy-physics.mjs: ${e.message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (e instanceof InputError) {
    console.error(`toy-physics.mjs ${command}: ${e.message}`);
    process.exit(e.code);
  }
  throw e;
}
