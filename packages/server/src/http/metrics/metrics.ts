// The Prometheus metrics of one server (docs/monitoring.md lists them). One Registry per server,
// never prom-client's global one: tests start several servers in one process. Counters and
// histograms move as things happen (the executor's observer, job file reports, HTTP answers);
// the gauges that count rows are set from a handful of aggregate queries at each scrape, and the
// in-process work queues' gauges from the queues themselves.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { MetricsRepository, OperationalCounts } from '../../ports/metrics.ts';
import { OUTBOX_CHANNELS } from '../../ports/notifications.ts';

/** Seconds from a fraction of a second (a fast poll) to an hour (a launch that waited for a hold). */
const LATENCY_BUCKETS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600];
/** Engine polls and executor cycles: milliseconds when idle, a minute when a cluster is slow. */
const WORK_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
/** HTTP answers: Prometheus's usual buckets, plus the slow end of large campaign texts. */
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export class PomsMetrics {
  readonly registry = new Registry();
  private readonly registers = [this.registry];

  readonly submissions = new Gauge({
    name: 'poms_submissions',
    help: 'Submissions by experiment and status (counted in the store at scrape time)',
    labelNames: ['experiment', 'status'] as const,
    registers: this.registers,
  });
  readonly jobs = new Gauge({
    name: 'poms_jobs',
    help: 'Tracked jobs, live and final, by experiment, engine and state (counted at scrape time)',
    labelNames: ['experiment', 'engine', 'state'] as const,
    registers: this.registers,
  });
  readonly queue = new Gauge({
    name: 'poms_executor_queue_submissions',
    help: 'Unfinished submissions the executor works through each cycle',
    registers: this.registers,
  });
  readonly heldLaunches = new Gauge({
    name: 'poms_held_launches',
    help: 'Launches queued behind a hold, by experiment',
    labelNames: ['experiment'] as const,
    registers: this.registers,
  });
  readonly notificationQueue = new Gauge({
    name: 'poms_notification_queue_deliveries',
    help: 'Notifications not sent yet, by channel: e-mails and webhooks pending (due, or waiting to retry), events held for the daily digest (digest)',
    labelNames: ['channel'] as const,
    registers: this.registers,
  });
  readonly logKeeperQueue = new Gauge({
    name: 'poms_log_keeper_queue_tasks',
    help: "The log keeper's work: job log fetches and launch-log writes waiting for a slot or running",
    labelNames: ['state'] as const,
    registers: this.registers,
  });
  readonly files = new Counter({
    name: 'poms_files_total',
    help: 'Input files jobs reported consumed, failed or skipped, by experiment, campaign and stage',
    labelNames: ['experiment', 'campaign', 'stage', 'state'] as const,
    registers: this.registers,
  });
  readonly launchLatency = new Histogram({
    name: 'poms_launch_latency_seconds',
    help: 'From a submission recorded to its jobs given to the engine',
    labelNames: ['engine'] as const,
    buckets: LATENCY_BUCKETS,
    registers: this.registers,
  });
  readonly launchFailures = new Counter({
    name: 'poms_launch_failures_total',
    help: 'Submissions whose jobs the engine refused (retried later)',
    labelNames: ['engine'] as const,
    registers: this.registers,
  });
  readonly pollDuration = new Histogram({
    name: 'poms_engine_poll_duration_seconds',
    help: "One poll of an engine's jobs, answered or failed",
    labelNames: ['engine'] as const,
    buckets: WORK_BUCKETS,
    registers: this.registers,
  });
  readonly pollErrors = new Counter({
    name: 'poms_engine_poll_errors_total',
    help: 'Engine polls that failed',
    labelNames: ['engine'] as const,
    registers: this.registers,
  });
  readonly cycle = new Histogram({
    name: 'poms_executor_cycle_seconds',
    help: "One executor cycle: requests, polls, every unfinished submission's step",
    buckets: WORK_BUCKETS,
    registers: this.registers,
  });
  readonly jobsEnded = new Counter({
    name: 'poms_jobs_ended_total',
    help: 'Jobs that reached a final state, by engine and state',
    labelNames: ['engine', 'state'] as const,
    registers: this.registers,
  });
  readonly http = new Histogram({
    name: 'poms_http_request_duration_seconds',
    help: 'HTTP answers by method, route pattern and status class (2xx, 4xx, 5xx)',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: HTTP_BUCKETS,
    registers: this.registers,
  });

  /** The log keeper's queue, read at each scrape; none until the server hands it over. */
  private logKeeperDepth: (() => { waiting: number; running: number }) | undefined;

  constructor(private readonly store: MetricsRepository) {
    collectDefaultMetrics({ register: this.registry, prefix: 'poms_' });
  }

  /** The in-process work queues the server runs, read at each scrape. */
  watchQueues(queues: { logKeeper: () => { waiting: number; running: number } }): void {
    this.logKeeperDepth = queues.logKeeper;
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The exposition text: the store's counts read now, everything else as it stands. */
  async scrape(): Promise<string> {
    this.showCounts(await this.store.counts());
    const depth = this.logKeeperDepth?.();
    if (depth !== undefined) {
      this.logKeeperQueue.set({ state: 'waiting' }, depth.waiting);
      this.logKeeperQueue.set({ state: 'running' }, depth.running);
    }
    return this.registry.metrics();
  }

  /**
   * Replaces the row-count gauges in one synchronous step (no await between reset and set), so a
   * scrape never shows half of one count, and a pair that has no rows any more disappears.
   */
  private showCounts(counts: OperationalCounts): void {
    this.submissions.reset();
    for (const r of counts.submissions) {
      this.submissions.set({ experiment: r.experiment, status: r.status }, r.count);
    }
    this.jobs.reset();
    for (const r of counts.jobs) {
      this.jobs.set({ experiment: r.experiment, engine: r.engine, state: r.state }, r.count);
    }
    this.queue.set(counts.unfinished);
    this.heldLaunches.reset();
    for (const r of counts.heldLaunches) {
      this.heldLaunches.set({ experiment: r.experiment }, r.count);
    }
    // A fixed, short list: every channel has a series, 0 when nothing waits (alerts need one).
    for (const channel of OUTBOX_CHANNELS) {
      const row = counts.notificationQueue.find((r) => r.channel === channel);
      this.notificationQueue.set({ channel }, row?.count ?? 0);
    }
  }
}
