// `poms login URL` and `poms logout`: an API token of the user, kept in
// $POMS_CONFIG_DIR/credentials.json (default ~/.config/poms/, the file 0600, the folder 0700).
// The password comes from $POMS_PASSWORD or one line of stdin (not echoed on a terminal); it is
// used for one session that creates the token, then ended. The token's secret is never printed.
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, hostname } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { RunAsync } from '../local.ts';
import { EXIT_OK, UsageError, type Io } from '../output.ts';
import { RemoteClient, allPages, normalizeUrl, seg } from './client.ts';

export interface Credentials {
  url: string;
  username: string;
  token: string;
  token_id: string;
}

export function configDir(): string {
  return process.env.POMS_CONFIG_DIR || join(homedir(), '.config', 'poms');
}

export function credentialsFile(): string {
  return join(configDir(), 'credentials.json');
}

/** The saved login, if any (a damaged file is a usage error, not silence). */
export function loadCredentials(): Credentials | undefined {
  const file = credentialsFile();
  if (!existsSync(file)) return undefined;
  try {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as Partial<Credentials>;
    if (typeof saved.url === 'string' && typeof saved.token === 'string') {
      return {
        url: saved.url,
        username: String(saved.username ?? ''),
        token: saved.token,
        token_id: String(saved.token_id ?? ''),
      };
    }
  } catch {
    // said below
  }
  throw new UsageError(`${file} is not a poms login: run poms logout, then poms login URL`);
}

function saveCredentials(credentials: Credentials): void {
  const dir = configDir();
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const file = credentialsFile();
  writeFileSync(file, JSON.stringify(credentials, null, 2) + '\n', { mode: 0o600 });
  chmodSync(file, 0o600);
}

export function credentialCommands(program: Command, io: Io, runAsync: RunAsync): void {
  program
    .command('login')
    .description(
      'log in to a POMS server and save an API token for the commands to use ($POMS_PASSWORD, else the password from stdin)',
    )
    .argument('<url>', 'the server, like http://localhost:8080')
    .option('--username <name>', 'who logs in', process.env.USER ?? 'admin')
    .action((url: string, opts: { username: string }) =>
      runAsync(() => login(io, url, opts.username)),
    );

  program
    .command('logout')
    .description('revoke the saved API token and forget the login')
    .action(() => runAsync(() => logout(io)));
}

async function login(io: Io, url: string, username: string): Promise<number> {
  const base = normalizeUrl(url);
  const password = process.env.POMS_PASSWORD ?? (await readPassword(`password for ${username}: `));
  if (password === '') throw new UsageError('no password given ($POMS_PASSWORD or stdin)');
  const anonymous = new RemoteClient(base);
  const session = await anonymous.send<{ csrf: string; username: string }>('POST', '/auth/login', {
    body: { username, password },
  });
  const cookie = (session.headers.getSetCookie?.() ?? [session.headers.get('set-cookie') ?? ''])
    .map((c) => c.split(';')[0] ?? '')
    .filter((c) => c.startsWith('poms_session='))
    .join('; ');
  const headers = { cookie, 'x-csrf-token': session.body.csrf };
  const created = await anonymous.call<{ token: { id: string }; secret: string }>(
    'POST',
    '/auth/tokens',
    { headers, body: { name: `poms-cli@${hostname()}`, scopes: ['write'] } },
  );
  // The session was only for making the token.
  await anonymous.call('POST', '/auth/logout', { headers }).catch(() => undefined);
  saveCredentials({
    url: base,
    username: session.body.username,
    token: created.secret,
    token_id: created.token.id,
  });
  io.out(`logged in to ${base} as ${session.body.username}`);
  return EXIT_OK;
}

async function logout(io: Io): Promise<number> {
  const saved = loadCredentials();
  if (saved === undefined) {
    io.out('not logged in');
    return EXIT_OK;
  }
  const client = new RemoteClient(saved.url, saved.token);
  try {
    let id = saved.token_id;
    if (id === '') {
      const name = `poms-cli@${hostname()}`;
      const tokens = await allPages<{ id: string; name: string }>(client, '/auth/tokens', {
        q: name,
      });
      id = tokens.find((t) => t.name === name)?.id ?? '';
    }
    if (id !== '') await client.call('DELETE', `/auth/tokens/${seg(id)}`);
  } catch (error) {
    // A token the server no longer takes is as good as revoked; anything else is said.
    const status = (error as { status?: number }).status;
    if (status !== 401) {
      io.err(
        `poms: could not revoke the token at ${saved.url} (${error instanceof Error ? error.message : String(error)}); forgetting it anyway`,
      );
    }
  }
  rmSync(credentialsFile(), { force: true });
  io.out(`logged out of ${saved.url}`);
  return EXIT_OK;
}

/** One line from stdin; on a terminal, asked for and not echoed. */
async function readPassword(prompt: string): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) {
    const chunks: Buffer[] = [];
    for await (const chunk of stdin) {
      chunks.push(Buffer.from(chunk as Buffer));
      if (Buffer.concat(chunks).includes(10)) break;
    }
    return (Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '').trimEnd();
  }
  // Echo off before the prompt shows: what is typed right after it is never echoed.
  stdin.setRawMode(true);
  process.stderr.write(prompt);
  stdin.resume();
  stdin.setEncoding('utf8');
  try {
    return await new Promise<string>((resolve, reject) => {
      let typed = '';
      const onData = (text: string) => {
        for (const ch of text) {
          if (ch === '\r' || ch === '\n') {
            stdin.off('data', onData);
            resolve(typed);
            return;
          }
          if (ch === '\u0003') {
            stdin.off('data', onData);
            reject(new UsageError('login interrupted'));
            return;
          }
          if (ch === '\u007f' || ch === '\b') typed = typed.slice(0, -1);
          else typed += ch;
        }
      };
      stdin.on('data', onData);
    });
  } finally {
    stdin.setRawMode(false);
    stdin.pause();
    process.stderr.write('\n');
  }
}
