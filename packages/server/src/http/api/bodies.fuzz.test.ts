// Bad bodies on every declared route that takes one: random JSON (fast-check), the route's own
// keys with values of every wrong type, hostile strings, text that is not JSON, bytes that are
// not UTF-8, 10^5-deep nesting, a 10^5-element array and a 10 MiB body. Never a 5xx; every
// refusal is a JSON error with a code; and a refused request writes nothing: the store, watched
// from a second connection, has no commit in between (SQLite's data_version) and the same row
// counts. Routes get real parameters (a real campaign, stage and submission of the demo).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { z } from 'zod';
import { startServer, type RunningServer } from '../../main.ts';
import type { RouteSpec } from '../route.ts';
import { COUNTED } from '../../backup.ts';
import { apiCaller } from './api-testing.ts';

const ADMIN_PASSWORD = 'the body fuzz admin password';
const MAIN_TABLES = COUNTED;

const HOSTILE_STRINGS = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "' or '1'='1",
  '"; drop table files; --',
  '$(touch /tmp/pwned)',
  '`id`',
  '../../../etc/passwd',
  '..%2f..%2fetc%2fpasswd',
  'a\u0000b',
  'line\nbreak\r\n',
  '\ud800',
  '\u202e',
  '%(experiment)s',
  '',
  ' ',
  'x'.repeat(70_000),
];
const hostileString = fc.oneof(
  fc.constantFrom(...HOSTILE_STRINGS),
  fc.string({ unit: 'binary', maxLength: 30 }),
);
const wrongValue = fc.oneof(
  hostileString,
  fc.constantFrom(null, true, false, 0, -1, 1e308, -0, 2 ** 53 + 1, 0.5, [], {}, [null], {
    __proto__: 1,
  }),
  fc.jsonValue({ maxDepth: 3 }),
);

interface Failure {
  request: string;
  problem: string;
}

