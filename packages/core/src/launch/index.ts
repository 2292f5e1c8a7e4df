// Launch rendering: parameter precedence, `%(name)s` substitution, argv words and the job
// environment (POMS-REFERENCE §3). Pure: the launcher service records and submits what this renders.
export { jobEnvironment, type JobEnvironmentInput } from './environment.ts';
export {
  mergeLevels,
  mergeParams,
  type MergedParam,
  type ParamLevel,
  type ParamSource,
} from './params.ts';
export type { LaunchField, LaunchProblem, LaunchProblemCode } from './problems.ts';
export {
  launchTemplateValues,
  renderLaunch,
  type LaunchInput,
  type LaunchKind,
  type LaunchValues,
  type RenderedLaunch,
  type RenderLaunchResult,
} from './render.ts';
export {
  shellQuote,
  shellQuoteCommand,
  shellQuoteForExecution,
  splitWords,
  UnquotableArgumentError,
  type SplitWordsResult,
  type CommandWord,
  type WordProblem,
  type WordProblemCode,
} from './words.ts';
