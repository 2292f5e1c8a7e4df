// Holds, the held-launch queue and job actions over a whole stage or campaign, on behalf of a
// caller: permission first (experiment.hold, stage.hold on the campaign, global.hold for root,
// jobs.control on the campaign), then the control service; every change goes to the audit log.
import type { HeldLaunchRecord, HoldRecord, HoldScope } from '../../ports/control.ts';
import type { OffsetPage } from '../../ports/pages.ts';
import type { CampaignRecord, Store } from '../../ports/store.ts';
import type { AccessService, Caller } from '../access.ts';
import { effectiveOf } from '../execution/config.ts';
import type { JobActionResult } from '../execution/control.ts';
import { LaunchError, type Execution, type LaunchOutcome } from '../execution/index.ts';
import { recordChange } from './audit.ts';
import { pageOf, type PageRequest } from './paging.ts';
import { requireRoot } from './users.ts';

export interface HoldFilter extends PageRequest {
  readonly scope?: HoldScope['kind'] | undefined;
  /** A campaign's name: only the holds on its stages. */
  readonly campaign?: string | undefined;
}

export type JobVerb = 'kill' | 'hold-jobs' | 'release-jobs';

export interface Released {
  released: boolean;
  launched: LaunchOutcome[];
}

/** A stage the campaign has now; a typo names nothing and is said so (404). */
export function requireStage(campaign: CampaignRecord, stage: string): void {
  const stages = effectiveOf(campaign.model).stages.map((s) => s.name);
  if (!stages.includes(stage)) {
    throw new LaunchError(
      'launch.unknown-stage',
      `campaign ${campaign.name} has no stage '${stage}' (stages: ${stages.join(', ')})`,
    );
  }
}

export class HoldOperations {
  constructor(
    private readonly store: Store,
    private readonly access: AccessService,
    private readonly execution: Execution,
  ) {}

  /**
   * Holds in effect for the experiment, the global one included, oldest first (then by scope),
   * a page at a time: `scope` keeps one kind, `campaign` the stage holds of that campaign.
   */
  async holds(
    caller: Caller,
    experiment: string,
    filter: HoldFilter = {},
  ): Promise<OffsetPage<HoldRecord>> {
    this.access.check(caller, 'view', { experiment });
    const campaignId = await this.campaignIdOf(experiment, filter.campaign);
    const holds = (await this.store.control.holds(experiment)).filter(
      (h) =>
        (filter.scope === undefined || h.scope.kind === filter.scope) &&
        (campaignId === undefined ||
          (h.scope.kind === 'stage' && h.scope.campaignId === campaignId)),
    );
    return pageOf(holds, filter);
  }

  /** Launches waiting behind a hold, oldest first, a page at a time; `campaign` keeps its own. */
  async heldLaunches(
    caller: Caller,
    experiment: string,
    filter: PageRequest & { campaign?: string | undefined } = {},
  ): Promise<OffsetPage<HeldLaunchRecord>> {
    this.access.check(caller, 'view', { experiment });
    const campaignId = await this.campaignIdOf(experiment, filter.campaign);
    const queued = (await this.execution.control.heldLaunches(experiment)).filter(
      (entry) => campaignId === undefined || entry.campaign_id === campaignId,
    );
    return pageOf(queued, filter);
  }

  /** The id of a campaign named in a filter (404 when it does not exist). */
  private async campaignIdOf(
    experiment: string,
    campaign: string | undefined,
  ): Promise<string | undefined> {
    if (campaign === undefined) return undefined;
    return String((await this.store.campaigns.get(experiment, campaign)).id);
  }

  async holdExperiment(caller: Caller, experiment: string, reason?: string): Promise<HoldRecord> {
    this.access.check(caller, 'experiment.hold', { experiment });
    return this.hold(caller, { kind: 'experiment', experiment }, experiment, reason);
  }

  async releaseExperiment(caller: Caller, experiment: string): Promise<Released> {
    this.access.check(caller, 'experiment.hold', { experiment });
    return this.release(caller, { kind: 'experiment', experiment }, experiment);
  }

  async holdStage(
    caller: Caller,
    experiment: string,
    campaign: string,
    stage: string,
    reason?: string,
  ): Promise<HoldRecord> {
    const scope = await this.stageScope(caller, experiment, campaign, stage);
    return this.hold(caller, scope, `${campaign}/${stage}`, reason);
  }

