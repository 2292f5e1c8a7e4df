// poms-job.mjs — the POMS job runtime.
//
// This file is copied verbatim next to every batch job and started by the engine as
// `node poms-job.mjs` in the job's working directory. It must run on a batch node with plain
// Node >= 18 and none of our node_modules, so it imports nothing but `node:` built-ins.
//
// What it does:
//   1. GET  {base}/spec      -> what to run, on which input files, which outputs to keep.
//   2. runs the user command in ./work (once per file, once for all files, or once as a
//      generator when there are no input files);
//   3. POST {base}/outputs   -> new files in ./work matching the output patterns (LIKE syntax),
//      with size, Adler-32 checksum, metadata from a `<name>.meta.json` sidecar and parents,
//      after copying them into the spec's output_dir;
//   4. POST {base}/files     -> each input file consumed / failed, right after its run;
//   5. POST {base}/end       -> totals, so the server looks at the job at once; then exits.
//
// Environment:
//   POMS_URL, POMS_JOB_TOKEN, POMS_SUBMISSION_ID, POMS_JOB_INDEX (required),
//   POMS_JOB_RETRY_S (optional, default 900).
//   {base} = $POMS_URL/api/v1/jobs/$POMS_SUBMISSION_ID/$POMS_JOB_INDEX, every request carries
//   `Authorization: Bearer $POMS_JOB_TOKEN`, bodies are JSON.
//   The user command gets the runtime's environment unchanged, except that POMS_JOB_TOKEN is
//   removed (user code has no business reporting on the job's behalf, and a command that dumps
//   its environment would otherwise write the token into the job's logs).
//
// Server errors: connection errors, 429, 502, 503 and 504 are retried with exponential backoff
// (250 ms doubling, capped at 5 s) for POMS_JOB_RETRY_S seconds; any other error status is final.
// Either way the runtime then prints why on stderr and exits 3. The token is never printed.
//
// Exit code: 0 when every input file was consumed (or the generator run exited 0); otherwise the
// last non-zero exit code of the command (128 + signal number when a run was killed by a
// signal), or 1 when files failed without any failed run. 3 = the runtime itself failed: could
// not talk to the server, unusable spec or environment, or a local error it cannot handle.
// 143 = the runtime got SIGTERM/SIGINT: it forwards the signal to the command, reports the
// current file(s) failed with reason "cancelled", sends /end and exits.
//
// Data never becomes shell code: the command is spawned with an argument array; when the spec has
// setup lines they run in `/bin/sh -c '<setup>\nexec "$@"'` and the command and the file paths
// travel only as positional parameters.

import { Buffer } from 'node:buffer';
import { spawn } from 'node:child_process';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import { constants as osConstants } from 'node:os';
import { isAbsolute, join } from 'node:path';
import process from 'node:process';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { URL } from 'node:url';

const EXIT_SERVER = 3;
const EXIT_CANCELLED = 143;
const DEFAULT_RETRY_S = 900;
const BACKOFF_START_MS = 250;
const BACKOFF_CAP_MS = 5000;
const REQUEST_TIMEOUT_MS = 60_000;
/** On SIGTERM the batch system gives us a short grace period: report quickly or not at all. */
const CANCEL_BUDGET_MS = 5000;
const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);
const NO_REPLICA = 'no replica reachable from this job';
const META_SUFFIX = '.meta.json';
const INPUT_LIST_NAME = 'poms-input-list.txt';

// ---------------------------------------------------------------------------------------------
// Logging: everything the runtime says goes to stderr with a `poms-job:` prefix, and passes
// through redact() so the token can never leak, even if a server echoes it back.

let secret = '';

function redact(text) {
  return secret ? String(text).split(secret).join('***') : String(text);
}

function log(message) {
  process.stderr.write(`poms-job: ${redact(message)}\n`);
}

/** A failure talking to the server (or an unusable spec): the runtime exits 3. */
class ServerError extends Error {}

// ---------------------------------------------------------------------------------------------
// Environment

