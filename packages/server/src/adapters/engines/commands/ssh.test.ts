// Live: every test talks to a real sshd on 127.0.0.1 started here (sshd-testing.ts), as the
// current user, so what arrives on the "remote" side can be checked on this machine's disk.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, lstatSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { CommandError } from './runner.ts';
import { SshRunner, type SshOptions } from './ssh.ts';
import { knownHostsLine, startTestSshd } from './sshd-testing.ts';
import type { Target } from './targets.ts';

const sshd = await startTestSshd();
const skip =
  sshd === undefined
    ? 'no /usr/sbin/sshd: run scripts/install-sshd.sh (POMS_REQUIRE_SSHD=1 makes this fail instead)'
    : false;

const runners: SshRunner[] = [];
function runner(target?: Target, options?: SshOptions): SshRunner {
  if (sshd === undefined) throw new Error('no sshd');
  const made = new SshRunner(target ?? sshd.target, options ?? sshd.options);
  runners.push(made);
  return made;
}

after(async () => {
  await Promise.all(runners.map((r) => r.close()));
  await sshd?.stop();
});

// Rejects with a CommandError whose message matches every pattern.
async function rejectsWith(promise: Promise<unknown>, ...patterns: RegExp[]): Promise<string> {
  let message = '';
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof CommandError, `not a CommandError: ${String(error)}`);
    message = error.message;
    for (const pattern of patterns) assert.match(message, pattern);
    return true;
  });
  return message;
}

function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 1));
    });
  });
}

describe('SshRunner against a live sshd', { skip, timeout: 60_000 }, () => {
  it('names where it runs as user@host:port', () => {
    assert.equal(runner().where, `${sshd?.user}@127.0.0.1:${sshd?.port}`);
  });

  it('delivers nasty arguments exactly, and runs none of them as shell code', async () => {
    const dir = sshd?.dir ?? '';
    const markers = ['substituted', 'backquoted', 'separated', 'newline'].map((m) => join(dir, m));
    const args = [
      `$(touch ${markers[0]})`,
      `\`touch ${markers[1]}\``,
      `; touch ${markers[2]}`,
      `x\ntouch ${markers[3]}`,
      "it's",
      '"double"',
      '\\',
      '',
      ' ',
      '-n',
      '--',
      '*',
      '~',
      '!!',
      '$HOME',
      '=ls',
      'A=b',
      '{a,b}',
      'é 日本 🚀',
      'tab\there',
      '\r\n',
    ];
    const result = await runner().run(['printf', '%s\\0', ...args]);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(result.stdout.split('\0').slice(0, -1), args);
    for (const marker of markers) assert.equal(existsSync(marker), false, `${marker} was created`);
  });

  it('passes exit codes, stdout and stderr through', async () => {
    const r = runner();
    const three = await r.run(['sh', '-c', 'echo out; echo err >&2; exit 3']);
    assert.deepEqual([three.code, three.stdout, three.stderr], [3, 'out\n', 'err\n']);
    assert.equal((await r.run(['true'])).code, 0);
  });

  it('delivers standard input', async () => {
    const input = `line one\nline two: é 日本\n${'x'.repeat(1 << 20)}\n`;
    const result = await runner().run(['cat'], { input });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, input);
  });

  it('refuses a host whose key does not match known_hosts, without prompting', async () => {
    if (sshd === undefined) return;
    const wrongKnownHosts = join(sshd.dir, 'known_hosts.wrong');
    // The client's public key: a real ed25519 key, but not the server's.
    const wrongKey = readFileSync(`${sshd.identityFile}.pub`, 'utf8');
    writeFileSync(wrongKnownHosts, knownHostsLine(sshd.port, wrongKey));
    const options = { ...sshd.options, knownHostsFile: wrongKnownHosts, controlDir: undefined };
    await rejectsWith(
      runner(sshd.target, options).run(['true']),
      /could not reach/,
      /Host key verification failed/,
    );
  });

  it('refuses a host missing from known_hosts', async () => {
    if (sshd === undefined) return;
    const emptyKnownHosts = join(sshd.dir, 'known_hosts.empty');
    writeFileSync(emptyKnownHosts, '');
    const options = { ...sshd.options, knownHostsFile: emptyKnownHosts, controlDir: undefined };
    await rejectsWith(
      runner(sshd.target, options).run(['true']),
      /could not reach/,
      /Host key verification failed/,
    );
  });

  it('fails authentication with a key the server does not know, without prompting', async () => {
    if (sshd === undefined) return;
    const options = {
      ...sshd.options,
      identityFile: join(sshd.dir, 'host_ed25519'),
      controlDir: undefined,
    };
    await rejectsWith(runner(sshd.target, options).run(['true']), /could not reach/, /denied/);
  });

  it('reports a closed port as unreachable, quickly', async () => {
    if (sshd === undefined) return;
    const port = await closedPort();
    const started = Date.now();
    await rejectsWith(
      runner({ ...sshd.target, port }, { ...sshd.options, controlDir: undefined }).run(['true']),
      /could not reach/,
      /refused/,
    );
    assert.ok(Date.now() - started < 5_000, 'a refused connection took more than 5 s');
  });

  it('shares one connection between commands, and close() ends it', async (t) => {
    if (sshd === undefined) return;
    const controlDir = join(sshd.dir, 'control-shared');
    const r = runner(sshd.target, { ...sshd.options, controlDir });
    const timed = async (): Promise<number> => {
      const started = performance.now();
      assert.equal((await r.run(['true'])).code, 0);
      return performance.now() - started;
    };
    const first = await timed();
    const sockets = readdirSync(controlDir).filter((name) =>
      lstatSync(join(controlDir, name)).isSocket(),
    );
    assert.equal(sockets.length, 1, `control sockets: ${sockets.join(', ')}`);
    const second = await timed();
    t.diagnostic(
      `first command ${first.toFixed(0)} ms, over the shared connection ${second.toFixed(0)} ms`,
    );

    await r.close();
    const deadline = Date.now() + 3_000;
    while (readdirSync(controlDir).length > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.deepEqual(readdirSync(controlDir), [], 'the control socket outlived close()');
  });

  it('refuses an argument with NUL before anything runs', async () => {
    const marker = join(sshd?.dir ?? '', 'nul-ran');
    await rejectsWith(runner().run(['touch', marker, 'a\0b']), /NUL/);
    assert.equal(existsSync(marker), false);
  });
});
