// Launching a stage (DESIGN.md §5, POMS-REFERENCE §3): check holds, take the next slice of the
// split (or the input a recovery or a dependency brings), render the launch, freeze the config,
// and record the submission with its ledger rows — the slice, the snapshot and the submission in
// ONE transaction, so a crash leaves either all of them or none. The engine is called afterwards
// by the executor, which finds every New submission that has jobs not yet given to an engine: a
// crash between the record and the engine call loses nothing, and the engine's idempotent submit
// (per submission id) duplicates nothing.
import {
  formatSplitSpec,
  launchTemplateValues,
  nextSlice,
  parseSplitSpec,
  renderLaunch,
  type EffectiveCampaign,
  type EffectiveStage,
  type ParamList,
  type Query,
  type Slice,
  type SplitSpec,
} from '@poms/core';
import { formatQuery } from '@poms/core/query';
import type { HeldLaunchRecord, HoldRecord } from '../../ports/control.ts';
import { ConflictError } from '../../ports/errors.ts';
import type { CampaignRecord, StoreScope, StoreTransaction } from '../../ports/store.ts';
import type { SubmissionOrigin, SubmissionRecord } from '../../ports/submissions.ts';
import { crashPoint } from '../crash-points.ts';
import { sliceSource } from '../split-preview.ts';
import { downstreamOf, effectiveOf, type SubmissionConfig } from './config.ts';
import { LaunchError } from './errors.ts';
import type { ExternalInputs } from '../data/external-source.ts';
import { withDataTargets } from './data-targets.ts';
import { datasetOrQuery, resolveStageInput, type ResolvedInput } from './stage-input.ts';
import { jobToken, tokenHash } from './tokens.ts';

/** A launch as asked: by a person, a schedule, or the system (recovery, dependency). */
export interface LaunchRequest {
  experiment: string;
  campaign: string;
  stage: string;
  /** Who launches; automatic launches run as the original submitter. */
  launcher: string;
  test?: boolean | undefined;
  overrides?: ParamList | undefined;
  origin?: SubmissionOrigin | undefined;
  /** Makes the launch happen at most once (automatic launches). */
  launchKey?: string | undefined;
  parentId?: string | undefined;
  chainRootId?: string | undefined;
  upstreamIds?: string[] | undefined;
  recoveryStep?: number | undefined;
  /** Input instead of the stage's split: a query (dependency, relaunch) or named files (recovery). */
  input?: ExplicitInput | undefined;
  /** Relaunch with this dataset (a dataset name or a query) instead of the stage's split. */
  dataset?: string | undefined;
  /** The dataset before slicing, for `added_files`; defaults to the input's query. */
  datasetQuery?: string | undefined;
  /** Draining the held-launch queue: the hold that queued this launch was released for it. */
  ignoreHolds?: boolean | undefined;
  /** Why, for the submission's first history entry. */
  reason?: string | undefined;
}

export type ExplicitInput =
  | { query: Query; label: string; dataset?: string | undefined }
  | { files: string[]; label: string; dataset?: string | undefined };

export type LaunchOutcome =
  | { kind: 'launched'; submission: SubmissionRecord; created: boolean }
  | { kind: 'held'; entry: HeldLaunchRecord; hold: HoldRecord }
  | { kind: 'nothing'; reason: string };

/** What a launch will deliver, decided before anything is written. */
interface Plan {
  campaign: CampaignRecord;
  effective: EffectiveCampaign;
  stage: EffectiveStage;
  test: boolean;
  input:
    | { kind: 'slice'; spec: SplitSpec; owner: string; slice: Slice; cursor: unknown; seq: number }
    | { kind: 'query'; query: Query; text: string }
    | { kind: 'files'; files: string[]; text: string }
    | { kind: 'none' };
  label: string;
  dataset: string;
  datasetQuery: string | undefined;
  config: SubmissionConfig;
}

class AlreadyLaunched extends Error {
  constructor(readonly submission: SubmissionRecord) {
    super('already launched');
  }
}

export interface LaunchServiceOptions {
  store: StoreScope;
  /** Derives job tokens; the store keeps only their hashes. */
  jobSecret: Uint8Array;
  now: () => Date;
  /** Called after a submission is recorded, so the executor can submit it at once. */
  onRecorded?: (submission: SubmissionRecord) => void;
  /** Reads stage inputs of the experiments' MetaCat/SAM into the embedded catalog. */
  external?: ExternalInputs | undefined;
}