function readEnv(env) {
  const missing = ['POMS_URL', 'POMS_JOB_TOKEN', 'POMS_SUBMISSION_ID', 'POMS_JOB_INDEX'].filter(
    (name) => !env[name],
  );
  if (missing.length > 0) throw new ServerError(`missing environment: ${missing.join(', ')}`);
  if (!/^\d+$/.test(env.POMS_JOB_INDEX)) {
    throw new ServerError(`POMS_JOB_INDEX must be an integer >= 0, got ${env.POMS_JOB_INDEX}`);
  }
  let retryS = DEFAULT_RETRY_S;
  if (env.POMS_JOB_RETRY_S !== undefined && env.POMS_JOB_RETRY_S !== '') {
    retryS = Number(env.POMS_JOB_RETRY_S);
    if (!Number.isFinite(retryS) || retryS < 0) {
      log(`ignoring POMS_JOB_RETRY_S=${env.POMS_JOB_RETRY_S}: using ${DEFAULT_RETRY_S}`);
      retryS = DEFAULT_RETRY_S;
    }
  }
  const base =
    env.POMS_URL.replace(/\/+$/, '') +
    `/api/v1/jobs/${encodeURIComponent(env.POMS_SUBMISSION_ID)}/${env.POMS_JOB_INDEX}`;
  return { base, token: env.POMS_JOB_TOKEN, retryMs: retryS * 1000 };
}

// ---------------------------------------------------------------------------------------------
// HTTP: one request, then the retry policy around it.

/** Sends one request; resolves with the status and body text, rejects on network errors. */
function sendOnce(url, method, token, body) {
  const target = new URL(url);
  const client = target.protocol === 'https:' ? https : http;
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const headers = { authorization: `Bearer ${token}`, accept: 'application/json' };
  if (payload !== undefined) {
    headers['content-type'] = 'application/json';
    headers['content-length'] = Buffer.byteLength(payload);
  }
  return new Promise((resolve, reject) => {
    // agent: false = a fresh connection each time, so no stale keep-alive socket can bite us
    // after minutes of user command; a job sends only a handful of requests per file.
    const req = client.request(target, { method, headers, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
      );
      res.on('error', reject);
    });
    req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    req.end(payload);
  });
}

/** `HTTP 401 unauthorized: bad token` out of the server's `{"error":{"code","message"}}`. */
function describeError(status, text) {
  try {
    const error = JSON.parse(text)?.error;
    if (error && typeof error === 'object') {
      return `HTTP ${status} ${error.code ?? ''}: ${error.message ?? ''}`;
    }
  } catch {
    // not JSON: show the raw body below
  }
  return `HTTP ${status}: ${text.slice(0, 500)}`;
}

/**
 * Calls the server, retrying transient failures until `deadline` (epoch ms). Returns the parsed
 * JSON body (or null); throws ServerError once it gives up or on a final error status.
 */
async function call(ctx, method, path, body, deadline = Date.now() + ctx.env.retryMs) {
  const what = `${method} ${path}`;
  let delay = BACKOFF_START_MS;
  for (let attempt = 1; ; attempt++) {
    let problem;
    try {
      const { status, text } = await sendOnce(ctx.env.base + path, method, ctx.env.token, body);
      if (status >= 200 && status < 300) return parseJson(text);
      if (!RETRYABLE_STATUS.has(status)) {
        throw new ServerError(`${what} refused: ${describeError(status, text)}`);
      }
      problem = describeError(status, text);
    } catch (error) {
      if (error instanceof ServerError) throw error;
      problem = error instanceof Error ? error.message : String(error);
    }
    const left = deadline - Date.now();
    if (left <= 0) {
      throw new ServerError(`${what}: giving up after ${attempt} attempt(s); last: ${problem}`);
    }
    if (attempt === 1) log(`${what} failed (${problem}); retrying`);
    await sleep(Math.min(delay, left));
    delay = Math.min(delay * 2, BACKOFF_CAP_MS);
  }
}

function parseJson(text) {
  if (text.trim() === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    throw new ServerError('server answered with a body that is not JSON');
  }
}

// ---------------------------------------------------------------------------------------------
// Spec

const isStringArray = (v) => Array.isArray(v) && v.every((s) => typeof s === 'string');

