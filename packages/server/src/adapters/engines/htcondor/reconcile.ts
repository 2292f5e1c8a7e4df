// Turns what the queue and the history said into one report per asked job. Shared by both
// engines: they differ only in the commands that fetch the ads.
import type { JobReport } from '@poms/core';
import { procKey, type JobAd } from './classads.ts';
import type { ProcId } from './job-ids.ts';
import { reportOf } from './job-report.ts';

export interface AskedJob extends ProcId {
  engineId: string;
}

/** The asked jobs that the queue did not list: the ones to look for in the history. */
export function notInQueue<T extends ProcId>(asked: readonly T[], queue: readonly JobAd[]): T[] {
  const listed = new Set(queue.map(procKey));
  return asked.filter((job) => !listed.has(procKey({ ClusterId: job.cluster, ProcId: job.proc })));
}

/**
 * One report per asked job, in order. A job in neither queue nor history is either not yet
 * materialized (its cluster is still in the queue with only lower proc ids: max_materialize holds
 * the rest back in the schedd's job factory) → queued, or gone from both → unknown, never failed.
 * `historyError` says why the history could not be read; those jobs are unknown with it.
 */
export function reconcile(
  asked: readonly AskedJob[],
  queue: readonly JobAd[],
  history: readonly JobAd[],
  historyError?: string,
): JobReport[] {
  const ads = new Map<string, JobAd>();
  for (const ad of history) ads.set(procKey(ad), ad);
  // The queue wins: a job can be both, briefly, while it leaves the queue.
  for (const ad of queue) ads.set(procKey(ad), ad);
  const highestQueued = new Map<number, number>();
  for (const ad of queue) {
    highestQueued.set(ad.ClusterId, Math.max(highestQueued.get(ad.ClusterId) ?? -1, ad.ProcId));
  }
  return asked.map((job) => {
    const ad = ads.get(procKey({ ClusterId: job.cluster, ProcId: job.proc }));
    if (ad !== undefined) return reportOf(job.engineId, ad);
    const highest = highestQueued.get(job.cluster);
    if (highest !== undefined && job.proc > highest) {
      return {
        engine_id: job.engineId,
        state: 'queued',
        reason: 'not materialized yet: waiting behind the submission throttle',
      };
    }
    return {
      engine_id: job.engineId,
      state: 'unknown',
      reason:
        historyError === undefined
          ? 'in neither the queue nor the history of the schedd'
          : `not in the queue, and the history could not be read: ${historyError}`,
    };
  });
}
