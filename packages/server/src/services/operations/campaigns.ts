// Campaign use cases on behalf of a caller: each checks the caller's permission (AccessService)
// before it reads or changes anything, so every entry point shares one rule set.
import { effectiveCampaign, type CampaignId } from '@poms/core';
import { diffEffective, formatDiffLines, parseCampaign } from '@poms/campaign-file';
import type {
  CampaignRecord,
  CampaignSummary,
  CursorPage,
  OffsetPage,
  RevisionRecord,
  RevisionSummary,
  SavedCampaign,
  Store,
} from '../../ports/store.ts';
import { campaignRole, type AccessService, type Caller } from '../access.ts';
import { CampaignService, InvalidCampaignError } from '../campaigns.ts';
import type { StoredModel } from '../execution/config.ts';
import { LaunchError } from '../execution/errors.ts';
import type { WatchRecord } from '../../ports/watches.ts';
import { recordChange } from './audit.ts';
import { pageOf, type PageRequest } from './paging.ts';

/** A watch with its campaign's current name, as the caller's lists show it. */
export interface WatchView extends WatchRecord {
  readonly campaign: string;
}

export interface CampaignDetail extends CampaignSummary {
  text: string;
  tags: string[];
  role: string;
  owner: string;
  /** Every stage with its inherited values (POMS's effective model). */
  effective: unknown;
}

/** A campaign as lists show it. */
export interface CampaignListItem extends CampaignSummary {
  /** In byte order. */
  tags: string[];
  role: string;
  /** The author of its first revision. */
  owner: string;
  /** Its stages' names, in file order. */
  stages: string[];
  stage_count: number;
  /** Its stages whose launches are held (stage holds), oldest hold first. */
  held_stages: string[];
}

export class CampaignOperations {
  constructor(
    private readonly store: Store,
    private readonly access: AccessService,
  ) {}

  /**
   * A page of campaigns with what a list shows of each (tags, role, owner, stages, held stages),
   * in a fixed number of queries whatever the page's size.
   */
  async list(
    caller: Caller,
    experiment: string,
    options: { limit?: number; cursor?: string | null; nameContains?: string; tag?: string },
  ): Promise<CursorPage<CampaignListItem>> {
    this.access.check(caller, 'view', { experiment });
    const page = await this.store.campaigns.list(experiment, options);
    const [facts, holds] = await Promise.all([
      this.store.campaigns.facts(page.items.map((c) => c.id)),
      page.items.length === 0 ? [] : this.store.control.holds(experiment),
    ]);
    const factsOf = new Map(facts.map((f) => [f.id, f]));
    const held = new Map<string, string[]>();
    for (const h of holds) {
      if (h.scope.kind !== 'stage') continue;
      held.set(h.scope.campaignId, [...(held.get(h.scope.campaignId) ?? []), h.scope.stage]);
    }
    return {
      ...page,
      items: page.items.map((c) => {
        const f = factsOf.get(c.id);
        const stages = Object.keys((f?.model as StoredModel | undefined)?.spec?.stages ?? {});
        return {
          ...c,
          tags: f?.tags ?? [],
          role: campaignRole(f?.model),
          owner: f?.owner ?? '',
          stages,
          stage_count: stages.length,
          held_stages: held.get(c.id) ?? [],
        };
      }),
    };
  }

  /** A campaign the caller may see; not found (404) when it may not. */
  async find(caller: Caller, experiment: string, name: string): Promise<CampaignRecord> {
    this.access.check(caller, 'view', { experiment });
    return this.store.campaigns.get(experiment, name);
  }

  async get(caller: Caller, experiment: string, name: string): Promise<CampaignDetail> {
    const campaign = await this.find(caller, experiment, name);
    const target = await this.access.campaignTarget(campaign);
    return {
      id: campaign.id,
      experiment: campaign.experiment,
      name: campaign.name,
      current_revision: campaign.current_revision,
      active: campaign.active,
      created_at: campaign.created_at,
      updated_at: campaign.updated_at,
      text: campaign.text,
      tags: (campaign.model as StoredModel).spec.tags ?? [],
      role: target.campaign?.role ?? 'production',
      owner: target.campaign?.owner ?? '',
      effective: effectiveCampaign((campaign.model as StoredModel).spec),
    };
  }

