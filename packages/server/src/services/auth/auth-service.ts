/**
 * Who is calling: password logins that open sessions (cookie secret + CSRF token), and API tokens.
 * No HTTP here; the API maps AuthError codes to responses. Secrets are returned once and only
 * their SHA-256 is stored. What a user may do (roles) is decided elsewhere, per request.
 */
import type { Clock, TokenId } from '@poms/core';
import { InvalidArgumentError, NotFoundError } from '../../ports/errors.ts';
import type { ApiTokenRecord, SessionRecord, UserRecord } from '../../ports/identity.ts';
import type { Store } from '../../ports/store.ts';
import { bootstrapAdmin, type BootstrapOptions, type BootstrappedAdmin } from './bootstrap.ts';
import { invalidCredentials } from './errors.ts';
import { dummyHash, hashPassword, verifyPassword } from './passwords.ts';
import { LoginRateLimiter } from './rate-limiter.ts';
import { csrfTokenFor, looksLikeSecret, matchesHash, newSecret, sha256Hex } from './secrets.ts';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

export interface AuthServiceOptions {
  readonly store: Store;
  readonly clock: Clock;
  /** Default: 5 failures per 15 minutes per username and per address, on `clock`. */
  readonly limiter?: LoginRateLimiter | undefined;
  /** A session ends after this long without use. Default 12 hours. */
  readonly sessionIdleMs?: number | undefined;
  /** …and this long after login in any case. Default 7 days. */
  readonly sessionMaxMs?: number | undefined;
}

export interface LoginContext {
  /** The client's address, for the rate limiter. */
  readonly address?: string | undefined;
}

export interface OpenedSession {
  readonly session: SessionRecord;
  readonly user: UserRecord;
  /** The cookie value. Shown once; never log it. */
  readonly secret: string;
  /** The CSRF token the client echoes in a header on unsafe requests. */
  readonly csrf: string;
}

export interface Authenticated {
  readonly user: UserRecord;
  readonly session: SessionRecord;
}

export interface NewTokenRequest {
  readonly name: string;
  readonly scopes: readonly string[];
  /** Restricts the token to one experiment. */
  readonly experiment?: string | undefined;
  /** Whole days, 1–3650; absent: never expires (until revoked). */
  readonly expiresInDays?: number | undefined;
}

export interface CreatedToken {
  readonly token: ApiTokenRecord;
  /** Shown once; never log it. */
  readonly secret: string;
}

export class AuthService {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #limiter: LoginRateLimiter;
  readonly #idleMs: number;
  readonly #maxMs: number;

  constructor(options: AuthServiceOptions) {
    this.#store = options.store;
    this.#clock = options.clock;
    this.#limiter = options.limiter ?? new LoginRateLimiter({ clock: options.clock });
    this.#idleMs = options.sessionIdleMs ?? 12 * 60 * MINUTE;
    this.#maxMs = options.sessionMaxMs ?? 7 * DAY;
  }

