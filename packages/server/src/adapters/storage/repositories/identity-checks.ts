/**
 * Input rules of the identity and audit repositories, shared by both dialects (see validate.ts).
 */
import { parseId, ROLES, type Id, type IdKind, type Role } from '@poms/core';
import { InvalidArgumentError } from '../../../ports/errors.ts';
import { SCOPE_PATTERN, SECRET_HASH_PATTERN, USERNAME_PATTERN } from '../../../ports/identity.ts';
import * as check from './validate.ts';

// What Date.prototype.toISOString gives: fixed width, so stored times compare as text.
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const EMAIL = /^[^\s@]+@[^\s@]+$/;

export function username(value: unknown, field = 'username'): string {
  if (typeof value !== 'string' || !USERNAME_PATTERN.test(value)) {
    throw new InvalidArgumentError(
      field,
      `must be 2-64 characters a-z 0-9 . _ -, starting with a letter (got ${JSON.stringify(value)})`,
    );
  }
  return value;
}

export function canBeUsername(value: unknown): value is string {
  return typeof value === 'string' && USERNAME_PATTERN.test(value);
}

export function email(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  const text = check.label('email', value, 254);
  if (!EMAIL.test(text)) throw new InvalidArgumentError('email', 'must be an email address');
  return text;
}

export function passwordHash(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  return check.label('password_hash', value, 1000);
}

/** A secret's SHA-256 hex: refusing anything else keeps a raw secret from being stored. */
export function secretHash(field: string, value: unknown): string {
  if (typeof value !== 'string' || !SECRET_HASH_PATTERN.test(value)) {
    throw new InvalidArgumentError(field, 'must be a SHA-256 digest in lowercase hex');
  }
  return value;
}

export function canBeSecretHash(value: unknown): value is string {
  return typeof value === 'string' && SECRET_HASH_PATTERN.test(value);
}

export function role(value: unknown, field = 'role'): Role {
  if (typeof value !== 'string' || !(ROLES as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(field, `must be one of ${ROLES.join(', ')}`);
  }
  return value as Role;
}

export function time(field: string, value: unknown): string {
  if (typeof value !== 'string' || !ISO_UTC.test(value) || Number.isNaN(Date.parse(value))) {
    throw new InvalidArgumentError(
      field,
      'must be an ISO 8601 UTC time like 2030-01-02T03:04:05.006Z',
    );
  }
  return value;
}

export function optionalTime(field: string, value: unknown): string | null {
  return value === undefined || value === null ? null : time(field, value);
}

export function flag(field: string, value: unknown, fallback: boolean): 0 | 1 {
  if (value === undefined) return fallback ? 1 : 0;
  if (typeof value !== 'boolean') throw new InvalidArgumentError(field, 'must be a boolean');
  return value ? 1 : 0;
}

export function scopes(value: unknown): string[] {
  if (!Array.isArray(value)) throw new InvalidArgumentError('scopes', 'must be an array');
  const out: string[] = [];
  for (const scope of value) {
    if (typeof scope !== 'string' || !SCOPE_PATTERN.test(scope)) {
      throw new InvalidArgumentError(
        'scopes',
        `each must be 1-64 characters a-z 0-9 . _ : * - (got ${JSON.stringify(scope)})`,
      );
    }
    if (!out.includes(scope)) out.push(scope);
  }
  return out;
}

export function optionalExperiment(value: unknown): string | null {
  return value === undefined || value === null ? null : check.experimentName(value);
}

/** A JSON value for the audit log; undefined and null are both "nothing". */
export function json(field: string, value: unknown): string | null {
  if (value === undefined || value === null) return null;
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (err) {
    throw new InvalidArgumentError(field, `must be JSON-serializable (${String(err)})`);
  }
  if (text === undefined) throw new InvalidArgumentError(field, 'must be a JSON value');
  return check.verbatim(field, text, 1024 * 1024);
}

/** Keys that cannot be an id of that kind name nothing: answered without a query. */
export function canBeId<K extends IdKind>(kind: K, value: unknown): value is Id<K> {
  return typeof value === 'string' && parseId(kind, value) !== undefined;
}