export class LaunchService {
  constructor(private readonly options: LaunchServiceOptions) {}

  private get store(): StoreScope {
    return this.options.store;
  }

  /** The same service working inside `tx`: its launches commit or roll back with the caller's. */
  within(tx: StoreTransaction): LaunchService {
    return new LaunchService({ ...this.options, store: tx });
  }

  /**
   * Launches a whole campaign: each of its lead stages (those no other stage feeds; a self-edge
   * does not count), in file order.
   */
  async launchCampaign(
    request: Omit<LaunchRequest, 'stage'>,
  ): Promise<{ stage: string; outcome: LaunchOutcome }[]> {
    const campaign = await this.store.campaigns.get(request.experiment, request.campaign);
    const leads = effectiveOf(campaign.model).stages.filter((s) =>
      s.needs.every((edge) => edge.self),
    );
    const out: { stage: string; outcome: LaunchOutcome }[] = [];
    for (const stage of leads) {
      out.push({
        stage: stage.name,
        outcome: await this.launch({ ...request, stage: stage.name }),
      });
    }
    return out;
  }

  async launch(request: LaunchRequest): Promise<LaunchOutcome> {
    const { store } = this;
    if (request.launchKey !== undefined) {
      const existing = await store.submissions.findByLaunchKey(
        request.experiment,
        request.launchKey,
      );
      if (existing) return { kind: 'launched', submission: existing, created: false };
    }
    const campaign = await store.campaigns.get(request.experiment, request.campaign);
    if (request.ignoreHolds !== true) {
      const hold = await store.control.holdFor(request.experiment, campaign.id, request.stage);
      if (hold) {
        const { entry } = await store.control.queueLaunch({
          experiment: request.experiment,
          campaignId: campaign.id,
          stage: request.stage,
          request,
          launchKey: request.launchKey,
          by: request.launcher,
        });
        return { kind: 'held', entry, hold };
      }
    }
    // Two launches racing for the same slice: the loser plans again from the new cursor.
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.launchOnce(campaign, request);
      } catch (error) {
        if (error instanceof AlreadyLaunched) {
          return { kind: 'launched', submission: error.submission, created: false };
        }
        if (!(error instanceof ConflictError && error.entity === 'split') || attempt >= 5) {
          throw error;
        }
      }
    }
  }

  private async launchOnce(
    campaign: CampaignRecord,
    request: LaunchRequest,
  ): Promise<LaunchOutcome> {
    const plan = await this.plan(campaign, request);
    if ('nothing' in plan) return { kind: 'nothing', reason: plan.nothing };
    const { store } = this;
    const { experiment } = request;
    const submission = await store.transaction(async (tx) => {
      let snapshotId: string | undefined;
      let splitSeq: number | undefined;
      let inputQuery: string | undefined;
      const input = plan.input;
      if (input.kind === 'slice') {
        const record = await tx.catalog.recordSlice(experiment, input.owner, {
          spec: formatSplitSpec(input.spec),
          expectedSlices: input.seq - 1,
          ...(input.slice.kind === 'files' ? { query: input.slice.query } : {}),
          queryText: `slice ${input.seq} of ${input.owner}: ${input.slice.label}`,
          ...(input.slice.parameter === undefined ? {} : { parameter: input.slice.parameter }),
          label: input.slice.label,
          cursor: input.cursor as never,
        });
        snapshotId = record.snapshot_id ?? undefined;
        splitSeq = record.seq;
        inputQuery = snapshotId === undefined ? undefined : `snapshot: ${snapshotId}`;
      } else if (input.kind === 'query') {
        const snapshot = await tx.catalog.snapshot(experiment, input.query, {
          queryText: input.text,
        });
        snapshotId = snapshot.id;
        inputQuery = input.text;
      } else if (input.kind === 'files') {
        inputQuery = input.text;
      }
      const config = {
        ...plan.config,
        split: plan.config.split === null ? null : { ...plan.config.split, seq: splitSeq ?? null },
      };
      const created = await tx.submissions.create({
        experiment,
        campaignId: campaign.id,
        campaign: campaign.name,
        campaignRevision: campaign.current_revision,
        stage: plan.stage.name,
        stageType: plan.stage.type,
        engine: plan.config.launch?.engine ?? 'local',
        origin: request.origin ?? 'manual',
        test: plan.test,
        launchKey: request.launchKey,
        parentId: request.parentId,
        chainRootId: request.chainRootId,
        upstreamIds: request.upstreamIds,
        recoveryStep: request.recoveryStep,
        recoveryType: plan.config.launch?.recovery?.type,
        launcher: request.launcher,
        datasetQuery: plan.datasetQuery,
        inputQuery,
        inputSnapshotId: snapshotId,
        parameter: plan.dataset === '' ? undefined : plan.dataset,
        splitSeq,
        ledger:
          snapshotId !== undefined
            ? { snapshot: snapshotId }
            : input.kind === 'files'
              ? { files: input.files }
              : { none: true },
        filesPerJob: plan.config.job_type?.files_per_job ?? 1,
        jobsWithoutFiles: plan.config.job_type?.jobs ?? 1,
        noJobs: plan.stage.type === 'approval',
        config,
        tokenHash: (id) => tokenHash(jobToken(this.options.jobSecret, id)),
        reason: request.reason ?? launchReason(request, plan),
        status: plan.stage.type === 'approval' ? 'Awaiting Approval' : 'New',
      });
      // Roll the slice back with it: the launch key was taken meanwhile by another process.
      if (!created.created) throw new AlreadyLaunched(created.submission);
      return created.submission;
    });
    // Recorded with its ledger, not yet given to an engine (the executor finds it New).
    crashPoint('launch.recorded');
    this.options.onRecorded?.(submission);
    return { kind: 'launched', submission, created: true };
  }

  /** Decides what a launch delivers and renders it, writing nothing. */
  async plan(
    campaign: CampaignRecord,
    request: LaunchRequest,
  ): Promise<Plan | { nothing: string }> {
    const effective = effectiveOf(campaign.model);
    const stage = effective.stages.find((s) => s.name === request.stage);
    if (stage === undefined) {
      throw new LaunchError(
        'launch.unknown-stage',
        `campaign ${campaign.name} has no stage '${request.stage}' (stages: ${effective.stages.map((s) => s.name).join(', ')})`,
      );
    }
    if (!stage.active && (request.origin ?? 'manual') === 'manual') {
      throw new LaunchError(
        'launch.inactive',
        `stage ${stage.name} is not active: set active: true to launch it`,
      );
    }
    const test = request.test === true || effective.test;
    const input = await this.input(campaign, effective, stage, request, test);
    if ('nothing' in input) return input;

    let config: SubmissionConfig;
    const values = {
      dataset: input.dataset,
      experimenter: request.launcher,
      experiment: request.experiment,
    };
    const downstream = downstreamOf(effective, stage.name);
    const frozenStage = withDataTargets(stage, launchTemplateValues(effective, stage, values));
    const split =
      input.input.kind === 'slice'
        ? {
            spec: formatSplitSpec(input.input.spec),
            owner: input.input.owner,
            seq: input.input.seq,
            label: input.label,
          }
        : null;
    const campaignRef = {
      id: campaign.id,
      name: campaign.name,
      revision: campaign.current_revision,
      experiment: request.experiment,
    };
    if (stage.type === 'approval') {
      config = {
        campaign: campaignRef,
        stage: frozenStage,
        job_type: null,
        launch_setup: null,
        launch: null,
        split,
        values,
        downstream,
      };
    } else {
      const rendered = renderLaunch({
        campaign: effective,
        stage: stage.name,
        kind: {
          test,
          ...(request.recoveryStep === undefined ? {} : { recoveryStep: request.recoveryStep }),
          ...(request.overrides === undefined ? {} : { overrides: request.overrides }),
        },
        values,
      });
      if (!rendered.ok) {
        throw new LaunchError(
          'launch.render',
          `stage ${stage.name} cannot be launched: ${rendered.problems.map((p) => `${p.field.join('.')}: ${p.message}`).join('; ')}`,
          rendered.problems,
        );
      }
      const launch = rendered.launch;
      config = {
        campaign: campaignRef,
        stage: frozenStage,
        job_type: effective.job_types.find((j) => j.name === launch.job_type) ?? null,
        launch_setup: effective.launch_setups.find((l) => l.name === launch.launch_setup) ?? null,
        launch,
        split,
        values,
        downstream,
      };
    }
    return {
      campaign,
      effective,
      stage,
      test,
      input: input.input,
      label: input.label,
      dataset: input.dataset,
      datasetQuery: input.datasetQuery,
      config,
    };
  }

  private async input(
    campaign: CampaignRecord,
    effective: EffectiveCampaign,
    stage: EffectiveStage,
    request: LaunchRequest,
    test: boolean,
  ): Promise<
    | {
        input: Plan['input'];
        label: string;
        dataset: string;
        datasetQuery: string | undefined;
      }
    | { nothing: string }
  > {
    const given: ExplicitInput | undefined =
      request.input ??
      (request.dataset === undefined
        ? undefined
        : {
            ...(await datasetOrQuery(
              this.store.catalog,
              request.experiment,
              request.dataset,
              'dataset',
            )),
            label: `dataset ${request.dataset}`,
            dataset: request.dataset,
          });
    if (given !== undefined) {
      const dataset = given.dataset ?? '';
      if ('files' in given) {
        const text = `${given.files.length} file(s): ${given.label}`;
        return {
          input: { kind: 'files', files: given.files, text },
          label: given.label,
          dataset,
          datasetQuery: request.datasetQuery,
        };
      }
      const text = formatQuery(given.query);
      return {
        input: { kind: 'query', query: given.query, text },
        label: given.label,
        dataset,
        datasetQuery: request.datasetQuery ?? text,
      };
    }
    const resolved = await resolveStageInput(
      this.store.catalog,
      request.experiment,
      stage,
      launchTemplateValues(effective, stage, {
        dataset: '',
        experimenter: request.launcher,
        experiment: request.experiment,
      }),
      this.options.external,
    );
    if (resolved.kind === 'from_parent') {
      throw new LaunchError(
        'launch.no-input',
        `stage ${stage.name} reads the files its upstream stages pass on (${stage.needs
          .filter((e) => !e.self)
          .map((e) => e.from)
          .join(', ')}): launch an upstream stage, or relaunch it with a dataset`,
      );
    }
    const specText = test && stage.test_split !== undefined ? stage.test_split : stage.split;
    const parsed = parseSplitSpec(specText);
    if (!parsed.ok) {
      throw new LaunchError(
        'launch.bad-split',
        `stage ${stage.name}: split '${specText}': ${parsed.error.message}`,
      );
    }
    const spec = parsed.spec;
    if (resolved.kind === 'none' && spec.type === 'none') {
      return {
        input: { kind: 'none' },
        label: 'no input files',
        dataset: '',
        datasetQuery: undefined,
      };
    }
    const owner = splitOwner(campaign.id, stage.name, test);
    const state = await this.store.catalog.splitState(request.experiment, owner);
    const next = await nextSlice(spec, state.cursor, {
      source: sliceSource(this.store.catalog, request.experiment),
      owner,
      input: queryOf(resolved),
      ...(resolved.kind === 'list' ? { inputList: resolved.list } : {}),
      now: Math.floor(this.options.now().getTime() / 1000),
    });
    if (next.status !== 'slice') {
      return {
        nothing: `split ${formatSplitSpec(spec)} of ${stage.name}: ${next.status}: ${next.reason}`,
      };
    }
    const slice = next.slice;
    const datasetName = typeof stage.input === 'string' ? stage.input : '';
    return {
      input: {
        kind: 'slice',
        spec,
        owner,
        slice,
        cursor: next.cursor,
        seq: state.slices + 1,
      },
      label: slice.label,
      dataset: slice.parameter ?? datasetName,
      datasetQuery: resolved.kind === 'query' ? resolved.text : undefined,
    };
  }
}

/** The split's owner: the stage, and a separate cursor for test launches. */
export function splitOwner(campaignId: string, stage: string, test: boolean): string {
  return `${campaignId}/${stage}${test ? '#test' : ''}`;
}

function queryOf(input: ResolvedInput): Query {
  return input.kind === 'query' ? input.query : { type: 'all' };
}

function launchReason(request: LaunchRequest, plan: Plan): string {
  const what = `${plan.test ? 'test launch' : 'launch'} of ${plan.stage.name} on ${plan.label}`;
  switch (request.origin ?? 'manual') {
    case 'manual':
      return `${what} by ${request.launcher}`;
    case 'schedule':
      return `scheduled ${what}`;
    case 'recovery':
      return `recovery (${plan.config.launch?.recovery?.type ?? '?'}) of ${request.parentId ?? '?'}: ${what}`;
    case 'dependency':
      return `${what}, after ${request.upstreamIds?.join(', ') ?? request.parentId ?? '?'}`;
    case 'next-slice':
      return `next slice after ${request.parentId ?? '?'}: ${what}`;
    case 'keep-up':
      return `keep-up ${what}`;
  }
}
