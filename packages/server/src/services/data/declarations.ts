// What an output of the embedded catalog is declared as in the experiment's metadata catalog.
// MetaCat names every field `category.name`: the standard fields go to MetaCat's `core.*`, and
// other names without a dot are put under `poms.`. SAM takes the standard names as they are.
// MetaCat's `core.runs` is a list, which the port's scalar metadata cannot carry: the run number
// goes as `poms.run_number`.
import type { FileDetails, MetadataValue, OutputDeclaration } from '@poms/core';
import { DID_FIELD } from './mirror-files.ts';

const TO_METACAT: Record<string, string> = {
  data_tier: 'core.data_tier',
  event_count: 'core.event_count',
  start_time: 'core.start_time',
  end_time: 'core.end_time',
};

/** Adler-32 as 8 lowercase hex digits, from the catalog's `adler32:…` checksum. */
export function adler32Of(checksum: string | null): string | undefined {
  const match = /^adler32:([0-9a-fA-F]{1,8})$/.exec(checksum ?? '');
  return match?.[1]?.toLowerCase().padStart(8, '0');
}

/** The external catalog's name of a file: the did it was mirrored from, else ours. */
export function externalName(
  file: Pick<FileDetails, 'name' | 'metadata'>,
  system: 'metacat' | 'sam',
  namespace: string | undefined,
): string {
  const did = file.metadata[DID_FIELD];
  if (typeof did === 'string' && did !== '') return did;
  return system === 'metacat' && namespace !== undefined ? `${namespace}:${file.name}` : file.name;
}

export function outputDeclaration(
  file: FileDetails,
  parents: readonly Pick<FileDetails, 'name' | 'metadata'>[],
  system: 'metacat' | 'sam',
  namespace: string | undefined,
): OutputDeclaration {
  const adler = adler32Of(file.checksum);
  const metadata: Record<string, MetadataValue> = {};
  for (const [key, value] of Object.entries(file.metadata)) {
    if (system === 'sam') metadata[key] = value;
    else if (TO_METACAT[key] !== undefined) metadata[TO_METACAT[key]] = metacatValue(key, value);
    else metadata[key.includes('.') ? key : `poms.${key}`] = value;
  }
  return {
    name: system === 'metacat' && namespace !== undefined ? `${namespace}:${file.name}` : file.name,
    size: file.size ?? 0,
    checksums: adler === undefined ? {} : { adler32: adler },
    metadata,
    parents: parents.map((p) => externalName(p, system, namespace)),
  };
}

/** MetaCat keeps times as epoch seconds. */
function metacatValue(key: string, value: MetadataValue): MetadataValue {
  if ((key === 'start_time' || key === 'end_time') && typeof value === 'string') {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? value : ms / 1000;
  }
  return value;
}
