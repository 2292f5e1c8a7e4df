// A stand-in Rucio server for tests: a real HTTP server on 127.0.0.1 that answers from the
// hand-written fixtures in __fixtures__ and records every request it gets, so tests can assert
// exactly what the client sent (method, encoded path, headers, JSON body).
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** As received: still percent-encoded. */
  path: string;
  /** Lower-case names, as node gives them. */
  headers: Record<string, string>;
  /** The parsed JSON body; undefined when there was none. */
  body: unknown;
}

export interface FakeAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
  /** Wait this long before answering (timeouts). */
  delayMs?: number;
}

/**
 * Answers per `METHOD /path`; a list is served in turn, its last answer repeated. A key ending in
 * `*` answers every path that starts with the rest, when no exact key does.
 */
export type FakeRoutes = Record<string, FakeAnswer | FakeAnswer[]>;

export interface FakeRucio {
  url: string;
  requests: RecordedRequest[];
  /** Requests other than logins. */
  calls(): RecordedRequest[];
  logins(): RecordedRequest[];
  close(): Promise<void>;
}

const FIXTURES = new URL('./__fixtures__/', import.meta.url);

export function fixture(name: string): string {
  return readFileSync(new URL(name, FIXTURES), 'utf8');
}

export const LOGIN_HEADERS = JSON.parse(fixture('auth-userpass.headers.json')) as Record<
  string,
  string
>;
export const ISSUED_TOKEN = LOGIN_HEADERS['X-Rucio-Auth-Token'] ?? '';

/** The login answer, optionally with another token or expiry. */
export function login(overrides: Record<string, string> = {}): FakeAnswer {
  return { status: 200, headers: { ...LOGIN_HEADERS, ...overrides }, body: '' };
}

/** An answer whose body is a fixture, typed as Rucio types it. */
export function answer(status: number, fixtureName: string): FakeAnswer {
  const contentType = fixtureName.endsWith('.jsonl')
    ? 'application/x-json-stream'
    : status >= 400
      ? 'application/octet-stream'
      : 'application/json';
  return { status, headers: { 'Content-Type': contentType }, body: fixture(fixtureName) };
}

export const CREATED: FakeAnswer = { status: 201, body: 'Created' };

export async function startFakeRucio(routes: FakeRoutes): Promise<FakeRucio> {
  const requests: RecordedRequest[] = [];
  const served = new Map<string, number>();
  const server = createServer((req, res) => {
    void readBody(req).then(async (text) => {
      const method = req.method ?? '';
      const path = req.url ?? '';
      requests.push({
        method,
        path,
        headers: flatHeaders(req),
        body: text ? parse(text) : undefined,
      });
      const exact = `${method} ${path}`;
      const key =
        routes[exact] !== undefined
          ? exact
          : (Object.keys(routes).find((k) => k.endsWith('*') && exact.startsWith(k.slice(0, -1))) ??
            exact);
      const route = routes[key];
      const turn = served.get(key) ?? 0;
      served.set(key, turn + 1);
      const list = route === undefined ? [] : Array.isArray(route) ? route : [route];
      const reply = list[Math.min(turn, list.length - 1)] ?? {
        status: 404,
        headers: { 'Content-Type': 'application/octet-stream' },
        body: JSON.stringify({ ExceptionClass: 'NotFound', ExceptionMessage: `no route ${key}` }),
      };
      if (reply.delayMs !== undefined) await new Promise((r) => setTimeout(r, reply.delayMs));
      if (res.destroyed) return;
      res.writeHead(reply.status, reply.headers ?? {});
      res.end(reply.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    calls: () => requests.filter((r) => r.path !== '/auth/userpass'),
    logins: () => requests.filter((r) => r.path === '/auth/userpass'),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function flatHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
