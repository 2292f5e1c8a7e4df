// Scheduled launches (POMS-REFERENCE §3): cron text ↔ CronSpec, the next runs in an IANA time zone
// (DST rules documented in next.ts), and a plain-English description for the GUI. Pure: the current
// time is always passed in.
export {
  formatCron,
  parseCron,
  type CronError,
  type CronErrorCode,
  type CronParseResult,
  type CronSpec,
} from './cron.ts';
export { describeCron } from './describe.ts';
export { isValidTimeZone, localFields, matchesLocal, nextRuns, type LocalFields } from './next.ts';