/** Checks the spec's shape up front so a bad spec fails loudly before anything runs. */
function checkSpec(spec) {
  const bad = (why) => new ServerError(`unusable spec from server: ${why}`);
  if (!spec || typeof spec !== 'object') throw bad('not an object');
  if (spec.invoke !== 'per_file' && spec.invoke !== 'once') throw bad('invoke');
  if (!isStringArray(spec.command) || spec.command.length === 0) throw bad('command');
  const setup = spec.setup ?? [];
  if (!isStringArray(setup)) throw bad('setup');
  if (!isStringArray(spec.output_patterns)) throw bad('output_patterns');
  if (typeof spec.output_dir !== 'string' || !isAbsolute(spec.output_dir)) throw bad('output_dir');
  const files = spec.files ?? [];
  const fileOk = (f) =>
    f && typeof f.name === 'string' && (f.path === null || typeof f.path === 'string');
  if (!Array.isArray(files) || !files.every(fileOk)) throw bad('files');
  return { ...spec, setup, files: files.map((f) => ({ name: f.name, path: f.path || null })) };
}

// ---------------------------------------------------------------------------------------------
// Output names: SQL LIKE, whole name, case-sensitive. `%` = any run of characters (also none),
// `_` = exactly one character (code point), everything else literal. No escape character.

function likeMatch(pattern, name) {
  const p = Array.from(pattern);
  const s = Array.from(name);
  let pi = 0;
  let si = 0;
  let lastPercent = -1; // where in p the last `%` was
  let resumeAt = 0; // where in s that `%` currently stops swallowing
  while (si < s.length) {
    if (pi < p.length && p[pi] === '%') {
      lastPercent = pi++;
      resumeAt = si;
    } else if (pi < p.length && (p[pi] === '_' || p[pi] === s[si])) {
      pi++;
      si++;
    } else if (lastPercent >= 0) {
      // Mismatch: let the last `%` swallow one more character and try again from there.
      pi = lastPercent + 1;
      si = ++resumeAt;
    } else {
      return false;
    }
  }
  while (pi < p.length && p[pi] === '%') pi++;
  return pi === p.length;
}

// ---------------------------------------------------------------------------------------------
// Adler-32 (RFC 1950), fed chunk by chunk so outputs are never read whole into memory.

const ADLER_MOD = 65521;
const ADLER_BLOCK = 5552; // bytes we may add before reducing (zlib's NMAX); keeps sums small

function createAdler32() {
  let a = 1;
  let b = 0;
  return {
    update(bytes) {
      for (let i = 0; i < bytes.length;) {
        const end = Math.min(i + ADLER_BLOCK, bytes.length);
        for (; i < end; i++) {
          a += bytes[i];
          b += a;
        }
        a %= ADLER_MOD;
        b %= ADLER_MOD;
      }
    },
    hex() {
      return (((b << 16) | a) >>> 0).toString(16).padStart(8, '0');
    },
  };
}

/**
 * Copies src to dir/name through a temporary name (so a half-copied file never carries the
 * final name), computing the Adler-32 of the bytes on the way. Returns size and checksum.
 */
async function copyWithChecksum(src, dir, name) {
  const final = join(dir, name);
  const temp = join(dir, `.${name}.poms-partial-${process.pid}`);
  const adler = createAdler32();
  let size = 0;
  try {
    await pipeline(
      createReadStream(src),
      async function* (source) {
        for await (const chunk of source) {
          adler.update(chunk);
          size += chunk.length;
          yield chunk;
        }
      },
      createWriteStream(temp),
    );
    const handle = await open(temp, 'r+');
    try {
      await handle.sync(); // the data is on disk before the name says it is complete
    } finally {
      await handle.close();
    }
    await rename(temp, final);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => {});
    throw error;
  }
  return { size, checksum: `adler32:${adler.hex()}`, path: final };
}

// ---------------------------------------------------------------------------------------------
// Outputs

/** Metadata from `<name>.meta.json` beside the output, or {} (a bad sidecar is only reported). */
async function readSidecar(workDir, name) {
  let text;
  try {
    const path = join(workDir, name + META_SUFFIX);
    if (!(await stat(path)).isFile()) return {};
    text = await readFile(path, 'utf8');
  } catch {
    return {}; // no sidecar
  }
  try {
    const value = JSON.parse(text);
    if (value && typeof value === 'object' && !Array.isArray(value)) return value;
    log(`${name}${META_SUFFIX} is not a JSON object: metadata ignored`);
  } catch (error) {
    log(`${name}${META_SUFFIX} is not valid JSON (${error.message}): metadata ignored`);
  }
  return {};
}

