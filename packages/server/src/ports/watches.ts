/**
 * Watch lists: who follows which campaign (or one of its stages). Notifications read the
 * watchers of what changed; people list what they watch.
 */
export interface WatchRecord {
  readonly username: string;
  readonly experiment: string;
  readonly campaign_id: string;
  /** Null when the whole campaign is watched. */
  readonly stage: string | null;
  readonly created_at: string;
}

export interface WatchRepository {
  /** Watching what one watches already keeps the first record. */
  watch(input: {
    username: string;
    experiment: string;
    campaignId: string;
    stage?: string | undefined;
  }): Promise<WatchRecord>;
  /** @returns whether there was such a watch. */
  unwatch(username: string, campaignId: string, stage?: string): Promise<boolean>;
  /** A person's watches, in an experiment or everywhere. */
  watches(username: string, experiment?: string): Promise<WatchRecord[]>;
  /** Who watches a campaign, or a stage of it (those watching the whole campaign included). */
  watchers(campaignId: string, stage?: string): Promise<string[]>;
}
