/**
 * Identity (POMS-REFERENCE §9): users, their role in each experiment, login sessions and API
 * tokens; and the audit log (who changed what, as which role). Kept in the store so every process
 * (server, CLI, agents) sees the same people and the same revocations.
 *
 * Secrets never reach the store: sessions and tokens are found by the SHA-256 (lowercase hex) of
 * their secret, and the store refuses anything else where a hash belongs. Password hashes are
 * opaque to the store and never appear in records (see IdentityRepository.passwordHash).
 */
import type { AuditId, Role, SessionId, TokenId, UserId } from '@poms/core';
import type { OffsetPage } from './pages.ts';

/** Lowercase login names: they appear in URLs, audit entries and `by` fields. */
export const USERNAME_PATTERN = /^[a-z][a-z0-9._-]{1,63}$/;
/** A SHA-256 digest in lowercase hex: the only form of a session or token secret the store keeps. */
export const SECRET_HASH_PATTERN = /^[0-9a-f]{64}$/;
/** API token scopes: short ASCII words such as `read`, `launch`, `campaign:write`. */
export const SCOPE_PATTERN = /^[a-z*][a-z0-9._:*-]{0,63}$/;

// ---------------------------------------------------------------------------------------------
// Users and memberships

export interface UserRecord {
  readonly id: UserId;
  readonly username: string;
  readonly display_name: string;
  readonly email: string | null;
  /** Global superuser: may do anything in every experiment. */
  readonly is_root: boolean;
  /** Inactive users cannot log in and their sessions and tokens stop working. */
  readonly active: boolean;
  /** False for users who sign in only through single sign-on. */
  readonly has_password: boolean;
  /** Set on a generated one-time password; the UI asks for a new one at the next login. */
  readonly must_change_password: boolean;
  readonly created_at: string;
  readonly updated_at: string;
}

export interface NewUser {
  /** Must match USERNAME_PATTERN; unique. */
  readonly username: string;
  /** 1–200 characters, no control characters. */
  readonly displayName: string;
  readonly email?: string | null | undefined;
  /** An encoded password hash (services/auth/passwords.ts); absent or null for SSO-only users. */
  readonly passwordHash?: string | null | undefined;
  readonly isRoot?: boolean | undefined;
  readonly mustChangePassword?: boolean | undefined;
}

export interface UserListOptions {
  /** 1..MAX_PAGE_SIZE, default DEFAULT_PAGE_SIZE. */
  readonly limit?: number | undefined;
  readonly offset?: number | undefined;
}

export interface MembershipRecord {
  readonly experiment: string;
  readonly user_id: UserId;
  readonly username: string;
  readonly role: Role;
  /** Username of who granted (or last changed) the role. */
  readonly granted_by: string;
  readonly created_at: string;
  readonly updated_at: string;
}

export interface NewMembership {
  readonly experiment: string;
  readonly userId: UserId;
  readonly role: Role;
  readonly grantedBy: string;
}

// ---------------------------------------------------------------------------------------------
// Sessions

export interface SessionRecord {
  readonly id: SessionId;
  readonly user_id: UserId;
  /** SHA-256 hex of the session's CSRF token; compare against a hash of what the client sent. */
  readonly csrf_hash: string;
  /** The experiment and role the user currently acts as; null until chosen. */
  readonly experiment: string | null;
  readonly role: Role | null;
  readonly created_at: string;
  readonly expires_at: string;
  readonly last_seen_at: string;
}

export interface NewSession {
  readonly userId: UserId;
  /** SHA-256 hex of the cookie secret (SECRET_HASH_PATTERN); unique. */
  readonly tokenHash: string;
  readonly csrfHash: string;
  /** ISO 8601 UTC; the session is gone from this instant on. */
  readonly expiresAt: string;
  readonly experiment?: string | null | undefined;
  readonly role?: Role | null | undefined;
}

// ---------------------------------------------------------------------------------------------
// API tokens

/** A token as lists show it: never its secret nor its hash. */
export interface ApiTokenRecord {
  readonly id: TokenId;
  readonly user_id: UserId;
  readonly name: string;
  readonly scopes: readonly string[];
  /** The only experiment the token may act in; null for all of its user's experiments. */
  readonly experiment: string | null;
  readonly created_at: string;
  /** Null: never expires (until revoked). */
  readonly expires_at: string | null;
  readonly last_used_at: string | null;
  readonly revoked_at: string | null;
}

export interface NewApiToken {
  readonly userId: UserId;
  /** A label for people, 1–100 characters. */
  readonly name: string;
  /** SHA-256 hex of the token secret (SECRET_HASH_PATTERN); unique. */
  readonly tokenHash: string;
  /** Each matches SCOPE_PATTERN; kept in the given order, duplicates dropped. */
  readonly scopes: readonly string[];
  readonly experiment?: string | null | undefined;
  readonly expiresAt?: string | null | undefined;
}