/** Regular files at the top of work/ that match an output pattern and are not declared yet. */
async function newOutputNames(ctx) {
  const entries = await readdir(ctx.workDir, { withFileTypes: true });
  const names = [];
  for (const entry of entries) {
    const name = entry.name;
    if (!entry.isFile() || name.endsWith(META_SUFFIX)) continue;
    if (!ctx.spec.output_patterns.some((pattern) => likeMatch(pattern, name))) continue;
    if (ctx.declared.has(name)) {
      const now = await stat(join(ctx.workDir, name));
      const then = ctx.declared.get(name);
      if (now.size !== then.size || now.mtimeMs !== then.mtimeMs) {
        log(`warning: ${name} was already declared and has changed since; not declared again`);
      }
      continue;
    }
    names.push(name);
  }
  return names.sort();
}

/**
 * Finds this run's outputs, copies them to output_dir and declares them. Local failures (disk
 * full, unreadable file) throw a plain Error; nothing of the run is declared in that case.
 */
async function declareOutputs(ctx, parents) {
  const names = await newOutputNames(ctx);
  if (names.length === 0) {
    log('no new outputs');
    return;
  }
  await mkdir(ctx.spec.output_dir, { recursive: true });
  const outputs = [];
  const seen = [];
  for (const name of names) {
    const src = join(ctx.workDir, name);
    const before = await stat(src);
    const metadata = { ...(await readSidecar(ctx.workDir, name)) };
    const copy = await copyWithChecksum(src, ctx.spec.output_dir, name);
    if (copy.size !== before.size) throw new Error(`${name} changed while it was being copied`);
    outputs.push({
      name,
      size: copy.size,
      checksum: copy.checksum,
      metadata,
      parents,
      path: copy.path,
    });
    seen.push([name, { size: before.size, mtimeMs: before.mtimeMs }]);
  }
  await call(ctx, 'POST', '/outputs', { files: outputs });
  for (const [name, state] of seen) ctx.declared.set(name, state);
  ctx.counts.outputs += outputs.length;
  log(`declared ${outputs.length} output(s): ${names.join(', ')}`);
}

// ---------------------------------------------------------------------------------------------
// Reporting input files

async function reportFiles(ctx, reports) {
  if (reports.length === 0) return;
  for (const r of reports) ctx.reported.add(r.name); // before sending: a signal must not re-report
  await call(ctx, 'POST', '/files', { files: reports });
  for (const r of reports) {
    if (r.state === 'consumed') ctx.counts.consumed++;
    else ctx.counts.failed++;
  }
}

// ---------------------------------------------------------------------------------------------
// Running the user command

/** argv for spawn: the command itself, or /bin/sh running the setup lines then exec'ing it. */
function buildArgv(spec, extraArgs) {
  if (spec.setup.length === 0) {
    return [spec.command[0], [...spec.command.slice(1), ...extraArgs]];
  }
  const script = spec.setup.join('\n') + '\nexec "$@"';
  return ['/bin/sh', ['-c', script, 'poms-job', ...spec.command, ...extraArgs]];
}

function childEnv(extra) {
  const env = { ...process.env, ...extra };
  delete env.POMS_JOB_TOKEN;
  return env;
}

/**
 * Runs the command once in work/. Resolves with {ok, code, reason}: `code` is the exit status
 * to remember (128 + n when killed by signal n, 127 when it could not start at all).
 */
function runCommand(ctx, extraArgs, extraEnv) {
  const [file, args] = buildArgv(ctx.spec, extraArgs);
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result) => {
      if (settled) return;
      settled = true;
      ctx.child = null;
      resolve(result);
    };
    const child = spawn(file, args, {
      cwd: ctx.workDir,
      env: childEnv(extraEnv),
      stdio: 'inherit',
    });
    ctx.child = child;
    child.on('error', (error) => {
      // Only a failure to start ends the run; other child errors (e.g. a failed kill) do not.
      if (child.pid === undefined) {
        finish({ ok: false, code: 127, reason: `cannot start ${file}: ${error.message}` });
      }
    });
    child.on('exit', (code, signal) => {
      if (signal) {
        const number = osConstants.signals[signal] ?? 0;
        finish({ ok: false, code: 128 + number, reason: `signal ${signal}` });
      } else {
        finish({ ok: code === 0, code: code ?? 1, reason: `exit code ${code}` });
      }
    });
  });
}

