// The submit description of one POMS submission: one cluster whose jobs are the submission's
// jobs, each running the staged task script with its job index as argument (item data).
import type { SubmitRequest } from '@poms/core';
import { submitValue } from './submit-value.ts';

/** Where a submission's files are on the submit host. */
export interface SubmissionFiles {
  folder: string;
  executable: string;
  submitFile: string;
  userLog: string;
}

/** Item data variable: each job's index, the task script's first argument. */
export const INDEX_VARIABLE = 'poms_index';

export function submissionFiles(workRoot: string, submissionId: string): SubmissionFiles {
  const folder = `${workRoot.replace(/\/+$/, '')}/${submissionId}`;
  return {
    folder,
    executable: `${folder}/poms-task`,
    submitFile: `${folder}/job.sub`,
    userLog: `${folder}/cluster.log`,
  };
}

/**
 * The submit description text. Choices (see the docs written with this engine):
 * - throttle → `max_materialize`: at most that many of the cluster's jobs exist in the queue at
 *   once (idle, running or held), the rest wait in the schedd's job factory, so at most that many
 *   run. `max_idle` would bound only idle jobs and let every job run at once.
 * - wall time → `periodic_remove` on the current run's age, with the limit kept in
 *   `+PomsWallLimit`, so a job over its limit ends (freeing its slot, letting the submission
 *   finish and recovery take its files) and is reported failed with that reason.
 *   `allowed_job_duration` would hold it instead, and a held job waits for a person.
 */
export function submitDescription(request: SubmitRequest, files: SubmissionFiles): string {
  const lines: string[] = [];
  const set = (command: string, value: string | number) => lines.push(`${command} = ${value}`);
  const bare = (value: string) => submitValue(value, 'bare');
  const text = (value: string) => submitValue(value, 'string');

  lines.push(`# POMS submission ${bare(request.submission_id)}`);
  set('universe', 'vanilla');
  set('executable', bare(files.executable));
  set('arguments', `$(${INDEX_VARIABLE})`);
  // Each job's stdout/stderr, named by its index (a macro, so added after the path is checked).
  set('output', `${bare(files.folder)}/job-$(${INDEX_VARIABLE}).out`);
  set('error', `${bare(files.folder)}/job-$(${INDEX_VARIABLE}).err`);
  set('log', bare(files.userLog));
  // The task script carries each job's whole environment; the submitter's own stays out.
  set('getenv', 'false');
  set('should_transfer_files', 'YES');
  set('when_to_transfer_output', 'ON_EXIT');
  set('batch_name', bare(request.submission_id));

  const r = request.resources ?? {};
  if (r.cpus !== undefined) set('request_cpus', positive('cpus', r.cpus));
  if (r.memory_mb !== undefined) set('request_memory', positive('memory_mb', r.memory_mb));
  // request_disk is in KiB when it has no unit.
  if (r.disk_mb !== undefined) set('request_disk', positive('disk_mb', r.disk_mb) * 1024);
  if (r.gpus !== undefined) set('request_gpus', positive('gpus', r.gpus));
  if (r.time_s !== undefined) {
    const limit = positive('time_s', r.time_s);
    set('periodic_remove', `(JobStatus == 2) && (time() - JobCurrentStartDate > ${limit})`);
    set('+PomsWallLimit', limit);
  }
  if (request.throttle !== undefined) {
    set('max_materialize', positive('throttle', request.throttle));
  }
  const group = request.placement?.batch_account?.trim();
  if (group) set('accounting_group', bare(group));

  set('+PomsSubmissionId', text(request.submission_id));
  const labels = request.labels;
  if (labels !== undefined) {
    set('+PomsCampaignId', text(labels.campaign_id));
    set('+PomsCampaign', text(labels.campaign));
    set('+PomsStage', text(labels.stage));
    set('+PomsExperiment', text(labels.experiment));
  }
  set('+PomsJobIndex', `$(${INDEX_VARIABLE})`);

  lines.push(`queue ${INDEX_VARIABLE} from (`);
  for (const job of request.jobs) {
    if (!Number.isSafeInteger(job.index) || job.index < 0) {
      throw new RangeError(`job index ${job.index} is not a non-negative integer`);
    }
    lines.push(String(job.index));
  }
  lines.push(')');
  return `${lines.join('\n')}\n`;
}

/** A figure HTCondor takes as a whole number: fractions round up, so a request is never cut. */
function positive(what: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) {
    throw new RangeError(`${what} ${value} is not a positive number`);
  }
  return Math.ceil(value);
}
