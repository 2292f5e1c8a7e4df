// For the API's tests: one HTTP call over real fetch, with a token, a session cookie and its
// CSRF token as asked, and the answer's JSON (a list answer in `list`: a bare array, or the
// `items` of a page `{items, total}`).
export interface Answer {
  status: number;
  body: Record<string, unknown>;
  list: Record<string, unknown>[];
  headers: Headers;
  setCookie: string;
}

export interface CallOptions {
  body?: unknown;
  token?: string;
  cookie?: string;
  csrf?: string;
}

export function apiCaller(baseUrl: () => string) {
  return async (method: string, path: string, options: CallOptions = {}): Promise<Answer> => {
    const headers: Record<string, string> = {};
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.cookie) headers.cookie = options.cookie;
    if (options.csrf) headers['x-csrf-token'] = options.csrf;
    const response = await fetch(`${baseUrl()}/api/v1${path}`, {
      method,
      headers,
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    });
    const text = await response.text();
    let parsed: unknown = {};
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = { text };
    }
    return {
      status: response.status,
      body: (Array.isArray(parsed) ? {} : parsed) as Record<string, unknown>,
      list: (Array.isArray(parsed) ? parsed : itemsOf(parsed)) as Record<string, unknown>[],
      headers: response.headers,
      setCookie: response.headers.get('set-cookie') ?? '',
    };
  };
}

/** An API token of a person, made the way a person does: log in, then ask for a token. */
export async function apiToken(
  call: ReturnType<typeof apiCaller>,
  username: string,
  password: string,
  options: { name?: string; scopes?: string[] } = {},
): Promise<string> {
  const login = await call('POST', '/auth/login', { body: { username, password } });
  if (login.status !== 200) throw new Error(`login of ${username}: ${JSON.stringify(login.body)}`);
  const made = await call('POST', '/auth/tokens', {
    cookie: login.setCookie.split(';')[0] ?? '',
    csrf: String(login.body.csrf),
    body: { name: options.name ?? 'test', scopes: options.scopes ?? ['write'] },
  });
  if (made.status !== 201) throw new Error(`token of ${username}: ${JSON.stringify(made.body)}`);
  return String(made.body.secret);
}

function itemsOf(parsed: unknown): unknown[] {
  const items = (parsed as { items?: unknown } | null)?.items;
  return Array.isArray(items) ? items : [];
}

/** The code of an error answer. */
export function errorCode(answer: Answer): string | undefined {
  return (answer.body.error as { code?: string } | undefined)?.code;
}