  /** Creates a campaign owned by the caller, of the role its text states. */
  async create(
    caller: Caller,
    experiment: string,
    text: string,
    message?: string,
  ): Promise<SavedCampaign> {
    const parsed = parseCampaign(text);
    if (!parsed.ok || !parsed.spec) throw new InvalidCampaignError(parsed.diagnostics);
    this.access.check(caller, 'campaign.create', {
      experiment,
      campaign: { role: parsed.spec.role ?? 'production', owner: caller.username },
    });
    const role = parsed.spec.role ?? 'production';
    return this.store.transaction(async (tx) => {
      const saved = await new CampaignService(tx).create(
        experiment,
        text,
        caller.username,
        message,
      );
      await recordChange(tx, caller, {
        experiment,
        action: 'campaign.create',
        objectType: 'campaign',
        objectId: saved.campaign.name,
        summary: `created campaign ${saved.campaign.name} (revision ${saved.revision.revision})`,
        after: { revision: saved.revision.revision, role },
      });
      return saved;
    });
  }

  /** Saves a revision; changing the campaign's role needs the right to create one of the new role. */
  async save(
    caller: Caller,
    experiment: string,
    name: string,
    input: { text: string; expectedRevision: number; message?: string },
  ): Promise<SavedCampaign> {
    const campaign = await this.find(caller, experiment, name);
    const target = await this.access.campaignTarget(campaign);
    this.access.check(caller, 'campaign.edit', target);
    const parsed = parseCampaign(input.text);
    if (!parsed.ok || !parsed.spec) throw new InvalidCampaignError(parsed.diagnostics);
    const newRole = parsed.spec.role ?? 'production';
    if (newRole !== campaignRole(campaign.model)) {
      this.access.check(caller, 'campaign.create', {
        experiment,
        campaign: { role: newRole, owner: target.campaign?.owner ?? caller.username },
      });
    }
    return this.store.transaction(async (tx) => {
      const saved = await new CampaignService(tx).save(
        campaign.id,
        input.expectedRevision,
        input.text,
        caller.username,
        input.message,
      );
      await recordChange(tx, caller, {
        experiment,
        action: 'campaign.save',
        objectType: 'campaign',
        objectId: campaign.name,
        summary: `saved campaign ${campaign.name}: revision ${saved.revision.revision - 1} → ${saved.revision.revision}${input.message ? ` (${input.message})` : ''}`,
        before: { revision: saved.revision.revision - 1 },
        after: { revision: saved.revision.revision },
      });
      return saved;
    });
  }

  async revisions(
    caller: Caller,
    experiment: string,
    name: string,
    page: { limit?: number; offset?: number },
  ): Promise<OffsetPage<RevisionSummary>> {
    const campaign = await this.find(caller, experiment, name);
    return this.store.campaigns.listRevisions(campaign.id, page);
  }

  async revision(
    caller: Caller,
    experiment: string,
    name: string,
    revision: number,
  ): Promise<RevisionRecord> {
    const campaign = await this.find(caller, experiment, name);
    return this.store.campaigns.getRevision(campaign.id, revision);
  }

  /** Saves an old revision's text as the new current revision (nothing is lost: it is a new revision). */
  async restore(
    caller: Caller,
    experiment: string,
    name: string,
    input: { revision: number; expectedRevision: number },
  ): Promise<SavedCampaign> {
    const campaign = await this.find(caller, experiment, name);
    const old = await this.store.campaigns.getRevision(campaign.id, input.revision);
    return this.save(caller, experiment, name, {
      text: old.text,
      expectedRevision: input.expectedRevision,
      message: `restore revision ${input.revision}`,
    });
  }

