// The config a submission froze when it was launched (DESIGN.md §5 "snapshot config"): the
// campaign revision, the effective stage, job type and launch setup, the rendered launch and the
// slice. Everything that later runs or judges the submission reads this, never the campaign as it
// is now, so editing a campaign never changes a submission already launched.
import type {
  CampaignSpec,
  EffectiveCampaign,
  EffectiveJobType,
  EffectiveLaunchSetup,
  EffectiveStage,
  RenderedLaunch,
} from '@poms/core';
import { effectiveCampaign } from '@poms/core';

export interface SubmissionConfig {
  campaign: { id: string; name: string; revision: number; experiment: string };
  stage: EffectiveStage;
  job_type: EffectiveJobType | null;
  launch_setup: EffectiveLaunchSetup | null;
  /** Null for approval stages, which run nothing. */
  launch: RenderedLaunch | null;
  split: { spec: string; owner: string; seq: number | null; label: string } | null;
  /** What `%(dataset)s` and the other built-ins were. */
  values: { dataset: string; experimenter: string; experiment: string };
  /** The stage's downstream edges at launch time, for the finisher. */
  downstream: { stage: string; patterns: string[]; self: boolean }[];
}

/** The campaign model as the campaign service stores it. */
export interface StoredModel {
  spec: CampaignSpec;
}

export function effectiveOf(model: unknown): EffectiveCampaign {
  return effectiveCampaign((model as StoredModel).spec);
}

/** Reads a stored config; configs are written by this module only, so the shape is trusted. */
export function asConfig(value: unknown): SubmissionConfig {
  return value as SubmissionConfig;
}

/** Edges leaving `stage`, in the campaign's stage order (self-edges included). */
export function downstreamOf(
  campaign: EffectiveCampaign,
  stage: string,
): SubmissionConfig['downstream'] {
  const out: SubmissionConfig['downstream'] = [];
  for (const s of campaign.stages) {
    for (const edge of s.needs) {
      if (edge.from === stage)
        out.push({ stage: s.name, patterns: edge.patterns, self: edge.self });
    }
  }
  return out;
}
