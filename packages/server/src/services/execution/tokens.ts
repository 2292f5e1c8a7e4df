// Job tokens: each submission's jobs carry a bearer token that reaches only that submission's
// job endpoints. The token is derived from a server secret and the submission id, so that a
// restarted server can hand it to jobs it submits late without having stored it; the store keeps
// only its SHA-256, which is what requests are checked against.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export function jobToken(secret: Uint8Array, submissionId: string): string {
  return createHmac('sha256', secret).update(`poms-job:${submissionId}`).digest('base64url');
}

export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Compares in constant time, so the answer's timing says nothing about the stored hash. */
export function tokenMatches(token: string, storedHash: string): boolean {
  const given = Buffer.from(tokenHash(token), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return given.length === stored.length && timingSafeEqual(given, stored);
}