describe('API bodies: bad input is refused cleanly and writes nothing', () => {
  let server: RunningServer;
  let db: Database.Database;
  let session = { cookie: '', csrf: '' };
  const dataDir = mkdtempSync(join(tmpdir(), 'poms-bodies-'));
  const call = apiCaller(() => server.url);
  const values: Record<string, string> = {
    experiment: 'demo',
    campaign: 'toy_z_chain',
    stage: 'generate',
    index: '0',
    name: 'fuzz_file.root',
    // Not the admin whose token sends the requests: an accepted body must not lock it out.
    username: 'viewer',
    signature: 'x0',
  };
  let routes: RouteSpec[] = [];
  const failures: Failure[] = [];
  let sent = 0;
  let refused = 0;
  let baseline = { version: -1, counts: '', digest: '' };

  before(async () => {
    server = await startServer({
      dataDir,
      port: 0,
      adminPassword: ADMIN_PASSWORD,
      // Nothing runs in the background: every commit the store sees comes from a request.
      execute: false,
    });
    // A session, not a token: a token's use is written on every request, a session's once a
    // minute, so between two requests the store sees only what the body wrote.
    const login = await call('POST', '/auth/login', {
      body: { username: 'admin', password: ADMIN_PASSWORD },
    });
    assert.equal(login.status, 200);
    session = { cookie: login.setCookie.split(';')[0] ?? '', csrf: String(login.body.csrf) };
    const { hashPassword } = await import('../../services/auth/passwords.ts');
    await server.store.identity.createUser({
      username: 'viewer',
      displayName: 'viewer',
      passwordHash: await hashPassword('a long enough password for tests'),
    });
    await server.store.catalog.declareFiles('demo', [{ name: values.name!, size: 1 }]);
    const launched = await server.execution.launches.launch({
      experiment: 'demo',
      campaign: 'toy_z_chain',
      stage: 'generate',
      launcher: 'admin',
      reason: 'body fuzz',
    });
    assert.equal(launched.kind, 'launched');
    if (launched.kind === 'launched') values.id = launched.submission.id;
    routes = server.app.routes.routes.filter((r) => r.body !== undefined);
    db = new Database(join(dataDir, 'poms.sqlite'), { readonly: true, fileMustExist: true });
    baseline = snapshot();
  });
  after(async () => {
    db.close();
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /**
   * What the store holds, seen from a second connection: the row counts of the main tables, and
   * a digest of every table's rows, computed only when SQLite's data_version says something was
   * committed. A session's sliding expiry (written once a minute) is left out: it is not what a
   * body writes.
   */
  function snapshot(): { version: number; counts: string; digest: string } {
    const counts = MAIN_TABLES.map((table) => `${table}=${String(countOf(table))}`).join(' ');
    const version = db.pragma('data_version', { simple: true }) as number;
    return { version, counts, digest: version === baseline.version ? baseline.digest : digest() };
  }

  function digest(): string {
    const hash = createHash('sha256');
    for (const [table, rows] of tableReaders()) {
      const all = rows.all() as Record<string, unknown>[];
      for (const row of all) {
        if (table === 'api_tokens') delete row.last_used_at;
        if (table === 'sessions') {
          delete row.last_seen_at;
          delete row.expires_at;
        }
      }
      hash.update(`${table}\n${JSON.stringify(all)}\n`);
    }
    return hash.digest('hex');
  }

  const counters = new Map<string, Database.Statement>();
  function countOf(table: string): unknown {
    let statement = counters.get(table);
    if (!statement) {
      statement = db.prepare(`select count(*) from ${table}`).pluck();
      counters.set(table, statement);
    }
    return statement.get();
  }

  let readers: [string, Database.Statement][] | undefined;
  function tableReaders(): [string, Database.Statement][] {
    readers ??= (
      db
        .prepare(
          `select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name`,
        )
        .pluck()
        .all() as string[]
    ).map((table) => [table, db.prepare(`select * from "${table}"`)]);
    return readers;
  }

  const pathOf = (url: string) =>
    `/api/v1${url.replace(/:([a-z_]+)/gi, (_, name: string) => encodeURIComponent(values[name] ?? 'x'))}`;

  /** Sends one body as raw bytes and checks the answer and the store. */
  async function send(route: RouteSpec, body: string | Buffer, label: string): Promise<void> {
    const response = await fetch(`${server.url}${pathOf(route.url)}`, {
      method: route.method,
      headers: {
        cookie: session.cookie,
        'x-csrf-token': session.csrf,
        'content-type': 'application/json',
      },
      body,
    });
    const text = await response.text();
    sent++;
    const request = `${route.method} ${route.url} ${label}`;
    const fail = (problem: string): void => {
      failures.push({ request, problem });
    };
    if (response.status >= 500) return fail(`${response.status} ${text.slice(0, 300)}`);
    if (response.status < 400) {
      // Accepted: the body fit the route (an empty hold reason, a launch with no options).
      baseline = snapshot();
      return;
    }
    refused++;
    let error: { code?: unknown; message?: unknown } | undefined;
    try {
      error = (JSON.parse(text) as { error?: typeof error }).error;
    } catch {
      return fail(`${response.status} not JSON: ${text.slice(0, 200)}`);
    }
    if (typeof error?.code !== 'string' || !/^[a-z]+(\.[a-z0-9-]+)+$/.test(error.code)) {
      return fail(`${response.status} without an error code: ${text.slice(0, 200)}`);
    }
    if (typeof error.message !== 'string' || error.message === '') {
      return fail(`${response.status} ${error.code} without a message`);
    }
    const now = snapshot();
    if (now.digest !== baseline.digest || now.counts !== baseline.counts) {
      fail(`refused with ${error.code} but wrote: ${baseline.counts} → ${now.counts}`);
    }
    baseline = now;
  }

  /** For properties: a failure is thrown, so fast-check shrinks the body that caused it. */
  async function sendOrThrow(route: RouteSpec, body: string, label: string): Promise<void> {
    const before = failures.length;
    await send(route, body, label);
    const failure = failures[before];
    if (failure) {
      failures.length = before;
      throw new Error(`${failure.request}: ${failure.problem}`);
    }
  }

  const describeBody = (body: unknown) => JSON.stringify(body)?.slice(0, 120) ?? String(body);

  it('finds the routes that take a body, and sees what an accepted one writes', async () => {
    assert.ok(routes.length >= 25, `${routes.length} routes`);
    assert.ok(values.id);
    // The watch on the store is not blind: a body that fits changes the digest.
    const before = snapshot();
    const hold = routes.find(
      (r) => r.method === 'PUT' && r.url === '/experiments/:experiment/hold',
    );
    assert.ok(hold);
    await send(hold, JSON.stringify({ reason: 'body fuzz' }), 'a valid hold');
    assert.notEqual(baseline.digest, before.digest);
    assert.deepEqual(failures, []);
  });

  it('refuses random JSON values', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: routes.length - 1 }),
        fc.oneof(
          fc.jsonValue({ maxDepth: 4 }),
          fc.dictionary(hostileString, wrongValue, { maxKeys: 4 }),
        ),
        async (index, body) => {
          await sendOrThrow(routes[index]!, JSON.stringify(body), describeBody(body));
        },
      ),
      { numRuns: 150 },
    );
    assert.deepEqual(failures, []);
  });

  it("refuses the route's own keys with values of the wrong type", async () => {
    const keyed = routes.flatMap((route) => {
      const schema = z.toJSONSchema(route.body as z.ZodType, {
        io: 'input',
        unrepresentable: 'any',
      }) as { properties?: Record<string, unknown> };
      const keys = Object.keys(schema.properties ?? {});
      return keys.length > 0 ? [{ route, keys }] : [];
    });
    assert.ok(keyed.length >= 20);
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: keyed.length - 1 }).chain((index) =>
          fc.tuple(
            fc.constant(index),
            fc.record(Object.fromEntries(keyed[index]!.keys.map((k) => [k, wrongValue])), {
              requiredKeys: [],
              noNullPrototype: true,
            }),
          ),
        ),
        async ([index, body]) => {
          await sendOrThrow(keyed[index]!.route, JSON.stringify(body), describeBody(body));
        },
      ),
      { numRuns: 200 },
    );
    assert.deepEqual(failures, []);
  });

  it('refuses what is not JSON, not UTF-8, too deep, too long or too big', async () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const deepObject = `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`;
    const huge = JSON.stringify({ text: 'x'.repeat(10 * 1024 * 1024), name: 'x', files: [] });
    const raw: [string, string | Buffer][] = [
      ['not JSON', '{"name": '],
      ['not JSON either', "{'name': 'x'}"],
      ['empty', ''],
      ['a bare string', '"x"'],
      [
        'invalid UTF-8',
        Buffer.from([0x7b, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc0, 0x22, 0x7d]),
      ],
      ['a lone surrogate escape', '{"name": "\\ud800", "text": "\\udfff"}'],
      ['__proto__ keys', '{"__proto__": {"admin": true}, "constructor": {"prototype": {}}}'],
    ];
    for (const route of routes) {
      for (const [label, body] of raw) await send(route, body, label);
    }
    // The costly ones on the routes that take text, lists or any value, and on login: 10 MiB is
    // under the 20 MiB body limit, so the routes' own limits must refuse it.
    const big: [string, string][] = [
      ['10^5-deep array', deep],
      ['10^5-deep object', deepObject],
      [
        '10^5-element array',
        JSON.stringify({ files: Array.from({ length: 100_000 }, (_, i) => i) }),
      ],
      ['10 MiB body', huge],
      // Deep in the campaign text, not the JSON: refused before the YAML parser (file.too-deep).
      [
        'campaign text nested 10^5 deep',
        JSON.stringify({
          name: 'deep',
          template: 'x',
          text: `campaign: deep\nx: ${'['.repeat(100_000)}`,
        }),
      ],
    ];
    const heavy = routes.filter((r) =>
      /(\/campaigns|\/files|\/templates|snapshots|split|login|\/users|notifications)$/.test(r.url),
    );
    assert.ok(heavy.length >= 8, heavy.map((r) => r.url).join(' '));
    for (const route of heavy) {
      for (const [label, body] of big) await send(route, body, label);
    }
    assert.deepEqual(failures, []);
    assert.ok(refused > 0.9 * sent, `${refused} of ${sent} refused`);
    console.log(`${sent} bodies sent to ${routes.length} routes, ${refused} refused`);
  });
});
