// @poms/server's public entry: what the CLI may use. Its insides stay private (DESIGN.md §3).
export {
  openLocal,
  openStore,
  runningServer,
  startServer,
  VERSION,
  type RunningServer,
  type ServerOptions,
  type StoreLocation,
} from './main.ts';
export type { Store } from './ports/store.ts';
export type {
  FileStatistics,
  HistoryEntry,
  JobRecord,
  LedgerEntry,
  SubmissionRecord,
} from './ports/submissions.ts';
export type { HeldLaunchRecord, HoldRecord, HoldScope, ScheduleRecord } from './ports/control.ts';
export type { PublicationRecord, PublishedRule } from './ports/publications.ts';
export type {
  DryRunResult,
  Execution,
  LaunchOutcome,
  LaunchRequest,
} from './services/execution/index.ts';
export type { JobTarget } from './services/execution/control.ts';
export { previewSplit, type PreviewSlice, type SplitPreview } from './services/split-preview.ts';
export {
  sinceTime,
  TriageService,
  type TriageLaunch,
  type TriageReport,
} from './services/triage/triage.ts';
export type { GroupBy, TriageGroup } from './services/triage/groups.ts';
export { backupDataFolder, BackupError, restoreDataFolder, type BackupManifest } from './backup.ts';
