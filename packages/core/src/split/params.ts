// The meaning of each split type's parameters (POMS-REFERENCE §4): which it takes, which are
// required, and the checks across parameters that POMS skipped (it silently truncated a window to
// a multiple of the rounding, and took byrun's low > high without a word).
import type { Call, Param } from './call.ts';
import { SplitParseError } from './failure.ts';
import { formatDuration } from './duration.ts';
import {
  NEW_SPLIT_DEFAULTS,
  type ByRunSplit,
  type CountSplit,
  type CountSplitType,
  type NewSplit,
} from './spec.ts';
import { closestMatch } from '../template/suggest.ts';
import type { Token } from './tokens.ts';
import {
  rangeError,
  readCount,
  readDuration,
  readFlag,
  readRunNumber,
  readTimestamp,
} from './values.ts';

function spanOf(params: readonly Param[]): [number, number] {
  return [params[0]?.start ?? 0, params.at(-1)?.end ?? 0];
}

/** Types like `none` or `list`; empty parentheses are tolerated, as in `byexistingruns()`. */
export function expectNoParams(call: Call, type: string): void {
  if (call.params.length === 0) return;
  throw new SplitParseError(
    'split.syntax',
    `\`${type}\` takes no parameters.`,
    ...spanOf(call.params),
  );
}

export function readCountSplit<T extends CountSplitType>(call: Call, type: T): CountSplit<T> {
  const example = `\`${type}(10)\``;
  if (!call.parens) {
    const { start, end } = call.name;
    throw new SplitParseError(
      'split.syntax',
      `\`${type}\` needs a count in parentheses, e.g. ${example}.`,
      start,
      end,
    );
  }
  const [first, second] = call.params;
  if (!first) {
    const { open, close } = call.parens;
    throw new SplitParseError(
      'split.syntax',
      `\`${type}()\` needs a count, e.g. ${example}.`,
      open.start,
      close.end,
    );
  }
  if (first.key) {
    throw new SplitParseError(
      'split.syntax',
      `\`${type}\` takes a plain count, not \`${first.key.text}=\`: write \`${type}(${first.value.text})\`.`,
      first.start,
      first.end,
    );
  }
  if (second) {
    throw new SplitParseError(
      'split.syntax',
      `\`${type}\` takes a single count.`,
      ...spanOf(call.params.slice(1)),
    );
  }
  return { type, n: readCount(first.value) };
}

/**
 * The `key=value` params in text order, with keys lower-cased (they are case-insensitive like
 * type names). A generator, so that the caller checks each value before the next key is looked
 * at: the first error reported is always the leftmost one.
 */
function* keyedParams<K extends string>(
  call: Call,
  type: string,
  keys: readonly K[],
): Generator<{ name: K; value: Token }> {
  const seen = new Set<string>();
  for (const param of call.params) {
    const { key, value } = param;
    if (!key) {
      throw new SplitParseError(
        'split.syntax',
        `\`${type}\` parameters are written key=value (${keys.map((k) => `${k}=`).join(', ')}).`,
        param.start,
        param.end,
      );
    }
    const name = key.text.toLowerCase();
    if (!(keys as readonly string[]).includes(name)) {
      const guess = closestMatch(name, keys);
      const hint = guess ? `did you mean \`${guess}\`?` : `it takes ${keys.join(', ')}.`;
      throw new SplitParseError(
        'split.unknown-key',
        `\`${type}\` has no parameter \`${key.text}\`: ${hint}`,
        key.start,
        key.end,
      );
    }
    if (seen.has(name)) {
      throw new SplitParseError(
        'split.duplicate-key',
        `\`${name}\` is given twice.`,
        key.start,
        key.end,
      );
    }
    seen.add(name);
    yield { name: name as K, value };
  }
}

export function readByRun(call: Call): ByRunSplit {
  let low: number | undefined;
  let high: { run: number; token: Token } | undefined;
  for (const { name, value } of keyedParams(call, 'byrun', ['low', 'high'])) {
    if (name === 'low') low = readRunNumber(value);
    else high = { run: readRunNumber(value), token: value };
  }
  if (low === undefined) {
    const [start, end] = call.parens
      ? [call.parens.open.start, call.parens.close.end]
      : [call.name.start, call.name.end];
    throw new SplitParseError(
      'split.missing-key',
      '`byrun` needs a first run: `byrun(low=…)`.',
      start,
      end,
    );
  }
  if (!high) return { type: 'byrun', low };
  if (high.run < low) rangeError(high.token, `\`high\` (${high.run}) is below \`low\` (${low}).`);
  return { type: 'byrun', low, high: high.run };
}

const NEW_KEYS = ['window', 'round', 'fts', 'localtime', 'firsttime', 'lasttime'] as const;

/** `new(…)`, or POMS's `new_local(…)`, which only changes the localtime default. */
export function readNew(call: Call, local: boolean): NewSplit {
  let { window, round, fts } = NEW_SPLIT_DEFAULTS;
  let localtime: boolean = local || NEW_SPLIT_DEFAULTS.localtime;
  let firsttime: number | undefined;
  let lasttime: number | undefined;
  const written = new Map<string, Token>();
  for (const { name, value } of keyedParams(call, local ? 'new_local' : 'new', NEW_KEYS)) {
    written.set(name, value);
    switch (name) {
      case 'window':
        window = readDuration(value);
        if (window < 1) rangeError(value, '`window` must be at least 1s.');
        break;
      case 'round':
        round = readDuration(value);
        if (round < 1) rangeError(value, '`round` must be at least 1s.');
        break;
      case 'fts':
        fts = readDuration(value);
        break;
      case 'localtime':
        localtime = readFlag(value);
        break;
      case 'firsttime':
        firsttime = readTimestamp(value);
        break;
      case 'lasttime':
        lasttime = readTimestamp(value);
        break;
    }
  }
  // The defaults (1w, 1s) divide evenly, so a misfit always has a written key to point at.
  const misfit = written.get('window') ?? written.get('round');
  if (window % round !== 0 && misfit) {
    rangeError(
      misfit,
      `\`window\` (${formatDuration(window)}) must be a whole number of \`round\` (${formatDuration(round)}).`,
    );
  }
  const lastToken = written.get('lasttime');
  if (firsttime !== undefined && lasttime !== undefined && lastToken && lasttime <= firsttime) {
    rangeError(lastToken, '`lasttime` must be after `firsttime`.');
  }
  return {
    type: 'new',
    window,
    round,
    fts,
    localtime,
    ...(firsttime === undefined ? {} : { firsttime }),
    ...(lasttime === undefined ? {} : { lasttime }),
  };
}
