// When the editor re-parses after a change to the text. The graph should follow a key at once, yet
// a burst of keys in a big campaign should not pay one parse per key.

/** Debounce of the re-parse while typing fast: short, longer for texts that take longer to parse. */
export function debounceFor(lastTook: number): number {
  return Math.min(150, Math.max(15, lastTook));
}

/**
 * Milliseconds to wait before re-parsing after a change at `now`: none when the last parse ended at
 * least a debounce ago (a key typed after a pause shows its graph at once), else the debounce, so
 * the keys of a burst are parsed together after it instead of one parse per key.
 */
export function reparseDelay(now: number, lastParseEnded: number, lastTook: number): number {
  const debounce = debounceFor(lastTook);
  return now - lastParseEnded >= debounce ? 0 : debounce;
}
