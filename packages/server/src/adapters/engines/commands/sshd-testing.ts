// A real, private sshd on 127.0.0.1 for live tests of everything that runs over ssh: its own host
// and client keys, known_hosts and config in a temp dir, never the system's sshd or ~/.ssh.
// scripts/install-sshd.sh installs the binary; without it the tests skip, unless
// POMS_REQUIRE_SSHD=1 (CI), where a missing sshd must fail rather than pass silently.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import type { SshOptions } from './ssh.ts';
import type { Target } from './targets.ts';

export const SSHD = '/usr/sbin/sshd';
const HOST = '127.0.0.1';
const START_TIMEOUT_MS = 10_000;

export interface TestSshd {
  port: number;
  user: string;
  /** The temp dir holding keys, config and known_hosts; removed by stop(). */
  dir: string;
  knownHostsFile: string;
  identityFile: string;
  /** The sshd's address with the current user. */
  target: Target;
  /** Options that log in to it: its known_hosts, the client key, a control dir in `dir`. */
  options: SshOptions;
  stop(): Promise<void>;
}

/** Starts a private sshd; undefined when sshd is not installed (and not required). */
export async function startTestSshd(): Promise<TestSshd | undefined> {
  if (!existsSync(SSHD)) {
    if (process.env.POMS_REQUIRE_SSHD === '1') {
      throw new Error(`POMS_REQUIRE_SSHD=1 but ${SSHD} is missing: run scripts/install-sshd.sh`);
    }
    return undefined;
  }
  const dir = mkdtempSync(join(tmpdir(), 'poms-sshd-'));
  try {
    return await startIn(dir);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

async function startIn(dir: string): Promise<TestSshd> {
  const hostKey = join(dir, 'host_ed25519');
  const identityFile = join(dir, 'client_ed25519');
  newKey(hostKey);
  newKey(identityFile);
  const authorizedKeys = join(dir, 'authorized_keys');
  writeFileSync(authorizedKeys, readFileSync(`${identityFile}.pub`), { mode: 0o600 });
  const port = await freePort();
  const knownHostsFile = join(dir, 'known_hosts');
  writeFileSync(knownHostsFile, knownHostsLine(port, readFileSync(`${hostKey}.pub`, 'utf8')));
  const config = join(dir, 'sshd_config');
  writeFileSync(config, sshdConfig(port, hostKey, authorizedKeys, join(dir, 'sshd.pid')));
  // The privilege separation dir sshd insists on; Debian creates it only when starting its own.
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });

  // Its own process group, so stop() also ends the per-connection sshd processes.
  const child = spawn(SSHD, ['-D', '-e', '-f', config], {
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  });
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    log = (log + chunk.toString('utf8')).slice(-8000);
  });
  const killGroup = (): void => {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // Already gone.
      }
    }
  };
  // A test process that dies without stop() must not leave an sshd behind.
  process.once('exit', killGroup);
  try {
    await waitForPort(port, child, () => log);
  } catch (error) {
    killGroup();
    throw error;
  }

  const user = userInfo().username;
  return {
    port,
    user,
    dir,
    knownHostsFile,
    identityFile,
    target: { host: HOST, port, user },
    options: {
      knownHostsFile,
      identityFile,
      controlDir: join(dir, 'control'),
      connectTimeoutS: 5,
    },
    async stop() {
      process.removeListener('exit', killGroup);
      const exited = new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) resolve();
        else child.once('exit', () => resolve());
      });
      killGroup();
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function newKey(path: string): void {
  const r = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', '', '-f', path], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`ssh-keygen failed: ${r.stderr || r.error?.message}`);
}

/** The known_hosts line for a public key (`type base64 comment`) of the sshd on `port`. */
export function knownHostsLine(port: number, publicKey: string): string {
  const [type, key] = publicKey.trim().split(/\s+/);
  return `[${HOST}]:${port} ${type} ${key}\n`;
}

function sshdConfig(port: number, hostKey: string, authorizedKeys: string, pidFile: string) {
  return [
    `Port ${port}`,
    `ListenAddress ${HOST}`,
    `HostKey ${hostKey}`,
    `AuthorizedKeysFile ${authorizedKeys}`,
    `PidFile ${pidFile}`,
    // The temp dir's permissions are not a user's home; the keys in it are throwaway.
    'StrictModes no',
    'UsePAM no',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'PubkeyAuthentication yes',
    'PermitRootLogin prohibit-password',
    'UseDNS no',
    'PrintMotd no',
    'LogLevel INFO',
    '',
  ].join('\n');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`sshd exited before listening on ${port}: ${log().trim()}`);
    }
    if (await accepts(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`sshd did not listen on ${port} within ${START_TIMEOUT_MS} ms: ${log().trim()}`);
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: HOST, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
