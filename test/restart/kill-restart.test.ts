// The server is killed (SIGKILL, no chance to clean up) in the middle of the demo campaign and
// started again on the same data folder: the campaign must finish with no submission, job or
// file record lost or duplicated. Jobs running during the outage keep running (the local engine
// detaches them); their reports wait for the server (the job runtime retries) and the new server
// finds them again.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { openStore, type Store, type SubmissionRecord } from '@poms/server';

const POMS = resolve(import.meta.dirname, '../../packages/cli/bin/poms.js');
const STAGES = ['generate', 'simulate', 'reconstruct', 'analyse'];

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => done(port));
    });
  });
}

const serverLog: string[] = [];

/** `poms start`: a first start seeds the demo and launches it; a second one finds it running. */
function start(dataDir: string, port: number): ChildProcess {
  const child = spawn(
    process.execPath,
    [POMS, 'start', '--data', dataDir, '--port', String(port)],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (text: string) => serverLog.push(text));
  return child;
}

/** What the job folders say, for a failure's message. */
function jobFolders(dataDir: string): string {
  const root = join(dataDir, 'jobs');
  const lines: string[] = [];
  try {
    for (const sub of readdirSync(root)) {
      for (const index of readdirSync(join(root, sub))) {
        const dir = join(root, sub, index);
        const read = (name: string) => {
          try {
            return readFileSync(join(dir, name), 'utf8').slice(0, 300);
          } catch {
            return '-';
          }
        };
        lines.push(
          `${sub}/${index}: state ${read('poms-state.json')} exit ${read('poms-exit.json')} stderr ${read('stderr').slice(-300)}`,
        );
      }
    }
  } catch (error) {
    lines.push(String(error));
  }
  return lines.join('\n');
}

async function until<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | undefined>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function demoSubmissions(store: Store): Promise<SubmissionRecord[]> {
  const page = await store.submissions.list({ experiment: 'demo', limit: 1000 });
  return page.items.filter((s) => s.campaign === 'toy_z_chain').reverse();
}

describe('kill -9 and restart in the middle of the demo', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'poms-restart-'));
  const children: ChildProcess[] = [];
  after(() => {
    for (const child of children) child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('finishes the campaign with nothing lost or duplicated', async () => {
    const port = await freePort();
    const first = start(dataDir, port);
    children.push(first);
    // Kill it while simulate's jobs run: after a hand-off, before the recovery.
    const probe = await until('the server to create its store', 60_000, async () => {
      const store = await openStore({ dataDir });
      const subs = await demoSubmissions(store).catch(async (error: unknown) => {
        await store.close();
        throw error;
      });
      if (subs.some((s) => s.stage === 'simulate')) return store;
      await store.close();
      return undefined;
    });
    await probe.close();
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));

    // Down for a while: jobs keep running and their reports wait.
    await new Promise((r) => setTimeout(r, 1500));
    const second = start(dataDir, port);
    children.push(second);

    const store = await openStore({ dataDir });
    let seen = '';
    try {
      const subs = await until('the campaign to finish', 240_000, async () => {
        const all = await demoSubmissions(store);
        const open = await store.submissions.unfinished();
        seen = `${all.map((s) => `${s.stage}:${s.status}`).join(' ')}; open: ${open.map((s) => s.id).join(' ')}`;
        const done = STAGES.every((stage) =>
          all.some((s) => s.stage === stage && s.status === 'Located'),
        );
        return done && open.length === 0 ? all : undefined;
      });
      // Exactly the submissions of an uninterrupted run: one per stage, one recovery.
      assert.deepEqual(
        STAGES.map((stage) => subs.filter((s) => s.stage === stage).length),
        [1, 2, 1, 1],
      );
      const keys = subs.flatMap((s) => (s.launch_key === null ? [] : [s.launch_key]));
      assert.equal(new Set(keys).size, keys.length, 'no automatic launch twice');
      for (const s of subs) {
        assert.equal(s.status, 'Located', `${s.stage} ${s.id}`);
        const stats = await store.submissions.statistics(s.id);
        assert.equal(stats.unknown, 0, `${s.id}: every delivered file was reported`);
        assert.equal(stats.consumed + stats.failed + stats.skipped, stats.submitted);
        const jobs = await store.submissions.jobs(s.id);
        assert.equal(jobs.length, s.job_count);
        assert.ok(
          jobs.every((j) => j.state === 'completed' || j.state === 'failed'),
          `${s.id} jobs: ${jobs.map((j) => j.state).join(',')}`,
        );
      }
      // No file delivered twice within a stage except by its recovery.
      for (const stage of STAGES) {
        const roots = subs.filter((s) => s.stage === stage && s.recovery_step === null);
        const names: string[] = [];
        for (const root of roots) {
          const ledger = await store.submissions.ledger(root.id);
          names.push(...ledger.items.map((e) => e.file));
        }
        assert.equal(new Set(names).size, names.length, `${stage}: a file delivered twice`);
      }
      // The generator's four outputs reached simulate, and every simulate output reconstruct.
      const [reco] = subs.filter((s) => s.stage === 'reconstruct');
      assert.equal(reco?.file_count, 4);
    } catch (error) {
      throw new Error(
        `${String(error)}; last seen: ${seen}\nserver log:\n${serverLog.join('')}\njobs:\n${jobFolders(dataDir)}`,
      );
    } finally {
      await store.close();
    }
  });
});
