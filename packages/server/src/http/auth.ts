// Authentication of API requests, and the /auth routes. A request proves who it is by
//   - an API token: `Authorization: Bearer poms_…` (scoped, maybe to one experiment);
//   - a session cookie `poms_session` from POST /auth/login, with the CSRF token in the
//     `x-csrf-token` header on every unsafe request (cookies are sent by browsers on their own);
//   - or, behind a trusted single-sign-on proxy, the proxy's user header — believed only from the
//     proxy addresses configured (POMS behind Shibboleth).
// Every /api/v1 route but health, login and the job endpoints (which have their own tokens)
// answers 401 without one of these.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ROLES, Role as RoleSchema, type Role } from '@poms/core';
import { InvalidArgumentError, NotFoundError } from '../ports/errors.ts';
import type { UserRecord } from '../ports/identity.ts';
import type { Store } from '../ports/store.ts';
import { TOKEN_SCOPES, actingAs, requireTokenWithin, type Caller } from '../services/access.ts';
import type { AuthService } from '../services/auth/auth-service.ts';
import { csrfTokenFor } from '../services/auth/secrets.ts';
import { containsText, pageOf } from '../services/operations/paging.ts';
import { callerOf, setCaller } from './caller.ts';
import { PageQuery, offsetPage } from './api/schemas.ts';
import type { RouteRegistry } from './route.ts';

export const SESSION_COOKIE = 'poms_session';
export const CSRF_HEADER = 'x-csrf-token';
/** The role to act as, no stronger than the caller's own (POMS: one role at a time). */
export const ROLE_HEADER = 'x-poms-role';

export interface AuthOptions {
  /** Addresses of reverse proxies whose user header is believed (single sign-on). */
  trustedProxies?: readonly string[];
  /** The header a trusted proxy names the user in. Default `x-remote-user`. */
  proxyUserHeader?: string;
}

class CsrfError extends Error {
  readonly code = 'auth.csrf';
  constructor() {
    super(
      `a request with the session cookie must send its CSRF token in the ${CSRF_HEADER} header`,
    );
  }
}

/** Paths that answer without credentials (or check their own). */
function isOpen(url: string): boolean {
  const path = url.split('?')[0] ?? '';
  return (
    path === '/api/v1/health' || path === '/api/v1/auth/login' || path.startsWith('/api/v1/jobs/')
  );
}

export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return undefined;
}

