// What a job ClassAd says of a job, in the port's terms (JobReport). Shared by the HTCondor and
// jobsub_lite engines: jobsub_lite is HTCondor underneath and its tools print the same ads.
import { constants } from 'node:os';
import type { JobReport, JobState } from '@poms/core';
import type { JobAd } from './classads.ts';

/** HTCondor's JobStatus codes. */
export const JOB_STATUS = {
  idle: 1,
  running: 2,
  removed: 3,
  completed: 4,
  held: 5,
  transferringOutput: 6,
  suspended: 7,
} as const;

const SIGNAL_NAMES = new Map<number, string>(
  Object.entries(constants.signals).map(([name, number]) => [number, name]),
);

/** `SIGKILL` for 9; `signal 77` for numbers this platform has no name for. */
export function signalName(signal: number): string {
  return SIGNAL_NAMES.get(signal) ?? `signal ${signal}`;
}

// periodic_remove (the wall-time limit, see submit-description.ts) removes a job with this reason.
const WALL_LIMIT_REMOVAL = /PeriodicRemove/;

/** The execute host: `slot1_3@wn042.fnal.gov` → `wn042.fnal.gov`. */
function hostOf(ad: JobAd): string | undefined {
  const where = ad.LastRemoteHost ?? ad.RemoteHost;
  if (where === undefined || where === '') return undefined;
  return where.slice(where.lastIndexOf('@') + 1);
}

function isoOf(epochSeconds: number | undefined): string | undefined {
  return epochSeconds === undefined || epochSeconds <= 0
    ? undefined
    : new Date(epochSeconds * 1000).toISOString();
}

function stateOf(ad: JobAd): { state: JobState; reason?: string; signal?: string } {
  switch (ad.JobStatus) {
    case JOB_STATUS.idle:
      return { state: 'queued' };
    case JOB_STATUS.running:
    case JOB_STATUS.transferringOutput:
      // Transferring output: the job has run and its files are on their way back; not done yet.
      return { state: 'running' };
    case JOB_STATUS.held:
      return { state: 'held', ...(ad.HoldReason ? { reason: ad.HoldReason } : {}) };
    case JOB_STATUS.suspended:
      return { state: 'held', reason: 'suspended by HTCondor' };
    case JOB_STATUS.removed:
      if (ad.RemoveReason !== undefined && WALL_LIMIT_REMOVAL.test(ad.RemoveReason)) {
        const limit = ad.PomsWallLimit === undefined ? '' : ` of ${ad.PomsWallLimit} s`;
        return { state: 'failed', reason: `exceeded its wall-time limit${limit}` };
      }
      return { state: 'cancelled', ...(ad.RemoveReason ? { reason: ad.RemoveReason } : {}) };
    case JOB_STATUS.completed:
      if (ad.ExitBySignal === true) {
        const signal = ad.ExitSignal === undefined ? undefined : signalName(ad.ExitSignal);
        return {
          state: 'failed',
          ...(signal === undefined ? {} : { signal }),
          reason: `killed by ${signal ?? 'a signal'}`,
        };
      }
      return { state: ad.ExitCode === 0 ? 'completed' : 'failed' };
    case undefined:
    default:
      return {
        state: 'unknown',
        reason: `HTCondor JobStatus ${ad.JobStatus ?? 'missing'} is not one this engine knows`,
      };
  }
}

/**
 * The report of one job from its ad. Memory is ResidentSetSize (KiB, the peak resident size
 * HTCondor observed), not MemoryUsage (MiB, rounded up, and an expression that -json prints
 * unevaluated).
 */
export function reportOf(engineId: string, ad: JobAd): JobReport {
  const { state, reason, signal } = stateOf(ad);
  const finished = state === 'completed' || state === 'failed' || state === 'cancelled';
  const cpu =
    ad.RemoteUserCpu === undefined && ad.RemoteSysCpu === undefined
      ? undefined
      : (ad.RemoteUserCpu ?? 0) + (ad.RemoteSysCpu ?? 0);
  const exitCode = ad.JobStatus === JOB_STATUS.completed && ad.ExitBySignal !== true;
  const host = hostOf(ad);
  const startedAt = isoOf(ad.JobCurrentStartDate ?? ad.JobStartDate);
  const endedAt = finished
    ? (isoOf(ad.CompletionDate) ?? isoOf(ad.EnteredCurrentStatus))
    : undefined;
  return {
    engine_id: engineId,
    state,
    ...(exitCode && ad.ExitCode !== undefined ? { exit_code: ad.ExitCode } : {}),
    ...(signal === undefined ? {} : { signal }),
    ...(reason === undefined ? {} : { reason }),
    ...(cpu === undefined ? {} : { cpu_s: cpu }),
    // RemoteWallClockTime is only brought up to date when a run ends: 0 while the first runs.
    ...(ad.RemoteWallClockTime !== undefined && (finished || ad.RemoteWallClockTime > 0)
      ? { wall_s: ad.RemoteWallClockTime }
      : {}),
    ...(ad.ResidentSetSize === undefined ? {} : { max_rss_kb: ad.ResidentSetSize }),
    ...(host === undefined ? {} : { host }),
    ...(startedAt === undefined ? {} : { started_at: startedAt }),
    ...(endedAt === undefined ? {} : { ended_at: endedAt }),
  };
}
