// Failure triage (docs/triage.md): an experiment's failed jobs of the last days, across
// submissions, grouped by signature or by exit code; and the recovery of exactly one group's open
// files, one launch per campaign stage, keyed so that a second click finds the first launch.
import { Buffer } from 'node:buffer';
import type { FailedJobRecord } from '../../ports/submissions.ts';
import type { Store } from '../../ports/store.ts';
import type { LaunchOutcome, LaunchService } from '../execution/launches.ts';
import { keptTail } from '../logs/reader.ts';
import type { KeptLogs } from '../logs/log-files.ts';
import {
  EXCERPT_LINES,
  groupByOfKey,
  groupFailures,
  groupKey,
  type AnalysedJob,
  type GroupBy,
  type TriageGroup,
} from './groups.ts';
import { failureSignature, shortHash, tailLines } from './signature.ts';

export const DEFAULT_SINCE_DAYS = 7;
/** Failed jobs looked at per request, newest first: the work stays bounded. */
export const MAX_JOBS = 10_000;
/** Bytes read from the end of each stream of a job's log. */
const TAIL_BYTES = 16 * 1024;
/** Logs read at once. */
const PARALLEL = 16;

export interface TriageFilter {
  experiment: string;
  campaignId?: string | undefined;
  stage?: string | undefined;
  /** ISO time; default DEFAULT_SINCE_DAYS ago. */
  since?: string | undefined;
  /** Failed jobs looked at, at most MAX_JOBS. */
  limit?: number | undefined;
  /** Default by signature. */
  groupBy?: GroupBy | undefined;
}

export interface TriageReport {
  since: string;
  group_by: GroupBy;
  /** Failed jobs looked at. */
  jobs: number;
  /** More failed jobs than the limit: the oldest were not looked at. */
  truncated: boolean;
  groups: TriageGroup[];
}

export interface TriageLaunch {
  campaign: string;
  stage: string;
  files: string[];
  outcome: LaunchOutcome;
}

/** How a job's log end is read: the kept copy, else whatever the caller falls back to. */
export type LogTail = (
  job: FailedJobRecord,
  maxBytes: number,
) => Promise<{
  stdout: string;
  stderr: string;
}>;

/** Kept logs first (no store lookups), else `fallback` (the engine via the execution core). */
export function keptFirst(kept: KeptLogs | undefined, fallback: LogTail): LogTail {
  return async (job, maxBytes) => {
    const ref = { experiment: job.experiment, submissionId: job.submission_id, index: job.index };
    return (await keptTail(kept, ref, maxBytes)) ?? fallback(job, maxBytes);
  };
}

/** No failed job of the filter has this signature (any more): answered 404. */
export class UnknownSignatureError extends Error {
  readonly code = 'store.not-found';
  constructor(signature: string, since: string) {
    super(`no failed job with signature ${signature} since ${since}`);
  }
}

export class TriageService {
  constructor(
    private readonly options: {
      store: Store;
      logs: LogTail;
      now?: () => Date;
    },
  ) {}

  async report(filter: TriageFilter): Promise<TriageReport> {
    const since = this.since(filter);
    const limit = this.limit(filter);
    // One more than the limit tells whether older failures were left out.
    const jobs = await this.failedJobs(filter, 1);
    const looked = jobs.slice(0, limit);
    const groupBy = filter.groupBy ?? 'signature';
    return {
      since,
      group_by: groupBy,
      jobs: looked.length,
      truncated: jobs.length > limit,
      groups: groupFailures(await this.analyse(looked), groupBy),
    };
  }

  private async analyse(jobs: readonly FailedJobRecord[]): Promise<AnalysedJob[]> {
    const out: AnalysedJob[] = [];
    for (let i = 0; i < jobs.length; i += PARALLEL) {
      const batch = jobs.slice(i, i + PARALLEL);
      out.push(
        ...(await Promise.all(
          batch.map(async (job) => {
            const logs = await this.options
              .logs(job, TAIL_BYTES)
              .catch(() => ({ stdout: '', stderr: job.reason ?? '' }));
            // A job without any log still has the reason the engine gave.
            const text =
              logs.stderr.trim() === '' && logs.stdout.trim() === ''
                ? { stdout: '', stderr: job.reason ?? '' }
                : logs;
            return {
              job,
              signature: failureSignature({
                ...text,
                exit_code: job.exit_code,
                signal: job.signal,
              }),
              excerpt: tailLines(text, EXCERPT_LINES),
            };
          }),
        )),
      );
    }
    return out;
  }

