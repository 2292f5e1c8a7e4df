// Log retention: a submission's kept logs go once the submission has not changed for the
// retention period (POMS_LOG_RETENTION_DAYS). A folder whose submission the store does not know
// (deleted, or another store's) goes by the folder's own last change.
import { NotFoundError } from '../../ports/errors.ts';
import type { Store } from '../../ports/store.ts';
import type { KeptLogs } from './log-files.ts';

/** Deletes kept logs older than `cutoffMs` (epoch ms); returns how many submissions' logs went. */
export async function sweepRetention(
  kept: KeptLogs,
  store: Store,
  cutoffMs: number,
): Promise<number> {
  let removed = 0;
  for (const folder of await kept.submissions()) {
    let lastChange = folder.changedMs;
    try {
      const submission = await store.submissions.get(folder.submissionId);
      if (submission.experiment === folder.experiment)
        lastChange = Date.parse(submission.updated_at);
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
    }
    if (lastChange < cutoffMs) {
      await kept.remove(folder.experiment, folder.submissionId);
      removed++;
    }
  }
  return removed;
}

/** POMS_LOG_RETENTION_DAYS, else 30; a value that is not a positive number is refused. */
export function retentionDaysFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const text = env.POMS_LOG_RETENTION_DAYS;
  if (text === undefined || text === '') return 30;
  const days = Number(text);
  if (!Number.isFinite(days) || days <= 0) {
    throw new Error(`POMS_LOG_RETENTION_DAYS must be a positive number of days, not '${text}'`);
  }
  return days;
}
