// A private PostgreSQL 15 cluster for one test file: its own data folder, port and socket, so the
// test may stop, crash and restart it without touching the cluster the other tests share. initdb
// and pg_ctl refuse root: as root they run as the `postgres` user, who owns the folder.
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

export const PG_BIN = '/usr/lib/postgresql/15/bin';

/** Why a private cluster cannot run here, or undefined when it can. */
export function privatePostgresMissing(): string | undefined {
  for (const tool of ['initdb', 'pg_ctl']) {
    if (!existsSync(join(PG_BIN, tool))) return `${join(PG_BIN, tool)} is not installed`;
  }
  if (userInfo().uid === 0) {
    try {
      execFileSync('id', ['-u', 'postgres'], { stdio: 'ignore' });
    } catch {
      return 'running as root and there is no postgres user to run initdb as';
    }
  }
  return undefined;
}

export interface PrivatePostgres {
  url: string;
  /** `pg_ctl stop -m MODE`: fast closes sessions cleanly; immediate is a crash (no checkpoint). */
  stop(mode: 'fast' | 'immediate'): void;
  start(): void;
  /** Stops the cluster (if it runs) and removes its folder. */
  remove(): void;
}

export function startPrivatePostgres(port: number): PrivatePostgres {
  const root = mkdtempSync(join(tmpdir(), 'poms-pg-'));
  const data = join(root, 'data');
  const asOwner = userInfo().uid === 0;
  if (asOwner) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(root, uid, gid);
  }
  const run = (tool: string, args: string[]) =>
    execFileSync(
      asOwner ? 'runuser' : join(PG_BIN, tool),
      asOwner ? ['-u', 'postgres', '--', join(PG_BIN, tool), ...args] : args,
      { stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 },
    );
  run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  const options = `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 -c fsync=off`;
  const start = () =>
    run('pg_ctl', ['-D', data, '-o', options, '-l', join(root, 'log'), '-w', 'start']);
  start();
  let running = true;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop(mode) {
      run('pg_ctl', ['-D', data, '-m', mode, '-w', 'stop']);
      running = false;
    },
    start() {
      start();
      running = true;
    },
    remove() {
      try {
        if (running) run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    },
  };
}