/** Marks a failed run's outputs as seen, so a later run of this job does not declare them. */
async function skipOutputs(ctx) {
  const names = await newOutputNames(ctx);
  for (const name of names) {
    const info = await stat(join(ctx.workDir, name));
    ctx.declared.set(name, { size: info.size, mtimeMs: info.mtimeMs });
  }
  if (names.length > 0) log(`not declared (the run failed): ${names.join(', ')}`);
}

/** After a run: declare its outputs, then report its input files (outputs first: see below). */
async function settleRun(ctx, run, files) {
  await parkIfCancelling(ctx);
  log(run.ok ? 'command exited 0' : `command failed: ${run.reason}`);
  if (!run.ok) ctx.lastFailure = run.code;
  let report = run.ok ? { state: 'consumed' } : { state: 'failed', reason: run.reason };
  // Outputs are declared before the inputs are marked consumed: if the job dies in between, the
  // input is processed again (a duplicate the server can see) instead of an output being lost.
  // A failed run's files are left undeclared: its inputs will be recovered, and the recovery's
  // outputs (often of the same names) are the ones to keep.
  try {
    if (run.ok) {
      await declareOutputs(
        ctx,
        files.map((f) => f.name),
      );
    } else {
      await skipOutputs(ctx);
    }
  } catch (error) {
    if (error instanceof ServerError) throw error;
    log(`outputs of this run could not be saved: ${error.message}`);
    report = { state: 'failed', reason: `outputs not saved: ${error.message}` };
  }
  await parkIfCancelling(ctx);
  await reportFiles(
    ctx,
    files.map((f) => ({ name: f.name, ...report })),
  );
}

// ---------------------------------------------------------------------------------------------
// The three modes

async function runGenerator(ctx) {
  log('no input files: running the command once');
  const run = await runCommand(ctx, [], {});
  await settleRun(ctx, run, []);
  return run.ok ? 0 : run.code;
}

async function runPerFile(ctx) {
  const files = ctx.spec.files;
  for (const [i, file] of files.entries()) {
    await parkIfCancelling(ctx);
    if (file.path === null) {
      log(`[${i + 1}/${files.length}] ${file.name}: ${NO_REPLICA}`);
      await reportFiles(ctx, [{ name: file.name, state: 'failed', reason: NO_REPLICA }]);
      continue;
    }
    log(`[${i + 1}/${files.length}] running on ${file.name}`);
    ctx.current = [file];
    const run = await runCommand(ctx, [file.path], {
      POMS_INPUT_FILE: file.path,
      POMS_INPUT_NAME: file.name,
    });
    await settleRun(ctx, run, [file]);
    ctx.current = [];
  }
  return finalCode(ctx);
}

async function runOnce(ctx) {
  const available = ctx.spec.files.filter((f) => f.path !== null);
  const unreachable = ctx.spec.files.filter((f) => f.path === null);
  for (const f of unreachable) log(`${f.name}: ${NO_REPLICA}`);
  await reportFiles(
    ctx,
    unreachable.map((f) => ({ name: f.name, state: 'failed', reason: NO_REPLICA })),
  );
  if (available.length > 0) {
    await parkIfCancelling(ctx);
    // The list lives beside work/, not in it, so it can never be mistaken for an output.
    // (A path containing a newline cannot be listed faithfully; it still arrives as an argument.)
    const listPath = join(ctx.jobDir, INPUT_LIST_NAME);
    await writeFile(listPath, available.map((f) => f.path).join('\n') + '\n');
    log(`running once on ${available.length} file(s)`);
    ctx.current = available;
    const run = await runCommand(
      ctx,
      available.map((f) => f.path),
      { POMS_INPUT_LIST: listPath },
    );
    await settleRun(ctx, run, available);
    ctx.current = [];
  }
  return finalCode(ctx);
}

