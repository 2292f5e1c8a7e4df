// What /proc says of a process (Linux). Figures read here are samples, taken when asked.
import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc times; 100 on every Linux we run on (getconf CLK_TCK). */
export const CLOCK_TICKS = 100;

export interface ProcStat {
  /** One letter: R, S, D, T (stopped), Z (zombie), X (dead), … */
  state: string;
  pgid: number;
  /** Own and reaped children's CPU time, in seconds. */
  cpu_s: number;
  /** When the process started, in ticks since boot: with the pid, it names one process. */
  start_ticks: string;
}

export function readStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) may hold spaces and parentheses: split after its last ')'.
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const n = (i: number): number => Number(f[i] ?? NaN);
  return {
    state: f[0] ?? '?',
    pgid: n(2),
    cpu_s: (n(11) + n(12) + n(13) + n(14)) / CLOCK_TICKS,
    start_ticks: f[19] ?? '',
  };
}

/** Peak resident memory (VmHWM) in KiB, or undefined when the process is gone. */
export function readPeakRssKb(pid: number): number | undefined {
  try {
    const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m?.[1] === undefined ? undefined : Number(m[1]);
  } catch {
    return undefined;
  }
}

/** True when `pid` is the very process that started at `startTicks` and has not ended. */
export function isAlive(pid: number, startTicks: string | undefined): boolean {
  const s = readStat(pid);
  if (s === undefined || s.state === 'Z' || s.state === 'X') return false;
  return startTicks === undefined || s.start_ticks === startTicks;
}
