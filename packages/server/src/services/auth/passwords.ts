/**
 * Password hashing with scrypt (node:crypto). The encoded form carries its parameters
 * (`scrypt$N$r$p$saltB64$hashB64`), so raising the cost later leaves old hashes verifiable.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { AuthError } from './errors.ts';

export const MIN_PASSWORD_LENGTH = 12;
/** Long enough for any passphrase, short enough that nobody can make us hash megabytes. */
export const MAX_PASSWORD_LENGTH = 1024;

const N = 2 ** 15;
const R = 8;
const P = 1;
const SALT_BYTES = 16;
const KEY_BYTES = 32;
// Parameters read back from stored hashes are bounded, so a tampered row cannot exhaust memory.
const MAX_N = 2 ** 20;

function derive(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  // scrypt needs 128·N·r·p bytes; Node's default ceiling (32 MiB) is exactly that at N=2^15, r=8.
  const options: ScryptOptions = { N: n, r, p, maxmem: 256 * n * r * p + 1024 * 1024 };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, KEY_BYTES, options, (err, key) => {
      if (err) reject(err);
      else resolve(key);
    });
  });
}

/** @throws AuthError auth.weak-password */
export function checkPasswordStrength(password: string): void {
  if (typeof password !== 'string' || [...password].length < MIN_PASSWORD_LENGTH) {
    throw new AuthError(
      'auth.weak-password',
      `a password must be at least ${MIN_PASSWORD_LENGTH} characters long`,
    );
  }
  if (password.length > MAX_PASSWORD_LENGTH) {
    throw new AuthError(
      'auth.weak-password',
      `a password must be at most ${MAX_PASSWORD_LENGTH} characters long`,
    );
  }
}

/** @throws AuthError auth.weak-password */
export async function hashPassword(password: string): Promise<string> {
  checkPasswordStrength(password);
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, N, R, P);
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64')}$${key.toString('base64')}`;
}

interface Encoded {
  n: number;
  r: number;
  p: number;
  salt: Buffer;
  key: Buffer;
}

function decode(encoded: string): Encoded | undefined {
  const parts = encoded.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined;
  const [n, r, p] = parts.slice(1, 4).map((x) => (/^[1-9][0-9]{0,7}$/.test(x) ? Number(x) : NaN));
  if (n === undefined || r === undefined || p === undefined) return undefined;
  if (!(n >= 2 && n <= MAX_N && (n & (n - 1)) === 0 && r >= 1 && r <= 32 && p >= 1 && p <= 16)) {
    return undefined;
  }
  const salt = Buffer.from(parts[4] ?? '', 'base64');
  const key = Buffer.from(parts[5] ?? '', 'base64');
  if (salt.length < 8 || key.length < 16) return undefined;
  return { n, r, p, salt, key };
}

/** Whether `password` is the one `encoded` was made from; a malformed hash matches nothing. */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  if (typeof password !== 'string' || password.length > MAX_PASSWORD_LENGTH) return false;
  const parsed = decode(encoded);
  if (parsed === undefined) return false;
  const key = await derive(password, parsed.salt, parsed.n, parsed.r, parsed.p);
  return key.length === parsed.key.length && timingSafeEqual(key, parsed.key);
}

let dummy: Promise<string> | undefined;

/**
 * A hash of a random password, verified against when there is no real one (unknown user, SSO-only
 * user), so a failed login takes the same time whether or not the username exists.
 */
export function dummyHash(): Promise<string> {
  dummy ??= hashPassword(randomBytes(24).toString('base64'));
  return dummy;
}
