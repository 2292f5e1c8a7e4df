// Roles within one experiment, weakest first (POMS-REFERENCE §9).
import { z } from 'zod';

export const ROLES = ['analysis', 'production-shifter', 'production', 'superuser'] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

/** True when `held` is at least as strong as `needed`. */
export function roleAtLeast(held: Role, needed: Role): boolean {
  return ROLES.indexOf(held) >= ROLES.indexOf(needed);
}

export const ExperimentName = z
  .string()
  .regex(/^[a-z][a-z0-9_-]{1,31}$/, 'experiment names are short lowercase ids: a-z, 0-9, _ and -');
export type ExperimentName = z.infer<typeof ExperimentName>;

export const Experiment = z.strictObject({
  name: ExperimentName,
  display_name: z.string().min(1).max(200),
  active: z.boolean(),
});
export type Experiment = z.infer<typeof Experiment>;
