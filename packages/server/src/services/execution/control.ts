// People's controls over launches and jobs (POMS-REFERENCE §3, §10): holds with the held-launch
// queue, kill/hold/release of jobs at job, submission, stage and campaign level, approval,
// forcing Located, manual recovery, and schedules. Engine actions are recorded as requests on the
// jobs and carried out by the executor, so a CLI process without the engine can ask for them too.
import {
  describeCron,
  isValidTimeZone,
  nextRuns,
  parseCron,
  type RecoveryType,
  type SubmissionStatus,
} from '@poms/core';
import type {
  HeldLaunchRecord,
  HoldRecord,
  HoldScope,
  ScheduleRecord,
} from '../../ports/control.ts';
import type { CampaignRecord, StoreScope, StoreTransaction } from '../../ports/store.ts';
import type { JobRequest, SubmissionRecord } from '../../ports/submissions.ts';
import { asConfig, effectiveOf } from './config.ts';
import { LaunchError } from './errors.ts';
import type { LaunchOutcome, LaunchRequest, LaunchService } from './launches.ts';
import { recoveryFiles } from './recovery.ts';
import { countJobs } from './executor.ts';
import { applyEvent } from './status.ts';

export interface ControlServiceOptions {
  store: StoreScope;
  launches: LaunchService;
  now: () => Date;
  wake: () => void;
}

/** What a job action applies to. */
export type JobTarget =
  | { kind: 'submission'; id: string; indexes?: readonly number[] | undefined }
  | { kind: 'stage'; experiment: string; campaign: string; stage: string }
  | { kind: 'campaign'; experiment: string; campaign: string };

export interface JobActionResult {
  submissions: string[];
  jobs: number;
}

const LIVE: readonly SubmissionStatus[] = [
  'New',
  'LaunchFailed',
  'Idle',
  'Running',
  'Held',
  'Completed',
  'Awaiting Approval',
  'Approved',
];

/** A stage the campaign has now; a typo names nothing and is said so, not silently ignored. */
function requireStage(campaign: CampaignRecord, stage: string): void {
  const stages = effectiveOf(campaign.model).stages.map((s) => s.name);
  if (!stages.includes(stage)) {
    throw new LaunchError(
      'launch.unknown-stage',
      `campaign ${campaign.name} has no stage '${stage}' (stages: ${stages.join(', ')})`,
    );
  }
}

export class ControlService {
  constructor(private readonly options: ControlServiceOptions) {}

  private get store(): StoreScope {
    return this.options.store;
  }

  /** The same service working inside `tx`: its changes commit or roll back with the caller's. */
  within(tx: StoreTransaction): ControlService {
    return new ControlService({
      ...this.options,
      store: tx,
      launches: this.options.launches.within(tx),
    });
  }

  // ------------------------------------------------------------------------------------------
  // Holds and the held-launch queue

  hold(scope: HoldScope, by: string, reason?: string): Promise<HoldRecord> {
    return this.store.control.hold(scope, by, reason);
  }

  /** Lifts a hold, then launches every queued launch no other hold still stops. */
  async release(
    scope: HoldScope,
    by: string,
  ): Promise<{ released: boolean; launched: LaunchOutcome[] }> {
    const released = await this.store.control.release(scope);
    const launched = await this.drainHeldLaunches(by);
    return { released, launched };
  }

  heldLaunches(experiment?: string): Promise<HeldLaunchRecord[]> {
    return this.store.control.heldLaunches(experiment);
  }

