// Whether a file a metadata catalog already has is the output being declared: re-declaring an
// output (after a retry, a restart) must be no error, and a different file under the same name
// must be one. Shared by the MetaCat and SAM adapters.
import type { OutputDeclaration } from '@poms/core';

/**
 * The same size, and the same value for every checksum both sides have, with at least one in
 * common (no common checksum proves nothing).
 */
export function sameFile(
  existing: { size?: number; checksums?: Record<string, string> },
  wanted: OutputDeclaration,
): boolean {
  if (existing.size !== wanted.size) return false;
  const theirs = existing.checksums ?? {};
  const common = Object.keys(wanted.checksums).filter((k) => theirs[k] !== undefined);
  if (common.length === 0) return false;
  return common.every((k) => sameChecksum(theirs[k] ?? '', wanted.checksums[k] ?? ''));
}

/** Adler-32 values are hex; leading zeros and case vary between tools. */
function sameChecksum(a: string, b: string): boolean {
  const norm = (v: string) =>
    v
      .trim()
      .toLowerCase()
      .replace(/^0+(?=.)/, '');
  return norm(a) === norm(b);
}
