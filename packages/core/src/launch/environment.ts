// The environment every job gets (POMS-REFERENCE §3 "Environment given to jobs"): our names, plus
// the names POMS and its jobsub wrapper exported, so that existing job scripts keep working.
// Values are data: the engine passes them as an environment map, never inside a command line.

export interface JobEnvironmentInput {
  campaign: string;
  stage: string;
  submissionId: string;
  /** The submission this one recovers or follows from (recovery, dependency), if any. */
  parentSubmissionId?: string;
  test: boolean;
  /** Login of the person the launch runs as (for automatic launches: the original submitter). */
  launcher: string;
  experiment: string;
  /** Defaults to the experiment, as in POMS. */
  group?: string;
  campaignId?: string;
  stageId?: string;
  /** The stage type (`regular`, `generator`, …), for POMS4_CAMPAIGN_STAGE_TYPE. */
  stageType?: string;
}

/**
 * The job environment. Every name, its value, and where the name comes from:
 *
 * | name                          | value                                   | origin                |
 * |-------------------------------|-----------------------------------------|-----------------------|
 * | `POMS_CAMPAIGN_NAME`          | campaign name                           | ours (1)              |
 * | `POMS_STAGE_NAME`             | stage name                              | ours                  |
 * | `POMS_SUBMISSION_ID`          | submission id                           | ours                  |
 * | `POMS_PARENT_SUBMISSION_ID`   | parent submission id, else empty        | ours                  |
 * | `POMS_TEST`                   | `1` for a test launch, else empty (2)   | ours (2)              |
 * | `POMS_LAUNCHER`               | launcher login                          | ours and POMS         |
 * | `POMS_EXPERIMENT`             | experiment                              | ours                  |
 * | `POMS_GROUP`                  | group                                   | ours                  |
 * | `POMS_CAMPAIGN_ID`            | campaign id (only when given) (1)       | ours (1)              |
 * | `POMS_STAGE_ID`               | stage id (only when given)              | ours                  |
 * | `POMS4_CAMPAIGN_STAGE_ID`     | stage id (only when given)              | POMS                  |
 * | `POMS4_CAMPAIGN_STAGE_NAME`   | stage name                              | POMS                  |
 * | `POMS4_CAMPAIGN_STAGE_TYPE`   | stage type (only when given)            | POMS                  |
 * | `POMS4_CAMPAIGN_ID`           | campaign id (only when given)           | POMS                  |
 * | `POMS4_CAMPAIGN_NAME`         | campaign name                           | POMS                  |
 * | `POMS4_SUBMISSION_ID`         | submission id                           | POMS                  |
 * | `POMS4_PARENT_SUBMISSION_ID`  | parent submission id, else empty        | POMS4-style alias (3) |
 * | `POMS4_TEST_LAUNCH`           | `True` / `False` (Python's spelling)    | POMS                  |
 * | `POMS_TASK_ID`                | submission id                           | POMS (old name)       |
 * | `POMS_PARENT_TASK_ID`         | parent submission id, else empty        | POMS (old name)       |
 * | `EXPERIMENT`                  | experiment                              | POMS / jobsub         |
 * | `GROUP`                       | group                                   | POMS / jobsub         |
 * | `JOBSUB_GROUP`                | group                                   | POMS / jobsub         |
 *
 * (1) POMS also exported `POMS_CAMPAIGN_ID` and `POMS_CAMPAIGN_NAME`, but with the *stage's* id and
 *     a campaign-and-stage name (from the POMS 3 era, when a "campaign" was one stage). We give
 *     them the campaign's values, as their names say; scripts relying on the old meaning should
 *     read `POMS4_CAMPAIGN_STAGE_ID` / `POMS4_CAMPAIGN_STAGE_NAME`, which POMS exported too.
 * (2) POMS's `POMS_TEST` told which POMS instance launched (empty on production); ours is the test
 *     launch flag. Empty (not `0`) when false, so the usual `[ -n "$POMS_TEST" ]` stays false for
 *     production launches under either meaning.
 * (3) POMS itself exported the parent only as `POMS_PARENT_TASK_ID`; the POMS4 spelling is added
 *     for symmetry with `POMS4_SUBMISSION_ID`.
 *
 * Optional ids are left out when not given (rather than set empty) so a script can tell "unknown"
 * from "empty"; the parent is always set, empty when there is none, as POMS did.
 */
export function jobEnvironment(input: JobEnvironmentInput): Record<string, string> {
  const group = input.group ?? input.experiment;
  const parent = input.parentSubmissionId ?? '';
  const env: Record<string, string> = {
    POMS_CAMPAIGN_NAME: input.campaign,
    POMS_STAGE_NAME: input.stage,
    POMS_SUBMISSION_ID: input.submissionId,
    POMS_PARENT_SUBMISSION_ID: parent,
    POMS_TEST: input.test ? '1' : '',
    POMS_LAUNCHER: input.launcher,
    POMS_EXPERIMENT: input.experiment,
    POMS_GROUP: group,
    POMS4_CAMPAIGN_STAGE_NAME: input.stage,
    POMS4_CAMPAIGN_NAME: input.campaign,
    POMS4_SUBMISSION_ID: input.submissionId,
    POMS4_PARENT_SUBMISSION_ID: parent,
    POMS4_TEST_LAUNCH: input.test ? 'True' : 'False',
    POMS_TASK_ID: input.submissionId,
    POMS_PARENT_TASK_ID: parent,
    EXPERIMENT: input.experiment,
    GROUP: group,
    JOBSUB_GROUP: group,
  };
  if (input.campaignId !== undefined) {
    env.POMS_CAMPAIGN_ID = input.campaignId;
    env.POMS4_CAMPAIGN_ID = input.campaignId;
  }
  if (input.stageId !== undefined) {
    env.POMS_STAGE_ID = input.stageId;
    env.POMS4_CAMPAIGN_STAGE_ID = input.stageId;
  }
  if (input.stageType !== undefined) env.POMS4_CAMPAIGN_STAGE_TYPE = input.stageType;
  return env;
}
