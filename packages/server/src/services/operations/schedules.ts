// Stage schedules on behalf of a caller: anyone of the experiment sees them; setting or removing
// one needs stage.schedule on the campaign (production role for production campaigns, the owner
// for analysis ones). Every change goes to the audit log.
import type { ScheduleRecord } from '../../ports/control.ts';
import type { OffsetPage } from '../../ports/pages.ts';
import type { CampaignRecord, Store } from '../../ports/store.ts';
import type { AccessService, Caller } from '../access.ts';
import type { Execution } from '../execution/index.ts';
import { recordChange } from './audit.ts';
import { requireStage } from './holds.ts';
import { pageOf, type PageRequest } from './paging.ts';

export class ScheduleOperations {
  constructor(
    private readonly store: Store,
    private readonly access: AccessService,
    private readonly execution: Execution,
  ) {}

  /** The experiment's schedules by campaign id and stage, a page at a time; `campaign` keeps its own. */
  async list(
    caller: Caller,
    experiment: string,
    filter: PageRequest & { campaign?: string | undefined } = {},
  ): Promise<OffsetPage<ScheduleRecord>> {
    this.access.check(caller, 'view', { experiment });
    const campaignId =
      filter.campaign === undefined
        ? undefined
        : String((await this.store.campaigns.get(experiment, filter.campaign)).id);
    const schedules = (await this.store.control.schedules(experiment)).filter(
      (s) => campaignId === undefined || s.campaign_id === campaignId,
    );
    return pageOf(schedules, filter);
  }

  /** Creates or replaces the stage's schedule; answers it with the cron in words. */
  async set(
    caller: Caller,
    experiment: string,
    campaign: string,
    stage: string,
    input: { cron: string; timezone: string },
  ): Promise<ScheduleRecord & { description: string }> {
    const record = await this.campaign(caller, experiment, campaign);
    return this.store.transaction(async (tx) => {
      const before = (await tx.control.schedules(experiment)).find(
        (s) => s.campaign_id === record.id && s.stage === stage,
      );
      const saved = await this.execution.control.within(tx).schedule({
        experiment,
        campaign,
        stage,
        cron: input.cron,
        timezone: input.timezone,
        by: caller.username,
      });
      await recordChange(tx, caller, {
        experiment,
        action: 'schedule.set',
        objectType: 'stage',
        objectId: `${campaign}/${stage}`,
        summary: `schedule of ${campaign}/${stage}: ${input.cron} (${input.timezone}), ${saved.description}`,
        before: before ? { cron: before.cron, timezone: before.timezone } : undefined,
        after: { cron: saved.cron, timezone: saved.timezone, next_run: saved.next_run },
      });
      return saved;
    });
  }

  async remove(
    caller: Caller,
    experiment: string,
    campaign: string,
    stage: string,
  ): Promise<{ removed: boolean }> {
    const record = await this.campaign(caller, experiment, campaign);
    requireStage(record, stage);
    const removed = await this.store.transaction(async (tx) => {
      const before = (await tx.control.schedules(experiment)).find(
        (s) => s.campaign_id === record.id && s.stage === stage,
      );
      const gone = await tx.control.deleteSchedule(experiment, record.id, stage);
      if (gone) {
        await recordChange(tx, caller, {
          experiment,
          action: 'schedule.remove',
          objectType: 'stage',
          objectId: `${campaign}/${stage}`,
          summary: `removed the schedule of ${campaign}/${stage}`,
          before: before ? { cron: before.cron, timezone: before.timezone } : undefined,
        });
      }
      return gone;
    });
    return { removed };
  }

  private async campaign(
    caller: Caller,
    experiment: string,
    campaign: string,
  ): Promise<CampaignRecord> {
    this.access.check(caller, 'view', { experiment });
    const record = await this.store.campaigns.get(experiment, campaign);
    this.access.check(caller, 'stage.schedule', await this.access.campaignTarget(record));
    return record;
  }
}