  bootstrapAdmin(options?: BootstrapOptions): Promise<BootstrappedAdmin | undefined> {
    return bootstrapAdmin(this.#store, options);
  }

  /**
   * @throws AuthError auth.invalid-credentials (unknown user, wrong password, inactive user,
   *   SSO-only user: one error for all), auth.rate-limited
   */
  async login(
    username: string,
    password: string,
    context: LoginContext = {},
  ): Promise<OpenedSession> {
    const name = typeof username === 'string' ? username.trim().toLowerCase() : '';
    const attempt = { username: name, address: context.address };
    this.#limiter.check(attempt);
    const user = await this.#findUser(name);
    const stored = user ? await this.#store.identity.passwordHash(name) : undefined;
    // Always one scrypt, so a response's timing does not tell whether the user exists.
    const ok = await verifyPassword(password, stored ?? (await dummyHash()));
    if (!ok || stored === undefined || user === undefined || !user.active) {
      this.#limiter.failed(attempt);
      throw invalidCredentials();
    }
    this.#limiter.succeeded(attempt);
    const secret = newSecret();
    const csrf = csrfTokenFor(secret);
    const session = await this.#store.identity.createSession({
      userId: user.id,
      tokenHash: sha256Hex(secret),
      csrfHash: sha256Hex(csrf),
      expiresAt: this.#expiry(this.#clock.now().getTime()),
    });
    return { session, user, secret, csrf };
  }

  async #findUser(username: string): Promise<UserRecord | undefined> {
    try {
      return await this.#store.identity.getUser(username);
    } catch (err) {
      if (err instanceof NotFoundError) return undefined;
      throw err;
    }
  }

  #expiry(createdMs: number): string {
    const now = this.#clock.now().getTime();
    return new Date(Math.min(now + this.#idleMs, createdMs + this.#maxMs)).toISOString();
  }

  /** The live session of a cookie secret and its (active) user; undefined otherwise. */
  async authenticateSession(secret: string): Promise<Authenticated | undefined> {
    if (!looksLikeSecret(secret)) return undefined;
    const session = await this.#store.identity.sessionByHash(sha256Hex(secret));
    if (session === undefined) return undefined;
    const user = await this.#store.identity.getUserById(session.user_id);
    if (!user.active) return undefined;
    // Sliding expiry, written at most once a minute rather than on every request.
    const now = this.#clock.now().getTime();
    if (now - Date.parse(session.last_seen_at) >= MINUTE) {
      const expiresAt = this.#expiry(Date.parse(session.created_at));
      await this.#store.identity.touch(session.id, expiresAt);
      return {
        user,
        session: { ...session, last_seen_at: new Date(now).toISOString(), expires_at: expiresAt },
      };
    }
    return { user, session };
  }

  /** Whether the CSRF token a client sent belongs to its session (constant time). */
  checkCsrf(session: SessionRecord, csrf: string): boolean {
    return looksLikeSecret(csrf) && matchesHash(csrf, session.csrf_hash);
  }

  /** Ends the session of a cookie secret; false if there was none. */
  async logout(secret: string): Promise<boolean> {
    if (!looksLikeSecret(secret)) return false;
    const session = await this.#store.identity.sessionByHash(sha256Hex(secret));
    return session ? this.#store.identity.deleteSession(session.id) : false;
  }

  /**
   * Replaces a user's password after checking the current one, clears must_change_password and
   * ends the user's sessions but `keepSession` (the caller's own).
   * @throws AuthError auth.invalid-credentials, auth.weak-password
   */
  async changePassword(
    user: UserRecord,
    current: string,
    next: string,
    keepSession?: SessionRecord,
  ): Promise<UserRecord> {
    const stored = await this.#store.identity.passwordHash(user.username);
    if (stored === undefined || !(await verifyPassword(current, stored))) {
      throw invalidCredentials();
    }
    const hash = await hashPassword(next);
    return this.#store.transaction(async (tx) => {
      const updated = await tx.identity.setPassword(user.id, hash, false);
      await tx.identity.deleteUserSessions(user.id, keepSession?.id);
      await tx.audit.record({
        actor: user.username,
        action: 'user.password',
        objectType: 'user',
        objectId: user.id,
        summary: `${user.username} changed their password`,
      });
      return updated;
    });
  }

  /**
   * Creates an API token for `user`; the secret is in the result only.
   * @throws InvalidArgumentError (name, scopes, expiry), NotFoundError (experiment)
   */
  async createApiToken(user: UserRecord, request: NewTokenRequest): Promise<CreatedToken> {
    const days = request.expiresInDays;
    if (days !== undefined && (!Number.isInteger(days) || days < 1 || days > 3650)) {
      throw new InvalidArgumentError('expiresInDays', 'must be a whole number of days, 1 to 3650');
    }
    const secret = newSecret();
    const expiresAt =
      days === undefined ? null : new Date(this.#clock.now().getTime() + days * DAY).toISOString();
    const token = await this.#store.transaction(async (tx) => {
      const created = await tx.identity.createToken({
        userId: user.id,
        name: request.name,
        tokenHash: sha256Hex(secret),
        scopes: request.scopes,
        experiment: request.experiment ?? null,
        expiresAt,
      });
      // What the token may do, never its secret or hash.
      await tx.audit.record({
        actor: user.username,
        experiment: created.experiment,
        action: 'token.create',
        objectType: 'token',
        objectId: created.id,
        summary: `${user.username} created API token '${created.name}' (${created.scopes.join(', ')}${created.experiment ? `, ${created.experiment} only` : ''}${expiresAt ? `, expires ${expiresAt}` : ''})`,
        after: {
          name: created.name,
          scopes: created.scopes,
          experiment: created.experiment,
          expires_at: expiresAt,
        },
      });
      return created;
    });
    return { token, secret };
  }

  /** The usable token of a secret and its (active) user; undefined otherwise. */
  async authenticateToken(
    secret: string,
  ): Promise<{ user: UserRecord; token: ApiTokenRecord } | undefined> {
    if (!looksLikeSecret(secret)) return undefined;
    const token = await this.#store.identity.tokenByHash(sha256Hex(secret));
    if (token === undefined) return undefined;
    const user = await this.#store.identity.getUserById(token.user_id);
    if (!user.active) return undefined;
    await this.#store.identity.tokenUsed(token.id);
    return { user, token };
  }

  /** @returns false when the user has no such live token. */
  revokeToken(user: UserRecord, tokenId: TokenId): Promise<boolean> {
    return this.#store.transaction(async (tx) => {
      const revoked = await tx.identity.revokeToken(tokenId, user.id);
      if (revoked) {
        await tx.audit.record({
          actor: user.username,
          action: 'token.revoke',
          objectType: 'token',
          objectId: String(tokenId),
          summary: `${user.username} revoked API token ${String(tokenId)}`,
        });
      }
      return revoked;
    });
  }
}
