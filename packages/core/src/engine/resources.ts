// A campaign's resource texts (`2GB`, `8h`, `1:30:00`) as the figures engines ask batch systems
// for (units.ts reads the texts).
import type { Resources } from '../campaign/model.ts';
import { durationSeconds, sizeMb } from '../campaign/units.ts';
import type { JobResources } from './port.ts';

/** The launch setup's resources as defaults, the job type's own winning key by key. */
export function jobResources(
  jobType: Resources | undefined,
  launchSetup: Resources | undefined,
): JobResources {
  const r: Resources = { ...(launchSetup ?? {}), ...(jobType ?? {}) };
  const out: JobResources = {};
  const memory = r.memory === undefined ? undefined : sizeMb(r.memory);
  const disk = r.disk === undefined ? undefined : sizeMb(r.disk);
  const time = r.time === undefined ? undefined : durationSeconds(r.time);
  if (memory !== undefined) out.memory_mb = memory;
  if (disk !== undefined) out.disk_mb = disk;
  if (time !== undefined) out.time_s = time;
  if (r.cpus !== undefined) out.cpus = r.cpus;
  if (r.gpus !== undefined) out.gpus = r.gpus;
  return out;
}
