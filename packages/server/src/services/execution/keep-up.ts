// Keep-up launches (issue 8): a stage with `keep_up` launches by itself as its input dataset grows
// — once `files` files no launch of the stage has had are there, or once `after` has passed since
// its last launch with at least one. Its draining split is the watermark (the campaign check
// insists on one): each launch takes only files no earlier slice had, so no file is delivered
// twice, and the launch key (the split's next slice number) keeps two looks — or two servers —
// from launching the same slice.
//
// Evaluated with the scheduler's due launches, at most every `intervalMs`: a count query per
// keep-up stage, not per cycle.
import {
  effectiveCampaign,
  launchTemplateValues,
  type CampaignSpec,
  type EffectiveCampaign,
  type EffectiveStage,
} from '@poms/core';
import type { Store } from '../../ports/store.ts';
import type { LaunchOutcome, LaunchService } from './launches.ts';
import { splitOwner } from './launches.ts';
import type { ExternalInputs } from '../data/external-source.ts';
import { resolveStageInput } from './stage-input.ts';

export interface KeepUpOptions {
  store: Store;
  launches: LaunchService;
  now: () => Date;
  /** Between two looks at the keep-up stages; default 5 s. */
  intervalMs?: number;
  log: (message: string) => void;
  /** Reads inputs of the experiments' MetaCat/SAM into the embedded catalog. */
  external?: ExternalInputs | undefined;
  /** How often an external input dataset is read again to find new files; default 60 s. */
  externalIntervalMs?: number;
}

interface KeepUpStage {
  experiment: string;
  campaignId: string;
  campaign: string;
  owner: string;
  effective: EffectiveCampaign;
  stage: EffectiveStage;
  keepUp: NonNullable<EffectiveStage['keep_up']>;
}

export class KeepUpService {
  private lastLook = 0;
  /** When a never-launched stage was first seen with new files (the start of its wait). */
  private readonly firstSeen = new Map<string, number>();

  constructor(private readonly options: KeepUpOptions) {}

  /** Launches every keep-up stage whose dataset has grown enough; at most every interval. */
  async runDue(force = false): Promise<LaunchOutcome[]> {
    const now = this.options.now().getTime();
    if (!force && now - this.lastLook < (this.options.intervalMs ?? 5000)) return [];
    this.lastLook = now;
    const out: LaunchOutcome[] = [];
    for (const candidate of await this.stages()) {
      try {
        const outcome = await this.consider(candidate, now);
        if (outcome) out.push(outcome);
      } catch (error) {
        this.options.log(
          `keep-up of ${candidate.campaign}/${candidate.stage.name}: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
    return out;
  }

  /** The active keep-up stages of active campaigns, in every experiment. */
  private async stages(): Promise<KeepUpStage[]> {
    const { store } = this.options;
    const out: KeepUpStage[] = [];
    for (const experiment of await store.experiments.list()) {
      let cursor: string | null = null;
      do {
        const page = await store.campaigns.list(experiment.name, {
          limit: 200,
          cursor,
          activeOnly: true,
        });
        cursor = page.next_cursor;
        const facts = await store.campaigns.facts(page.items.map((c) => c.id));
        for (const fact of facts) {
          const spec = (fact.model as { spec?: CampaignSpec } | null)?.spec;
          if (spec === undefined || !Object.values(spec.stages).some((s) => s.keep_up)) continue;
          const summary = page.items.find((c) => c.id === fact.id);
          if (summary === undefined) continue;
          const effective = effectiveCampaign(spec);
          for (const stage of effective.stages) {
            if (stage.keep_up === undefined || !stage.active) continue;
            out.push({
              experiment: experiment.name,
              campaignId: fact.id,
              campaign: summary.name,
              owner: fact.owner,
              effective,
              stage,
              keepUp: stage.keep_up,
            });
          }
        }
      } while (cursor !== null);
    }
    return out;
  }

  private async consider(c: KeepUpStage, now: number): Promise<LaunchOutcome | undefined> {
    const { store } = this.options;
    // A held stage waits for its release; queueing a launch at every look would pile them up.
    if (await store.control.holdFor(c.experiment, c.campaignId, c.stage.name)) return undefined;
    const input = await resolveStageInput(
      store.catalog,
      c.experiment,
      c.stage,
      launchTemplateValues(c.effective, c.stage, {
        dataset: '',
        experimenter: c.owner,
        experiment: c.experiment,
      }),
      this.options.external,
      { maxAgeMs: this.options.externalIntervalMs ?? 60_000 },
    );
    if (input.kind !== 'query') return undefined;
    const owner = splitOwner(c.campaignId, c.stage.name, false);
    const fresh = await store.catalog.countFiles(c.experiment, {
      type: 'minus',
      left: input.query,
      right: { type: 'delivered', owner },
    });
    if (fresh === 0) return undefined;
    // Every launch of the stage takes a slice, so the split's last change is its last launch.
    const state = await store.catalog.splitState(c.experiment, owner);
    const enough = c.keepUp.files !== undefined && fresh >= c.keepUp.files;
    let waited = false;
    if (!enough && c.keepUp.after_s !== undefined) {
      // Never launched: the wait starts when new files were first seen.
      const lastLaunch = state.updated_at === null ? undefined : Date.parse(state.updated_at);
      if (lastLaunch === undefined && !this.firstSeen.has(owner)) this.firstSeen.set(owner, now);
      const start = lastLaunch ?? this.firstSeen.get(owner) ?? now;
      waited = now - start >= c.keepUp.after_s * 1000;
    }
    if (!enough && !waited) return undefined;
    return this.options.launches.launch({
      experiment: c.experiment,
      campaign: c.campaign,
      stage: c.stage.name,
      launcher: c.owner,
      origin: 'keep-up',
      launchKey: `keep-up:${owner}:${state.slices + 1}`,
      reason: enough
        ? `keep-up: ${fresh} new file(s) in the input, at least ${c.keepUp.files}`
        : `keep-up: ${fresh} new file(s) waited ${c.keepUp.after_s} s`,
    });
  }
}
