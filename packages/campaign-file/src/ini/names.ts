// POMS names may hold anything (`samples/sample_mc.ini`, `my stage`); ours are identifiers
// (see Name in core). Importing renames what does not fit, the same way every time, and says so.
import { Name } from '@poms/core';

const NAME_MAX = 100;

/**
 * A valid Name for any text: characters outside letters, digits and `_ . -` (valid in every
 * version of Name) become `_`, and it starts with a letter or digit.
 */
export function toValidName(raw: string, fallback: string): string {
  const replaced = raw.trim().replace(/[^A-Za-z0-9_.-]/g, '_');
  const trimmed = replaced.replace(/^[^A-Za-z0-9]+/, '').slice(0, NAME_MAX);
  return trimmed === '' ? fallback : trimmed;
}

/** The campaign's own name: POMS names were often file paths, so `.ini` goes too. */
export function campaignNameFrom(raw: string): string {
  return toValidName(raw.trim().replace(/\.ini$/i, ''), 'campaign');
}

export function isValidName(raw: string): boolean {
  return Name.safeParse(raw).success;
}

/** What Name says about a text it refuses (its own words, so they stay true when it changes). */
export function nameRule(raw: string): string {
  return Name.safeParse(raw).error?.issues[0]?.message ?? 'not a valid name';
}

/**
 * One namespace (stages, job types or launch setups): each POMS name gets one of ours, distinct
 * from every other, the same one each time it is asked for.
 */
export class NameTable {
  private readonly names = new Map<string, string>();
  private readonly taken = new Set<string>();

  constructor(private readonly fallback: string) {}

  /** Registers names that are already valid first, so that a renamed one never takes theirs. */
  reserve(raws: Iterable<string>): void {
    for (const rawName of raws) {
      const raw = rawName.trim();
      if (isValidName(raw) && !this.names.has(raw)) {
        this.names.set(raw, raw);
        this.taken.add(raw);
      }
    }
  }

  has(raw: string): boolean {
    return this.names.has(raw.trim());
  }

  get(rawName: string): string {
    const raw = rawName.trim();
    const known = this.names.get(raw);
    if (known !== undefined) return known;
    const base = isValidName(raw) ? raw : toValidName(raw, this.fallback);
    let name = base;
    for (let i = 2; this.taken.has(name); i++) {
      const suffix = `_${i}`;
      name = base.slice(0, NAME_MAX - suffix.length) + suffix;
    }
    this.names.set(raw, name);
    this.taken.add(name);
    return name;
  }
}
