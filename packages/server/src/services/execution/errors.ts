// Errors of launching and controlling submissions: user errors with stable codes (docs/errors.md).
import type { LaunchProblem } from '@poms/core';

export type LaunchErrorCode =
  | 'launch.unknown-stage'
  | 'launch.inactive'
  | 'launch.no-input'
  | 'launch.bad-input'
  | 'launch.bad-split'
  | 'launch.render'
  | 'launch.no-engine'
  | 'launch.not-allowed'
  | 'submission.bad-state'
  | 'schedule.bad-cron'
  | 'schedule.bad-timezone';

export class LaunchError extends Error {
  override readonly name = 'LaunchError';
  constructor(
    readonly code: LaunchErrorCode,
    message: string,
    /** For launch.render: every problem, with the field it is in. */
    readonly problems: readonly LaunchProblem[] = [],
  ) {
    super(message);
  }
}
