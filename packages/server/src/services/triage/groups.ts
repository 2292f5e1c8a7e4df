// Failed jobs gathered by signature into triage groups: counts, when first and last seen, where,
// and a few examples with the end of their logs. Pure: the service reads, this only adds up.
import type { FailedJobRecord } from '../../ports/submissions.ts';
import type { FailureSignature } from './signature.ts';

/** Examples kept per group, newest first. */
export const EXAMPLES = 5;
/** Lines of an example's log shown with it. */
export const EXCERPT_LINES = 20;

/** One failed job with its signature and the last lines of its log. */
export interface AnalysedJob {
  job: FailedJobRecord;
  signature: FailureSignature;
  excerpt: string[];
}

export interface TriageExample {
  submission_id: string;
  index: number;
  campaign: string;
  stage: string;
  state: string;
  exit_code: number | null;
  signal: string | null;
  ended_at: string | null;
  excerpt: string[];
}

export interface TriageGroup {
  signature: string;
  exit_code: number | null;
  signal: string | null;
  title: string;
  tail: string[];
  /** Failed jobs. */
  count: number;
  /** Files of those jobs that still want work: what a recovery of the group relaunches. */
  files: number;
  /** Files the jobs reported failed. */
  failed_files: number;
  submissions: number;
  first_seen: string;
  last_seen: string;
  /** Where the group happened: one entry per campaign stage, most jobs first. */
  stages: { campaign: string; stage: string; count: number; files: number }[];
  examples: TriageExample[];
}

const endOf = (job: FailedJobRecord) => job.ended_at ?? job.updated_at;

/** Groups by signature, most jobs first (then the most recent, then the signature). */
export function groupFailures(jobs: readonly AnalysedJob[]): TriageGroup[] {
  const bySignature = new Map<string, AnalysedJob[]>();
  for (const analysed of jobs) {
    const list = bySignature.get(analysed.signature.id) ?? [];
    list.push(analysed);
    bySignature.set(analysed.signature.id, list);
  }
  const groups = [...bySignature.values()].map(toGroup);
  return groups.sort(
    (a, b) =>
      b.count - a.count ||
      b.last_seen.localeCompare(a.last_seen) ||
      a.signature.localeCompare(b.signature),
  );
}

function toGroup(members: AnalysedJob[]): TriageGroup {
  const newest = [...members].sort(
    (a, b) =>
      endOf(b.job).localeCompare(endOf(a.job)) ||
      a.job.submission_id.localeCompare(b.job.submission_id) ||
      a.job.index - b.job.index,
  );
  const first = newest[0] as AnalysedJob;
  const stages = new Map<string, TriageGroup['stages'][number]>();
  for (const { job } of members) {
    const key = `${job.campaign}\u0000${job.stage}`;
    const entry = stages.get(key) ?? {
      campaign: job.campaign,
      stage: job.stage,
      count: 0,
      files: 0,
    };
    entry.count += 1;
    entry.files += job.open_files;
    stages.set(key, entry);
  }
  const ends = members.map((m) => endOf(m.job)).sort();
  return {
    signature: first.signature.id,
    exit_code: first.job.exit_code,
    signal: first.job.signal,
    title: first.signature.title,
    tail: first.signature.tail,
    count: members.length,
    files: members.reduce((n, m) => n + m.job.open_files, 0),
    failed_files: members.reduce((n, m) => n + m.job.failed_files, 0),
    submissions: new Set(members.map((m) => m.job.submission_id)).size,
    first_seen: ends[0] ?? '',
    last_seen: ends.at(-1) ?? '',
    stages: [...stages.values()].sort(
      (a, b) =>
        b.count - a.count || a.campaign.localeCompare(b.campaign) || a.stage.localeCompare(b.stage),
    ),
    examples: newest.slice(0, EXAMPLES).map(({ job, excerpt }) => ({
      submission_id: job.submission_id,
      index: job.index,
      campaign: job.campaign,
      stage: job.stage,
      state: job.state,
      exit_code: job.exit_code,
      signal: job.signal,
      ended_at: job.ended_at,
      excerpt,
    })),
  };
}
