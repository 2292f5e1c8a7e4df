/**
 * Bearer secrets (session cookies, CSRF tokens, API tokens). Only their SHA-256 is stored; the
 * secret itself is shown once and must never be logged. The `poms_` prefix lets secret scanners
 * recognise a leaked token.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const SECRET_PREFIX = 'poms_';
const SECRET_BYTES = 32;
const SECRET = /^poms_[A-Za-z0-9_-]{43}$/;

/** `poms_` + 32 random bytes in base64url (43 characters). */
export function newSecret(): string {
  return SECRET_PREFIX + randomBytes(SECRET_BYTES).toString('base64url');
}

/**
 * The CSRF token of a session, derived from its secret: a page reloaded in the browser gets it
 * again from GET /auth/me (same-origin only; the cookie is httpOnly), and nobody without the
 * session's secret can compute it. Same shape as the other secrets.
 */
export function csrfTokenFor(sessionSecret: string): string {
  return (
    SECRET_PREFIX + createHmac('sha256', sessionSecret).update('poms csrf v1').digest('base64url')
  );
}

/** Whether a presented value has the shape of one of our secrets (cheap check before a query). */
export function looksLikeSecret(value: unknown): value is string {
  return typeof value === 'string' && SECRET.test(value);
}

/** SHA-256 of the text, lowercase hex: what the store keeps in place of a secret. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Compares a presented secret with a stored hash in constant time. */
export function matchesHash(secret: string, hash: string): boolean {
  const a = Buffer.from(sha256Hex(secret), 'hex');
  const b = Buffer.from(hash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
