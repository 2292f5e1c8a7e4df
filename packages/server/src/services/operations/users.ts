// People on behalf of a caller: an experiment's members and their roles (experiment.admin), and
// the users themselves (a global superuser only). Password hashes never leave the store and
// never reach the audit log.
import { PermissionDenied, type Role } from '@poms/core';
import type { OffsetPage } from '../../ports/pages.ts';
import type { MembershipRecord, UserRecord } from '../../ports/identity.ts';
import type { Store } from '../../ports/store.ts';
import { scopeFor, type AccessService, type Caller } from '../access.ts';
import { hashPassword } from '../auth/passwords.ts';
import { recordChange } from './audit.ts';
import { pageOf, type PageRequest } from './paging.ts';

/** Global actions (users, the global hold): a global superuser, not held to one experiment. */
export function requireRoot(caller: Caller, what: string): void {
  if (!caller.root || caller.experiment !== undefined) {
    throw new PermissionDenied({
      allowed: false,
      hidden: false,
      reason: `${what} needs a global superuser${caller.root ? ' (this token is restricted to one experiment)' : ''}`,
    });
  }
  // Global actions change definitions: a token needs the write scope.
  if (caller.scopes !== undefined && !caller.scopes.some((s) => s === '*' || s === 'write')) {
    throw new PermissionDenied({
      allowed: false,
      hidden: false,
      reason: `this token's scopes (${caller.scopes.join(', ') || 'none'}) do not include ${scopeFor('global.hold')}, which ${what} needs`,
    });
  }
}

export interface NewUserInput {
  username: string;
  displayName: string;
  email?: string | undefined;
  password?: string | undefined;
}

export class UserOperations {
  constructor(
    private readonly store: Store,
    private readonly access: AccessService,
  ) {}

  /** The experiment's members by username, a page at a time; `role` keeps one role's. */
  async members(
    caller: Caller,
    experiment: string,
    filter: PageRequest & { role?: Role | undefined } = {},
  ): Promise<OffsetPage<MembershipRecord>> {
    this.access.check(caller, 'view', { experiment });
    const members = (await this.store.identity.members(experiment)).filter(
      (m) => filter.role === undefined || m.role === filter.role,
    );
    return pageOf(members, filter);
  }

  /** Grants (or changes) a member's role; the user must exist. */
  async setMember(
    caller: Caller,
    experiment: string,
    username: string,
    role: Role,
  ): Promise<MembershipRecord> {
    this.access.check(caller, 'experiment.admin', { experiment });
    return this.store.transaction(async (tx) => {
      const user = await tx.identity.getUser(username);
      const before = (await tx.identity.members(experiment)).find((m) => m.user_id === user.id);
      const record = await tx.identity.setMembership({
        experiment,
        userId: user.id,
        role,
        grantedBy: caller.username,
      });
      await recordChange(tx, caller, {
        experiment,
        action: 'membership.set',
        objectType: 'membership',
        objectId: username,
        summary: `${username} is ${role}${before ? ` (was ${before.role})` : ''}`,
        before: before ? { role: before.role } : undefined,
        after: { role },
      });
      return record;
    });
  }

  async removeMember(
    caller: Caller,
    experiment: string,
    username: string,
  ): Promise<{ removed: boolean }> {
    this.access.check(caller, 'experiment.admin', { experiment });
    return this.store.transaction(async (tx) => {
      const user = await tx.identity.getUser(username);
      const before = (await tx.identity.members(experiment)).find((m) => m.user_id === user.id);
      const removed = await tx.identity.removeMembership(experiment, user.id);
      if (removed) {
        await recordChange(tx, caller, {
          experiment,
          action: 'membership.remove',
          objectType: 'membership',
          objectId: username,
          summary: `${username} is no longer a member${before ? ` (was ${before.role})` : ''}`,
          before: before ? { role: before.role } : undefined,
        });
      }
      return { removed };
    });
  }

  async listUsers(
    caller: Caller,
    page: { limit?: number | undefined; offset?: number | undefined },
  ): Promise<OffsetPage<UserRecord>> {
    requireRoot(caller, 'listing users');
    return this.store.identity.listUsers(page);
  }

  /** A new user; with a password they must change at first login, else single sign-on only. */
  async createUser(caller: Caller, input: NewUserInput): Promise<UserRecord> {
    requireRoot(caller, 'creating users');
    const passwordHash = input.password === undefined ? null : await hashPassword(input.password);
    return this.store.transaction(async (tx) => {
      const user = await tx.identity.createUser({
        username: input.username,
        displayName: input.displayName,
        email: input.email ?? null,
        passwordHash,
        mustChangePassword: passwordHash !== null,
      });
      await recordChange(tx, caller, {
        action: 'user.create',
        objectType: 'user',
        objectId: user.username,
        summary: `created user ${user.username}`,
        after: {
          username: user.username,
          display_name: user.display_name,
          email: user.email,
          has_password: user.has_password,
        },
      });
      return user;
    });
  }
}
