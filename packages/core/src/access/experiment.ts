// An experiment: the tenant every object belongs to (POMS-REFERENCE §1).
import { z } from 'zod';

/** Short lowercase ids: they appear in URLs, paths and job environments. */
export const EXPERIMENT_NAME_PATTERN = /^[a-z][a-z0-9_-]{1,31}$/;

export const ExperimentName = z
  .string()
  .regex(EXPERIMENT_NAME_PATTERN, 'experiment names are short lowercase ids: a-z, 0-9, _ and -');
export type ExperimentName = z.infer<typeof ExperimentName>;

export const Experiment = z.strictObject({
  name: ExperimentName,
  display_name: z.string().min(1).max(200),
  active: z.boolean(),
});
export type Experiment = z.infer<typeof Experiment>;
