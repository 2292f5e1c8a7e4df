// A campaign's progress stage by stage, on behalf of a caller (anyone of the experiment): its
// submissions by status, what became of the files they were given, their jobs, the newest
// submission, and whether the stage is held or scheduled. Read in a fixed number of aggregate
// queries (SubmissionRepository.stageCounts), and fed live: one feed per watched campaign,
// shared by every client watching it, recomputed (coalesced) when the change bus rings and sent
// only when it differs from what was sent last.
import { isFinal, type SubmissionStatus } from '@poms/core';
import type { CampaignRecord, Store } from '../../ports/store.ts';
import type { StageCounts } from '../../ports/submissions.ts';
import type { AccessService, Caller } from '../access.ts';
import type { ChangeBus } from '../events.ts';
import { effectiveOf } from '../execution/config.ts';
import { forecast, type ProgressHistory } from './progress-history.ts';

export interface StageProgress {
  stage: string;
  /** The stage's type; null for a stage the campaign no longer has (its submissions remain). */
  type: string | null;
  /** A stage hold is in effect (launches of the stage queue). */
  held: boolean;
  schedule: { cron: string; timezone: string; next_run: string | null } | null;
  submissions: {
    total: number;
    /** Not in a final status (Located, Removed, Failed, Cancelled). */
    live: number;
    by_status: Partial<Record<SubmissionStatus, number>>;
  };
  /** Input files over every submission (the ledger) and the outputs they declared. */
  files: {
    delivered: number;
    consumed: number;
    failed: number;
    skipped: number;
    /** Delivered, no final word yet. */
    unknown: number;
    outputs: number;
    located: number;
  };
  jobs: {
    /** Not started: waiting for the engine (pending) or queued in it. */
    idle: number;
    running: number;
    held: number;
    done: number;
    failed: number;
    cancelled: number;
    unknown: number;
  };
  last_submission: { id: string; status: SubmissionStatus; created_at: string } | null;
}

export interface CampaignProgress {
  experiment: string;
  campaign: string;
  campaign_id: string;
  revision: number;
  /** A hold over every launch of the experiment, or of every experiment. */
  experiment_held: boolean;
  global_held: boolean;
  /** The campaign's stages in file order, then stages it no longer has that have submissions. */
  stages: StageProgress[];
}

/** Between a change and the recomputation it causes: changes within it count once. */
export const COALESCE_MS = 250;

type Sink = (progress: CampaignProgress) => void;

interface Feed {
  experiment: string;
  campaign: string;
  sinks: Set<Sink>;
  /** JSON of what was sent last. */
  last: string | undefined;
  timer: ReturnType<typeof setTimeout> | undefined;
  running: boolean;
  again: boolean;
}

export class ProgressOperations {
  readonly #feeds = new Map<string, Feed>();
  #unsubscribe: (() => void) | undefined;

  constructor(
    private readonly store: Store,
    private readonly access: AccessService,
    private readonly events: ChangeBus,
    private readonly log: (message: string) => void = () => undefined,
  ) {}

  async progress(caller: Caller, experiment: string, campaign: string): Promise<CampaignProgress> {
    this.access.check(caller, 'view', { experiment });
    return this.compute(await this.store.campaigns.get(experiment, campaign));
  }

  /** A stage's (or, without one, the campaign's) files over time, and when it will be done. */
  async history(
    caller: Caller,
    experiment: string,
    campaign: string,
    options: { stage?: string | undefined; buckets: number },
  ): Promise<ProgressHistory> {
    this.access.check(caller, 'view', { experiment });
    const record = await this.store.campaigns.get(experiment, campaign);
    const history = await this.store.submissions.stageHistory(
      record.experiment,
      record.id,
      options.stage,
      options.buckets,
    );
    return {
      experiment: record.experiment,
      campaign: record.name,
      stage: options.stage ?? null,
      ...history,
      points: [...history.points],
      forecast: forecast(history),
    };
  }

  /**
   * Sends the campaign's progress to `sink` now and then whenever it changes, until the returned
   * function is called. The caller's right to see it is checked once, here.
   */
  async watch(
    caller: Caller,
    experiment: string,
    campaign: string,
    sink: Sink,
  ): Promise<() => void> {
    const first = await this.progress(caller, experiment, campaign);
    const key = `${experiment}\u0000${campaign}`;
    let feed = this.#feeds.get(key);
    if (feed === undefined) {
      feed = {
        experiment,
        campaign,
        sinks: new Set(),
        last: JSON.stringify(first),
        timer: undefined,
        running: false,
        again: false,
      };
      this.#feeds.set(key, feed);
    }
    feed.sinks.add(sink);
    this.#unsubscribe ??= this.events.subscribe(() => {
      for (const f of this.#feeds.values()) this.#schedule(f);
    });
    sink(first);
    const mine = feed;
    return () => {
      mine.sinks.delete(sink);
      if (mine.sinks.size > 0) return;
      if (mine.timer !== undefined) clearTimeout(mine.timer);
      mine.timer = undefined;
      if (this.#feeds.get(key) === mine) this.#feeds.delete(key);
      if (this.#feeds.size === 0) {
        this.#unsubscribe?.();
        this.#unsubscribe = undefined;
      }
    };
  }

