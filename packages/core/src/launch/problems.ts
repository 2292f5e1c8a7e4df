// What can stop a launch from being rendered. Problems are data, never exceptions: the editor,
// the dry run and the launcher all show them with the field and the characters to fix.
import type { TemplateProblemCode } from '../template/index.ts';
import type { ParamSource } from './params.ts';

export type LaunchProblemCode =
  | TemplateProblemCode
  | 'launch.unknown-stage'
  | 'launch.nothing-to-run'
  | 'launch.no-job-type'
  | 'launch.unknown-job-type'
  | 'launch.no-launch-setup'
  | 'launch.unknown-launch-setup'
  | 'launch.unknown-recovery-step'
  | 'launch.empty-command'
  | 'launch.unclosed-quote'
  | 'launch.dangling-escape'
  | 'launch.shell-syntax';

/**
 * Which rendered field a problem is in: `['command']`, `['setup']`, `['host']`, `['account']`,
 * `['environment', NAME]`, or `['params', i, 'key' | 'value']` (i: index in the merged list).
 */
export type LaunchField = readonly (string | number)[];

export interface LaunchProblem {
  readonly code: LaunchProblemCode;
  readonly message: string;
  readonly field: LaunchField;
  /** For a parameter: the list it came from (job type, stage, recovery step, test, launch). */
  readonly source?: ParamSource;
  /** 0-based offset into the field's text as written (before substitution), when known. */
  readonly offset?: number;
  readonly length?: number;
  /** Text that would replace the offending characters, when we can tell. */
  readonly replacement?: string;
}
