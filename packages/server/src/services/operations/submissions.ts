// Launches and submissions on behalf of a caller: permission first (the campaign's role and owner
// decide), then the execution core. A submission is reached through its experiment: one of
// another experiment is not found, whatever its id.
import type { ParamList, RecoveryType, SubmissionStatus } from '@poms/core';
import { NotFoundError } from '../../ports/errors.ts';
import type { PublicationRecord, PublishedRule } from '../../ports/publications.ts';
import type { OffsetPage, Store, StoreTransaction } from '../../ports/store.ts';
import type {
  FileStatistics,
  HistoryEntry,
  JobListOptions,
  JobRecord,
  LedgerEntry,
  LedgerState,
  SubmissionRecord,
  TrackedJobState,
} from '../../ports/submissions.ts';
import type { AccessService, Caller } from '../access.ts';
import type { DryRunResult, Execution, LaunchOutcome } from '../execution/index.ts';
import type { LogStream } from '../logs/index.ts';
import { redactEnvironments } from '../logs/redact.ts';
import { recordChange } from './audit.ts';

export interface LaunchInput {
  test?: boolean | undefined;
  overrides?: ParamList | undefined;
  dataset?: string | undefined;
}

export class SubmissionOperations {
  constructor(
    private readonly store: Store,
    private readonly access: AccessService,
    private readonly execution: Execution,
  ) {}

  private async campaignTarget(caller: Caller, experiment: string, campaign: string) {
    this.access.check(caller, 'view', { experiment });
    const record = await this.store.campaigns.get(experiment, campaign);
    return this.access.campaignTarget(record);
  }

  async launch(
    caller: Caller,
    experiment: string,
    campaign: string,
    stage: string,
    input: LaunchInput,
  ): Promise<LaunchOutcome> {
    this.access.check(
      caller,
      'stage.launch',
      await this.campaignTarget(caller, experiment, campaign),
    );
    return this.store.transaction(async (tx) => {
      const outcome = await this.execution.launches.within(tx).launch({
        experiment,
        campaign,
        stage,
        launcher: caller.username,
        test: input.test,
        overrides: input.overrides,
        dataset: input.dataset,
      });
      await recordLaunch(
        tx,
        caller,
        experiment,
        'submission.launch',
        campaign,
        stage,
        outcome,
        input,
      );
      return outcome;
    });
  }

  async launchCampaign(caller: Caller, experiment: string, campaign: string, input: LaunchInput) {
    this.access.check(
      caller,
      'stage.launch',
      await this.campaignTarget(caller, experiment, campaign),
    );
    return this.store.transaction(async (tx) => {
      const outcomes = await this.execution.launches.within(tx).launchCampaign({
        experiment,
        campaign,
        launcher: caller.username,
        test: input.test,
        overrides: input.overrides,
      });
      for (const { stage, outcome } of outcomes) {
        await recordLaunch(
          tx,
          caller,
          experiment,
          'campaign.launch',
          campaign,
          stage,
          outcome,
          input,
        );
      }
      return outcomes;
    });
  }

  /** Seeing what a launch would do needs only the right to see the campaign. */
  async dryRun(
    caller: Caller,
    experiment: string,
    campaign: string,
    stage: string,
    input: LaunchInput,
  ): Promise<DryRunResult> {
    await this.campaignTarget(caller, experiment, campaign);
    return this.execution.dryRun({
      experiment,
      campaign,
      stage,
      launcher: caller.username,
      test: input.test,
      overrides: input.overrides,
      dataset: input.dataset,
    });
  }

  async list(
    caller: Caller,
    experiment: string,
    filter: {
      campaign?: string | undefined;
      stage?: string | undefined;
      statuses?: SubmissionStatus[] | undefined;
      /** Only test launches (true) or only production ones (false). */
      test?: boolean | undefined;
      /** Only the submissions of this chain (its root submission's id). */
      chain?: string | undefined;
      limit?: number | undefined;
      offset?: number | undefined;
    },
  ): Promise<OffsetPage<SubmissionRecord>> {
    this.access.check(caller, 'view', { experiment });
    const campaignId =
      filter.campaign === undefined
        ? undefined
        : (await this.store.campaigns.get(experiment, filter.campaign)).id;
    return this.store.submissions.list({
      experiment,
      campaignId,
      stage: filter.stage,
      statuses: filter.statuses,
      test: filter.test,
      chainRootId: filter.chain,
      limit: filter.limit,
      offset: filter.offset,
    });
  }

