// Split spec text → SplitSpec. Tolerant of what POMS files contain (any case, spaces anywhere
// between tokens), strict about everything else, and precise about where a problem is.
import { readCall, type Call } from './call.ts';
import type { SplitSpecResult } from './errors.ts';
import { SplitParseError } from './failure.ts';
import { expectNoParams, readByRun, readCountSplit, readNew } from './params.ts';
import { SPLIT_TYPE_NAMES, isCountSplitType, type SplitSpec, type SplitType } from './spec.ts';
import { closestMatch } from '../template/suggest.ts';
import { tokenize } from './tokens.ts';

function isSplitType(name: string): name is SplitType {
  return (SPLIT_TYPE_NAMES as readonly string[]).includes(name);
}

function interpret(call: Call): SplitSpec {
  const name = call.name.text.toLowerCase();
  // POMS's spelling for `new` with window edges in local time.
  if (name === 'new_local') return readNew(call, true);
  if (!isSplitType(name)) {
    const guess = closestMatch(name, SPLIT_TYPE_NAMES);
    const hint = guess
      ? `did you mean \`${guess}\`?`
      : `known types are ${SPLIT_TYPE_NAMES.join(', ')}.`;
    throw new SplitParseError(
      'split.unknown-type',
      `\`${call.name.text}\` is not a split type: ${hint}`,
      call.name.start,
      call.name.end,
    );
  }
  if (isCountSplitType(name)) return readCountSplit(call, name);
  switch (name) {
    case 'byrun':
      return readByRun(call);
    case 'new':
      return readNew(call, false);
    case 'none':
    case 'draining':
    case 'byexistingruns':
    case 'list':
    case 'multiparam':
      expectNoParams(call, name);
      return { type: name };
  }
}

/**
 * Never throws. Blank text means `none`, as an empty split field did in POMS. Columns in errors
 * are 0-based offsets into `text`.
 */
export function parseSplitSpec(text: string): SplitSpecResult {
  const tokens = tokenize(text);
  if (tokens[0]?.kind === 'end') return { ok: true, spec: { type: 'none' } };
  try {
    return { ok: true, spec: interpret(readCall(tokens)) };
  } catch (error) {
    if (error instanceof SplitParseError) return { ok: false, error: error.error };
    throw error;
  }
}
