// Parameter precedence (POMS-REFERENCE §3): job type parameters → stage overrides (the effective
// ones: the defaults' first when merge_overrides) → recovery-step overrides → test overrides →
// overrides given with the launch; later wins for the same key.
import type { ParamList } from '../campaign/model.ts';

/** Where a merged parameter came from, so a problem can name the list the user has to edit. */
export type ParamLevel = 'job_type' | 'stage' | 'recovery' | 'test' | 'launch';

export interface ParamSource {
  level: ParamLevel;
  /** Index in that level's list (the effective list for `stage`). */
  index: number;
}

export interface MergedParam {
  key: string;
  value: string;
  /** The list that set the value (the last one to name the key). */
  source: ParamSource;
}

/**
 * Merges the lists with "later wins for the same key". A key keeps the position of its FIRST
 * appearance and takes the LAST value, exactly as POMS's `OrderedDict.update` did, so an override
 * changes a value without reordering the command line. Keys are compared as written (before
 * `%(name)s` substitution), byte for byte, as POMS did. An empty value is a value: `['--flag=', '']`
 * stays in the list and renders as the argument `--flag=`; there is no way to delete a key.
 */
export function mergeParams(...lists: readonly ParamList[]): ParamList {
  return mergeLevels(lists.map((params) => ({ level: 'launch' as const, params }))).map((p) => [
    p.key,
    p.value,
  ]);
}

/** mergeParams that remembers, for each key, which level and index set its value. */
export function mergeLevels(
  levels: readonly { level: ParamLevel; params: ParamList }[],
): MergedParam[] {
  const out: MergedParam[] = [];
  const at = new Map<string, number>();
  for (const { level, params } of levels) {
    params.forEach(([key, value], index) => {
      const entry: MergedParam = { key, value, source: { level, index } };
      const existing = at.get(key);
      if (existing === undefined) {
        at.set(key, out.length);
        out.push(entry);
      } else {
        out[existing] = entry;
      }
    });
  }
  return out;
}