function finalCode(ctx) {
  return ctx.counts.failed === 0 ? 0 : (ctx.lastFailure ?? 1);
}

// ---------------------------------------------------------------------------------------------
// Cancellation: SIGTERM / SIGINT

/** Once cancelling, the main flow stops here and lets cancel() finish the job. */
async function parkIfCancelling(ctx) {
  if (!ctx.cancelling) return;
  await ctx.cancelling;
  process.exit(EXIT_CANCELLED);
}

function onSignal(ctx, signal) {
  if (ctx.child) ctx.child.kill(signal); // forward (again, if the command ignored the first one)
  if (ctx.cancelling) return;
  log(`received ${signal}: stopping the command, reporting cancelled`);
  ctx.cancelling = cancel(ctx);
}

async function cancel(ctx) {
  const deadline = Date.now() + CANCEL_BUDGET_MS;
  const pending = ctx.current.filter((f) => !ctx.reported.has(f.name));
  const report = async () => {
    if (!ctx.spec) return; // nothing to report on yet
    if (pending.length > 0) {
      for (const f of pending) ctx.reported.add(f.name);
      const reports = pending.map((f) => ({ name: f.name, state: 'failed', reason: 'cancelled' }));
      await call(ctx, 'POST', '/files', { files: reports }, deadline);
      ctx.counts.failed += pending.length;
    }
    await call(ctx, 'POST', '/end', endBody(ctx, EXIT_CANCELLED), deadline);
  };
  const childGone = ctx.child
    ? new Promise((resolve) => ctx.child.once('exit', resolve))
    : Promise.resolve();
  const results = await Promise.allSettled([
    report(),
    Promise.race([childGone, sleep(CANCEL_BUDGET_MS)]),
  ]);
  if (results[0].status === 'rejected') log(`could not report: ${results[0].reason.message}`);
  process.exit(EXIT_CANCELLED);
}

// ---------------------------------------------------------------------------------------------
// Main

function endBody(ctx, exitCode) {
  const { consumed, failed, outputs } = ctx.counts;
  return { exit_code: exitCode, consumed, failed, outputs };
}

async function main() {
  const jobDir = process.cwd();
  const ctx = {
    env: null,
    spec: null,
    jobDir,
    workDir: join(jobDir, 'work'),
    child: null,
    current: [],
    cancelling: null,
    reported: new Set(),
    declared: new Map(), // output name -> {size, mtimeMs} when declared
    counts: { consumed: 0, failed: 0, outputs: 0 },
    lastFailure: undefined,
  };
  for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => onSignal(ctx, signal));
  try {
    secret = process.env.POMS_JOB_TOKEN ?? '';
    ctx.env = readEnv(process.env);
    ctx.spec = checkSpec(await call(ctx, 'GET', '/spec'));
    await mkdir(ctx.workDir, { recursive: true });
    const { files, invoke } = ctx.spec;
    log(
      `submission ${process.env.POMS_SUBMISSION_ID} job ${process.env.POMS_JOB_INDEX}: ` +
        `${files.length} input file(s), invoke ${invoke}`,
    );
    let code;
    if (files.length === 0) code = await runGenerator(ctx);
    else if (invoke === 'per_file') code = await runPerFile(ctx);
    else code = await runOnce(ctx);
    await parkIfCancelling(ctx);
    await call(ctx, 'POST', '/end', endBody(ctx, code));
    const { consumed, failed, outputs } = ctx.counts;
    log(`done: ${consumed} consumed, ${failed} failed, ${outputs} output(s); exit ${code}`);
    return code;
  } catch (error) {
    await parkIfCancelling(ctx);
    if (error instanceof ServerError) {
      log(error.message);
      return EXIT_SERVER;
    }
    log(`internal error: ${error instanceof Error ? (error.stack ?? error.message) : error}`);
    // Best effort, briefly: let the server know at once rather than at its next poll.
    if (ctx.spec) {
      const deadline = Date.now() + CANCEL_BUDGET_MS;
      await call(ctx, 'POST', '/end', endBody(ctx, EXIT_SERVER), deadline).catch(() => {});
    }
    return EXIT_SERVER;
  }
}

process.exit(await main());
