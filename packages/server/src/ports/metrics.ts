/**
 * What the metrics endpoint (GET /metrics) counts in the store at scrape time: rows of the live
 * tables grouped in a fixed handful of aggregate queries, whatever their number. The file ledger
 * (millions of rows) is never scanned here: files are counted as jobs report them.
 */
import type { Engine, SubmissionStatus } from '@poms/core';
import type { OutboxChannel } from './notifications.ts';
import type { TrackedJobState } from './submissions.ts';

export interface OperationalCounts {
  /** Submissions by experiment and status; pairs with none are absent. */
  readonly submissions: readonly {
    readonly experiment: string;
    readonly status: SubmissionStatus;
    readonly count: number;
  }[];
  /** Tracked jobs (live and final) by experiment, their submission's engine and state. */
  readonly jobs: readonly {
    readonly experiment: string;
    readonly engine: Engine;
    readonly state: TrackedJobState;
    readonly count: number;
  }[];
  /** The submissions the executor still works through (SubmissionRepository.unfinished). */
  readonly unfinished: number;
  /** Held launches still queued (not released), by experiment. */
  readonly heldLaunches: readonly { readonly experiment: string; readonly count: number }[];
  /**
   * Notification outbox rows not sent yet, by channel: `email` and `webhook` rows pending (due,
   * or waiting to retry), `digest` rows held for the next daily digest. Channels without any
   * are absent.
   */
  readonly notificationQueue: readonly {
    readonly channel: OutboxChannel;
    readonly count: number;
  }[];
}

export interface MetricsRepository {
  counts(): Promise<OperationalCounts>;
}
