// The one way the app talks to the server: JSON over /api/v1 with the session cookie, the CSRF
// token on every unsafe request, and the API's error body turned into an ApiError that names the
// code, the message and the field at fault.

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export type Query = Record<string, string | number | boolean | undefined | null>;

/** A page of a list as the API answers it. */
export interface Page<T> {
  items: T[];
  total: number;
  next_cursor?: string | null;
}

let csrfToken: string | undefined;
let actingRole: string | undefined;
let onUnauthorized: (() => void) | undefined;

/** Remembers the session's CSRF token (from login or GET /auth/me). */
export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

/** The role to act as on every request (x-poms-role), or undefined for the caller's own. */
export function setActingRole(role: string | undefined): void {
  actingRole = role;
}

/** Called when the server says the session is gone (401), so the app can show the login page. */
export function setUnauthorizedHandler(handler: (() => void) | undefined): void {
  onUnauthorized = handler;
}

/** `/experiments/demo/campaigns` from segments, each one URL-encoded. */
export function path(...segments: (string | number)[]): string {
  return '/' + segments.map((s) => encodeURIComponent(String(s))).join('/');
}

export function withQuery(url: string, query?: Query): string {
  if (!query) return url;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text === '' ? url : `${url}?${text}`;
}

async function request<T>(method: string, url: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken !== undefined) headers['x-csrf-token'] = csrfToken;
  if (actingRole !== undefined) headers['x-poms-role'] = actingRole;
  const response = await fetch(`/api/v1${url}`, {
    method,
    headers,
    credentials: 'same-origin',
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  let parsed: unknown = undefined;
  if (text !== '') {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
  }
  if (!response.ok) {
    const error = (parsed as { error?: { code?: string; message?: string; field?: string } })
      ?.error;
    if (response.status === 401 && !url.startsWith('/auth/login')) onUnauthorized?.();
    throw new ApiError(
      response.status,
      error?.code ?? `http.${response.status}`,
      error?.message ?? (response.statusText || 'request failed'),
      error?.field,
    );
  }
  return parsed as T;
}

export const api = {
  get: <T>(url: string, query?: Query) => request<T>('GET', withQuery(url, query)),
  post: <T>(url: string, body: unknown = {}) => request<T>('POST', url, body),
  put: <T>(url: string, body: unknown = {}) => request<T>('PUT', url, body),
  delete: <T>(url: string) => request<T>('DELETE', url),
};

/** Every item of a paged list (limit/offset), a page at a time; for short lists only. */
export async function allPages<T>(url: string, query: Query = {}, pageSize = 500): Promise<T[]> {
  const out: T[] = [];
  for (;;) {
    const page = await api.get<Page<T>>(url, { ...query, limit: pageSize, offset: out.length });
    out.push(...page.items);
    if (page.items.length === 0 || out.length >= page.total) return out;
  }
}