  /**
   * Launches queued launches that are no longer held, oldest first, each exactly once: an entry
   * is taken in the transaction that launches it. One that cannot launch any more (its stage was
   * removed meanwhile) is taken with the reason, so it neither blocks the others nor comes back.
   */
  async drainHeldLaunches(by: string): Promise<LaunchOutcome[]> {
    const out: LaunchOutcome[] = [];
    for (const entry of await this.store.control.heldLaunches()) {
      const hold = await this.store.control.holdFor(
        entry.experiment,
        entry.campaign_id,
        entry.stage,
      );
      if (hold) continue;
      const request = entry.request as LaunchRequest;
      try {
        const outcome = await this.store.transaction(async (tx) => {
          if (!(await tx.control.takeHeldLaunch(entry.id, `released by ${by}`))) return undefined;
          return this.options.launches.within(tx).launch({ ...request, ignoreHolds: true });
        });
        if (outcome !== undefined) out.push(outcome);
      } catch (error) {
        if (!(error instanceof LaunchError)) throw error;
        const reason = `released by ${by}; launch failed: ${error.message}`;
        if (await this.store.control.takeHeldLaunch(entry.id, reason)) {
          out.push({ kind: 'nothing', reason: `${entry.stage}: ${error.message}` });
        }
      }
    }
    return out;
  }

  // ------------------------------------------------------------------------------------------
  // Jobs: kill, hold, release

  async kill(target: JobTarget, by: string): Promise<JobActionResult> {
    return this.jobAction(target, 'cancel', by);
  }

  async holdJobs(target: JobTarget, by: string): Promise<JobActionResult> {
    return this.jobAction(target, 'hold', by);
  }

  async releaseJobs(target: JobTarget, by: string): Promise<JobActionResult> {
    return this.jobAction(target, 'release', by);
  }

  private async jobAction(
    target: JobTarget,
    request: JobRequest,
    by: string,
  ): Promise<JobActionResult> {
    const submissions = await this.targets(target);
    let jobs = 0;
    for (const submission of submissions) {
      const indexes = target.kind === 'submission' ? target.indexes : undefined;
      jobs += await this.store.submissions.requestJobs(submission.id, request, indexes);
      if (indexes !== undefined) continue;
      // The whole submission: its status says so at once, whatever the engine takes.
      if (request === 'cancel') await applyEvent(this.store, submission, { kind: 'cancel', by });
      if (request === 'hold') await applyEvent(this.store, submission, { kind: 'hold', by });
      if (request === 'release') {
        const all = await this.store.submissions.jobs(submission.id);
        await applyEvent(this.store, submission, { kind: 'release', by, counts: countJobs(all) });
      }
    }
    this.options.wake();
    return { submissions: submissions.map((s) => s.id), jobs };
  }

  /** The live submissions a target names: one, a stage's, or a whole campaign's (every stage). */
  private async targets(target: JobTarget): Promise<SubmissionRecord[]> {
    if (target.kind === 'submission') return [await this.store.submissions.get(target.id)];
    const campaign = await this.store.campaigns.get(target.experiment, target.campaign);
    if (target.kind === 'stage') requireStage(campaign, target.stage);
    const page = await this.store.submissions.list({
      experiment: target.experiment,
      campaignId: campaign.id,
      ...(target.kind === 'stage' ? { stage: target.stage } : {}),
      statuses: LIVE,
      limit: 1000,
    });
    return page.items;
  }

  // ------------------------------------------------------------------------------------------
  // Approval, forcing Located, manual recovery

  async approve(id: string, by: string): Promise<SubmissionRecord> {
    return this.decide(id, { kind: 'approved', by }, 'Awaiting Approval');
  }

  async reject(id: string, by: string): Promise<SubmissionRecord> {
    return this.decide(id, { kind: 'rejected', by }, 'Awaiting Approval');
  }

  async forceLocated(id: string, by: string): Promise<SubmissionRecord> {
    return this.decide(id, { kind: 'force-located', by }, 'Completed');
  }

  private async decide(
    id: string,
    event: Parameters<typeof applyEvent>[2],
    needs: SubmissionStatus,
  ): Promise<SubmissionRecord> {
    const submission = await this.store.submissions.get(id);
    const moved = await applyEvent(this.store, submission, event);
    if (!moved) {
      throw new LaunchError(
        'submission.bad-state',
        `${id} is ${submission.status}, not ${needs}: ${event.kind} does not apply`,
      );
    }
    this.options.wake();
    return moved;
  }

