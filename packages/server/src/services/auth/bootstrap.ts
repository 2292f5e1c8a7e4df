/**
 * The first user of an empty store: a root `admin`. Without a password given, a one-time password
 * is generated and returned, for the caller to print once; the user must change it at first login.
 */
import { randomBytes } from 'node:crypto';
import { ConflictError } from '../../ports/errors.ts';
import type { UserRecord } from '../../ports/identity.ts';
import type { Store } from '../../ports/store.ts';
import { hashPassword } from './passwords.ts';

export interface BootstrapOptions {
  /** Default `admin`. */
  readonly username?: string | undefined;
  /** At least 12 characters; generated when absent. */
  readonly password?: string | undefined;
}

export interface BootstrappedAdmin {
  readonly user: UserRecord;
  /** Present only when generated: show it once, never log or store it. */
  readonly oneTimePassword?: string | undefined;
}

/**
 * Creates the root user if the store has no users; undefined when it has some (also when another
 * process bootstrapped concurrently).
 * @throws AuthError auth.weak-password, InvalidArgumentError (username)
 */
export async function bootstrapAdmin(
  store: Store,
  options: BootstrapOptions = {},
): Promise<BootstrappedAdmin | undefined> {
  if ((await store.identity.listUsers({ limit: 1 })).total > 0) return undefined;
  const generated =
    options.password === undefined ? randomBytes(18).toString('base64url') : undefined;
  const passwordHash = await hashPassword(options.password ?? generated ?? '');
  const username = options.username ?? 'admin';
  try {
    const user = await store.transaction(async (tx) => {
      const created = await tx.identity.createUser({
        username,
        displayName: 'Administrator',
        passwordHash,
        isRoot: true,
        mustChangePassword: generated !== undefined,
      });
      await tx.audit.record({
        actor: username,
        action: 'user.bootstrap',
        objectType: 'user',
        objectId: created.id,
        summary: `created the first user ${username} (root)`,
      });
      return created;
    });
    return { user, oneTimePassword: generated };
  } catch (err) {
    if (err instanceof ConflictError) return undefined;
    throw err;
  }
}
