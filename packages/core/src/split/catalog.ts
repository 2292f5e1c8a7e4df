// What the GUI's split picker shows: every split type with a one-line description, its input,
// its parameters and a ready-to-use example. Written from POMS-REFERENCE §4.
import { formatDuration } from './duration.ts';
import { NEW_SPLIT_DEFAULTS, type SplitType } from './spec.ts';

export type SplitParameterKind = 'count' | 'run' | 'duration' | 'flag' | 'time';

export interface SplitParameterInfo {
  /** The key (`low`, `window`), or `n` for the single positional count of `mod(n)` and kin. */
  readonly name: string;
  /** Written bare inside the parentheses (`mod(3)`), not as `key=value`. */
  readonly positional: boolean;
  readonly kind: SplitParameterKind;
  readonly required: boolean;
  /** The value used when the parameter is left out, as it would be written. */
  readonly default?: string;
  readonly description: string;
}

/** What the stage's input field must hold for this split type. */
export type SplitInputKind = 'dataset' | 'staging-project' | 'list' | 'list-of-lists';

export interface SplitTypeInfo {
  readonly name: SplitType;
  readonly description: string;
  readonly input: SplitInputKind;
  /** When the split runs out; `never` types can be launched forever. */
  readonly ends: string;
  readonly parameters: readonly SplitParameterInfo[];
  /** A valid spec, in canonical form, to start from. */
  readonly example: string;
}

function count(description: string): SplitParameterInfo {
  return { name: 'n', positional: true, kind: 'count', required: true, description };
}

function duration(name: string, seconds: number, description: string): SplitParameterInfo {
  const value = formatDuration(seconds);
  return {
    name,
    positional: false,
    kind: 'duration',
    required: false,
    default: value,
    description,
  };
}

export const SPLIT_TYPES: readonly SplitTypeInfo[] = [
  {
    name: 'none',
    description: 'Every launch processes the whole dataset.',
    input: 'dataset',
    ends: 'never',
    parameters: [],
    example: 'none',
  },
  {
    name: 'draining',
    description:
      'Every launch gets the same dataset, which is expected to leave out files already processed.',
    input: 'dataset',
    ends: 'never',
    parameters: [],
    example: 'draining',
  },
  {
    name: 'mod',
    description: 'n slices: slice i holds every n-th file starting from the i-th.',
    input: 'dataset',
    ends: 'after n slices',
    parameters: [count('Number of slices.')],
    example: 'mod(10)',
  },
  {
    name: 'nfiles',
    description: 'Consecutive blocks of n files.',
    input: 'dataset',
    ends: 'when a block is empty',
    parameters: [count('Files per slice.')],
    example: 'nfiles(100)',
  },
  {
    name: 'limitn',
    description: 'Every launch gets the first n files of the dataset.',
    input: 'dataset',
    ends: 'when the dataset is empty',
    parameters: [count('Files per launch.')],
    example: 'limitn(100)',
  },
  {
    name: 'drainingn',
    description: 'Up to n files not given to any earlier slice; follows a growing dataset.',
    input: 'dataset',
    ends: 'when no new files remain',
    parameters: [count('Maximum files per slice.')],
    example: 'drainingn(100)',
  },
  {
    name: 'stagedfiles',
    description: 'Up to n files the prestager has staged and no earlier slice has had.',
    input: 'staging-project',
    ends: 'when no staged files remain',
    parameters: [count('Maximum files per slice.')],
    example: 'stagedfiles(100)',
  },
  {
    name: 'byrun',
    description: 'One slice per run number, from low up to high.',
    input: 'dataset',
    ends: 'past the high run',
    parameters: [
      {
        name: 'low',
        positional: false,
        kind: 'run',
        required: true,
        description: 'First run number.',
      },
      {
        name: 'high',
        positional: false,
        kind: 'run',
        required: false,
        description: 'Last run number (inclusive); without it, runs continue upward.',
      },
    ],
    example: 'byrun(low=1,high=10)',
  },
  {
    name: 'byexistingruns',
    description: 'Each slice is all the not yet processed files of one run that has files.',
    input: 'dataset',
    ends: 'when every file has been processed',
    parameters: [],
    example: 'byexistingruns()',
  },
  {
    name: 'list',
    description: 'Each launch gets the next dataset of a comma-separated list.',
    input: 'list',
    ends: 'at the end of the list',
    parameters: [],
    example: 'list',
  },
  {
    name: 'multiparam',
    description:
      'Each launch gets one combination of one value per list (joined with `_`) as its dataset.',
    input: 'list-of-lists',
    ends: 'when every combination has been launched',
    parameters: [],
    example: 'multiparam',
  },
  {
    name: 'new',
    description: 'Files whose end time falls in the next time window, window after window.',
    input: 'dataset',
    ends: 'when the next window is not yet over (allowing fts for the catalog)',
    parameters: [
      duration('window', NEW_SPLIT_DEFAULTS.window, 'Width of each time window.'),
      duration(
        'round',
        NEW_SPLIT_DEFAULTS.round,
        'Window edges are rounded to a multiple of this.',
      ),
      duration('fts', NEW_SPLIT_DEFAULTS.fts, 'Time allowed for new files to reach the catalog.'),
      {
        name: 'localtime',
        positional: false,
        kind: 'flag',
        required: false,
        default: NEW_SPLIT_DEFAULTS.localtime ? '1' : '0',
        description: 'Window edges in local time (1) or UTC (0).',
      },
      {
        name: 'firsttime',
        positional: false,
        kind: 'time',
        required: false,
        description:
          'Start of the first window (epoch seconds or ISO date); default: one window ago.',
      },
      {
        name: 'lasttime',
        positional: false,
        kind: 'time',
        required: false,
        description: 'Stop at this time (epoch seconds or ISO date); default: now.',
      },
    ],
    example: 'new(window=1d)',
  },
];
