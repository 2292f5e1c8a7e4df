// A job row as the repositories answer it: the submissions repository and the failed-jobs
// query read the same columns.
import type { Selectable } from 'kysely';
import type { JobRecord, JobRequest, TrackedJobState } from '../../../ports/submissions.ts';
import type { JobsTable } from '../schema.ts';

export function toJob(r: Selectable<JobsTable>): JobRecord {
  return {
    submission_id: r.submission_id,
    index: r.idx,
    engine_id: r.engine_id,
    state: r.state as TrackedJobState,
    exit_code: r.exit_code,
    signal: r.signal,
    reason: r.reason,
    cpu_s: r.cpu_s,
    wall_s: r.wall_s,
    max_rss_kb: r.max_rss_kb,
    host: r.host,
    started_at: r.started_at,
    ended_at: r.ended_at,
    request: r.request as JobRequest | null,
    file_count: r.file_count,
    updated_at: r.updated_at,
  };
}
