// The template library (templates/*.yaml): campaigns people clone. Listing and reading need a
// login only; cloning one into an experiment is creating a campaign there, with its permission.
// A clone renames the campaign and may replace strings through the text, as POMS's clone did
// (e.g. a release or a dataset name), so comments and layout stay as the template has them.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseCampaign } from '@poms/campaign-file';
import { NotFoundError } from '../../ports/errors.ts';
import type { OffsetPage } from '../../ports/pages.ts';
import type { SavedCampaign } from '../../ports/store.ts';
import type { Caller } from '../access.ts';
import { clonedText, type CampaignOperations } from './campaigns.ts';
import { containsText, pageOf, type PageRequest } from './paging.ts';

export interface TemplateSummary {
  file: string;
  campaign: string;
  description: string | null;
  tags: string[];
  stages: string[];
}

export interface TemplateFilter extends PageRequest {
  readonly q?: string | undefined;
  readonly tag?: string | undefined;
}

export class TemplateOperations {
  constructor(
    private readonly dir: string,
    private readonly campaigns: CampaignOperations,
  ) {}

  private read(): { file: string; text: string }[] {
    return readdirSync(this.dir)
      .filter((name) => name.endsWith('.yaml'))
      .sort()
      .map((file) => ({ file, text: readFileSync(join(this.dir, file), 'utf8') }));
  }

  /**
   * The library by file name, a page at a time: `q` keeps templates whose campaign name,
   * file name or description contains it (any case), `tag` those with that tag.
   */
  page(filter: TemplateFilter = {}): OffsetPage<TemplateSummary> {
    const q = filter.q;
    const matching = this.list().filter(
      (t) =>
        (q === undefined ||
          containsText(t.campaign, q) ||
          containsText(t.file, q) ||
          containsText(t.description, q)) &&
        (filter.tag === undefined || t.tags.includes(filter.tag)),
    );
    return pageOf(matching, filter);
  }

  list(): TemplateSummary[] {
    const out: TemplateSummary[] = [];
    for (const { file, text } of this.read()) {
      const parsed = parseCampaign(text);
      if (!parsed.spec) continue;
      out.push({
        file,
        campaign: parsed.spec.campaign,
        description: parsed.spec.description ?? null,
        tags: parsed.spec.tags ?? [],
        stages: Object.keys(parsed.spec.stages),
      });
    }
    return out;
  }

  get(name: string): TemplateSummary & { text: string } {
    for (const { file, text } of this.read()) {
      const parsed = parseCampaign(text);
      if (parsed.spec?.campaign !== name) continue;
      return {
        file,
        campaign: name,
        description: parsed.spec.description ?? null,
        tags: parsed.spec.tags ?? [],
        stages: Object.keys(parsed.spec.stages),
        text,
      };
    }
    throw new NotFoundError('campaign', `template ${name}`);
  }

  /** A new campaign in `experiment` from a template: renamed, with the replacements applied. */
  clone(
    caller: Caller,
    experiment: string,
    input: { template: string; name: string; replace?: { from: string; to: string }[] },
  ): Promise<SavedCampaign> {
    const text = clonedText(this.get(input.template).text, input.name, input.replace ?? []);
    return this.campaigns.create(
      caller,
      experiment,
      text,
      `cloned from template ${input.template}`,
    );
  }
}
