/**
 * Holds, the held-launch queue and schedules (POMS-REFERENCE §3): what decides whether and when a
 * launch happens, kept in the store so that every process (server, CLI, scheduler) sees the same.
 */

/** A hold stops launches: all of them, an experiment's, or one stage's. */
export type HoldScope =
  | { readonly kind: 'global' }
  | { readonly kind: 'experiment'; readonly experiment: string }
  | {
      readonly kind: 'stage';
      readonly experiment: string;
      readonly campaignId: string;
      readonly stage: string;
    };

export interface HoldRecord {
  readonly scope: HoldScope;
  readonly by: string;
  readonly reason: string | null;
  readonly created_at: string;
}

export interface HeldLaunchRecord {
  readonly id: string;
  readonly experiment: string;
  readonly campaign_id: string;
  readonly stage: string;
  /** The launch as it was asked: opaque JSON the launch service reads back. */
  readonly request: unknown;
  readonly launch_key: string | null;
  readonly by: string;
  readonly created_at: string;
  /** When it was released (launched or dropped); null while queued. */
  readonly released_at: string | null;
  readonly outcome: string | null;
}

export interface NewHeldLaunch {
  readonly experiment: string;
  readonly campaignId: string;
  readonly stage: string;
  readonly request: unknown;
  /** Queuing the same automatic launch twice keeps one entry. */
  readonly launchKey?: string | undefined;
  readonly by: string;
}

export interface ScheduleRecord {
  readonly id: string;
  readonly experiment: string;
  readonly campaign_id: string;
  readonly stage: string;
  readonly cron: string;
  readonly timezone: string;
  readonly enabled: boolean;
  /** The next time it fires (ISO 8601 UTC); null when no time matches any more. */
  readonly next_run: string | null;
  readonly last_run: string | null;
  readonly by: string;
  readonly created_at: string;
  readonly updated_at: string;
}

export interface NewSchedule {
  readonly experiment: string;
  readonly campaignId: string;
  readonly stage: string;
  readonly cron: string;
  readonly timezone: string;
  readonly nextRun: string | null;
  readonly by: string;
}

export interface ControlRepository {
  /** Adds a hold; holding what is already held keeps the first hold. */
  hold(scope: HoldScope, by: string, reason?: string): Promise<HoldRecord>;
  /** @returns whether a hold was removed. */
  release(scope: HoldScope): Promise<boolean>;
  /** Holds that concern an experiment (the global one included), or all when absent. */
  holds(experiment?: string): Promise<HoldRecord[]>;
  /** The hold that stops a launch of this stage, if any (global, then experiment, then stage). */
  holdFor(experiment: string, campaignId: string, stage: string): Promise<HoldRecord | undefined>;

  /** @returns the entry and whether it is new (false: the launch key was queued already). */
  queueLaunch(input: NewHeldLaunch): Promise<{ entry: HeldLaunchRecord; created: boolean }>;
  /** Queued (not released) entries of an experiment, or of every experiment; oldest first. */
  heldLaunches(experiment?: string): Promise<HeldLaunchRecord[]>;
  /** Marks an entry released; false when someone released it already (it is acted on once). */
  takeHeldLaunch(id: string, outcome: string): Promise<boolean>;

  /** Creates or replaces the stage's schedule (one per stage). */
  setSchedule(input: NewSchedule): Promise<ScheduleRecord>;
  /** @returns whether there was one. */
  deleteSchedule(experiment: string, campaignId: string, stage: string): Promise<boolean>;
  schedules(experiment?: string): Promise<ScheduleRecord[]>;
  /** Enabled schedules whose next run is at or before `now`. */
  dueSchedules(now: string): Promise<ScheduleRecord[]>;
  /**
   * Moves a schedule on after it fired at `fired` (compare-and-set on its next run, so two
   * schedulers cannot both fire it).
   */
  advanceSchedule(id: string, fired: string, next: string | null): Promise<boolean>;
}
