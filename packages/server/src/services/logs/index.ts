// Durable job logs (docs/logs.md): the keeper that copies them off the engines, the reader that
// answers from the copy first, and where they live under the data folder.
import { join } from 'node:path';
import { KeptLogs } from './log-files.ts';

export { LogKeeper, type LogKeeperOptions } from './keeper.ts';
export {
  JobLogReader,
  type JobLogSizes,
  type LogChunk,
  type LogSource,
  type SourcedLogs,
} from './reader.ts';
export { KeptLogs, STREAMS, UnsafeLogNameError, type LogStream } from './log-files.ts';
export { retentionDaysFromEnv } from './retention.ts';

/** The kept logs of a data folder: `<dataDir>/logs`. */
export function keptLogsOf(dataDir: string): KeptLogs {
  return new KeptLogs(join(dataDir, 'logs'));
}
