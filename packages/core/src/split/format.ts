// SplitSpec → canonical text. parseSplitSpec(formatSplitSpec(spec)) gives back `spec`, so the
// editor can rewrite a spec (e.g. after a GUI edit) without changing its meaning.
import { formatDuration } from './duration.ts';
import { NEW_SPLIT_DEFAULTS, type NewSplit, type SplitSpec } from './spec.ts';

function formatNew(spec: NewSplit): string {
  const params: string[] = [];
  // Only what differs from the defaults, so `new` stays `new` and specs stay short.
  if (spec.window !== NEW_SPLIT_DEFAULTS.window)
    params.push(`window=${formatDuration(spec.window)}`);
  if (spec.round !== NEW_SPLIT_DEFAULTS.round) params.push(`round=${formatDuration(spec.round)}`);
  if (spec.fts !== NEW_SPLIT_DEFAULTS.fts) params.push(`fts=${formatDuration(spec.fts)}`);
  if (spec.localtime !== NEW_SPLIT_DEFAULTS.localtime)
    params.push(`localtime=${spec.localtime ? 1 : 0}`);
  // Epoch seconds, the form POMS itself reads, so exported specs stay valid there.
  if (spec.firsttime !== undefined) params.push(`firsttime=${spec.firsttime}`);
  if (spec.lasttime !== undefined) params.push(`lasttime=${spec.lasttime}`);
  return params.length === 0 ? 'new' : `new(${params.join(',')})`;
}

/**
 * The canonical text of a spec: lower-case name, no spaces, keys in a fixed order. The spec is
 * assumed valid (as parseSplitSpec makes them); an invalid one prints as text that will not parse.
 */
export function formatSplitSpec(spec: SplitSpec): string {
  switch (spec.type) {
    case 'none':
    case 'draining':
    case 'list':
    case 'multiparam':
      return spec.type;
    // POMS documents it with its parentheses; keeping them eases comparison with POMS files.
    case 'byexistingruns':
      return 'byexistingruns()';
    case 'mod':
    case 'nfiles':
    case 'limitn':
    case 'drainingn':
    case 'stagedfiles':
      return `${spec.type}(${spec.n})`;
    case 'byrun':
      return spec.high === undefined
        ? `byrun(low=${spec.low})`
        : `byrun(low=${spec.low},high=${spec.high})`;
    case 'new':
      return formatNew(spec);
  }
}
