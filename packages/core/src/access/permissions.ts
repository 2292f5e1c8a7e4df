// Who may do what (POMS-REFERENCE §9), as one pure rule set that the services apply for every
// caller — HTTP API, CLI, workers and GUI alike. People act within one experiment with their role
// there; objects that belong to a campaign are owned by its role (production or analysis) and, for
// analysis campaigns, by the person who owns the campaign.
import type { CampaignRole } from '../campaign/model.ts';
import { roleAtLeast, type Role } from './roles.ts';

export const ACTIONS = [
  /** Read anything of the experiment: campaigns, submissions, logs, files. */
  'view',
  /** The experiment's audit log. */
  'audit.view',
  /** Declare files, define datasets and snapshots in the experiment's catalog. */
  'catalog.write',
  /** Create a campaign owned by the target's role. */
  'campaign.create',
  /** Change a campaign's definition: save, restore, rename, tags, delete. */
  'campaign.edit',
  /** Launch (or test-launch, relaunch, recover) a stage of the campaign. */
  'stage.launch',
  /** Kill, hold and release the jobs of the campaign's submissions. */
  'jobs.control',
  /** Approve or reject a submission awaiting approval. */
  'submission.approve',
  /** Hold and release the launches of one stage. */
  'stage.hold',
  /** Set and remove a stage's schedule. */
  'stage.schedule',
  /** Hold and release every launch of the experiment. */
  'experiment.hold',
  /** Memberships and settings of the experiment. */
  'experiment.admin',
  /** Hold and release every launch of every experiment. */
  'global.hold',
] as const;
export type Action = (typeof ACTIONS)[number];

export interface Actor {
  username: string;
  /** A global superuser ("root"): everything, everywhere. */
  root: boolean;
  /** The role in the target's experiment; undefined when not a member of it. */
  role: Role | undefined;
}

export interface Target {
  experiment: string;
  /** The campaign the object belongs to (absent for experiment-wide actions). */
  campaign?: { role: CampaignRole; owner: string } | undefined;
}

export type Decision =
  | { allowed: true }
  /** `hidden`: the actor may not even know the object exists (answer 404, not 403). */
  | { allowed: false; hidden: boolean; reason: string };

const ALLOW: Decision = { allowed: true };

function deny(reason: string): Decision {
  return { allowed: false, hidden: false, reason };
}

/** Actions on a campaign's objects, and the production role they need on production campaigns. */
const PRODUCTION_NEEDS: Partial<Record<Action, Role>> = {
  'campaign.create': 'production',
  'campaign.edit': 'production',
  'stage.launch': 'production-shifter',
  'jobs.control': 'production-shifter',
  'submission.approve': 'production',
  'stage.hold': 'production-shifter',
  'stage.schedule': 'production',
};

export function decide(actor: Actor, action: Action, target: Target): Decision {
  if (actor.root) return ALLOW;
  if (action === 'global.hold') return deny('only a global superuser holds every experiment');
  if (actor.role === undefined) {
    return {
      allowed: false,
      hidden: true,
      reason: `${actor.username} is not a member of experiment ${target.experiment}`,
    };
  }
  const role = actor.role;
  if (role === 'superuser') return ALLOW;
  switch (action) {
    case 'view':
    case 'audit.view':
    case 'catalog.write':
      return ALLOW;
    case 'experiment.hold':
      return roleAtLeast(role, 'production-shifter')
        ? ALLOW
        : deny('holding the whole experiment needs the production-shifter role or higher');
    case 'experiment.admin':
      return deny('memberships and settings need the superuser role of the experiment');
    case 'campaign.create':
    case 'campaign.edit':
    case 'stage.launch':
    case 'jobs.control':
    case 'submission.approve':
    case 'stage.hold':
    case 'stage.schedule':
      return onCampaign(actor, role, action, target);
  }
}

function onCampaign(actor: Actor, role: Role, action: Action, target: Target): Decision {
  const campaign = target.campaign;
  if (campaign === undefined) return deny(`${action} needs the campaign it acts on`);
  if (campaign.role === 'production') {
    const needed = PRODUCTION_NEEDS[action] ?? 'superuser';
    return roleAtLeast(role, needed)
      ? ALLOW
      : deny(
          `${action} on a production campaign needs the ${needed} role or higher (you act as ${role})`,
        );
  }
  // Analysis campaigns are their owner's: anyone may create one (owning it), only the owner
  // (or a superuser) may change, launch or control it.
  if (action === 'campaign.create') {
    return campaign.owner === actor.username
      ? ALLOW
      : deny('an analysis campaign is created by the person who will own it');
  }
  return campaign.owner === actor.username
    ? ALLOW
    : deny(`${action}: this analysis campaign belongs to ${campaign.owner}`);
}

/** Decides and throws when denied; the error says whether to answer 404 or 403. */
export class PermissionDenied extends Error {
  readonly code: 'auth.forbidden' | 'auth.not-found';
  constructor(readonly decision: Extract<Decision, { allowed: false }>) {
    super(decision.reason);
    this.code = decision.hidden ? 'auth.not-found' : 'auth.forbidden';
  }
}

export function requirePermission(actor: Actor, action: Action, target: Target): void {
  const decision = decide(actor, action, target);
  if (!decision.allowed) throw new PermissionDenied(decision);
}
