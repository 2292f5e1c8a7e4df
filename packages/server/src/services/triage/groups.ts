// Failed jobs gathered into triage groups, by signature or by exit code alone: counts, when first
// and last seen, where, the signatures inside, and a few examples with the end of their logs.
// Pure: the service reads, this only adds up.
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

/** How failures are grouped: by full signature, or by exit code (or signal) alone. */
export const GROUP_BY = ['signature', 'exit_code'] as const;
export type GroupBy = (typeof GROUP_BY)[number];

/** One signature inside a group (in the signature view, the group itself). */
export interface TriageSignature {
  signature: string;
  title: string;
  count: number;
  files: number;
  last_seen: string;
}

export interface TriageGroup {
  /** The group's key: its signature, or in the exit-code view its exit key (`exit65`). */
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
  /** The signatures of its jobs, most jobs first. */
  signatures: TriageSignature[];
  examples: TriageExample[];
}

const endOf = (job: FailedJobRecord) => job.ended_at ?? job.updated_at;

/** The key a job is grouped under. */
export function groupKey(analysed: Pick<AnalysedJob, 'signature'>, by: GroupBy): string {
  return by === 'signature' ? analysed.signature.id : analysed.signature.code;
}

/** A signature has a hash after the exit part (`exit65-3fa9…`); an exit key has none. */
export function groupByOfKey(key: string): GroupBy {
  return key.includes('-') ? 'signature' : 'exit_code';
}

const mostFirst = <T extends { count: number; last_seen: string; signature: string }>(a: T, b: T) =>
  b.count - a.count ||
  b.last_seen.localeCompare(a.last_seen) ||
  a.signature.localeCompare(b.signature);

/** Groups by `by`, most jobs first (then the most recent, then the key). */
export function groupFailures(
  jobs: readonly AnalysedJob[],
  by: GroupBy = 'signature',
): TriageGroup[] {
  return [...byKey(jobs, (a) => groupKey(a, by)).entries()]
    .map(([key, members]) => toGroup(key, members))
    .sort(mostFirst);
}

function byKey(jobs: readonly AnalysedJob[], keyOf: (a: AnalysedJob) => string) {
  const groups = new Map<string, AnalysedJob[]>();
  for (const analysed of jobs) {
    const key = keyOf(analysed);
    const list = groups.get(key) ?? [];
    list.push(analysed);
    groups.set(key, list);
  }
  return groups;
}

function signaturesOf(members: readonly AnalysedJob[]): TriageSignature[] {
  return [...byKey(members, (a) => a.signature.id).entries()]
    .map(([signature, jobs]) => ({
      signature,
      title: (jobs[0] as AnalysedJob).signature.title,
      count: jobs.length,
      files: jobs.reduce((n, m) => n + m.job.open_files, 0),
      last_seen:
        jobs
          .map((m) => endOf(m.job))
          .sort()
          .at(-1) ?? '',
    }))
    .sort(mostFirst);
}

function toGroup(key: string, members: AnalysedJob[]): TriageGroup {
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
  const signatures = signaturesOf(members);
  // Told by its most common signature (in the signature view there is only one).
  const telling =
    members.find((m) => m.signature.id === signatures[0]?.signature)?.signature ?? first.signature;
  return {
    signature: key,
    exit_code: first.job.exit_code,
    signal: first.job.signal,
    title: telling.title,
    tail: telling.tail,
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
    signatures,
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
