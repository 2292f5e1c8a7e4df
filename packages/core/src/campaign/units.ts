// The units of a campaign's texts: sizes (`2GB`, binary, unitless = megabytes, as batch systems
// read them) and durations (`8h`, `1d12h`, or a clock `HH:MM[:SS]`).
import { parseDuration } from '../split/duration.ts';

const SIZE_UNITS: Record<string, number> = { '': 1, K: 1 / 1024, M: 1, G: 1024, T: 1024 * 1024 };

/** Megabytes of a size text (unitless = megabytes); undefined when it is not a size. */
export function sizeMb(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*(?:([KMGT])i?B?)?$/i.exec(text.trim());
  if (match === null) return undefined;
  const scale = SIZE_UNITS[(match[2] ?? '').toUpperCase()];
  return scale === undefined ? undefined : Number(match[1]) * scale;
}

/** Seconds of a duration text: `8h`, `1d12h`, or `HH:MM[:SS]`. */
export function durationSeconds(text: string): number | undefined {
  const clock = /^(\d+):(\d{2})(?::(\d{2}))?$/.exec(text.trim());
  if (clock !== null) {
    return Number(clock[1]) * 3600 + Number(clock[2]) * 60 + Number(clock[3] ?? 0);
  }
  const parsed = parseDuration(text.trim());
  return parsed.ok ? parsed.seconds : undefined;
}
