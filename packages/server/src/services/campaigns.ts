// Campaign use cases: a campaign is kept as its verbatim text plus the model parsed from it, and
// every save is a new revision. Text with errors is refused with its diagnostics; nothing is written.
import { parseCampaign, type Diagnostic } from '@poms/campaign-file';
import type { CampaignId } from '@poms/core';
import type { SavedCampaign, StoreScope } from '../ports/store.ts';

export class InvalidCampaignError extends Error {
  readonly code = 'campaign.invalid';
  constructor(readonly diagnostics: Diagnostic[]) {
    const first = diagnostics.find((d) => d.severity === 'error');
    super(
      first
        ? `campaign text has errors; first at line ${first.line}, column ${first.column}: ${first.message}`
        : 'campaign text has errors',
    );
  }
}

/** A text that names its experiment may only be stored in that experiment. */
export class ExperimentMismatchError extends Error {
  readonly code = 'campaign.experiment-mismatch';
}

function checkExperiment(written: string | undefined, target: string): void {
  if (written !== undefined && written !== target) {
    throw new ExperimentMismatchError(
      `the campaign text says experiment '${written}' but is being saved in experiment '${target}'`,
    );
  }
}

function parseOrThrow(text: string) {
  const parsed = parseCampaign(text);
  if (!parsed.ok || !parsed.spec || !parsed.effective)
    throw new InvalidCampaignError(parsed.diagnostics);
  return parsed;
}

export class CampaignService {
  constructor(private readonly store: StoreScope) {}

  /** Stores a new campaign; its name comes from the text's `campaign:` field. */
  async create(
    experiment: string,
    text: string,
    author: string,
    message?: string,
  ): Promise<SavedCampaign> {
    const parsed = parseOrThrow(text);
    checkExperiment(parsed.spec?.experiment, experiment);
    return this.store.campaigns.create({
      experiment,
      name: parsed.effective!.name,
      text,
      model: { spec: parsed.spec, effective: parsed.effective },
      author,
      message,
      tags: parsed.spec?.tags ?? [],
    });
  }

  /** Saves a new revision, refused (StaleRevisionError) unless `expectedRevision` is still current. */
  async save(
    campaignId: CampaignId,
    expectedRevision: number,
    text: string,
    author: string,
    message?: string,
  ): Promise<SavedCampaign> {
    const parsed = parseOrThrow(text);
    const current = await this.store.campaigns.getById(campaignId);
    checkExperiment(parsed.spec?.experiment, current.experiment);
    return this.store.campaigns.saveRevision({
      campaignId,
      expectedRevision,
      text,
      model: { spec: parsed.spec, effective: parsed.effective },
      author,
      message,
      tags: parsed.spec?.tags ?? [],
    });
  }
}
