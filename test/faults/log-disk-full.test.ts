// The log disk fills (issue 11). The server keeps job and launch logs under `<data>/logs`
// (services/logs: the keeper copies each job's stdout and stderr there off the engine, and writes
// each submission's launch log); the store, the job folders and output files live beside it. Here
// `<data>/logs` is a 2 MiB tmpfs, almost filled before the start, and `poms start` itself writes
// its own log lines (stdout and stderr) into a file on that same full disk. The demo campaign
// runs: the kept logs hit ENOSPC. Nothing of the store may be lost, the server must keep serving
// and finish the campaign, and the log views must answer (from the engine's copy, or saying the
// log is missing), never a 500.
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  statfsSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { openStore, type Store } from '@poms/server';
import { apiCaller, apiToken } from '../../packages/server/src/http/api/api-testing.ts';
import {
  assertDemoIntact,
  demoFinished,
  freePort,
  killProcessesUsing,
  until,
} from './demo-campaign.ts';
import { POMS } from '../restart/demo-process.ts';
import { faultTally } from './fault-tally.ts';

const PASSWORD = 'fault-test-admin-password';
/** What the filler leaves free on the 2 MiB log disk: a few logs fit, then none. */
const LEFT_FREE = 48 * 1024;
const tally = faultTally('log disk full');

/** Mounts a 2 MiB tmpfs at `dir`; why it cannot, when it cannot. */
function mountSmallDisk(dir: string): string | undefined {
  if (userInfo().uid !== 0) return 'mounting a tmpfs needs root (CI runs as root)';
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', dir], { stdio: 'pipe' });
    return undefined;
  } catch (error) {
    return `mount -t tmpfs was refused: ${String(error).split('\n')[0]}`;
  }
}

function unmount(dir: string): void {
  try {
    execFileSync('umount', [dir], { stdio: 'pipe' });
  } catch {
    // Still busy (a process holds a file there): detach it now, it goes when released.
    execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
  }
}

describe('the log disk fills while the demo runs', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'poms-log-disk-'));
  const logDir = join(dataDir, 'logs');
  mkdirSync(logDir);
  const refused = mountSmallDisk(logDir);
  let child: ChildProcess | undefined;
  let store: Store | undefined;

  after(async () => {
    await store?.close();
    if (child && child.exitCode === null) {
      child.kill('SIGKILL');
      await new Promise((r) => child?.once('exit', r));
    }
    killProcessesUsing(dataDir);
    if (refused === undefined) unmount(logDir);
    rmSync(dataDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
    console.log(tally.summary());
  });

  it('loses nothing, keeps serving, finishes, and says which logs are missing', async (t) => {
    if (refused !== undefined) {
      t.skip(refused);
      return;
    }
    const free = () => {
      const s = statfsSync(logDir);
      return s.bavail * s.bsize;
    };
    writeFileSync(join(logDir, 'filler'), Buffer.alloc(Math.max(0, free() - LEFT_FREE)));
    tally.injected('log disk full (kept logs, launch logs, the server log)');

    const port = await freePort();
    const serverLog = openSync(join(logDir, 'server.log'), 'a');
    child = spawn(
      process.execPath,
      [POMS, 'start', '--data', dataDir, '--port', String(port), '--slots', '4'],
      {
        stdio: ['ignore', serverLog, serverLog],
        env: { ...process.env, POMS_ADMIN_PASSWORD: PASSWORD },
      },
    );
    closeSync(serverLog);
    const exited = new Promise<number | null>((r) => child?.once('exit', (code) => r(code)));
    const url = `http://127.0.0.1:${port}`;
    const call = apiCaller(() => url);
    const token = await until('the server to answer', 60_000, async () => {
      const health = await call('GET', '/health');
      return health.status === 200 ? apiToken(call, 'admin', PASSWORD) : undefined;
    });
    store = await openStore({ dataDir });
    const seen = { last: '' };
    const why = () => {
      let log = '';
      try {
        log = readFileSync(join(logDir, 'server.log'), 'utf8').slice(-3000);
      } catch (error) {
        log = String(error);
      }
      return `last seen: ${seen.last}; server exit: ${String(child?.exitCode)}\nserver log:\n${log}`;
    };
    try {
      const subs = await Promise.race([
        demoFinished(store, 90_000, seen),
        exited.then((code) => {
          throw new Error(`the server exited (${String(code)})`);
        }),
      ]);
      assert.equal(child.exitCode, null, 'the server still runs');
      await assertDemoIntact(store, subs);
      assert.ok(free() < 16 * 1024, `the log disk filled: ${free()} bytes free`);

      // Every log view answers: the kept copy, the engine's, or "missing" — never a 5xx.
      const answers: string[] = [];
      let kept = 0;
      for (const s of subs) {
        const base = `/experiments/demo/submissions/${s.id}`;
        const launch = await call('GET', `${base}/launch-log`, { token });
        answers.push(`${launch.status} launch-log ${s.stage}`);
        for (let index = 0; index < s.job_count; index++) {
          const logs = await call('GET', `${base}/jobs/${index}/logs`, { token });
          // Whence the text came: the kept copy, or the engine's when it could not be kept.
          const source = logs.status === 200 ? String(logs.body.source) : '-';
          answers.push(`${logs.status} logs ${s.stage}/${index} from ${source}`);
          if (source === 'kept') kept++;
          else if (logs.status === 200) assert.equal(source, 'engine', answers.at(-1));
        }
      }
      assert.deepEqual(
        answers.filter((a) => a.startsWith('5')),
        [],
        `log views: ${answers.join(', ')}`,
      );
      const jobs = subs.reduce((n, s) => n + s.job_count, 0);
      assert.ok(kept < jobs, `some logs could not be kept (${kept} of ${jobs} were)`);
      const health = await call('GET', '/health');
      assert.equal(health.status, 200);
      tally.survived('log disk full (kept logs, launch logs, the server log)');
    } catch (error) {
      throw new Error(`${String(error)}\n${why()}`);
    }
  });
});
