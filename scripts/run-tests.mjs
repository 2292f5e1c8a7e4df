#!/usr/bin/env node
// Runs every *.test.ts under packages/, test/, templates/bin/ and bench/ with Node's runner through tsx.
// The file list is explicit because `node --test` on Node 20 silently finds nothing for .ts
// directories or quoted globs; an empty list is an error here, never a green run.
//
// Two phases. Most files run two at a time: a test file spends much of its time waiting for jobs,
// a browser or a database, so a second one uses the other core (Node's default on 2 cores is one
// at a time). Files that share or disturb a machine-wide resource run afterwards, one at a time:
// the live Slurm cluster (one of them stops its controller) and the fault, restart and load tests,
// which kill servers, restart databases and measure latencies.
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const SERIAL = [
  /slurm[-.]conformance\.test\.ts$/,
  /slurm-ssh\.test\.ts$/,
  /\.slurm\.test\.ts$/,
  /cli\/src\/demo\.test\.ts$/,
  /^test\/(faults|restart|load)\//,
];

function findTests(dir, out) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) findTests(path, out);
    else if (name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

const filters = process.argv.slice(2);
const roots = ['packages', 'test', 'templates/bin', 'bench'].filter((d) => {
  try {
    return statSync(d).isDirectory();
  } catch {
    return false;
  }
});
let files = roots.flatMap((r) => findTests(r, [])).sort();
if (filters.length > 0) files = files.filter((f) => filters.some((p) => f.includes(p)));
if (files.length === 0) {
  console.error('run-tests: no test files found');
  process.exit(1);
}

const serial = files.filter((f) => SERIAL.some((pattern) => pattern.test(f)));
const parallel = files.filter((f) => !serial.includes(f));
const concurrency = Number(
  process.env.POMS_TEST_CONCURRENCY ?? Math.max(2, availableParallelism()),
);

function run(list, filesAtOnce) {
  if (list.length === 0) return 0;
  console.log(`# run-tests: ${list.length} files, ${filesAtOnce} at a time`);
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--test', `--test-concurrency=${filesAtOnce}`, ...list],
    { stdio: 'inherit' },
  );
  return result.status ?? 1;
}

const first = run(parallel, concurrency);
const second = run(serial, 1);
process.exit(first !== 0 ? first : second);
