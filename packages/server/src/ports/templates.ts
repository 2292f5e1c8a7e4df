/**
 * Templates saved in an experiment: campaign texts people keep to clone later ("save as
 * template"), next to the built-in library of the templates/ folder. No revisions: a name holds
 * one template, and replacing it is a deliberate overwrite.
 */
export interface ExperimentTemplateSummary {
  readonly experiment: string;
  /** Must match CAMPAIGN_NAME_PATTERN; unique within the experiment. */
  readonly name: string;
  readonly description: string | null;
  readonly tags: readonly string[];
  /** The stage names of the text, in the text's order. */
  readonly stages: readonly string[];
  /** The campaign name the text states (a clone renames it). */
  readonly campaign: string;
  readonly author: string;
  readonly created_at: string;
}

export interface ExperimentTemplateRecord extends ExperimentTemplateSummary {
  /** Verbatim, as saved. */
  readonly text: string;
}

export interface NewExperimentTemplate {
  readonly experiment: string;
  readonly name: string;
  readonly description?: string | null | undefined;
  readonly tags: readonly string[];
  readonly stages: readonly string[];
  readonly campaign: string;
  readonly text: string;
  readonly author: string;
}

export interface ExperimentTemplateRepository {
  /**
   * Saves a new template, or with `overwrite` replaces the one of that name (author, text and
   * created_at become the new ones).
   * @throws NotFoundError (experiment), ConflictError (name taken, no overwrite),
   *   InvalidArgumentError
   */
  save(
    input: NewExperimentTemplate,
    options?: { overwrite?: boolean },
  ): Promise<ExperimentTemplateRecord>;
  /** @throws NotFoundError */
  get(experiment: string, name: string): Promise<ExperimentTemplateRecord>;
  /** All of an experiment's templates by name (byte order), without their text. */
  list(experiment: string): Promise<ExperimentTemplateSummary[]>;
  /** @returns whether there was such a template. */
  delete(experiment: string, name: string): Promise<boolean>;
}
