// The template library: campaigns people clone. Two kinds: the built-in ones (templates/*.yaml,
// the same for every experiment; listing and reading need a login only) and the ones people saved
// in an experiment ("save as template"; reading them needs the experiment's `view`). Cloning
// either into an experiment is creating a campaign there, with its permission.
// A clone renames the campaign, may set the values of the keywords the template declares, and may
// replace strings through the text, as POMS's clone did (e.g. a release or a dataset name), so
// comments and layout stay as the template has them.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseCampaign, setField } from '@poms/campaign-file';
import { ConflictError, InvalidArgumentError, NotFoundError } from '../../ports/errors.ts';
import type { OffsetPage } from '../../ports/pages.ts';
import type { SavedCampaign, Store } from '../../ports/store.ts';
import type { ExperimentTemplateRecord } from '../../ports/templates.ts';
import type { AccessService, Caller } from '../access.ts';
import { InvalidCampaignError } from '../campaigns.ts';
import { recordChange } from './audit.ts';
import { clonedText, type CampaignOperations } from './campaigns.ts';
import { containsText, pageOf, type PageRequest } from './paging.ts';

export interface TemplateSummary {
  file: string;
  campaign: string;
  description: string | null;
  tags: string[];
  stages: string[];
}

/** A template of an experiment's library: a built-in one or one saved in the experiment. */
export interface LibraryTemplate {
  /** Built-in: the campaign name of the text; saved: the name it was saved under. */
  name: string;
  source: 'builtin' | 'experiment';
  campaign: string;
  description: string | null;
  tags: string[];
  stages: string[];
  /** Built-in: the file in templates/; null for saved ones. */
  file: string | null;
  /** Who saved it (null for built-in ones). */
  author: string | null;
  created_at: string | null;
}

export interface TemplateFilter extends PageRequest {
  readonly q?: string | undefined;
  readonly tag?: string | undefined;
}

export interface NewTemplateInput {
  name: string;
  description?: string | undefined;
  /** Default: the tags the text states. */
  tags?: string[] | undefined;
  /** Either a campaign of the experiment (its current text) or a text. */
  fromCampaign?: string | undefined;
  text?: string | undefined;
  /** Replace a saved template of that name (its author or an experiment admin only). */
  overwrite?: boolean | undefined;
}

export interface CloneInput {
  template: string;
  name: string;
  replace?: { from: string; to: string }[] | undefined;
  /** New values of keywords the template declares (`keywords:`). */
  keywords?: Record<string, string> | undefined;
}

function builtinOf(t: TemplateSummary): LibraryTemplate {
  return {
    name: t.campaign,
    source: 'builtin',
    campaign: t.campaign,
    description: t.description,
    tags: t.tags,
    stages: t.stages,
    file: t.file,
    author: null,
    created_at: null,
  };
}

function savedOf(t: Omit<ExperimentTemplateRecord, 'text'>): LibraryTemplate {
  return {
    name: t.name,
    source: 'experiment',
    campaign: t.campaign,
    description: t.description,
    tags: [...t.tags],
    stages: [...t.stages],
    file: null,
    author: t.author,
    created_at: t.created_at,
  };
}

function matches(t: LibraryTemplate | TemplateSummary, filter: TemplateFilter): boolean {
  const q = filter.q;
  return (
    (q === undefined ||
      ('name' in t && containsText(t.name, q)) ||
      containsText(t.campaign, q) ||
      containsText(t.file, q) ||
      containsText(t.description, q)) &&
    (filter.tag === undefined || t.tags.includes(filter.tag))
  );
}

/**
 * The text with the keywords' values set (only keywords the text declares), every other byte as
 * it was. The web app's clone preview does the same with the same function.
 */
export function withKeywords(text: string, keywords: Readonly<Record<string, string>>): string {
  const declared = parseCampaign(text).spec?.keywords ?? {};
  let out = text;
  for (const [name, value] of Object.entries(keywords)) {
    if (!Object.hasOwn(declared, name)) {
      throw new InvalidArgumentError('keywords', `the template declares no keyword '${name}'`);
    }
    if (declared[name] === value) continue;
    const edit = setField(out, ['keywords', name], value);
    if (!edit.ok) throw new InvalidArgumentError('keywords', edit.message);
    out = edit.text;
  }
  return out;
}

export class TemplateOperations {
  constructor(
    private readonly dir: string,
    private readonly campaigns: CampaignOperations,
    private readonly store: Store,
    private readonly access: AccessService,
  ) {}

  private read(): { file: string; text: string }[] {
    return readdirSync(this.dir)
      .filter((name) => name.endsWith('.yaml'))
      .sort()
      .map((file) => ({ file, text: readFileSync(join(this.dir, file), 'utf8') }));
  }

  /**
   * The built-in library by file name, a page at a time: `q` keeps templates whose campaign
   * name, file name or description contains it (any case), `tag` those with that tag.
   */
  page(filter: TemplateFilter = {}): OffsetPage<TemplateSummary> {
    return pageOf(
      this.list().filter((t) => matches(t, filter)),
      filter,
    );
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

  /** A built-in template by its campaign name. */
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
    throw new NotFoundError('template', name);
  }