  /** What changed between two revisions, stage by stage, in the effective model. */
  async diff(
    caller: Caller,
    experiment: string,
    name: string,
    from: number,
    to: number,
  ): Promise<{ from: number; to: number; changes: string[] }> {
    const campaign = await this.find(caller, experiment, name);
    const [a, b] = await Promise.all([
      this.store.campaigns.getRevision(campaign.id, from),
      this.store.campaigns.getRevision(campaign.id, to),
    ]);
    const diff = diffEffective(
      effectiveCampaign((a.model as StoredModel).spec),
      effectiveCampaign((b.model as StoredModel).spec),
    );
    return { from, to, changes: formatDiffLines(diff) };
  }

  /** A copy of a campaign, renamed, maybe into another experiment, strings replaced (POMS's clone). */
  async clone(
    caller: Caller,
    experiment: string,
    name: string,
    input: { name: string; toExperiment?: string; replace?: readonly Replacement[] },
  ): Promise<SavedCampaign> {
    const campaign = await this.find(caller, experiment, name);
    return this.create(
      caller,
      input.toExperiment ?? experiment,
      clonedText(campaign.text, input.name, input.replace ?? []),
      `cloned from ${experiment}/${name} revision ${campaign.current_revision}`,
    );
  }

  /** Follows a campaign (or one of its stages): its events reach the caller. */
  async watch(
    caller: Caller,
    experiment: string,
    name: string,
    stage?: string,
  ): Promise<WatchView> {
    const campaign = await this.find(caller, experiment, name);
    if (stage !== undefined) requireStageOf(campaign, stage);
    const record = await this.store.watches.watch({
      username: caller.username,
      experiment,
      campaignId: campaign.id,
      stage,
    });
    return { ...record, campaign: campaign.name };
  }

  async unwatch(
    caller: Caller,
    experiment: string,
    name: string,
    stage?: string,
  ): Promise<boolean> {
    const campaign = await this.find(caller, experiment, name);
    return this.store.watches.unwatch(caller.username, campaign.id, stage);
  }

  /**
   * What the caller watches in the experiment, by campaign id and stage (the whole campaign
   * first), a page at a time; `campaign` keeps one campaign's watches.
   */
  async watches(
    caller: Caller,
    experiment: string,
    filter: PageRequest & { campaign?: string | undefined } = {},
  ): Promise<OffsetPage<WatchView>> {
    this.access.check(caller, 'view', { experiment });
    const campaignId =
      filter.campaign === undefined
        ? undefined
        : String((await this.find(caller, experiment, filter.campaign)).id);
    const watches = (await this.store.watches.watches(caller.username, experiment)).filter(
      (w) => campaignId === undefined || w.campaign_id === campaignId,
    );
    const page = pageOf(watches, filter);
    // Names are read now (campaigns can be renamed), once per campaign of the page: a page holds
    // few campaigns, and watch lists are short.
    const names = new Map<string, string>();
    for (const id of new Set(page.items.map((w) => w.campaign_id))) {
      names.set(id, (await this.store.campaigns.getById(id as CampaignId)).name);
    }
    return {
      ...page,
      items: page.items.map((w) => ({ ...w, campaign: names.get(w.campaign_id) ?? w.campaign_id })),
    };
  }
}

function requireStageOf(campaign: CampaignRecord, stage: string): void {
  const stages = Object.keys((campaign.model as StoredModel).spec.stages);
  if (!stages.includes(stage)) {
    throw new LaunchError(
      'launch.unknown-stage',
      `campaign ${campaign.name} has no stage '${stage}' (stages: ${stages.join(', ')})`,
    );
  }
}

export interface Replacement {
  from: string;
  to: string;
}

/**
 * A campaign text under a new name with strings replaced through it, as POMS's clone did (a
 * release, a dataset): comments, order and layout stay as they were. An `experiment:` line is
 * dropped, since the copy may go to another experiment.
 */
export function clonedText(text: string, name: string, replace: readonly Replacement[]): string {
  let out = text;
  for (const { from, to } of replace) out = out.split(from).join(to);
  return out.replace(/^campaign:.*$/m, `campaign: ${name}`).replace(/^experiment:.*\n/m, '');
}
