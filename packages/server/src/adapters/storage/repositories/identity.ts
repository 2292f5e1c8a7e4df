import type { Kysely, Selectable } from 'kysely';
import type { Clock, IdSource, Role, SessionId, TokenId, UserId } from '@poms/core';
import { ConflictError, NotFoundError } from '../../../ports/errors.ts';
import type {
  ApiTokenRecord,
  IdentityRepository,
  MembershipRecord,
  NewApiToken,
  NewMembership,
  NewSession,
  NewUser,
  SessionRecord,
  UserListOptions,
  UserRecord,
} from '../../../ports/identity.ts';
import type { OffsetPage } from '../../../ports/pages.ts';
import type {
  ApiTokensTable,
  Database,
  MembershipsTable,
  SessionsTable,
  UsersTable,
} from '../schema.ts';
import { countValue, isUniqueViolation } from './dialect.ts';
import * as id from './identity-checks.ts';
import * as check from './validate.ts';

type Db = Kysely<Database>;

function toUser(row: Selectable<UsersTable>): UserRecord {
  return {
    id: row.id as UserId,
    username: row.username,
    display_name: row.display_name,
    email: row.email,
    is_root: row.is_root === 1,
    active: row.active === 1,
    has_password: row.password_hash !== null,
    must_change_password: row.must_change_password === 1,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

function toMembership(row: Selectable<MembershipsTable> & { username: string }): MembershipRecord {
  return {
    experiment: row.experiment,
    user_id: row.user_id as UserId,
    username: row.username,
    role: row.role as Role,
    granted_by: row.granted_by,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

function toSession(row: Selectable<SessionsTable>): SessionRecord {
  return {
    id: row.id as SessionId,
    user_id: row.user_id as UserId,
    csrf_hash: row.csrf_hash,
    experiment: row.experiment,
    role: row.role as Role | null,
    created_at: row.created_at,
    expires_at: row.expires_at,
    last_seen_at: row.last_seen_at,
  };
}

function toToken(row: Omit<Selectable<ApiTokensTable>, 'token_hash'>): ApiTokenRecord {
  return {
    id: row.id as TokenId,
    user_id: row.user_id as UserId,
    name: row.name,
    scopes: JSON.parse(row.scopes) as string[],
    experiment: row.experiment,
    created_at: row.created_at,
    expires_at: row.expires_at,
    last_used_at: row.last_used_at,
    revoked_at: row.revoked_at,
  };
}

const TOKEN_COLUMNS = [
  'id',
  'user_id',
  'name',
  'scopes',
  'experiment',
  'created_at',
  'expires_at',
  'last_used_at',
  'revoked_at',
] as const;

export class KyselyIdentityRepository implements IdentityRepository {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly ids: IdSource,
  ) {}

  private now(): string {
    return this.clock.now().toISOString();
  }

  // -------------------------------------------------------------------------------------------
  // Users

  async createUser(input: NewUser): Promise<UserRecord> {
    const username = id.username(input.username);
    const now = this.now();
    const row = {
      id: this.ids.next('user'),
      username,
      display_name: check.label('display_name', input.displayName),
      email: id.email(input.email),
      password_hash: id.passwordHash(input.passwordHash),
      is_root: id.flag('is_root', input.isRoot, false),
      active: 1,
      must_change_password: id.flag('must_change_password', input.mustChangePassword, false),
      created_at: now,
      updated_at: now,
    };
    try {
      await this.db.insertInto('users').values(row).execute();
    } catch (err) {
      if (isUniqueViolation(err)) throw new ConflictError('user', username);
      throw err;
    }
    return toUser(row);
  }

  async getUser(username: string): Promise<UserRecord> {
    if (!id.canBeUsername(username)) throw new NotFoundError('user', String(username));
    const row = await this.db
      .selectFrom('users')
      .selectAll()
      .where('username', '=', username)
      .executeTakeFirst();
    if (row === undefined) throw new NotFoundError('user', username);
    return toUser(row);
  }

  async getUserById(userId: UserId): Promise<UserRecord> {
    const row = await this.userRow(userId);
    if (row === undefined) throw new NotFoundError('user', String(userId));
    return toUser(row);
  }

  private async userRow(userId: UserId): Promise<Selectable<UsersTable> | undefined> {
    if (!id.canBeId('user', userId)) return undefined;
    return this.db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirst();
  }

  async listUsers(options: UserListOptions = {}): Promise<OffsetPage<UserRecord>> {
    const limit = check.pageLimit(options.limit);
    const offset = check.pageOffset(options.offset);
    const rows = await this.db
      .selectFrom('users')
      .selectAll()
      .orderBy('username')
      .limit(limit)
      .offset(offset)
      .execute();
    const { n } = await this.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .executeTakeFirstOrThrow();
    return { items: rows.map(toUser), total: countValue(n) };
  }

  async passwordHash(username: string): Promise<string | undefined> {
    if (!id.canBeUsername(username)) return undefined;
    const row = await this.db
      .selectFrom('users')
      .select('password_hash')
      .where('username', '=', username)
      .executeTakeFirst();
    return row?.password_hash ?? undefined;
  }

  private async updateUser(
    userId: UserId,
    set: Partial<Pick<UsersTable, 'password_hash' | 'must_change_password' | 'active' | 'is_root'>>,
  ): Promise<UserRecord> {
    if (!id.canBeId('user', userId)) {
      throw new NotFoundError('user', String(userId));
    }
    const result = await this.db
      .updateTable('users')
      .set({ ...set, updated_at: this.now() })
      .where('id', '=', userId)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) throw new NotFoundError('user', userId);
    return this.getUserById(userId);
  }

  setPassword(
    userId: UserId,
    passwordHash: string | null,
    mustChangePassword = false,
  ): Promise<UserRecord> {
    return this.updateUser(userId, {
      password_hash: id.passwordHash(passwordHash),
      must_change_password: id.flag('must_change_password', mustChangePassword, false),
    });
  }

  setActive(userId: UserId, active: boolean): Promise<UserRecord> {
    return this.updateUser(userId, { active: check.active(active) });
  }

  setRoot(userId: UserId, isRoot: boolean): Promise<UserRecord> {
    return this.updateUser(userId, { is_root: id.flag('is_root', isRoot, false) });
  }

  // -------------------------------------------------------------------------------------------
  // Memberships

  /** Foreign keys would say the same, but a failed statement aborts a PostgreSQL transaction. */
  private async requireUser(userId: UserId): Promise<Selectable<UsersTable>> {
    const row = await this.userRow(userId);
    if (row === undefined) throw new NotFoundError('user', String(userId));
    return row;
  }

  private async requireExperiment(experiment: string): Promise<void> {
    const row = await this.db
      .selectFrom('experiments')
      .select('name')
      .where('name', '=', experiment)
      .executeTakeFirst();
    if (row === undefined) throw new NotFoundError('experiment', experiment);
  }

  async setMembership(input: NewMembership): Promise<MembershipRecord> {
    const experiment = check.experimentName(input.experiment);
    const role = id.role(input.role);
    const grantedBy = check.label('granted_by', input.grantedBy);
    const user = await this.requireUser(input.userId);
    await this.requireExperiment(experiment);
    const now = this.now();
    await this.db
      .insertInto('memberships')
      .values({
        experiment,
        user_id: user.id,
        role,
        granted_by: grantedBy,
        created_at: now,
        updated_at: now,
      })
      .onConflict((oc) =>
        oc
          .columns(['experiment', 'user_id'])
          .doUpdateSet({ role, granted_by: grantedBy, updated_at: now }),
      )
      .execute();
    const row = await this.membershipQuery()
      .where('m.experiment', '=', experiment)
      .where('m.user_id', '=', user.id)
      .executeTakeFirstOrThrow();
    return toMembership(row);
  }

  private membershipQuery() {
    return this.db
      .selectFrom('memberships as m')
      .innerJoin('users as u', 'u.id', 'm.user_id')
      .selectAll('m')
      .select('u.username');
  }

  async removeMembership(experiment: string, userId: UserId): Promise<boolean> {
    if (!check.canBeExperimentName(experiment) || !id.canBeId('user', userId)) return false;
    const result = await this.db
      .deleteFrom('memberships')
      .where('experiment', '=', experiment)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async memberships(userId: UserId): Promise<MembershipRecord[]> {
    if (!id.canBeId('user', userId)) return [];
    const rows = await this.membershipQuery()
      .where('m.user_id', '=', userId)
      .orderBy('m.experiment')
      .execute();
    return rows.map(toMembership);
  }

  async members(experiment: string): Promise<MembershipRecord[]> {
    if (!check.canBeExperimentName(experiment)) return [];
    const rows = await this.membershipQuery()
      .where('m.experiment', '=', experiment)
      .orderBy('u.username')
      .execute();
    return rows.map(toMembership);
  }

  // -------------------------------------------------------------------------------------------
  // Sessions

  async createSession(input: NewSession): Promise<SessionRecord> {
    const token_hash = id.secretHash('tokenHash', input.tokenHash);
    const csrf_hash = id.secretHash('csrfHash', input.csrfHash);
    const expires_at = id.time('expiresAt', input.expiresAt);
    const experiment = id.optionalExperiment(input.experiment);
    const role = input.role === undefined || input.role === null ? null : id.role(input.role);
    const user = await this.requireUser(input.userId);
    if (experiment !== null) await this.requireExperiment(experiment);
    const now = this.now();
    const row = {
      id: this.ids.next('session'),
      user_id: user.id,
      token_hash,
      csrf_hash,
      experiment,
      role,
      created_at: now,
      expires_at,
      last_seen_at: now,
    };
    try {
      await this.db.insertInto('sessions').values(row).execute();
    } catch (err) {
      if (isUniqueViolation(err)) throw new ConflictError('session', row.id);
      throw err;
    }
    return toSession(row);
  }

  async sessionByHash(tokenHash: string): Promise<SessionRecord | undefined> {
    if (!id.canBeSecretHash(tokenHash)) return undefined;
    const row = await this.db
      .selectFrom('sessions')
      .selectAll()
      .where('token_hash', '=', tokenHash)
      .where('expires_at', '>', this.now())
      .executeTakeFirst();
    return row ? toSession(row) : undefined;
  }

  async touch(sessionId: SessionId, expiresAt?: string): Promise<boolean> {
    if (!id.canBeId('session', sessionId)) return false;
    const now = this.now();
    const result = await this.db
      .updateTable('sessions')
      .set({
        last_seen_at: now,
        ...(expiresAt === undefined ? {} : { expires_at: id.time('expiresAt', expiresAt) }),
      })
      .where('id', '=', sessionId)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async setActing(
    sessionId: SessionId,
    acting: { experiment: string; role: Role } | null,
  ): Promise<boolean> {
    const experiment = acting === null ? null : check.experimentName(acting.experiment);
    const role = acting === null ? null : id.role(acting.role);
    if (!id.canBeId('session', sessionId)) return false;
    if (experiment !== null) await this.requireExperiment(experiment);
    const now = this.now();
    const result = await this.db
      .updateTable('sessions')
      .set({ experiment, role, last_seen_at: now })
      .where('id', '=', sessionId)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async deleteSession(sessionId: SessionId): Promise<boolean> {
    if (!id.canBeId('session', sessionId)) return false;
    const result = await this.db
      .deleteFrom('sessions')
      .where('id', '=', sessionId)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async deleteUserSessions(userId: UserId, except?: SessionId): Promise<number> {
    if (!id.canBeId('user', userId)) return 0;
    let query = this.db.deleteFrom('sessions').where('user_id', '=', userId);
    if (except !== undefined) query = query.where('id', '!=', except);
    const result = await query.executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async purgeExpiredSessions(): Promise<number> {
    const result = await this.db
      .deleteFrom('sessions')
      .where('expires_at', '<=', this.now())
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  // -------------------------------------------------------------------------------------------
  // API tokens

  async createToken(input: NewApiToken): Promise<ApiTokenRecord> {
    const name = check.label('name', input.name, 100);
    const token_hash = id.secretHash('tokenHash', input.tokenHash);
    const scopes = id.scopes(input.scopes);
    const experiment = id.optionalExperiment(input.experiment);
    const expires_at = id.optionalTime('expiresAt', input.expiresAt);
    const user = await this.requireUser(input.userId);
    if (experiment !== null) await this.requireExperiment(experiment);
    const row = {
      id: this.ids.next('token'),
      user_id: user.id,
      name,
      token_hash,
      scopes: JSON.stringify(scopes),
      experiment,
      created_at: this.now(),
      expires_at,
      last_used_at: null,
      revoked_at: null,
    };
    try {
      await this.db.insertInto('api_tokens').values(row).execute();
    } catch (err) {
      if (isUniqueViolation(err)) throw new ConflictError('token', row.id);
      throw err;
    }
    return toToken(row);
  }

  async tokenByHash(tokenHash: string): Promise<ApiTokenRecord | undefined> {
    if (!id.canBeSecretHash(tokenHash)) return undefined;
    const now = this.now();
    const row = await this.db
      .selectFrom('api_tokens')
      .select(TOKEN_COLUMNS)
      .where('token_hash', '=', tokenHash)
      .where('revoked_at', 'is', null)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
      .executeTakeFirst();
    return row ? toToken(row) : undefined;
  }

  async tokenUsed(tokenId: TokenId): Promise<void> {
    if (!id.canBeId('token', tokenId)) return;
    await this.db
      .updateTable('api_tokens')
      .set({ last_used_at: this.now() })
      .where('id', '=', tokenId)
      .execute();
  }

  async listTokens(userId: UserId): Promise<ApiTokenRecord[]> {
    if (!id.canBeId('user', userId)) return [];
    const rows = await this.db
      .selectFrom('api_tokens')
      .select(TOKEN_COLUMNS)
      .where('user_id', '=', userId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
    return rows.map(toToken);
  }

  async revokeToken(tokenId: TokenId, userId: UserId): Promise<boolean> {
    if (!id.canBeId('token', tokenId) || !id.canBeId('user', userId)) return false;
    const result = await this.db
      .updateTable('api_tokens')
      .set({ revoked_at: this.now() })
      .where('id', '=', tokenId)
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }
}
