// Crash points (failpoints): named places in the product where a fault test can make the server
// die exactly as under kill -9, to prove that a crash in the narrowest window loses and
// duplicates nothing (test/faults/crash-points.test.ts). They exist for fault tests only and are
// inert unless POMS_CRASH_AT is set: `POMS_CRASH_AT=launch.engine-submitted` kills the process
// the first time that point is reached, `name:3` the third time.
//
// The variable is read once, when this module loads; unset, a crash point costs one comparison.
// It lives beside the services that call it, not in adapters/: it is no swappable adapter but a
// property of the process, and services may not import adapters (.dependency-cruiser.cjs).
import { writeSync } from 'node:fs';

interface Armed {
  name: string;
  /** The point kills on its nth arrival (1 = the first). */
  nth: number;
}

/** `name` or `name:N` (N ≥ 1); anything else arms nothing rather than guessing. */
export function parseCrashAt(value: string | undefined): Armed | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const match = /^([a-z][a-z0-9.-]*)(?::([1-9][0-9]{0,6}))?$/.exec(value.trim());
  if (match === null) return undefined;
  return { name: match[1]!, nth: match[2] === undefined ? 1 : Number(match[2]) };
}

const armed = parseCrashAt(process.env.POMS_CRASH_AT);
const armedName = armed?.name;
let arrivals = 0;

/**
 * Dies by SIGKILL here when POMS_CRASH_AT names this point: no cleanup, no flush, no finally
 * blocks, exactly like kill -9. One line on stderr (written synchronously, before the signal)
 * tells the test which point fired.
 */
export function crashPoint(name: string): void {
  if (name !== armedName) return;
  arrivals += 1;
  if (arrivals < (armed?.nth ?? 1)) return;
  writeSync(2, `crash point ${name} (arrival ${arrivals}): SIGKILL\n`);
  process.kill(process.pid, 'SIGKILL');
}
