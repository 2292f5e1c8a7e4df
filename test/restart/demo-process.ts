// The demo campaign run by `poms start` as a child process on a data folder, for the tests that
// kill the server and start it again (kill-restart, test/faults/crash-points): starting it,
// waiting for conditions with deadlines, reading the store afterwards, and making sure no job
// process of the local engine outlives the test.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import type { Store, SubmissionRecord } from '@poms/server';

export const POMS = resolve(import.meta.dirname, '../../packages/cli/bin/poms.js');
export const STAGES = ['generate', 'simulate', 'reconstruct', 'analyse'];

export function freePort(): Promise<number> {
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

export interface PomsProcess {
  child: ChildProcess;
  /** How it ended: exit code or signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * `poms start`: a first start seeds the demo and launches it; a later one finds it running.
 * Its stderr is appended to `log`; `env` is added to this process's environment.
 */
export function startPoms(
  dataDir: string,
  port: number,
  log: string[],
  env: Record<string, string> = {},
): PomsProcess {
  const child = spawn(
    process.execPath,
    [POMS, 'start', '--data', dataDir, '--port', String(port)],
    { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env } },
  );
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (text: string) => log.push(text));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    // 'close', not 'exit': its last stderr lines (a crash point's) are read by then.
    child.once('close', (code, signal) => done({ code, signal })),
  );
  return { child, exited };
}

/** Resolves when `probe` gives a value; throws naming `what` after `timeoutMs`. */
export async function until<T>(
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

/** The demo campaign's submissions, oldest first. */
export async function demoSubmissions(store: Store): Promise<SubmissionRecord[]> {
  const page = await store.submissions.list({ experiment: 'demo', limit: 1000 });
  return page.items.filter((s) => s.campaign === 'toy_z_chain').reverse();
}

/** Every stage has a Located submission and nothing is left to decide: the campaign is done. */
export async function demoFinished(store: Store): Promise<boolean> {
  const all = await demoSubmissions(store);
  const open = await store.submissions.unfinished();
  const located = STAGES.every((stage) =>
    all.some((s) => s.stage === stage && s.status === 'Located'),
  );
  return located && open.length === 0;
}

/** One line per submission and the open ones, for a failure's message. */
export async function demoProgress(store: Store): Promise<string> {
  const all = await demoSubmissions(store);
  const open = await store.submissions.unfinished();
  return `${all.map((s) => `${s.stage}:${s.status}`).join(' ')}; open: ${open.map((s) => s.id).join(' ')}`;
}

/** What the job folders say, for a failure's message. */
export function jobFolders(dataDir: string): string {
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

export {
  killProcessesUsing,
  processesUsing,
} from '../../packages/server/src/leftover-processes-testing.ts';
