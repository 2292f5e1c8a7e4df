// What POMS declares to SAM for an output (the JSON `samweb declare-file` takes, POSTed to
// `files`), and when a file SAM already has counts as this one.
import type { MetadataValue, OutputDeclaration } from '@poms/core';

export type SamDeclaration = Record<string, unknown>;

/** Port keys that SAM holds in structured fields rather than as they are. */
const RUN_KEYS = new Set(['run_number', 'subrun_number', 'run_type']);
const APPLICATION_KEYS = new Set(['application.family', 'application.name', 'application.version']);
/** SAM requires a run type with every run; POMS outputs without one are physics data. */
const DEFAULT_RUN_TYPE = 'physics';

/**
 * file_name, file_size, checksum as `["adler32:…"]`, parents as `[{file_name}]`; run_number
 * (with subrun_number, default 0, and run_type, default physics) as `runs: [[run, subrun, type]]`;
 * application.family/name/version as the `application` object; every other key as it is
 * (data_tier, file_type, file_format, event_count, group, `Category.name` parameters).
 */
export function samDeclaration(file: OutputDeclaration): SamDeclaration {
  const body: SamDeclaration = {
    file_name: file.name,
    file_size: file.size,
    checksum: Object.entries(file.checksums).map(([algorithm, value]) => `${algorithm}:${value}`),
  };
  const application: Record<string, MetadataValue> = {};
  for (const [key, value] of Object.entries(file.metadata)) {
    if (RUN_KEYS.has(key)) continue;
    if (APPLICATION_KEYS.has(key)) application[key.slice('application.'.length)] = value;
    else body[key] = value;
  }
  if (Object.keys(application).length > 0) body.application = application;
  const run = file.metadata.run_number;
  if (run !== undefined && run !== null) {
    body.runs = [
      [run, file.metadata.subrun_number ?? 0, file.metadata.run_type ?? DEFAULT_RUN_TYPE],
    ];
  }
  body.parents = file.parents.map((name) => ({ file_name: name }));
  return body;
}
