// Split specs: how a stage's input is cut into one slice per launch (POMS-REFERENCE §4).
export {
  SPLIT_TYPES,
  type SplitInputKind,
  type SplitParameterInfo,
  type SplitParameterKind,
  type SplitTypeInfo,
} from './catalog.ts';
export { formatDuration, parseDuration, type DurationResult } from './duration.ts';
export {
  SPLIT_ERROR_CODES,
  type SplitError,
  type SplitErrorCode,
  type SplitSpecResult,
} from './errors.ts';
export { formatSplitSpec } from './format.ts';
export { splitNeedsListInput, type SplitListInput } from './input.ts';
export { parseSplitSpec } from './parse.ts';
export {
  COUNT_SPLIT_TYPES,
  NEW_SPLIT_DEFAULTS,
  SPLIT_TYPE_NAMES,
  isCountSplitType,
  type ByRunSplit,
  type CountSplit,
  type CountSplitType,
  type NewSplit,
  type SplitSpec,
  type SplitType,
} from './spec.ts';
export { MAX_TIMESTAMP, parseTimestamp, type TimestampResult } from './timestamp.ts';
export {
  START_CURSOR,
  multiparamCombinations,
  nextSlice,
  type NextSlice,
  type Slice,
  type SliceContext,
  type SliceSource,
  type SplitCursor,
} from './slices.ts';
