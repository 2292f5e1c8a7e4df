// What condor_rm / condor_hold / condor_release (and jobsub_rm / _hold / _release, which run them
// per schedd) answer. They exit non-zero when any named job was not acted on; a job that already
// left the queue ("not found") or is already in the asked state is no failure of cancel/hold/
// release, which leave finished jobs as they are. Anything else (no schedd, no permission) is.
import { CommandError, type CommandResult } from '../commands/runner.ts';

// condor_rm: "Job 1234.0 marked for removal"; condor_hold: "Job 1234.0 held"; condor_release:
// "Job 1234.0 released"; for jobs not acted on: "Job 1234.0 not found", "… already held",
// "… not held to be released", "… already being removed".
const DONE = /^Job \d+\.\d+ (?:marked for removal|held|released)$/;
const NOTHING_TO_DO = /^Job \d+\.\d+ (?:not found|already .*|not held.*)$/;
// jobsub_lite's own chatter around the condor command (credentials), which says nothing of jobs.
const JOBSUB_INFO =
  /^(?:Using bearer token|Attempting to get token|Storing bearer token|Using vault token|=-)/;

/** Throws unless every job was acted on or had nothing to be done. */
export function checkControl(command: string, where: string, result: CommandResult): void {
  if (result.code === 0) return;
  const lines = `${result.stdout}\n${result.stderr}`
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !JOBSUB_INFO.test(l));
  const tolerated = lines.length > 0 && lines.every((l) => DONE.test(l) || NOTHING_TO_DO.test(l));
  if (tolerated) return;
  const how = result.code === null ? `killed by ${result.signal}` : `exit ${result.code}`;
  throw new CommandError(
    `${command} on ${where}: ${how}: ${lines.slice(-5).join(' / ').slice(0, 2000)}`,
    result,
  );
}
