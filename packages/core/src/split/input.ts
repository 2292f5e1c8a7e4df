// What a stage's input field must hold for its split type (POMS-REFERENCE §1, §4): a dataset
// name for most, a comma list of datasets for `list`, a JSON list of lists for `multiparam`.
// The campaign-file validator uses it to check the input against the split.
import type { SplitSpec } from './spec.ts';

/** `'none'`: the input is a single dataset name (or absent), never a list. */
export type SplitListInput = 'list' | 'list-of-lists' | 'none';

/** Whether the stage input must be a list (`list`), a list of lists (`multiparam`), or neither. */
export function splitNeedsListInput(spec: SplitSpec): SplitListInput {
  switch (spec.type) {
    case 'list':
      return 'list';
    case 'multiparam':
      return 'list-of-lists';
    case 'none':
    case 'draining':
    case 'mod':
    case 'nfiles':
    case 'limitn':
    case 'drainingn':
    case 'stagedfiles':
    case 'byrun':
    case 'byexistingruns':
    case 'new':
      return 'none';
  }
}
