// For tests that run the local engine on a data folder of their own: its job wrappers are
// detached on purpose (jobs outlive a server restart), so a test that ends while jobs still run
// must end them itself, or they run on after the test and load the machine.
import { readFileSync, readdirSync } from 'node:fs';

/**
 * Processes whose command line names `dataDir`: the local engine's detached job wrappers (and
 * their jobs) that a stopped or killed server left behind, and any server still running on it.
 */
export function processesUsing(dataDir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (argv.includes(dataDir)) pids.push(Number(entry));
    } catch {
      // Ended while we looked.
    }
  }
  return pids;
}

/** Kills what `processesUsing` finds, by pid and process group. */
export function killProcessesUsing(dataDir: string): void {
  for (const pid of processesUsing(dataDir)) {
    // A job wrapper leads its own process group: the group takes the job's children with it.
    for (const target of [-pid, pid]) {
      try {
        process.kill(target, 'SIGKILL');
      } catch {
        // Already gone, or not a group leader.
      }
    }
  }
}
