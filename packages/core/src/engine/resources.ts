// A campaign's resource texts (`2GB`, `8h`, `1:30:00`) as the figures engines ask batch systems
// for. Sizes are binary (2GB = 2048 MiB), as Slurm and HTCondor read them.
import type { Resources } from '../campaign/model.ts';
import { parseDuration } from '../split/duration.ts';
import type { JobResources } from './port.ts';

const SIZE_UNITS: Record<string, number> = { '': 1, K: 1 / 1024, M: 1, G: 1024, T: 1024 * 1024 };

/** Megabytes of a size text (unitless = megabytes); undefined when it is not a size. */
export function sizeMb(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*(?:([KMGT])i?B?)?$/i.exec(text.trim());
  if (match === null) return undefined;
  const scale = SIZE_UNITS[(match[2] ?? '').toUpperCase()];
  return scale === undefined ? undefined : Number(match[1]) * scale;
}

/** Seconds of a duration text: `8h`, `1d12h`, or `HH:MM[:SS]`. */
export function durationSeconds(text: string): number | undefined {
  const clock = /^(\d+):(\d{2})(?::(\d{2}))?$/.exec(text.trim());
  if (clock !== null) {
    return Number(clock[1]) * 3600 + Number(clock[2]) * 60 + Number(clock[3] ?? 0);
  }
  const parsed = parseDuration(text.trim());
  return parsed.ok ? parsed.seconds : undefined;
}

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