  /**
   * The group's open files by campaign stage (the stage filter narrows it). `key` is a signature
   * (`exit65-3fa9…`) or, for a group of the exit-code view, an exit key (`exit65`, `SIGKILL`).
   */
  async openFiles(
    filter: TriageFilter,
    key: string,
  ): Promise<{
    group: TriageGroup;
    stages: { campaign: string; stage: string; files: string[] }[];
  }> {
    const by = groupByOfKey(key);
    const analysed = (await this.analyse(await this.failedJobs(filter, 0))).filter(
      (a) => groupKey(a, by) === key,
    );
    const group = groupFailures(analysed, by)[0];
    if (group === undefined) throw new UnknownSignatureError(key, this.since(filter));
    const members = analysed.map((a) => a.job);
    const files = await this.options.store.submissions.openFiles(
      members.map((j) => ({ submissionId: j.submission_id, index: j.index })),
    );
    const stageOf = new Map(members.map((j) => [`${j.submission_id}:${j.index}`, j]));
    const byStage = new Map<string, { campaign: string; stage: string; files: Set<string> }>();
    for (const file of files) {
      const job = stageOf.get(`${file.submission_id}:${file.job_index}`);
      if (job === undefined) continue;
      const key = `${job.campaign}\u0000${job.stage}`;
      const entry = byStage.get(key) ?? {
        campaign: job.campaign,
        stage: job.stage,
        files: new Set(),
      };
      entry.files.add(file.file);
      byStage.set(key, entry);
    }
    return {
      group,
      stages: [...byStage.values()].map((s) => ({ ...s, files: sortedNames(s.files) })),
    };
  }

  /** The newest failed jobs of the filter, `extra` more than its limit. */
  private failedJobs(filter: TriageFilter, extra: number): Promise<FailedJobRecord[]> {
    return this.options.store.submissions.failedJobs({
      experiment: filter.experiment,
      campaignId: filter.campaignId,
      stage: filter.stage,
      since: this.since(filter),
      limit: this.limit(filter) + extra,
    });
  }

  private since(filter: TriageFilter): string {
    const now = this.options.now?.() ?? new Date();
    return filter.since ?? new Date(now.getTime() - DEFAULT_SINCE_DAYS * 86_400_000).toISOString();
  }

  private limit(filter: TriageFilter): number {
    return Math.min(filter.limit ?? MAX_JOBS, MAX_JOBS);
  }

  /**
   * Launches the files of one stage's share of a group. The key names the signature and the very
   * files, so a double click (or a retry) launches once; new failures make a new file set.
   */
  recoverStage(
    launches: LaunchService,
    input: {
      experiment: string;
      campaign: string;
      stage: string;
      signature: string;
      files: string[];
      launcher: string;
    },
  ): Promise<LaunchOutcome> {
    return launches.launch({
      experiment: input.experiment,
      campaign: input.campaign,
      stage: input.stage,
      launcher: input.launcher,
      origin: 'recovery',
      launchKey: `triage:${input.signature}:${shortHash(input.files.join('\n'))}`,
      input: { files: input.files, label: `triage ${input.signature}` },
      reason: `triage recovery of ${input.files.length} file(s) failing with ${input.signature} by ${input.launcher}`,
    });
  }
}

function sortedNames(names: Iterable<string>): string[] {
  return [...names].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
}

/** `7d`, `36h` or an ISO date/time, as an ISO time; undefined for anything else. */
export function sinceTime(text: string, now: Date): string | undefined {
  const relative = /^(\d{1,4})([dh])$/.exec(text);
  if (relative) {
    const hours = Number(relative[1]) * (relative[2] === 'd' ? 24 : 1);
    return new Date(now.getTime() - hours * 3_600_000).toISOString();
  }
  if (!/^\d{4}-\d{2}-\d{2}/.test(text)) return undefined;
  const time = new Date(text);
  return Number.isNaN(time.getTime()) ? undefined : time.toISOString();
}
