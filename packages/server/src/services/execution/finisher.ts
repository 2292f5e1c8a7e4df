// What follows a finished submission (DESIGN.md §5 workers/finisher, POMS-REFERENCE §5–§6): the
// next step of its recovery recipe with files to relaunch, or — when the recovery chain has
// ended — its downstream stages, each given a dataset made of the chain's outputs that match the
// edge's patterns; a self-edge relaunches the stage with its next slice. Every launch it makes
// has a launch key, so deciding twice (after a crash, or two finishers at once) launches once.
import type { Query } from '@poms/core';
import type { Store } from '../../ports/store.ts';
import type { SubmissionRecord } from '../../ports/submissions.ts';
import { crashPoint } from '../crash-points.ts';
import { asConfig, effectiveOf, type SubmissionConfig } from './config.ts';
import type { LaunchService } from './launches.ts';
import { outputsQuery, union } from './queries.ts';
import { recoveryFiles } from './recovery.ts';

export interface FinisherOptions {
  store: Store;
  launches: LaunchService;
  log: (message: string) => void;
}

/** Statuses after which the finisher decides what follows. */
const DECIDED = new Set(['Located', 'Failed', 'Cancelled', 'Removed']);

export class Finisher {
  constructor(private readonly options: FinisherOptions) {}

  private get store(): Store {
    return this.options.store;
  }

  /** Decides what follows `submission` if it is finished and nothing was decided yet. */
  async progress(submission: SubmissionRecord): Promise<void> {
    if (submission.progressed || !DECIDED.has(submission.status)) return;
    const config = asConfig(await this.store.submissions.config(submission.id));
    const endsChain =
      submission.status === 'Cancelled' ||
      submission.status === 'Removed' ||
      !(await this.launchRecovery(submission, config));
    if (endsChain) {
      await this.store.submissions.setChainDone(submission.chain_root_id);
      if (submission.status !== 'Cancelled' && submission.status !== 'Removed') {
        await this.launchDependents(submission.chain_root_id);
      }
    }
    await this.store.submissions.setProgressed(submission.id);
  }

  /** Launches the first recovery step after this one that has files; false when none has. */
  private async launchRecovery(
    submission: SubmissionRecord,
    config: SubmissionConfig,
  ): Promise<boolean> {
    const recipe = config.job_type?.recovery ?? [];
    const first = submission.recovery_step === null ? 0 : submission.recovery_step + 1;
    for (let step = first; step < recipe.length; step++) {
      const recovery = recipe[step];
      if (recovery === undefined) continue;
      const files = await recoveryFiles(this.store, submission, config, recovery.type);
      if (files.length === 0) continue;
      const outcome = await this.options.launches.launch({
        experiment: submission.experiment,
        campaign: submission.campaign,
        stage: submission.stage,
        launcher: submission.launcher,
        test: submission.test,
        origin: 'recovery',
        launchKey: `recovery:${submission.id}`,
        parentId: submission.id,
        chainRootId: submission.chain_root_id,
        upstreamIds: [...submission.upstream_ids],
        recoveryStep: step,
        input: {
          files,
          label: `${recovery.type} of ${submission.id}`,
          dataset: submission.parameter ?? undefined,
        },
        datasetQuery: submission.dataset_query ?? undefined,
      });
      this.options.log(
        `${submission.id}: recovery step ${step + 1} (${recovery.type}) of ${files.length} file(s): ${outcome.kind}`,
      );
      if (outcome.kind !== 'nothing') {
        // The recovery is recorded; that it was decided (progressed) is not yet.
        crashPoint('recovery.decided');
        return true;
      }
    }
    return false;
  }

  /** The chain of `rootId` has ended: launch its stage's downstream stages. */
  private async launchDependents(rootId: string): Promise<void> {
    const root = await this.store.submissions.get(rootId);
    const rootConfig = asConfig(await this.store.submissions.config(rootId));
    const chain = await this.store.submissions.list({
      experiment: root.experiment,
      chainRootId: rootId,
      limit: 1000,
    });
    const members = chain.items.map((s) => s.id);
    const campaign = await this.store.campaigns.getById(root.campaign_id as never);
    const effective = effectiveOf(campaign.model);

    for (const edge of rootConfig.downstream) {
      if (edge.self) {
        if (rootConfig.split === null) continue;
        const outcome = await this.options.launches.launch({
          experiment: root.experiment,
          campaign: root.campaign,
          stage: root.stage,
          launcher: root.launcher,
          test: root.test,
          origin: 'next-slice',
          launchKey: `next:${root.id}`,
          parentId: root.id,
        });
        this.options.log(`${root.id}: next slice of ${root.stage}: ${outcome.kind}`);
        if (outcome.kind === 'nothing') await this.splitEnded(root);
        continue;
      }
      const target = effective.stages.find((s) => s.name === edge.stage);
      if (target === undefined) continue;
      if (target.wait === 'all') {
        await this.launchWhenAllDone(root, target.name, effective, campaign.id);
        continue;
      }
      const query = passOn(root, rootConfig, members, edge.patterns);
      await this.launchWith(root, target.name, query, [root.id], `dep:${root.id}:${target.name}`);
    }
  }