export interface IdentityRepository {
  /** @throws ConflictError (username taken), InvalidArgumentError */
  createUser(input: NewUser): Promise<UserRecord>;
  /** @throws NotFoundError */
  getUser(username: string): Promise<UserRecord>;
  /** @throws NotFoundError */
  getUserById(id: UserId): Promise<UserRecord>;
  /** By username (byte order). */
  listUsers(options?: UserListOptions): Promise<OffsetPage<UserRecord>>;
  /**
   * The stored password hash; undefined for an unknown user and for an SSO-only one (callers
   * must not tell the two apart to whoever is logging in).
   */
  passwordHash(username: string): Promise<string | undefined>;
  /** Null removes the password (SSO only). @throws NotFoundError, InvalidArgumentError */
  setPassword(
    id: UserId,
    passwordHash: string | null,
    mustChangePassword?: boolean,
  ): Promise<UserRecord>;
  /** @throws NotFoundError */
  setActive(id: UserId, active: boolean): Promise<UserRecord>;
  /** @throws NotFoundError */
  setRoot(id: UserId, isRoot: boolean): Promise<UserRecord>;

  /** Grants a role in an experiment, replacing any previous one. @throws NotFoundError */
  setMembership(input: NewMembership): Promise<MembershipRecord>;
  /** @returns whether there was one. */
  removeMembership(experiment: string, userId: UserId): Promise<boolean>;
  /** Every experiment the user is a member of, by experiment name. */
  memberships(userId: UserId): Promise<MembershipRecord[]>;
  /** The members of an experiment, by username. */
  members(experiment: string): Promise<MembershipRecord[]>;

  /** @throws NotFoundError (user, experiment), ConflictError (hash taken), InvalidArgumentError */
  createSession(input: NewSession): Promise<SessionRecord>;
  /** The live session with this secret hash; undefined if none or expired at the clock's now. */
  sessionByHash(tokenHash: string): Promise<SessionRecord | undefined>;
  /**
   * Records activity now and, if given, moves the expiry (sliding sessions).
   * @returns false when the session is gone or expired.
   */
  touch(id: SessionId, expiresAt?: string): Promise<boolean>;
  /**
   * Changes the experiment and role the session acts as (null: none). The caller checks that
   * the user may take that role. @returns false when the session is gone or expired.
   */
  setActing(id: SessionId, acting: { experiment: string; role: Role } | null): Promise<boolean>;
  /** @returns whether there was one. */
  deleteSession(id: SessionId): Promise<boolean>;
  /** Logs the user out everywhere (but `except`). @returns how many sessions ended. */
  deleteUserSessions(userId: UserId, except?: SessionId): Promise<number>;
  /** Housekeeping: removes sessions expired at the clock's now; returns how many. */
  purgeExpiredSessions(): Promise<number>;

  /** @throws NotFoundError (user, experiment), ConflictError (hash taken), InvalidArgumentError */
  createToken(input: NewApiToken): Promise<ApiTokenRecord>;
  /** The usable token with this secret hash; undefined if none, revoked, or expired at now. */
  tokenByHash(tokenHash: string): Promise<ApiTokenRecord | undefined>;
  /** Records that the token was used now. */
  tokenUsed(id: TokenId): Promise<void>;
  /** The user's tokens, revoked and expired ones included, newest first. */
  listTokens(userId: UserId): Promise<ApiTokenRecord[]>;
  /** @returns false when the user has no such token or it was revoked already. */
  revokeToken(id: TokenId, userId: UserId): Promise<boolean>;
}

// ---------------------------------------------------------------------------------------------
// Audit log

export interface AuditEntry {
  /** Username of who did it. */
  readonly actor: string;
  readonly actingRole?: Role | null | undefined;
  readonly experiment?: string | null | undefined;
  /** `object.verb`, e.g. `campaign.save`, `membership.set`, `token.revoke`. */
  readonly action: string;
  readonly objectType: string;
  readonly objectId: string;
  /** One line for people. */
  readonly summary: string;
  /** JSON-serializable states before and after the change, when they say something. */
  readonly before?: unknown;
  readonly after?: unknown;
  readonly requestId?: string | null | undefined;
}

export interface AuditRecord {
  readonly id: AuditId;
  readonly at: string;
  readonly actor: string;
  readonly acting_role: Role | null;
  readonly experiment: string | null;
  readonly action: string;
  readonly object_type: string;
  readonly object_id: string;
  readonly summary: string;
  readonly before: unknown;
  readonly after: unknown;
  readonly request_id: string | null;
}

export interface AuditQuery {
  readonly experiment?: string | undefined;
  readonly actor?: string | undefined;
  readonly action?: string | undefined;
  readonly objectType?: string | undefined;
  readonly objectId?: string | undefined;
  /** Inclusive, ISO 8601 UTC. */
  readonly since?: string | undefined;
  /** Exclusive, ISO 8601 UTC. */
  readonly until?: string | undefined;
  /** 1..MAX_PAGE_SIZE, default DEFAULT_PAGE_SIZE. */
  readonly limit?: number | undefined;
  readonly offset?: number | undefined;
}

/**
 * Append-only: there is no update or delete. Bound to a Store transaction (StoreTransaction.audit)
 * an entry commits or rolls back with the change it describes.
 */
export interface AuditRepository {
  /** @throws InvalidArgumentError */
  record(entry: AuditEntry): Promise<AuditRecord>;
  /** Newest first (time, then id), with the total over all pages. */
  list(query?: AuditQuery): Promise<OffsetPage<AuditRecord>>;
}
