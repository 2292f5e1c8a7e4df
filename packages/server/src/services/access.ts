// The caller of a use case and the one place its permissions are checked (core's rule set):
// every API route, and later the remote CLI and the GUI through it, goes through `check` before
// acting. A campaign's objects are owned by the campaign's role and, for analysis campaigns, by
// the person who created it.
import {
  CampaignSpec,
  PermissionDenied,
  requirePermission,
  roleAtLeast,
  type Action,
  type Actor,
  type CampaignRole,
  type Role,
  type Target,
} from '@poms/core';
import type { CampaignRecord, Store } from '../ports/store.ts';

/** Token scopes: what a personal API token may be used for, whatever its owner's role allows. */
export const TOKEN_SCOPES = ['read', 'launch', 'write'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

export interface Caller {
  username: string;
  /** A global superuser. */
  root: boolean;
  /** Role per experiment. */
  roles: ReadonlyMap<string, Role>;
  /** How the caller proved who they are. */
  via: 'session' | 'token' | 'proxy' | 'local';
  /** A token's scopes (absent: everything the role allows). */
  scopes?: readonly string[] | undefined;
  /** A token restricted to one experiment. */
  experiment?: string | undefined;
  /** The role the caller chose to act as (x-poms-role); `roles` are already capped at it. */
  actingRole?: Role | undefined;
}

/**
 * The caller acting as `role` (POMS: one role at a time): every membership capped at it, and a
 * global superuser below `superuser` becomes a `role` member of every experiment (`experiments`)
 * instead of root. Never stronger than the caller was.
 */
export function actingAs(caller: Caller, role: Role, experiments: readonly string[]): Caller {
  const capped = (held: Role): Role => (roleAtLeast(held, role) ? role : held);
  if (caller.root) {
    if (role === 'superuser') return { ...caller, actingRole: role };
    return {
      ...caller,
      root: false,
      roles: new Map(experiments.map((e) => [e, role])),
      actingRole: role,
    };
  }
  return {
    ...caller,
    roles: new Map([...caller.roles].map(([e, held]) => [e, capped(held)])),
    actingRole: role,
  };
}

/** The scope an action needs from a token. */
export function scopeFor(action: Action): TokenScope {
  switch (action) {
    case 'view':
    case 'audit.view':
      return 'read';
    case 'stage.launch':
    case 'jobs.control':
    case 'submission.approve':
    case 'stage.hold':
    case 'experiment.hold':
      return 'launch';
    case 'catalog.write':
    case 'campaign.create':
    case 'campaign.edit':
    case 'stage.schedule':
    case 'experiment.admin':
    case 'global.hold':
      return 'write';
  }
}

/** `write` covers `launch` covers `read`. */
/**
 * Any change needs more than a read token, whatever the route does next: checked once for every
 * route that is not a GET (http/route.ts), before its input is even parsed, so a route that
 * forgot its own check cannot be changed through by a read-only token.
 */
export function requireChangeScope(caller: Caller): void {
  if (caller.scopes !== undefined && !scopeCovers(caller.scopes, 'launch')) {
    throw new PermissionDenied({
      allowed: false,
      hidden: false,
      reason: `this token's scopes (${caller.scopes.join(', ') || 'none'}) allow reading only`,
    });
  }
}

/**
 * A token may make tokens, never one stronger than itself: each scope asked for must be covered by
 * its own, and a token kept to one experiment makes only tokens kept to it. (Otherwise a read
 * token, or one limited to an experiment, could mint a write token for every experiment.)
 */
export function requireTokenWithin(
  caller: Caller,
  scopes: readonly TokenScope[],
  experiment: string | undefined,
): void {
  const deny = (reason: string) => {
    throw new PermissionDenied({ allowed: false, hidden: false, reason });
  };
  const own = caller.scopes;
  if (own !== undefined) {
    const beyond = scopes.filter((s) => !scopeCovers(own, s));
    if (beyond.length > 0) {
      deny(
        `a token cannot make a token stronger than itself: this one's scopes (${own.join(', ')}) do not cover ${beyond.join(', ')}`,
      );
    }
  }
  if (caller.experiment !== undefined && experiment !== caller.experiment) {
    deny(
      `this token is kept to experiment ${caller.experiment}: the tokens it makes must be too (experiment: "${caller.experiment}")`,
    );
  }
}

/** Whether a token's scopes cover `needed` (read < launch < write). */
export function scopeCovers(scopes: readonly string[], needed: TokenScope): boolean {
  const rank = (s: string) => TOKEN_SCOPES.indexOf(s as TokenScope);
  return scopes.some((s) => s === '*' || rank(s) >= rank(needed));
}

export function actorOf(caller: Caller, experiment: string): Actor {
  const outside = caller.experiment !== undefined && caller.experiment !== experiment;
  return {
    username: caller.username,
    root: caller.root && !outside,
    role: outside ? undefined : caller.roles.get(experiment),
  };
}

export class AccessService {
  constructor(private readonly store: Store) {}

  /** Throws PermissionDenied (auth.forbidden / auth.not-found) unless the caller may act. */
  check(caller: Caller, action: Action, target: Target): void {
    requirePermission(actorOf(caller, target.experiment), action, target);
    if (caller.scopes !== undefined && !scopeCovers(caller.scopes, scopeFor(action))) {
      throw new PermissionDenied({
        allowed: false,
        hidden: false,
        reason: `this token's scopes (${caller.scopes.join(', ') || 'none'}) do not include ${scopeFor(action)}, which ${action} needs`,
      });
    }
  }

  /** The permission target of a campaign's objects: its role and its owner. */
  async campaignTarget(campaign: CampaignRecord): Promise<Target> {
    return {
      experiment: campaign.experiment,
      campaign: { role: campaignRole(campaign.model), owner: await this.owner(campaign) },
    };
  }

  /** The author of the campaign's first revision. */
  private async owner(campaign: CampaignRecord): Promise<string> {
    const revisions = await this.store.campaigns.listRevisions(campaign.id, { limit: 1 });
    const last = Math.max(0, revisions.total - 1);
    const first = await this.store.campaigns.listRevisions(campaign.id, { limit: 1, offset: last });
    return first.items[0]?.author ?? '';
  }
}

export function campaignRole(model: unknown): CampaignRole {
  const parsed = CampaignSpec.safeParse((model as { spec?: unknown } | null)?.spec);
  return parsed.success ? (parsed.data.role ?? 'production') : 'production';
}