  /**
   * An experiment's library: the built-in templates and the ones saved in the experiment, by
   * name (built-in first on a tie), filtered as `page` filters, each with its source.
   */
  async experimentPage(
    caller: Caller,
    experiment: string,
    filter: TemplateFilter = {},
  ): Promise<OffsetPage<LibraryTemplate>> {
    this.access.check(caller, 'view', { experiment });
    await this.store.experiments.get(experiment);
    const saved = (await this.store.templates.list(experiment)).map(savedOf);
    const all = [...this.list().map(builtinOf), ...saved]
      .filter((t) => matches(t, filter))
      .sort((a, b) =>
        a.name === b.name ? a.source.localeCompare(b.source) : a.name < b.name ? -1 : 1,
      );
    return pageOf(all, filter);
  }

  /** A template of the experiment's library with its text: a saved one first, else built-in. */
  async experimentGet(
    caller: Caller,
    experiment: string,
    name: string,
  ): Promise<LibraryTemplate & { text: string }> {
    this.access.check(caller, 'view', { experiment });
    await this.store.experiments.get(experiment);
    try {
      const saved = await this.store.templates.get(experiment, name);
      return { ...savedOf(saved), text: saved.text };
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
    }
    const builtin = this.get(name);
    return { ...builtinOf(builtin), text: builtin.text };
  }

  /**
   * Saves a template in the experiment from a campaign of it or from a text. Anyone who may
   * create the campaign the text describes may save it; a name of a built-in template is taken;
   * replacing a saved one needs `overwrite`, and is its author's or an experiment admin's.
   */
  async save(
    caller: Caller,
    experiment: string,
    input: NewTemplateInput,
  ): Promise<LibraryTemplate & { text: string }> {
    this.access.check(caller, 'view', { experiment });
    if ((input.fromCampaign === undefined) === (input.text === undefined)) {
      throw new InvalidArgumentError('text', 'give either from_campaign or text');
    }
    const text =
      input.fromCampaign !== undefined
        ? (await this.campaigns.find(caller, experiment, input.fromCampaign)).text
        : (input.text ?? '');
    const parsed = parseCampaign(text);
    if (!parsed.ok || !parsed.spec) throw new InvalidCampaignError(parsed.diagnostics);
    const spec = parsed.spec;
    this.access.check(caller, 'campaign.create', {
      experiment,
      campaign: { role: spec.role ?? 'production', owner: caller.username },
    });
    if (this.list().some((t) => t.campaign === input.name)) {
      throw new ConflictError('template', `${input.name} (a built-in template has that name)`);
    }
    return this.store.transaction(async (tx) => {
      let previous: ExperimentTemplateRecord | undefined;
      try {
        previous = await tx.templates.get(experiment, input.name);
      } catch (err) {
        if (!(err instanceof NotFoundError)) throw err;
      }
      if (previous !== undefined) {
        if (input.overwrite !== true) {
          throw new ConflictError('template', `${experiment}/${input.name}`);
        }
        if (previous.author !== caller.username) {
          this.access.check(caller, 'experiment.admin', { experiment });
        }
      }
      const saved = await tx.templates.save(
        {
          experiment,
          name: input.name,
          description: input.description ?? spec.description ?? null,
          tags: input.tags ?? spec.tags ?? [],
          stages: Object.keys(spec.stages),
          campaign: spec.campaign,
          text,
          author: caller.username,
        },
        { overwrite: previous !== undefined },
      );
      const from = input.fromCampaign === undefined ? 'a text' : `campaign ${input.fromCampaign}`;
      await recordChange(tx, caller, {
        experiment,
        action: previous === undefined ? 'template.create' : 'template.overwrite',
        objectType: 'template',
        objectId: saved.name,
        summary: `${previous === undefined ? 'saved' : 'overwrote'} template ${saved.name} from ${from}`,
        ...(previous === undefined
          ? {}
          : { before: { author: previous.author, created_at: previous.created_at } }),
        after: {
          author: saved.author,
          ...(input.fromCampaign === undefined ? {} : { from_campaign: input.fromCampaign }),
        },
      });
      return { ...savedOf(saved), text: saved.text };
    });
  }

  /** Deletes a saved template: its author (still allowed to create campaigns) or an admin. */
  async remove(caller: Caller, experiment: string, name: string): Promise<void> {
    this.access.check(caller, 'view', { experiment });
    const template = await this.store.templates.get(experiment, name);
    if (template.author === caller.username) {
      const role = parseCampaign(template.text).spec?.role ?? 'production';
      this.access.check(caller, 'campaign.create', {
        experiment,
        campaign: { role, owner: caller.username },
      });
    } else {
      this.access.check(caller, 'experiment.admin', { experiment });
    }
    await this.store.transaction(async (tx) => {
      if (!(await tx.templates.delete(experiment, name))) {
        throw new NotFoundError('template', `${experiment}/${name}`);
      }
      await recordChange(tx, caller, {
        experiment,
        action: 'template.delete',
        objectType: 'template',
        objectId: name,
        summary: `deleted template ${name} (saved by ${template.author})`,
        before: { author: template.author, created_at: template.created_at },
      });
    });
  }

  /**
   * A new campaign in `experiment` from a template of its library (saved there, else built-in):
   * keywords set, strings replaced, renamed.
   */
  async clone(caller: Caller, experiment: string, input: CloneInput): Promise<SavedCampaign> {
    const template = await this.experimentGet(caller, experiment, input.template);
    const text = clonedText(
      withKeywords(template.text, input.keywords ?? {}),
      input.name,
      input.replace ?? [],
    );
    const source = template.source === 'builtin' ? 'template' : 'experiment template';
    return this.campaigns.create(
      caller,
      experiment,
      text,
      `cloned from ${source} ${input.template}`,
    );
  }
}
