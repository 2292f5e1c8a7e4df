// A submission's launch log: what happened when it was given to its engine, in plain text a
// person can read or attach to a ticket. Built from the store (the frozen config, the status
// history, the jobs' engine ids) and, when the executor told us, the outcome of that attempt.
// Environment values of secret-looking names are never written, nor is the job token (the store
// does not hold it, and the runtime's POMS_* variables are not listed).
import type { HistoryEntry, JobRecord, SubmissionRecord } from '../../ports/submissions.ts';
import { asConfig } from '../execution/config.ts';
import { isSecretName } from './redact.ts';

export type LaunchOutcome =
  { kind: 'submitted'; at: string } | { kind: 'failed'; at: string; message: string };

export interface LaunchLogInput {
  submission: SubmissionRecord;
  config: unknown;
  history: readonly HistoryEntry[];
  jobs: readonly JobRecord[];
  /** The attempt the executor just reported, if any. */
  outcome?: LaunchOutcome | undefined;
  /** When the text is written. */
  now: string;
}

export function renderLaunchLog(input: LaunchLogInput): string {
  const { submission: s, history, jobs, outcome } = input;
  const config = asConfig(input.config);
  const launch = config.launch;
  const lines: string[] = [
    `# Launch log of ${s.id}`,
    `experiment: ${s.experiment}  campaign: ${s.campaign} (revision ${s.campaign_revision})  stage: ${s.stage}`,
    `engine: ${s.engine}  launcher: ${s.launcher}  origin: ${s.origin}${s.test ? '  (test launch)' : ''}`,
    `written: ${input.now}`,
    '',
    '## Outcome',
  ];
  if (outcome?.kind === 'failed') {
    lines.push(`${outcome.at} launch failed: ${outcome.message}`);
  } else if (outcome?.kind === 'submitted' || s.batch_id !== null) {
    lines.push(
      `${outcome?.at ?? s.status_at} submitted: batch ${s.batch_id ?? '(not recorded yet)'}`,
    );
  } else {
    lines.push(`not submitted yet (status ${s.status})`);
  }
  const ids = jobs.filter((j) => j.engine_id !== null);
  if (ids.length > 0) {
    lines.push(`engine job ids (${ids.length} of ${jobs.length} jobs):`);
    for (const j of ids.slice(0, 1000)) lines.push(`  job ${j.index}: ${j.engine_id}`);
    if (ids.length > 1000) lines.push(`  … and ${ids.length - 1000} more`);
  }
  lines.push('', '## Command');
  if (launch === null) {
    lines.push('(none: this stage runs no jobs)');
  } else {
    lines.push(`argv: ${JSON.stringify(launch.command)}`);
    lines.push(`shell form: ${launch.command_text}`);
    lines.push(`job type: ${launch.job_type}  launch setup: ${launch.launch_setup}`);
    if (launch.host !== undefined) lines.push(`host: ${launch.host}`);
    if (launch.account !== undefined) lines.push(`account: ${launch.account}`);
    if (launch.setup.length > 0) {
      lines.push('setup:');
      for (const line of launch.setup) lines.push(`  ${line}`);
    }
    lines.push('', '## Environment (of the launch setup; secret-looking values hidden)');
    const names = Object.keys(launch.environment).sort();
    if (names.length === 0) lines.push('(none)');
    for (const name of names) {
      lines.push(
        isSecretName(name) ? `${name}=(hidden)` : `${name}=${launch.environment[name] ?? ''}`,
      );
    }
    lines.push('plus the POMS_* variables every job gets (its token is never written here)');
  }
  lines.push('', '## Status history');
  for (const h of history) {
    lines.push(`${h.at} ${h.status}${h.by === null ? '' : ` (by ${h.by})`}: ${h.reason}`);
  }
  return lines.join('\n') + '\n';
}