  /** `wait: all`: launch once every upstream stage has a finished chain not used before. */
  private async launchWhenAllDone(
    trigger: SubmissionRecord,
    stage: string,
    effective: ReturnType<typeof effectiveOf>,
    campaignId: string,
  ): Promise<void> {
    const target = effective.stages.find((s) => s.name === stage);
    if (target === undefined) return;
    const parents = target.needs.filter((e) => !e.self);
    const existing = await this.store.submissions.list({
      experiment: trigger.experiment,
      campaignId,
      stage,
      limit: 1000,
    });
    const used = new Set(existing.items.flatMap((s) => s.upstream_ids));
    const picked: { root: SubmissionRecord; query: Query }[] = [];
    for (const edge of parents) {
      const roots = await this.doneRoots(trigger.experiment, campaignId, edge.from);
      const fresh = roots.filter((r) => !used.has(r.id) && r.test === trigger.test);
      if (fresh.length === 0) {
        this.options.log(`${stage} waits for all of its upstream stages: ${edge.from} is not done`);
        return;
      }
      for (const root of fresh) {
        const config = asConfig(await this.store.submissions.config(root.id));
        const chain = await this.store.submissions.list({
          experiment: root.experiment,
          chainRootId: root.id,
          limit: 1000,
        });
        picked.push({
          root,
          query: passOn(
            root,
            config,
            chain.items.map((s) => s.id),
            edge.patterns,
          ),
        });
      }
    }
    const roots = [...new Set(picked.map((p) => p.root.id))].sort();
    await this.launchWith(
      trigger,
      stage,
      union(picked.map((p) => p.query)),
      roots,
      `all:${campaignId}:${stage}:${roots.join(',')}`,
    );
  }

  private async doneRoots(
    experiment: string,
    campaignId: string,
    stage: string,
  ): Promise<SubmissionRecord[]> {
    const page = await this.store.submissions.list({ experiment, campaignId, stage, limit: 1000 });
    return page.items.filter(
      (s) => s.chain_root_id === s.id && s.chain_done_at !== null && s.status !== 'Removed',
    );
  }

  private async launchWith(
    upstream: SubmissionRecord,
    stage: string,
    query: Query,
    upstreamIds: string[],
    launchKey: string,
  ): Promise<void> {
    const count = await this.store.catalog.countFiles(upstream.experiment, query);
    if (count === 0) {
      this.options.log(`${upstream.id}: no files for ${stage}: not launched`);
      return;
    }
    const outcome = await this.options.launches.launch({
      experiment: upstream.experiment,
      campaign: upstream.campaign,
      stage,
      launcher: upstream.launcher,
      test: upstream.test,
      origin: 'dependency',
      launchKey,
      parentId: upstream.id,
      upstreamIds,
      input: {
        query,
        label: `${count} file(s) from ${upstream.stage} (${upstreamIds.join(', ')})`,
        dataset: upstream.parameter ?? undefined,
      },
    });
    this.options.log(`${upstream.id}: launched ${stage} with ${count} file(s): ${outcome.kind}`);
  }

  /** A self-edge found the split exhausted: drop the stage's schedule if it asks for that. */
  private async splitEnded(root: SubmissionRecord): Promise<void> {
    const config = asConfig(await this.store.submissions.config(root.id));
    if (!config.stage.clear_schedule_when_exhausted) return;
    await this.store.control.deleteSchedule(root.experiment, root.campaign_id, root.stage);
  }
}

/**
 * The files a finished chain passes on along an edge: its outputs matching the patterns, or —
 * for approval and data-transfer stages, which pass their input through — its input.
 */
function passOn(
  root: SubmissionRecord,
  config: SubmissionConfig,
  members: readonly string[],
  patterns: readonly string[],
): Query {
  const passThrough = config.stage.type === 'approval' || config.stage.type === 'datatransfer';
  if (passThrough && root.input_snapshot_id !== null) {
    return { type: 'snapshot', ref: root.input_snapshot_id };
  }
  return outputsQuery(members, patterns);
}
