// Roles within one experiment, weakest first (POMS-REFERENCE §9).
import { z } from 'zod';

export const ROLES = ['analysis', 'production-shifter', 'production', 'superuser'] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

/** True when `held` is at least as strong as `needed`. */
export function roleAtLeast(held: Role, needed: Role): boolean {
  return ROLES.indexOf(held) >= ROLES.indexOf(needed);
}
