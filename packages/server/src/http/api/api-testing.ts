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

function itemsOf(parsed: unknown): unknown[] {
  const items = (parsed as { items?: unknown } | null)?.items;
  return Array.isArray(items) ? items : [];
}

/** The code of an error answer. */
export function errorCode(answer: Answer): string | undefined {
  return (answer.body.error as { code?: string } | undefined)?.code;
}
