// A small HTTP client for a POMS server's API (/api/v1): JSON in and out, a bearer token, and the
// server's error body (`{"error":{"code","message",…}}`) turned into a RemoteError carrying its
// code, so `poms` prints `poms: error CODE: message` and exits 1 as for local errors. Loads no
// server code.
import { UsageError } from '../output.ts';

/** An error answer of the server (non-2xx), with the server's code. */
export class RemoteError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** `http://host:8080`, `http://host:8080/`, `http://host:8080/api/v1` → `http://host:8080`. */
export function normalizeUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`not a server URL: '${url}' (like http://localhost:8080)`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new UsageError(`a server URL starts with http:// or https://, not '${url}'`);
  }
  const path = parsed.pathname.replace(/\/+$/, '').replace(/\/api\/v1$/, '');
  return `${parsed.origin}${path}`;
}

export type Query = Record<string, string | number | boolean | undefined>;

export interface RequestOptions {
  body?: unknown;
  query?: Query;
  /** Extra headers (the login's cookie and CSRF token). */
  headers?: Record<string, string>;
}

export interface Answer<T> {
  status: number;
  body: T;
  headers: Headers;
}

export class RemoteClient {
  readonly url: string;

  constructor(
    url: string,
    private readonly token?: string,
  ) {
    this.url = normalizeUrl(url);
  }

  /** The body of a 2xx answer; a RemoteError otherwise. */
  async call<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    return (await this.send<T>(method, path, options)).body;
  }

  async send<T>(method: string, path: string, options: RequestOptions = {}): Promise<Answer<T>> {
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (this.token !== undefined) headers.authorization = `Bearer ${this.token}`;
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) search.set(key, String(value));
    }
    const qs = search.size > 0 ? `?${search.toString()}` : '';
    const target = `${this.url}/api/v1${path}${qs}`;
    let response: Response;
    try {
      response = await fetch(target, {
        method,
        headers,
        ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
      });
    } catch (error) {
      throw new UsageError(`cannot reach the server at ${this.url}: ${reasonOf(error)}`);
    }
    const text = await response.text();
    let body: unknown = undefined;
    if (text !== '') {
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
    }
    if (!response.ok) throw errorOf(response.status, body, text, this.url);
    return { status: response.status, body: body as T, headers: response.headers };
  }
}

/** The largest page the server gives (its MAX_PAGE_SIZE). */
export const PAGE_SIZE = 1000;

/**
 * Every item of a paged list route (`{items, total}` with `limit` and `offset`): follows the
 * pages until the total is reached or a page comes back empty (the list shrank meanwhile).
 */
export async function allPages<T>(
  client: RemoteClient,
  path: string,
  query: Query = {},
  pageSize = PAGE_SIZE,
): Promise<T[]> {
  const out: T[] = [];
  for (let offset = 0; ;) {
    const page = await client.call<{ items: T[]; total: number }>('GET', path, {
      query: { ...query, limit: pageSize, offset },
    });
    out.push(...page.items);
    offset += page.items.length;
    if (page.items.length === 0 || offset >= page.total) return out;
  }
}

/** `a/b c` → `a%2Fb%20c`: one path segment. */
export function seg(value: string): string {
  return encodeURIComponent(value);
}

function errorOf(status: number, body: unknown, text: string, url: string): RemoteError {
  const error = (body as { error?: Record<string, unknown> } | undefined)?.error;
  const code = typeof error?.code === 'string' ? error.code : `http.status-${status}`;
  let message =
    typeof error?.message === 'string'
      ? error.message
      : `the server answered ${status}${text ? `: ${text.slice(0, 200)}` : ''}`;
  if (status === 401) message += ` (poms login ${url} to log in again)`;
  return new RemoteError(
    status,
    code,
    message,
    typeof error?.field === 'string' ? error.field : undefined,
    error?.details,
  );
}

function reasonOf(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
  if (typeof cause?.code === 'string') return cause.code;
  if (typeof cause?.message === 'string') return cause.message;
  return error instanceof Error ? error.message : String(error);
}