  /** A submission of the experiment the caller may see. */
  async get(caller: Caller, experiment: string, id: string): Promise<SubmissionRecord> {
    this.access.check(caller, 'view', { experiment });
    const submission = await this.store.submissions.get(id);
    if (submission.experiment !== experiment) throw new NotFoundError('submission', id);
    return submission;
  }

  async details(
    caller: Caller,
    experiment: string,
    id: string,
  ): Promise<{
    submission: SubmissionRecord;
    statistics: FileStatistics;
    history: HistoryEntry[];
    job_counts: Partial<Record<TrackedJobState, number>>;
    publication: (PublicationRecord & { rules: PublishedRule[] }) | null;
  }> {
    const submission = await this.get(caller, experiment, id);
    const [statistics, history, jobCounts, publication] = await Promise.all([
      this.store.submissions.statistics(id),
      this.store.submissions.history(id),
      this.store.submissions.jobCounts(id),
      this.store.publications.get(id),
    ]);
    return {
      submission,
      statistics,
      history,
      job_counts: jobCounts,
      publication: publication === null ? null : { ...publication, rules: [...publication.rules] },
    };
  }

  /** A page of the submission's jobs by index (`jobs` of the details, filtered). */
  async jobs(
    caller: Caller,
    experiment: string,
    id: string,
    options: JobListOptions,
  ): Promise<OffsetPage<JobRecord>> {
    await this.get(caller, experiment, id);
    return this.store.submissions.jobPage(id, options);
  }

  async ledger(
    caller: Caller,
    experiment: string,
    id: string,
    options: { state?: LedgerState; limit?: number; offset?: number },
  ): Promise<OffsetPage<LedgerEntry>> {
    await this.get(caller, experiment, id);
    return this.store.submissions.ledger(id, options);
  }

  async logs(caller: Caller, experiment: string, id: string, index: number, maxBytes?: number) {
    await this.get(caller, experiment, id);
    return this.execution.logs(id, index, maxBytes);
  }

  /** One stream of a job's log from a byte offset (what `poms logs --follow` polls). */
  async logChunk(
    caller: Caller,
    experiment: string,
    id: string,
    index: number,
    stream: LogStream,
    offset: number,
    maxBytes?: number,
  ) {
    const submission = await this.get(caller, experiment, id);
    return this.execution.jobLogs.chunk(submission.id, index, stream, offset, maxBytes);
  }

  /** A job's whole kept stream, for a download. */
  async logDownload(
    caller: Caller,
    experiment: string,
    id: string,
    index: number,
    stream: LogStream,
  ) {
    const submission = await this.get(caller, experiment, id);
    return this.execution.jobLogs.download(submission.id, index, stream);
  }

  /** The submission's jobs with the sizes of their kept logs. */
  async logSizes(caller: Caller, experiment: string, id: string) {
    const submission = await this.get(caller, experiment, id);
    return { jobs: await this.execution.jobLogs.sizes(submission.id) };
  }

  async launchLog(caller: Caller, experiment: string, id: string) {
    const submission = await this.get(caller, experiment, id);
    return { submission_id: submission.id, ...(await this.execution.launchLog(submission.id)) };
  }

  async config(caller: Caller, experiment: string, id: string): Promise<unknown> {
    await this.get(caller, experiment, id);
    return redactEnvironments(await this.store.submissions.config(id));
  }

  private async controlTarget(caller: Caller, experiment: string, id: string) {
    const submission = await this.get(caller, experiment, id);
    const campaign = await this.store.campaigns.getById(submission.campaign_id as never);
    return { submission, target: await this.access.campaignTarget(campaign) };
  }

