/**
 * Checks of the port's input rules, shared by both dialects so they refuse exactly the same
 * inputs. Services parse user input with zod first; these keep the stored data sound whoever
 * calls.
 */
import { InvalidArgumentError } from '../../../ports/errors.ts';
import {
  CAMPAIGN_NAME_PATTERN,
  DEFAULT_PAGE_SIZE,
  EXPERIMENT_NAME_PATTERN,
  MAX_CAMPAIGN_TEXT_LENGTH,
  MAX_PAGE_SIZE,
} from '../../../ports/store.ts';

// With the u flag a valid surrogate pair is one code point, so this matches only lone halves,
// which neither driver can store faithfully (they become U+FFFD).
const LONE_SURROGATE = /\p{Cs}/u;
const CONTROL = /\p{Cc}/u;

function requireString(field: string, value: unknown): string {
  if (typeof value !== 'string') throw new InvalidArgumentError(field, 'must be a string');
  return value;
}

export function experimentName(value: unknown, field = 'experiment'): string {
  const name = requireString(field, value);
  if (!EXPERIMENT_NAME_PATTERN.test(name)) {
    throw new InvalidArgumentError(
      field,
      `must be 2-32 characters a-z 0-9 _ -, starting with a letter (got ${JSON.stringify(name)})`,
    );
  }
  return name;
}

export function campaignName(value: unknown, field = 'name'): string {
  const name = requireString(field, value);
  if (!CAMPAIGN_NAME_PATTERN.test(name)) {
    throw new InvalidArgumentError(
      field,
      `must be 1-128 characters A-Z a-z 0-9 . _ -, starting with a letter or digit (got ${JSON.stringify(name)})`,
    );
  }
  return name;
}

/** A one-line human label: display names, authors. */
export function label(field: string, value: unknown, max = 200): string {
  const text = requireString(field, value);
  if (text.trim() === '') throw new InvalidArgumentError(field, 'must not be empty');
  if (text.length > max) throw new InvalidArgumentError(field, `must be at most ${max} characters`);
  if (CONTROL.test(text))
    throw new InvalidArgumentError(field, 'must not contain control characters');
  if (LONE_SURROGATE.test(text))
    throw new InvalidArgumentError(field, 'must be well-formed Unicode');
  return text;
}

/** Free text stored verbatim: campaign texts, revision messages. */
export function verbatim(field: string, value: unknown, max = MAX_CAMPAIGN_TEXT_LENGTH): string {
  const text = requireString(field, value);
  if (text.length > max) throw new InvalidArgumentError(field, `must be at most ${max} characters`);
  // PostgreSQL text cannot hold U+0000; refused on SQLite too so both stores agree.
  if (text.includes('\u0000'))
    throw new InvalidArgumentError(field, 'must not contain NUL (U+0000)');
  if (LONE_SURROGATE.test(text))
    throw new InvalidArgumentError(field, 'must be well-formed Unicode');
  return text;
}

export function optionalMessage(value: unknown): string | null {
  return value === undefined || value === null ? null : verbatim('message', value, 10_000);
}

export function modelJson(value: unknown): string {
  // Typed as string, but undefined for undefined, functions and symbols.
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch (err) {
    throw new InvalidArgumentError('model', `must be JSON-serializable (${String(err)})`);
  }
  if (json === undefined) throw new InvalidArgumentError('model', 'must be a JSON value');
  return verbatim('model', json);
}

export function revisionNumber(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new InvalidArgumentError(field, 'must be a positive integer');
  }
  return value;
}

export function pageLimit(value: unknown): number {
  if (value === undefined) return DEFAULT_PAGE_SIZE;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_PAGE_SIZE) {
    throw new InvalidArgumentError('limit', `must be an integer from 1 to ${MAX_PAGE_SIZE}`);
  }
  return value;
}

export function pageOffset(value: unknown): number {
  if (value === undefined) return 0;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new InvalidArgumentError('offset', 'must be a non-negative integer');
  }
  return value;
}

export function active(value: unknown): 0 | 1 {
  if (typeof value !== 'boolean') throw new InvalidArgumentError('active', 'must be a boolean');
  return value ? 1 : 0;
}

/**
 * Keys that cannot name a stored object are answered "not found" without a query: no such row can
 * exist, and PostgreSQL would otherwise fail on inputs like NUL instead of finding nothing.
 */
export function canBeExperimentName(value: unknown): value is string {
  return typeof value === 'string' && EXPERIMENT_NAME_PATTERN.test(value);
}

export function canBeCampaignName(value: unknown): value is string {
  return typeof value === 'string' && CAMPAIGN_NAME_PATTERN.test(value);
}

export function canBeRevision(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 1;
}
