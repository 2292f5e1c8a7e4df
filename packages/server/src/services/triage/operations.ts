// Triage on behalf of a caller: seeing the groups needs the right to see the experiment; recovering
// a group needs, for each campaign stage it touches, what recovering a submission there needs
// (stage.launch on the campaign), checked for all of them before anything is launched. Each
// launch is audited like a submission's recovery, in its transaction.
import type { Store } from '../../ports/store.ts';
import type { AccessService, Caller } from '../access.ts';
import type { Execution } from '../execution/index.ts';
import { recordChange } from '../operations/audit.ts';
import type { GroupBy } from './groups.ts';
import type { TriageLaunch, TriageReport, TriageService } from './triage.ts';

export interface TriageQuery {
  campaign?: string | undefined;
  stage?: string | undefined;
  since?: string | undefined;
  limit?: number | undefined;
  group_by?: GroupBy | undefined;
}

export class TriageOperations {
  constructor(
    private readonly store: Store,
    private readonly access: AccessService,
    private readonly execution: Execution,
    private readonly triage: TriageService,
  ) {}

  private async filter(caller: Caller, experiment: string, query: TriageQuery) {
    this.access.check(caller, 'view', { experiment });
    const campaignId =
      query.campaign === undefined
        ? undefined
        : (await this.store.campaigns.get(experiment, query.campaign)).id;
    return {
      experiment,
      campaignId,
      stage: query.stage,
      since: query.since,
      limit: query.limit,
      groupBy: query.group_by,
    };
  }

  async report(caller: Caller, experiment: string, query: TriageQuery): Promise<TriageReport> {
    return this.triage.report(await this.filter(caller, experiment, query));
  }

  async recover(
    caller: Caller,
    experiment: string,
    signature: string,
    query: TriageQuery,
  ): Promise<{ signature: string; launches: TriageLaunch[] }> {
    const filter = await this.filter(caller, experiment, query);
    const { stages } = await this.triage.openFiles(filter, signature);
    for (const { campaign } of stages) {
      const record = await this.store.campaigns.get(experiment, campaign);
      this.access.check(caller, 'stage.launch', await this.access.campaignTarget(record));
    }
    const launches: TriageLaunch[] = [];
    for (const { campaign, stage, files } of stages) {
      const outcome = await this.store.transaction(async (tx) => {
        const outcome = await this.triage.recoverStage(this.execution.launches.within(tx), {
          experiment,
          campaign,
          stage,
          signature,
          files,
          launcher: caller.username,
        });
        const what = `triage recovery of ${files.length} file(s) of ${campaign}/${stage} (${signature})`;
        await recordChange(tx, caller, {
          experiment,
          action: 'triage.recover',
          ...(outcome.kind === 'launched'
            ? { objectType: 'submission', objectId: outcome.submission.id }
            : { objectType: 'stage', objectId: `${campaign}/${stage}` }),
          summary:
            outcome.kind === 'launched'
              ? `${what}: ${outcome.created ? 'submission' : 'already launched as'} ${outcome.submission.id}`
              : outcome.kind === 'held'
                ? `${what} queued behind a hold (${outcome.entry.id})`
                : `${what}: nothing to launch (${outcome.reason})`,
          after: {
            kind: outcome.kind,
            signature,
            files: files.length,
            ...(outcome.kind === 'launched' ? { submission: outcome.submission.id } : {}),
            ...(outcome.kind === 'held' ? { held_launch: outcome.entry.id } : {}),
          },
        });
        return outcome;
      });
      launches.push({ campaign, stage, files, outcome });
    }
    return { signature, launches };
  }
}
