// Runs the real poms-job.mjs as a child process against a small fake POMS server.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const RUNTIME = join(import.meta.dirname, 'poms-job.mjs');
const TOKEN = 'tok-secret-5f3a9c';
const SUB = 'sub_test1';
const SH = '/bin/sh';

interface Recorded {
  method: string;
  path: string;
  body: unknown;
}
type Reply = { status: number; body: unknown } | undefined;
interface FakeServer {
  url: string;
  requests: Recorded[];
  close: () => Promise<void>;
}

interface FileReport {
  name: string;
  state: string;
  reason?: string;
}
interface OutputDecl {
  name: string;
  size: number;
  checksum: string;
  metadata: Record<string, unknown>;
  parents: string[];
  path: string;
}

const roots: string[] = [];
const servers: FakeServer[] = [];

after(async () => {
  for (const s of servers) await s.close();
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

function tempRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'poms-job-'));
  roots.push(root);
  return root;
}

/** Independent, byte-at-a-time Adler-32 (the runtime's version works in blocks). */
function adler32(bytes: Uint8Array): string {
  let a = 1;
  let b = 0;
  for (const byte of bytes) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return 'adler32:' + ((b * 65536 + a) >>> 0).toString(16).padStart(8, '0');
}

/**
 * The four job endpoints. `override` may answer a request first (to inject errors); otherwise
 * spec -> `spec`, the rest -> {ok:true}. Every request is recorded, overridden or not.
 */
