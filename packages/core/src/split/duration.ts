// Durations in split specs: `30m`, `1w`, compound `1d12h`, or a bare number of seconds, as POMS's
// `new` accepts (its suffixes are w/d/h/m/s). Stored as whole seconds.

const UNITS = [
  ['w', 7 * 24 * 3600],
  ['d', 24 * 3600],
  ['h', 3600],
  ['m', 60],
  ['s', 1],
] as const;

const UNIT_SECONDS = new Map<string, number>(UNITS);

export type DurationResult =
  | { readonly ok: true; readonly seconds: number }
  | { readonly ok: false; readonly message: string };

const PART = /(\d+)([A-Za-z])/y;

export function parseDuration(text: string): DurationResult {
  if (/^\d+$/.test(text)) return checked(Number(text), text);
  const fail = (why: string): DurationResult => ({
    ok: false,
    message: `\`${text}\` is not a duration: ${why}; write e.g. \`30m\`, \`6h\`, \`1d12h\` or a number of seconds.`,
  });
  if (text === '') return fail('it is empty');
  let seconds = 0;
  let previousSize = Infinity;
  let at = 0;
  while (at < text.length) {
    PART.lastIndex = at;
    const match = PART.exec(text);
    if (!match) return fail('expected a number followed by w, d, h, m or s');
    const [, digits = '', unit = ''] = match;
    const size = UNIT_SECONDS.get(unit);
    // Upper case is refused rather than guessed: `M` reads as months to many people.
    if (size === undefined) return fail(`\`${unit}\` is not a unit (w, d, h, m, s, in lower case)`);
    // Largest unit first, each once: `1h1d` is more likely a slip than an intent.
    if (size >= previousSize) return fail('units must go from largest to smallest, each once');
    previousSize = size;
    seconds += Number(digits) * size;
    at = PART.lastIndex;
  }
  return checked(seconds, text);
}

function checked(seconds: number, text: string): DurationResult {
  return Number.isSafeInteger(seconds)
    ? { ok: true, seconds }
    : { ok: false, message: `\`${text}\` is too long a duration.` };
}

/** In the largest unit that divides it exactly: 604800 → `1w`, 5400 → `90m`, 0 → `0s`. */
export function formatDuration(seconds: number): string {
  for (const [unit, size] of UNITS) {
    if (seconds !== 0 && seconds % size === 0) return `${seconds / size}${unit}`;
  }
  return `${seconds}s`;
}
