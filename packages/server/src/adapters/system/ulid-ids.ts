import { getRandomValues } from 'node:crypto';
import { ID_PREFIXES, type Id, type IdKind, type IdSource } from '@poms/core';

// Lives here until the server has an adapters/system/ room; nothing storage-specific about it.

// Crockford base32 in lowercase: no i, l, o, u; ascending in ASCII, so text order = value order.
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const TIME_CHARS = 10; // 50 bits >= 48-bit millisecond timestamp (until year 10889)
const RANDOM_CHARS = 16; // 80 bits

/**
 * Ids `cmp_` (the kind's prefix) + 26 characters, ULID layout: milliseconds then randomness. They sort by
 * creation time; within one millisecond (or if the clock steps back) the random part is
 * incremented, so ids from one process are strictly increasing.
 */
export function ulidIdSource(now: () => number = Date.now): IdSource {
  let lastTime = -1;
  const random = new Uint8Array(RANDOM_CHARS); // one base32 digit (0..31) per element

  return {
    next<K extends IdKind>(kind: K): Id<K> {
      const time = now();
      if (time > lastTime) {
        lastTime = time;
        getRandomValues(random);
        for (let i = 0; i < RANDOM_CHARS; i++) random[i] = (random[i] ?? 0) & 31;
      } else if (!increment(random)) {
        // 2^80 ids in one millisecond: borrow the next millisecond.
        lastTime += 1;
        random.fill(0);
      }
      const body = encodeTime(lastTime) + Array.from(random, (d) => ALPHABET[d]).join('');
      return `${ID_PREFIXES[kind]}_${body}` as Id<K>;
    },
  };
}

function encodeTime(ms: number): string {
  let out = '';
  let rest = ms;
  for (let i = 0; i < TIME_CHARS; i++) {
    out = ALPHABET[rest % 32] + out;
    rest = Math.floor(rest / 32);
  }
  return out;
}

/** Adds one to base-32 digits; false on overflow. */
function increment(digits: Uint8Array): boolean {
  for (let i = digits.length - 1; i >= 0; i--) {
    const d = digits[i] ?? 0;
    if (d < 31) {
      digits[i] = d + 1;
      return true;
    }
    digits[i] = 0;
  }
  return false;
}