async function fakeServer(
  spec: Record<string, unknown>,
  override: (r: Recorded, count: number) => Reply = () => undefined,
): Promise<FakeServer> {
  const requests: Recorded[] = [];
  const prefix = `/api/v1/jobs/${SUB}/0`;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const path = (req.url ?? '').startsWith(prefix) ? (req.url ?? '').slice(prefix.length) : '?';
      const r: Recorded = { method: req.method ?? '', path, body: text ? JSON.parse(text) : null };
      requests.push(r);
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      const count = requests.filter((q) => q.method === r.method && q.path === r.path).length;
      const forced = override(r, count);
      if (forced) return send(forced.status, forced.body);
      if (req.headers.authorization !== `Bearer ${TOKEN}`) {
        return send(401, { error: { code: 'unauthorized', message: 'bad token' } });
      }
      if (r.method === 'GET' && path === '/spec') return send(200, spec);
      if (r.method === 'POST' && ['/files', '/outputs', '/end'].includes(path)) {
        return send(200, { ok: true });
      }
      send(404, { error: { code: 'not_found', message: `${r.method} ${req.url}` } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const fake = {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  servers.push(fake);
  return fake;
}

interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function startJob(cwd: string, url: string, env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [RUNTIME], {
    cwd,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: cwd,
      POMS_URL: url,
      POMS_JOB_TOKEN: TOKEN,
      POMS_SUBMISSION_ID: SUB,
      POMS_JOB_INDEX: '0',
      POMS_CAMPAIGN_NOTE: 'kept',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const done = new Promise<RunResult>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`runtime timed out; stderr:\n${stderr}`));
    }, 20_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
  return { child, done };
}

const runJob = (cwd: string, url: string, env: Record<string, string> = {}) =>
  startJob(cwd, url, env).done;

function spec(root: string, over: Record<string, unknown>): Record<string, unknown> {
  return {
    submission_id: SUB,
    index: 0,
    invoke: 'per_file',
    command: [SH, '-c', 'exit 0', 'cmd'],
    setup: [],
    files: [],
    output_patterns: [],
    output_dir: join(root, 'out'),
    location: 'local',
    ...over,
  };
}

const bodies = (s: FakeServer, path: string) =>
  s.requests.filter((r) => r.method === 'POST' && r.path === path).map((r) => r.body);
const fileReports = (s: FakeServer) =>
  bodies(s, '/files').flatMap((b) => (b as { files: FileReport[] }).files);
const outputs = (s: FakeServer) =>
  bodies(s, '/outputs').flatMap((b) => (b as { files: OutputDecl[] }).files);
const byName = (list: OutputDecl[]) => new Map(list.map((o) => [o.name, o]));

describe('poms-job runtime', () => {
  it('per_file: reports each file, declares outputs with parents, checksum and metadata', async () => {
    const root = tempRoot();
    const input = (name: string) => {
      writeFileSync(join(root, name), `data of ${name}`);
      return join(root, name);
    };
    // Writes <base>.root ("Wikipedia") and a sidecar; fails with 7 on bad.evt.
    const script = [
      'set -e',
      'base=$(basename "$1" .evt)',
      '[ "$base" = bad ] && exit 7',
      '[ "$POMS_INPUT_FILE" = "$1" ] || exit 9',
      'printf Wikipedia > "$base.root"',
      'printf \'{"events":10,"source":"%s"}\' "$POMS_INPUT_NAME" > "$base.root.meta.json"',
    ].join('\n');
    const s = await fakeServer(
      spec(root, {
        command: [SH, '-c', script, 'cmd'],
        files: [
          { name: 'a.evt', path: input('a.evt') },
          { name: 'bad.evt', path: input('bad.evt') },
          { name: 'lost.evt', path: null },
          { name: 'c.evt', path: input('c.evt') },
        ],
        output_patterns: ['%.root', '%.json'],
      }),
    );
    const r = await runJob(root, s.url);
    assert.equal(r.code, 7, r.stderr);

    assert.deepEqual(fileReports(s), [
      { name: 'a.evt', state: 'consumed' },
      { name: 'bad.evt', state: 'failed', reason: 'exit code 7' },
      { name: 'lost.evt', state: 'failed', reason: 'no replica reachable from this job' },
      { name: 'c.evt', state: 'consumed' },
    ]);
    assert.equal(bodies(s, '/files').length, 4, 'one report per file, as it happens');

    const outs = byName(outputs(s));
    assert.deepEqual([...outs.keys()].sort(), ['a.root', 'c.root'], 'sidecars are never outputs');
    const a = outs.get('a.root');
    assert.ok(a);
    assert.deepEqual(a.parents, ['a.evt']);
    assert.deepEqual(outs.get('c.root')?.parents, ['c.evt']);
    assert.equal(a.checksum, 'adler32:11e60398');
    assert.equal(a.checksum, adler32(Buffer.from('Wikipedia')));
    assert.equal(a.size, 9);
    assert.deepEqual(a.metadata, { events: 10, source: 'a.evt' });
    assert.equal(a.path, join(root, 'out', 'a.root'));
    assert.equal(readFileSync(a.path, 'utf8'), 'Wikipedia');
    assert.ok(existsSync(join(root, 'work', 'a.root')), 'nothing deleted');

    // Outputs of a file are declared before the file is reported consumed; /end comes last.
    assert.deepEqual(
      s.requests.map((q) => q.path),
      ['/spec', '/outputs', '/files', '/files', '/files', '/outputs', '/files', '/end'],
    );
    assert.deepEqual(bodies(s, '/end'), [{ exit_code: 7, consumed: 2, failed: 2, outputs: 2 }]);
    assert.match(r.stderr, /poms-job: .*bad\.evt/);
  });

  it('checksums a large output in blocks exactly like a byte-by-byte Adler-32', async () => {
    const root = tempRoot();
    const big = Buffer.alloc(300_000);
    for (let i = 0; i < big.length; i++) big[i] = (i * 7919 + (i >> 8)) & 0xff;
    writeFileSync(join(root, 'big.src'), big);
    const s = await fakeServer(
      spec(root, {
        command: ['cp', join(root, 'big.src'), 'big.dat'],
        output_patterns: ['%.dat'],
      }),
    );
    const r = await runJob(root, s.url);
    assert.equal(r.code, 0, r.stderr);
    const [out] = outputs(s);
    assert.equal(out?.checksum, adler32(big));
    assert.equal(out?.size, big.length);
    assert.deepEqual(out?.parents, []);
  });

  it('once: one run with all reachable paths and an input list', async () => {
    const root = tempRoot();
    for (const n of ['x.evt', 'y z.evt']) writeFileSync(join(root, n), n);
    const script = [
      'echo "$#" > merged.root',
      'cat "$POMS_INPUT_LIST" >> merged.root',
      'for f in "$@"; do echo "arg:$f" >> merged.root; done',
    ].join('\n');
    const s = await fakeServer(
      spec(root, {
        invoke: 'once',
        command: [SH, '-c', script, 'cmd'],
        files: [
          { name: 'x.evt', path: join(root, 'x.evt') },
          { name: 'gone.evt', path: null },
          { name: 'y z.evt', path: join(root, 'y z.evt') },
        ],
        output_patterns: ['merged.root'],
      }),
    );
    const r = await runJob(root, s.url);
    assert.equal(r.code, 1, 'a file failed without a run: exit 1');
    const x = join(root, 'x.evt');
    const y = join(root, 'y z.evt');
    assert.equal(
      readFileSync(join(root, 'out', 'merged.root'), 'utf8'),
      `2\n${x}\n${y}\narg:${x}\narg:${y}\n`,
    );
    assert.deepEqual(
      fileReports(s).sort((p, q) => p.name.localeCompare(q.name)),
      [
        { name: 'gone.evt', state: 'failed', reason: 'no replica reachable from this job' },
        { name: 'x.evt', state: 'consumed' },
        { name: 'y z.evt', state: 'consumed' },
      ],
    );
    assert.deepEqual(outputs(s)[0]?.parents, ['x.evt', 'y z.evt']);
    assert.deepEqual(bodies(s, '/end'), [{ exit_code: 1, consumed: 2, failed: 1, outputs: 1 }]);
  });

  it('once: a failing run fails every file and its exit code is the job exit code', async () => {
    const root = tempRoot();
    const s = await fakeServer(
      spec(root, {
        invoke: 'once',
        command: [SH, '-c', 'exit 5', 'cmd'],
        files: [
          { name: 'p', path: '/nonexistent/p' },
          { name: 'q', path: '/nonexistent/q' },
        ],
      }),
    );
    const r = await runJob(root, s.url);
    assert.equal(r.code, 5, r.stderr);
    assert.deepEqual(fileReports(s), [
      { name: 'p', state: 'failed', reason: 'exit code 5' },
      { name: 'q', state: 'failed', reason: 'exit code 5' },
    ]);
  });

  it('generator: runs once without arguments; env passes through, minus the token', async () => {
    const root = tempRoot();
    const s = await fakeServer(
      spec(root, {
        command: [SH, '-c', 'echo "args=$#" > gen_1.evt; env > env.txt; pwd > gen_2.evt', 'g'],
        output_patterns: ['gen_%.evt'],
      }),
    );
    const r = await runJob(root, s.url);
    assert.equal(r.code, 0, r.stderr);
    const outs = byName(outputs(s));
    assert.deepEqual([...outs.keys()].sort(), ['gen_1.evt', 'gen_2.evt']);
    assert.deepEqual(outs.get('gen_1.evt')?.parents, []);
    assert.equal(readFileSync(join(root, 'out', 'gen_1.evt'), 'utf8'), 'args=0\n');
    assert.equal(readFileSync(join(root, 'out', 'gen_2.evt'), 'utf8'), `${join(root, 'work')}\n`);
    const env = readFileSync(join(root, 'work', 'env.txt'), 'utf8');
    assert.match(env, /^POMS_CAMPAIGN_NOTE=kept$/m);
    assert.match(env, new RegExp(`^POMS_SUBMISSION_ID=${SUB}$`, 'm'));
    assert.match(env, /^HOME=/m);
    assert.ok(!env.includes(TOKEN), 'the token is not handed to user code');
    assert.deepEqual(fileReports(s), []);
    assert.deepEqual(bodies(s, '/end'), [{ exit_code: 0, consumed: 0, failed: 0, outputs: 2 }]);
  });

  it('generator: a failing or signalled run sets the exit code', async () => {
    const root = tempRoot();
    const s = await fakeServer(spec(root, { command: [SH, '-c', 'kill -KILL $$', 'g'] }));
    const r = await runJob(root, s.url);
    assert.equal(r.code, 128 + 9);
    assert.match(r.stderr, /signal SIGKILL/);
  });

  it('setup lines run in the shell, file paths only ever arrive as data', async () => {
    const root = tempRoot();
    const evil = `a b $(touch pwned) \`touch pwned\` "q" 'q' ; touch pwned.evt`;
    writeFileSync(join(root, evil), 'x');
    const s = await fakeServer(
      spec(root, {
        setup: ['export GREETING="hello from setup"', 'cd .'],
        command: [SH, '-c', 'echo "$GREETING" > greet.out; printf "%s" "$1" > arg.out', 'cmd'],
        files: [{ name: evil, path: join(root, evil) }],
        output_patterns: ['%.out'],
      }),
    );
    const r = await runJob(root, s.url);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readFileSync(join(root, 'out', 'greet.out'), 'utf8'), 'hello from setup\n');
    assert.equal(readFileSync(join(root, 'out', 'arg.out'), 'utf8'), join(root, evil));
    assert.ok(!existsSync(join(root, 'pwned')) && !existsSync(join(root, 'work', 'pwned')));
    assert.deepEqual(fileReports(s), [{ name: evil, state: 'consumed' }]);
    assert.deepEqual(outputs(s)[0]?.parents, [evil]);

    // Without setup lines the command is spawned directly, with the same guarantee.
    const root2 = tempRoot();
    writeFileSync(join(root2, evil), 'x');
    const s2 = await fakeServer(
      spec(root2, {
        command: [
          process.execPath,
          '-e',
          'require("fs").writeFileSync("arg.out", process.argv.at(-1))',
        ],
        files: [{ name: evil, path: join(root2, evil) }],
        output_patterns: ['arg.out'],
      }),
    );
    const r2 = await runJob(root2, s2.url);
    assert.equal(r2.code, 0, r2.stderr);
    assert.equal(readFileSync(join(root2, 'out', 'arg.out'), 'utf8'), join(root2, evil));
    assert.ok(!existsSync(join(root2, 'pwned')) && !existsSync(join(root2, 'work', 'pwned')));
  });

  it('output patterns are SQL LIKE: %, _, literal rest, case-sensitive, whole name', async () => {
    const root = tempRoot();
    const names = [
      ['xzy.dat', true],
      ['x_y.dat', true],
      ['xy.dat', false], // _ is exactly one character
      ['xzzy.dat', false],
      ['x_y.datx', false], // whole name
      ['100', true], // % may be empty
      ['100abc', true],
      ['10', false],
      ['Run[1].txt', true], // regex-looking characters are literal
      ['Run1.txt', false],
      ['file.ROOT', true],
      ['file.root', false], // case-sensitive
      ['.hidden', true],
      ['xhidden', false], // . is literal
      ['üé.u', true], // _ = one character, not one byte
      ['üéé.u', false],
      ['a+b.log', true],
      ['ab.log', false],
      ['odd.meta.json', false], // never an output, even if a pattern matches
    ] as const;
    const script = names.map(([n]) => `: > '${n}'`).join('\n') + '\nmkdir 100dir sub; : > sub/100x';
    const s = await fakeServer(
      spec(root, {
        command: [SH, '-c', script, 'g'],
        output_patterns: [
          'x_y.dat',
          '100%',
          'Run[1].txt',
          '%.ROOT',
          '.%',
          'ü_.u',
          'a+b.%',
          '%.json',
        ],
      }),
    );
    const r = await runJob(root, s.url);
    assert.equal(r.code, 0, r.stderr);
    const expected = names.filter(([, ok]) => ok).map(([n]) => n);
    assert.deepEqual(
      outputs(s)
        .map((o) => o.name)
        .sort(),
      [...expected].sort(),
    );
    for (const o of outputs(s)) assert.equal(o.checksum, 'adler32:00000001');
  });

  it('a metadata sidecar that is not a JSON object is reported and ignored', async () => {
    const root = tempRoot();
    const s = await fakeServer(
      spec(root, {
        command: [SH, '-c', 'echo 1 > a.root; echo "[1,2]" > a.root.meta.json', 'g'],
        output_patterns: ['%.root'],
      }),
    );
    const r = await runJob(root, s.url);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(outputs(s)[0]?.metadata, {});
    assert.match(r.stderr, /a\.root\.meta\.json is not a JSON object/);
  });

  it('retries 503 with backoff and then succeeds', async () => {
    const root = tempRoot();
    const s = await fakeServer(spec(root, {}), (r, count) =>
      r.path === '/spec' && count <= 2
        ? { status: 503, body: { error: { code: 'unavailable', message: 'busy' } } }
        : undefined,
    );
    const r = await runJob(root, s.url);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(s.requests.filter((q) => q.path === '/spec').length, 3);
    assert.equal(bodies(s, '/end').length, 1);
  });

  it('gives up on an unreachable server after POMS_JOB_RETRY_S with exit 3', async () => {
    const root = tempRoot();
    const s = await fakeServer({});
    const url = s.url;
    await s.close();
    servers.splice(servers.indexOf(s), 1);
    const started = Date.now();
    const r = await runJob(root, url, { POMS_JOB_RETRY_S: '1' });
    assert.equal(r.code, 3);
    assert.match(r.stderr, /giving up/);
    assert.ok(Date.now() - started < 8000);
  });

  it('a 401 is final: exit 3, the error code is printed, the token never is', async () => {
    const root = tempRoot();
    const s = await fakeServer(spec(root, {}), () => ({
      status: 401,
      body: { error: { code: 'unauthorized', message: `token ${TOKEN} expired` } },
    }));
    const r = await runJob(root, s.url);
    assert.equal(r.code, 3);
    assert.equal(s.requests.length, 1, 'no retry');
    assert.match(r.stderr, /unauthorized/);
    assert.ok(!r.stderr.includes(TOKEN) && !r.stdout.includes(TOKEN));
  });

  it('SIGTERM: forwards to the command, reports the current file cancelled, exits 143', async () => {
    const root = tempRoot();
    const s = await fakeServer(
      spec(root, {
        command: [SH, '-c', 'echo $$ > pid; exec sleep 30', 'cmd'],
        files: [
          { name: 'f1', path: '/data/f1' },
          { name: 'f2', path: '/data/f2' },
        ],
      }),
    );
    const job = startJob(root, s.url);
    const pidFile = join(root, 'work', 'pid');
    const until = Date.now() + 10_000;
    while (!existsSync(pidFile) || readFileSync(pidFile, 'utf8').trim() === '') {
      if (Date.now() > until) throw new Error('command never started');
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const pid = Number(readFileSync(pidFile, 'utf8'));
    job.child.kill('SIGTERM');
    const r = await job.done;
    assert.equal(r.code, 143, r.stderr);
    assert.deepEqual(fileReports(s), [{ name: 'f1', state: 'failed', reason: 'cancelled' }]);
    assert.equal(bodies(s, '/end').length, 1);
    assert.throws(() => process.kill(pid, 0), 'the command was stopped too');
  });

  it('an unusable spec or a missing variable exits 3', async () => {
    const root = tempRoot();
    const s = await fakeServer({ invoke: 'sometimes' });
    const r = await runJob(root, s.url);
    assert.equal(r.code, 3);
    assert.match(r.stderr, /unusable spec/);
    const r2 = await runJob(root, s.url, { POMS_JOB_INDEX: '-1' });
    assert.equal(r2.code, 3);
  });
});