  async releaseStage(
    caller: Caller,
    experiment: string,
    campaign: string,
    stage: string,
  ): Promise<Released> {
    const scope = await this.stageScope(caller, experiment, campaign, stage);
    return this.release(caller, scope, `${campaign}/${stage}`);
  }

  /** Every launch of every experiment: a global superuser only. */
  async holdGlobal(caller: Caller, reason?: string): Promise<HoldRecord> {
    requireRoot(caller, 'holding every experiment');
    return this.hold(caller, { kind: 'global' }, 'global', reason);
  }

  async releaseGlobal(caller: Caller): Promise<Released> {
    requireRoot(caller, 'releasing the global hold');
    return this.release(caller, { kind: 'global' }, 'global');
  }

  /** Kill, hold or release the jobs of a stage's (or, without a stage, a campaign's) live submissions. */
  async jobAction(
    caller: Caller,
    experiment: string,
    campaign: string,
    stage: string | undefined,
    verb: JobVerb,
  ): Promise<JobActionResult> {
    this.access.check(caller, 'view', { experiment });
    const record = await this.store.campaigns.get(experiment, campaign);
    this.access.check(caller, 'jobs.control', await this.access.campaignTarget(record));
    if (stage !== undefined) requireStage(record, stage);
    const target =
      stage === undefined
        ? { kind: 'campaign' as const, experiment, campaign }
        : { kind: 'stage' as const, experiment, campaign, stage };
    const objectType = stage === undefined ? 'campaign' : 'stage';
    const objectId = stage === undefined ? campaign : `${campaign}/${stage}`;
    return this.store.transaction(async (tx) => {
      const control = this.execution.control.within(tx);
      const result =
        verb === 'kill'
          ? await control.kill(target, caller.username)
          : verb === 'hold-jobs'
            ? await control.holdJobs(target, caller.username)
            : await control.releaseJobs(target, caller.username);
      await recordChange(tx, caller, {
        experiment,
        action: `${objectType}.${verb}`,
        objectType,
        objectId,
        summary: `${verb} on ${objectType} ${objectId}: ${result.jobs} jobs of ${result.submissions.length} submissions`,
        after: result,
      });
      return result;
    });
  }

  private async stageScope(
    caller: Caller,
    experiment: string,
    campaign: string,
    stage: string,
  ): Promise<HoldScope> {
    this.access.check(caller, 'view', { experiment });
    const record = await this.store.campaigns.get(experiment, campaign);
    this.access.check(caller, 'stage.hold', await this.access.campaignTarget(record));
    requireStage(record, stage);
    return { kind: 'stage', experiment, campaignId: record.id, stage };
  }

  private async hold(
    caller: Caller,
    scope: HoldScope,
    objectId: string,
    reason: string | undefined,
  ): Promise<HoldRecord> {
    return this.store.transaction(async (tx) => {
      const record = await this.execution.control.within(tx).hold(scope, caller.username, reason);
      await recordChange(tx, caller, {
        experiment: scope.kind === 'global' ? undefined : scope.experiment,
        action: 'hold.set',
        objectType: scope.kind === 'global' ? 'global' : scope.kind,
        objectId,
        summary: `held ${scope.kind === 'global' ? 'every launch' : `${scope.kind} ${objectId}`}${reason ? `: ${reason}` : ''}`,
        after: { by: record.by, reason: record.reason },
      });
      return record;
    });
  }

  private async release(caller: Caller, scope: HoldScope, objectId: string): Promise<Released> {
    return this.store.transaction(async (tx) => {
      const result = await this.execution.control.within(tx).release(scope, caller.username);
      const launched = result.launched.flatMap((o) =>
        o.kind === 'launched' ? [o.submission.id] : [],
      );
      await recordChange(tx, caller, {
        experiment: scope.kind === 'global' ? undefined : scope.experiment,
        action: 'hold.release',
        objectType: scope.kind === 'global' ? 'global' : scope.kind,
        objectId,
        summary: `released ${scope.kind === 'global' ? 'the global hold' : `${scope.kind} ${objectId}`}${launched.length > 0 ? `; launched ${launched.join(', ')}` : ''}`,
        after: { released: result.released, launched },
      });
      return result;
    });
  }
}