function sessionCookie(secret: string, request: FastifyRequest, maxAgeS?: number): string {
  return [
    `${SESSION_COOKIE}=${secret}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Strict',
    ...(request.protocol === 'https' ? ['Secure'] : []),
    ...(maxAgeS === undefined ? [] : [`Max-Age=${maxAgeS}`]),
  ].join('; ');
}

async function callerFor(
  store: Store,
  request: FastifyRequest,
  user: UserRecord,
  via: Caller['via'],
  token?: { scopes: readonly string[]; experiment: string | null },
): Promise<Caller> {
  const memberships = await store.identity.memberships(user.id);
  const caller: Caller = {
    username: user.username,
    root: user.is_root,
    roles: new Map<string, Role>(memberships.map((m) => [m.experiment, m.role])),
    via,
    ...(token === undefined
      ? {}
      : {
          scopes: token.scopes,
          ...(token.experiment === null ? {} : { experiment: token.experiment }),
        }),
  };
  const asked = request.headers[ROLE_HEADER];
  if (asked === undefined) return caller;
  const role = RoleSchema.safeParse(asked);
  if (!role.success) {
    throw new InvalidArgumentError(`header.${ROLE_HEADER}`, `must be one of ${ROLES.join(', ')}`);
  }
  const experiments = user.is_root ? (await store.experiments.list()).map((e) => e.name) : [];
  return actingAs(caller, role.data, experiments);
}

/** Sets the caller of every request that carries valid credentials. */
export function authenticateRequests(
  app: FastifyInstance,
  store: Store,
  auth: AuthService,
  options: AuthOptions = {},
): void {
  const proxies = new Set(options.trustedProxies ?? []);
  const proxyHeader = (options.proxyUserHeader ?? 'x-remote-user').toLowerCase();
  app.addHook('onRequest', async (request) => {
    if (!request.url.startsWith('/api/v1/') || isOpen(request.url)) return;
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1];
    if (bearer !== undefined) {
      const found = await auth.authenticateToken(bearer);
      if (found)
        setCaller(request, await callerFor(store, request, found.user, 'token', found.token));
      return;
    }
    const secret = cookieValue(request.headers.cookie, SESSION_COOKIE);
    if (secret !== undefined) {
      const found = await auth.authenticateSession(secret);
      if (!found) return;
      const unsafe = !['GET', 'HEAD', 'OPTIONS'].includes(request.method);
      const csrf = request.headers[CSRF_HEADER];
      if (unsafe && (typeof csrf !== 'string' || !auth.checkCsrf(found.session, csrf))) {
        throw new CsrfError();
      }
      setCaller(request, await callerFor(store, request, found.user, 'session'));
      return;
    }
    const proxied = request.headers[proxyHeader];
    if (typeof proxied === 'string' && proxies.has(request.socket.remoteAddress ?? '')) {
      try {
        const user = await store.identity.getUser(proxied.trim());
        if (user.active) setCaller(request, await callerFor(store, request, user, 'proxy'));
      } catch (error) {
        if (!(error instanceof NotFoundError)) throw error;
      }
    }
  });
}

const Me = z.object({
  username: z.string(),
  display_name: z.string(),
  root: z.boolean(),
  via: z.string(),
  must_change_password: z.boolean(),
  memberships: z.array(z.object({ experiment: z.string(), role: z.string() })),
  scopes: z.array(z.string()).optional(),
  experiment: z.string().optional(),
  acting_role: z
    .string()
    .optional()
    .describe('the role chosen with the x-poms-role header; permissions are checked with it'),
  csrf: z
    .string()
    .optional()
    .describe("the session's CSRF token (session cookies only), for a reloaded page"),
});

const TokenRecord = z.object({
  id: z.string(),
  name: z.string(),
  scopes: z.array(z.string()).readonly(),
  experiment: z.string().nullable(),
  created_at: z.string(),
  expires_at: z.string().nullable(),
  last_used_at: z.string().nullable(),
});

function tokenView(t: z.input<typeof TokenRecord>) {
  return {
    id: t.id,
    name: t.name,
    scopes: [...t.scopes],
    experiment: t.experiment,
    created_at: t.created_at,
    expires_at: t.expires_at,
    last_used_at: t.last_used_at,
  };
}

export function authRoutes(
  app: FastifyInstance,
  routes: RouteRegistry,
  store: Store,
  auth: AuthService,
): void {
  const me = async (request: FastifyRequest) => {
    const caller = callerOf(request);
    const user = await store.identity.getUser(caller.username);
    const secret = cookieValue(request.headers.cookie, SESSION_COOKIE);
    // The memberships as granted; acting_role says how the caller chose to act.
    const memberships = await store.identity.memberships(user.id);
    return {
      username: user.username,
      display_name: user.display_name,
      root: user.is_root,
      via: caller.via,
      must_change_password: user.must_change_password,
      memberships: memberships.map((m) => ({ experiment: m.experiment, role: m.role })),
      ...(caller.actingRole === undefined ? {} : { acting_role: caller.actingRole }),
      ...(caller.scopes === undefined ? {} : { scopes: [...caller.scopes] }),
      ...(caller.experiment === undefined ? {} : { experiment: caller.experiment }),
      ...(caller.via === 'session' && secret !== undefined ? { csrf: csrfTokenFor(secret) } : {}),
    };
  };
  const currentUser = (request: FastifyRequest) =>
    store.identity.getUser(callerOf(request).username);

  routes.add(app, {
    method: 'POST',
    url: '/auth/login',
    tag: 'auth',
    summary: 'Log in: sets the session cookie and returns the CSRF token for unsafe requests',
    auth: false,
    body: z.strictObject({
      username: z.string().min(1).max(64),
      password: z.string().min(1).max(1024),
    }),
    response: z.object({
      csrf: z.string(),
      username: z.string(),
      must_change_password: z.boolean(),
    }),
    handler: async ({ body, request, reply }) => {
      const opened = await auth.login(body.username, body.password, {
        address: request.socket.remoteAddress,
      });
      void reply.header('set-cookie', sessionCookie(opened.secret, request));
      return {
        csrf: opened.csrf,
        username: opened.user.username,
        must_change_password: opened.user.must_change_password,
      };
    },
  });

  routes.add(app, {
    method: 'POST',
    url: '/auth/logout',
    tag: 'auth',
    changes: false,
    summary: 'End the session',
    response: z.object({ ok: z.boolean() }),
    handler: async ({ request, reply }) => {
      callerOf(request);
      const secret = cookieValue(request.headers.cookie, SESSION_COOKIE);
      const ended = secret === undefined ? false : await auth.logout(secret);
      void reply.header('set-cookie', sessionCookie('', request, 0));
      return { ok: ended };
    },
  });

  routes.add(app, {
    method: 'GET',
    url: '/auth/me',
    tag: 'auth',
    summary: 'Who the credentials belong to, and their roles',
    response: Me,
    handler: ({ request }) => me(request),
  });

  routes.add(app, {
    method: 'POST',
    url: '/auth/password',
    tag: 'auth',
    summary: "Change the caller's password (at least 12 characters); ends their other sessions",
    body: z.strictObject({ current: z.string().max(1024), next: z.string().max(1024) }),
    response: z.object({ ok: z.literal(true) }),
    handler: async ({ body, request }) => {
      const user = await currentUser(request);
      const secret = cookieValue(request.headers.cookie, SESSION_COOKIE);
      const session = secret === undefined ? undefined : await auth.authenticateSession(secret);
      await auth.changePassword(user, body.current, body.next, session?.session);
      return { ok: true as const };
    },
  });

  routes.add(app, {
    method: 'POST',
    url: '/auth/tokens',
    tag: 'auth',
    summary: 'Create a personal API token; its secret is shown in this answer only',
    body: z.strictObject({
      name: z.string().min(1).max(100),
      scopes: z.array(z.enum(TOKEN_SCOPES)).min(1),
      experiment: z.string().min(1).max(64).optional(),
      expires_in_days: z.number().int().min(1).max(3650).optional(),
    }),
    response: z.object({ token: TokenRecord, secret: z.string() }),
    status: 201,
    handler: async ({ body, request }) => {
      const user = await currentUser(request);
      const caller = callerOf(request);
      const experiment = body.experiment ?? caller.experiment;
      requireTokenWithin(caller, body.scopes, experiment);
      const created = await auth.createApiToken(user, {
        name: body.name,
        scopes: body.scopes,
        experiment,
        expiresInDays: body.expires_in_days,
      });
      return { token: tokenView(created.token), secret: created.secret };
    },
  });

  routes.add(app, {
    method: 'GET',
    url: '/auth/tokens',
    tag: 'auth',
    summary: "The caller's tokens (never their secrets), newest first, a page at a time",
    query: PageQuery.extend({
      q: z.string().min(1).max(200).optional().describe('part of the name, any case'),
    }),
    response: offsetPage(TokenRecord),
    handler: async ({ query, request }) => {
      const user = await currentUser(request);
      const { q } = query;
      const tokens = (await store.identity.listTokens(user.id))
        .filter((t) => q === undefined || containsText(t.name, q))
        .map(tokenView);
      return pageOf(tokens, query);
    },
  });

  routes.add(app, {
    method: 'DELETE',
    url: '/auth/tokens/:id',
    tag: 'auth',
    changes: false,
    summary: 'Revoke one of the caller’s tokens',
    params: z.strictObject({ id: z.string().min(1).max(64) }),
    response: z.object({ revoked: z.boolean() }),
    handler: async ({ params, request }) => {
      const user = await currentUser(request);
      return { revoked: await auth.revokeToken(user, params.id as never) };
    },
  });
}