  async jobAction(
    caller: Caller,
    experiment: string,
    id: string,
    action: 'kill' | 'hold' | 'release',
    indexes?: number[],
  ) {
    const { target } = await this.controlTarget(caller, experiment, id);
    this.access.check(caller, 'jobs.control', target);
    const jobTarget = { kind: 'submission' as const, id, indexes };
    return this.store.transaction(async (tx) => {
      const control = this.execution.control.within(tx);
      const result =
        action === 'kill'
          ? await control.kill(jobTarget, caller.username)
          : action === 'hold'
            ? await control.holdJobs(jobTarget, caller.username)
            : await control.releaseJobs(jobTarget, caller.username);
      await recordChange(tx, caller, {
        experiment,
        action: `submission.${action}`,
        objectType: 'submission',
        objectId: id,
        summary: `${action} ${indexes === undefined ? 'every job' : `jobs ${indexes.join(', ')}`} of ${id}: ${result.jobs} jobs`,
        after: { jobs: result.jobs, ...(indexes === undefined ? {} : { indexes }) },
      });
      return result;
    });
  }

  async recover(caller: Caller, experiment: string, id: string, type?: RecoveryType) {
    const { submission, target } = await this.controlTarget(caller, experiment, id);
    this.access.check(caller, 'stage.launch', target);
    return this.store.transaction(async (tx) => {
      const outcome = await this.execution.control.within(tx).recover(id, caller.username, type);
      await recordLaunch(
        tx,
        caller,
        experiment,
        'submission.recover',
        submission.campaign,
        submission.stage,
        outcome,
        {},
        id,
      );
      return outcome;
    });
  }

  async decide(
    caller: Caller,
    experiment: string,
    id: string,
    decision: 'approve' | 'reject' | 'force-located',
  ): Promise<SubmissionRecord> {
    const { submission, target } = await this.controlTarget(caller, experiment, id);
    this.access.check(caller, 'submission.approve', target);
    const before = submission.status;
    return this.store.transaction(async (tx) => {
      const control = this.execution.control.within(tx);
      const moved =
        decision === 'approve'
          ? await control.approve(id, caller.username)
          : decision === 'reject'
            ? await control.reject(id, caller.username)
            : await control.forceLocated(id, caller.username);
      await recordChange(tx, caller, {
        experiment,
        action: `submission.${decision}`,
        objectType: 'submission',
        objectId: id,
        summary: `${decision} ${id}: ${before} → ${moved.status}`,
        before: { status: before },
        after: { status: moved.status },
      });
      return moved;
    });
  }
}

/** The audit entry of a launch: the submission it made, or the stage when it made none. */
async function recordLaunch(
  tx: StoreTransaction,
  caller: Caller,
  experiment: string,
  action: string,
  campaign: string,
  stage: string,
  outcome: LaunchOutcome,
  input: { test?: boolean | undefined; dataset?: string | undefined },
  parentId?: string,
): Promise<void> {
  const what = `${input.test === true ? 'test launch' : 'launch'} of ${campaign}/${stage}`;
  const from = parentId === undefined ? '' : ` (recovery of ${parentId})`;
  await recordChange(tx, caller, {
    experiment,
    action,
    ...(outcome.kind === 'launched'
      ? { objectType: 'submission', objectId: outcome.submission.id }
      : { objectType: 'stage', objectId: `${campaign}/${stage}` }),
    summary:
      outcome.kind === 'launched'
        ? `${what}${from}: ${outcome.created ? 'submission' : 'already launched as'} ${outcome.submission.id}`
        : outcome.kind === 'held'
          ? `${what}${from} queued behind a hold (${outcome.entry.id})`
          : `${what}${from}: nothing to launch (${outcome.reason})`,
    after: {
      kind: outcome.kind,
      ...(outcome.kind === 'launched' ? { submission: outcome.submission.id } : {}),
      ...(outcome.kind === 'held' ? { held_launch: outcome.entry.id } : {}),
      ...(parentId === undefined ? {} : { parent: parentId }),
      ...(input.test === true ? { test: true } : {}),
      ...(input.dataset === undefined ? {} : { dataset: input.dataset }),
    },
  });
}