  /** Feeds open now (for tests: a closed client leaves none behind). */
  get feeds(): number {
    return this.#feeds.size;
  }

  #schedule(feed: Feed): void {
    if (feed.running) {
      feed.again = true;
      return;
    }
    if (feed.timer !== undefined) return;
    feed.timer = setTimeout(() => {
      feed.timer = undefined;
      void this.#refresh(feed);
    }, COALESCE_MS);
  }

  async #refresh(feed: Feed): Promise<void> {
    if (feed.sinks.size === 0) return;
    feed.running = true;
    try {
      const progress = await this.compute(
        await this.store.campaigns.get(feed.experiment, feed.campaign),
      );
      const text = JSON.stringify(progress);
      if (text !== feed.last) {
        feed.last = text;
        for (const sink of [...feed.sinks]) sink(progress);
      }
    } catch (error) {
      this.log(
        `progress of ${feed.experiment}/${feed.campaign}: ${error instanceof Error ? error.message : String(error)}`,
      );
    } finally {
      feed.running = false;
      if (feed.again) {
        feed.again = false;
        this.#schedule(feed);
      }
    }
  }

  /** The progress of a campaign: the aggregates, the holds and the schedules (three reads). */
  async compute(record: CampaignRecord): Promise<CampaignProgress> {
    const counts = await this.store.submissions.stageCounts(record.experiment, record.id);
    const holds = await this.store.control.holds(record.experiment);
    const schedules = (await this.store.control.schedules(record.experiment)).filter(
      (s) => s.campaign_id === record.id,
    );
    const heldStages = new Set(
      holds.flatMap((h) =>
        h.scope.kind === 'stage' && h.scope.campaignId === record.id ? [h.scope.stage] : [],
      ),
    );
    const byStage = new Map(counts.map((c) => [c.stage, c]));
    const stages = effectiveOf(record.model).stages.map((s) => ({ name: s.name, type: s.type }));
    const known = new Set(stages.map((s) => s.name));
    const gone = counts
      .filter((c) => !known.has(c.stage))
      .map((c) => ({ name: c.stage, type: null }));
    return {
      experiment: record.experiment,
      campaign: record.name,
      campaign_id: String(record.id),
      revision: record.current_revision,
      experiment_held: holds.some((h) => h.scope.kind === 'experiment'),
      global_held: holds.some((h) => h.scope.kind === 'global'),
      stages: [...stages, ...gone].map(({ name, type }) => {
        const schedule = schedules.find((s) => s.stage === name);
        return {
          stage: name,
          type,
          held: heldStages.has(name),
          schedule:
            schedule === undefined
              ? null
              : { cron: schedule.cron, timezone: schedule.timezone, next_run: schedule.next_run },
          ...summarise(byStage.get(name)),
        };
      }),
    };
  }
}

function summarise(
  counts: StageCounts | undefined,
): Pick<StageProgress, 'submissions' | 'files' | 'jobs' | 'last_submission'> {
  const n = (value: number | undefined) => value ?? 0;
  const statuses = counts?.statuses ?? {};
  const ledger = counts?.ledger ?? {};
  const jobs = counts?.jobs ?? {};
  const entries = Object.entries(statuses) as [SubmissionStatus, number][];
  return {
    submissions: {
      total: entries.reduce((sum, [, count]) => sum + count, 0),
      live: entries.reduce((sum, [status, count]) => sum + (isFinal(status) ? 0 : count), 0),
      by_status: statuses,
    },
    files: {
      delivered: n(ledger.delivered) + n(ledger.consumed) + n(ledger.failed) + n(ledger.skipped),
      consumed: n(ledger.consumed),
      failed: n(ledger.failed),
      skipped: n(ledger.skipped),
      unknown: n(ledger.delivered),
      outputs: counts?.outputs ?? 0,
      located: counts?.located_outputs ?? 0,
    },
    jobs: {
      idle: n(jobs.pending) + n(jobs.queued),
      running: n(jobs.running),
      held: n(jobs.held),
      done: n(jobs.completed),
      failed: n(jobs.failed),
      cancelled: n(jobs.cancelled),
      unknown: n(jobs.unknown),
    },
    last_submission: counts?.last ?? null,
  };
}
