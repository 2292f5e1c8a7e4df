// `poms login` on a terminal: the password is asked for and not echoed. The CLI runs as a real
// process (bin/poms.js) on a pseudo-terminal made by python3's `pty` module, which waits for the
// prompt, types the password and Enter, and hands back everything the terminal showed.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startServer, type RunningServer } from '@poms/server';

const PASSWORD = 'typed-secret-Pa55word';
const BIN = resolve(import.meta.dirname, '../bin/poms.js');

// argv: the command. $PTY_INPUT: what to type once $PTY_PROMPT shows (then Enter).
// Prints the terminal's bytes; exits with the command's exit code.
const DRIVER = String.raw`
import os, pty, select, sys, time
typed = os.environ.pop('PTY_INPUT').encode()
prompt = os.environ.pop('PTY_PROMPT').encode()
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
seen = b''
deadline = time.time() + 20
def pump(until):
    global seen
    while time.time() < deadline and (until is None or until not in seen):
        ready, _, _ = select.select([fd], [], [], 0.2)
        if not ready:
            continue
        try:
            data = os.read(fd, 4096)
        except OSError:
            return
        if not data:
            return
        seen += data
pump(prompt)
if prompt in seen:
    os.write(fd, typed + b'\r')
pump(None)
# Never hang: a command still running after the deadline (say, waiting for a password) is killed.
done, status = os.waitpid(pid, os.WNOHANG)
while done == 0 and time.time() < deadline + 2:
    time.sleep(0.05)
    done, status = os.waitpid(pid, os.WNOHANG)
if done == 0:
    os.kill(pid, 9)
    _, status = os.waitpid(pid, 0)
sys.stdout.buffer.write(seen)
sys.exit(os.waitstatus_to_exitcode(status))
`;

function onTerminal(
  argv: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; screen: string; err: string }> {
  return new Promise((done, fail) => {
    const child = spawn('python3', ['-c', DRIVER, ...argv], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', fail);
    child.on('close', (code) =>
      done({
        code,
        screen: Buffer.concat(out).toString('utf8'),
        err: Buffer.concat(err).toString('utf8'),
      }),
    );
  });
}

describe('poms login on a terminal', () => {
  let server: RunningServer;
  let dir: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'poms-login-tty-'));
    server = await startServer({
      memory: true,
      port: 0,
      adminPassword: PASSWORD,
      demo: false,
      execute: false,
    });
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('asks for the password, does not echo it, and logs in', async () => {
    const config = join(dir, 'config');
    // No POMS_PASSWORD, no POMS_TOKEN/POMS_URL: the password can only come from the terminal.
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: dir,
      TERM: 'dumb',
      POMS_CONFIG_DIR: config,
      PTY_INPUT: PASSWORD,
      PTY_PROMPT: 'password for admin: ',
    };
    const result = await onTerminal(
      [process.execPath, BIN, 'login', server.url, '--username', 'admin'],
      env,
    );
    assert.equal(result.code, 0, result.screen + result.err);
    assert.match(result.screen, /password for admin: /);
    assert.match(result.screen, new RegExp(`logged in to ${server.url} as admin`));
    assert.ok(!result.screen.includes(PASSWORD), `the password was echoed: ${result.screen}`);
    // Not even a part of it (a terminal echoing late would show the tail).
    assert.ok(!result.screen.includes(PASSWORD.slice(-6)), result.screen);
    const file = join(config, 'credentials.json');
    assert.ok(existsSync(file));
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { token: string; username: string };
    assert.equal(saved.username, 'admin');
    // The saved token works on the server: the login really happened.
    const me = await fetch(`${server.url}/api/v1/auth/me`, {
      headers: { authorization: `Bearer ${saved.token}` },
    });
    assert.equal(me.status, 200);
  });
});
