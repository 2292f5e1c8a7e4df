// Small views of a stage's progress shared by the overview and the stage page: the summary in a
// graph node, and the numbers as a definition list.
import { Link } from 'react-router';
import type { StageProgress } from '../../api/types.ts';
import { StatusBadge } from '../../ui/status.tsx';

/** Inside a graph node: the last submission's status, files and jobs in one glance. */
export function NodeProgress({ progress }: { progress: StageProgress | undefined }) {
  if (progress === undefined) return null;
  const last = progress.last_submission;
  const { files, jobs } = progress;
  return (
    <div className="node-progress" data-status={last?.status ?? 'none'}>
      {last ? <StatusBadge status={last.status} /> : <span className="muted">not launched</span>}
      {progress.held ? <span className="badge badge-waiting">held</span> : null}
      {progress.submissions.total > 0 ? (
        <span className="node-progress-numbers">
          {files.delivered > 0 ? (
            <span title="input files consumed / delivered">
              {files.consumed}/{files.delivered} files
            </span>
          ) : (
            <span title="output files located / declared">
              {files.located}/{files.outputs} outputs
            </span>
          )}
          {files.failed > 0 ? <span className="bad"> · {files.failed} failed</span> : null}
          <span title="jobs">
            {' · jobs '}
            {jobWords(jobs)}
          </span>
        </span>
      ) : null}
    </div>
  );
}

/** A stage's numbers in words. */
export function ProgressNumbers({ progress }: { progress: StageProgress }) {
  const { files, jobs, submissions } = progress;
  const statuses = Object.entries(submissions.by_status);
  return (
    <dl className="progress-numbers">
      <dt>Submissions</dt>
      <dd>
        {submissions.total} ({submissions.live} live)
        {statuses.length > 0 ? ': ' : ''}
        {statuses.map(([status, count]) => `${count} ${status}`).join(', ')}
      </dd>
      <dt>Files</dt>
      <dd>
        {files.delivered} delivered, {files.consumed} consumed, {files.failed} failed,{' '}
        {files.skipped} skipped, {files.unknown} without a final word
      </dd>
      <dt>Outputs</dt>
      <dd>
        {files.outputs} declared, {files.located} located
      </dd>
      <dt>Jobs</dt>
      <dd>
        {jobs.idle} idle, {jobs.running} running, {jobs.held} held, {jobs.done} done, {jobs.failed}{' '}
        failed, {jobs.cancelled} cancelled
      </dd>
    </dl>
  );
}

export function SubmissionLink({ experiment, id }: { experiment: string; id: string }) {
  return (
    <Link to={`/e/${encodeURIComponent(experiment)}/submissions/${encodeURIComponent(id)}`}>
      <code>{id}</code>
    </Link>
  );
}

/** A time to come: the local time, and how far off it is. */
export function NextRun({ iso }: { iso: string | null | undefined }) {
  if (!iso) return <span className="muted">never (no time matches)</span>;
  const minutes = Math.round((Date.parse(iso) - Date.now()) / 60_000);
  const off =
    minutes < 1
      ? 'in under a minute'
      : minutes < 90
        ? `in ${minutes} min`
        : minutes < 36 * 60
          ? `in ${Math.round(minutes / 60)} h`
          : `in ${Math.round(minutes / 1440)} d`;
  return (
    <time dateTime={iso} title={iso}>
      {new Date(iso).toLocaleString()} ({off})
    </time>
  );
}

/** The job counts that are not zero, in words: "2 running, 4 done". */
function jobWords(jobs: StageProgress['jobs']): string {
  const parts: [number, string][] = [
    [jobs.running, 'running'],
    [jobs.idle, 'idle'],
    [jobs.held, 'held'],
    [jobs.done, 'done'],
    [jobs.failed, 'failed'],
  ];
  const shown = parts.filter(([n]) => n > 0).map(([n, word]) => `${n} ${word}`);
  return shown.length === 0 ? 'none yet' : shown.join(', ');
}
