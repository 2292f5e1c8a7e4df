// The names a stage's outputs go to (its open output dataset, its metadata-catalog dataset) are
// launch text: rendered once at launch, like the command, and frozen in the submission's config.
import { substituteTemplate, TemplateError, type EffectiveStage } from '@poms/core';
import { LaunchError } from './errors.ts';

export function withDataTargets(
  stage: EffectiveStage,
  values: Readonly<Record<string, string>>,
): EffectiveStage {
  const render = (text: string, field: string): string => {
    try {
      return substituteTemplate(text, values);
    } catch (error) {
      if (!(error instanceof TemplateError)) throw error;
      throw new LaunchError(
        'launch.render',
        `stage ${stage.name} cannot be launched: ${field}: ${error.message}`,
      );
    }
  };
  return {
    ...stage,
    output_dataset:
      stage.output_dataset === undefined
        ? undefined
        : render(stage.output_dataset, 'output_dataset'),
    publish:
      stage.publish?.metadata_dataset === undefined
        ? stage.publish
        : {
            ...stage.publish,
            metadata_dataset: render(stage.publish.metadata_dataset, 'publish.metadata_dataset'),
          },
  };
}