  /**
   * Relaunches a finished submission's unprocessed files now, with a recovery type of its
   * stage's recipe (the first with files when none is named).
   */
  async recover(id: string, by: string, type?: RecoveryType): Promise<LaunchOutcome> {
    const submission = await this.store.submissions.get(id);
    const config = asConfig(await this.store.submissions.config(id));
    const recipe = config.job_type?.recovery ?? [];
    const steps = recipe
      .map((step, index) => ({ step, index }))
      .filter(({ step }) => type === undefined || step.type === type);
    if (steps.length === 0) {
      throw new LaunchError(
        'launch.no-input',
        type === undefined
          ? `stage ${submission.stage} has no recovery recipe`
          : `recovery type ${type} is not in the recipe of ${submission.stage} (${recipe.map((s) => s.type).join(', ') || 'empty'})`,
      );
    }
    for (const { step, index } of steps) {
      const files = await recoveryFiles(this.store, submission, config, step.type);
      if (files.length === 0) continue;
      return this.options.launches.launch({
        experiment: submission.experiment,
        campaign: submission.campaign,
        stage: submission.stage,
        launcher: by,
        test: submission.test,
        origin: 'recovery',
        parentId: submission.id,
        chainRootId: submission.chain_root_id,
        upstreamIds: [...submission.upstream_ids],
        recoveryStep: index,
        input: { files, label: `${step.type} of ${submission.id}` },
        datasetQuery: submission.dataset_query ?? undefined,
        reason: `manual recovery (${step.type}) of ${submission.id} by ${by}`,
      });
    }
    return { kind: 'nothing', reason: `${id}: no files to recover` };
  }

  // ------------------------------------------------------------------------------------------
  // Schedules

  async schedule(input: {
    experiment: string;
    campaign: string;
    stage: string;
    cron: string;
    timezone: string;
    by: string;
  }): Promise<ScheduleRecord & { description: string }> {
    const parsed = parseCron(input.cron);
    if (!parsed.ok) {
      throw new LaunchError(
        'schedule.bad-cron',
        `cron '${input.cron}', column ${parsed.error.column + 1}: ${parsed.error.message}`,
      );
    }
    if (!isValidTimeZone(input.timezone)) {
      throw new LaunchError(
        'schedule.bad-timezone',
        `timezone '${input.timezone}' is not an IANA time zone (like UTC or America/Chicago)`,
      );
    }
    const campaign = await this.store.campaigns.get(input.experiment, input.campaign);
    requireStage(campaign, input.stage);
    const next = nextRuns(parsed.cron, this.options.now(), input.timezone, 1)[0];
    const record = await this.store.control.setSchedule({
      experiment: input.experiment,
      campaignId: campaign.id,
      stage: input.stage,
      cron: input.cron,
      timezone: input.timezone,
      nextRun: next?.toISOString() ?? null,
      by: input.by,
    });
    return { ...record, description: describeCron(parsed.cron) };
  }

  /** Fires every schedule that is due, once each (compare-and-set on its next run). */
  async runDueSchedules(): Promise<LaunchOutcome[]> {
    const now = this.options.now();
    const out: LaunchOutcome[] = [];
    for (const due of await this.store.control.dueSchedules(now.toISOString())) {
      const fired = due.next_run;
      if (fired === null) continue;
      const parsed = parseCron(due.cron);
      const next = parsed.ok ? (nextRuns(parsed.cron, now, due.timezone, 1)[0] ?? null) : null;
      if (!(await this.store.control.advanceSchedule(due.id, fired, next?.toISOString() ?? null))) {
        continue;
      }
      const campaign = await this.store.campaigns.getById(due.campaign_id as never);
      out.push(
        await this.options.launches.launch({
          experiment: due.experiment,
          campaign: campaign.name,
          stage: due.stage,
          launcher: due.by,
          origin: 'schedule',
          launchKey: `schedule:${due.id}:${fired}`,
          reason: `scheduled launch (${due.cron}, ${due.timezone}) due ${fired}`,
        }),
      );
    }
    return out;
  }
}
