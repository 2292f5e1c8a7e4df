// poms_files_total counts files as jobs report them, not by grouping the ledger at scrape time:
// the ledger holds a row per input file per submission (millions), a report is a few rows.
import type { FilesReportedListener } from '../../services/execution/job-reports.ts';
import type { FileReport, FileReportResult } from '../../ports/submissions.ts';
import type { PomsMetrics } from './metrics.ts';

type ReportedState = FileReport['state'];

export function countFiles(metrics: PomsMetrics): FilesReportedListener {
  return (submission, files, result) => {
    const labels = {
      experiment: submission.experiment,
      campaign: submission.campaign,
      stage: submission.stage,
    };
    for (const [state, n] of changedByState(files, result)) {
      metrics.files.inc({ ...labels, state }, n);
    }
  };
}

/**
 * How many files of a report changed, by state. The store changes only files still delivered,
 * in report order (the first report of a name wins), and says how many: so the count is exact
 * when every file reported was new, or when the report has one state (the job runtime sends one
 * per run). A report mixing states that repeats files already settled is attributed in report
 * order; the total stays exact.
 */
export function changedByState(
  files: readonly FileReport[],
  result: FileReportResult,
): Map<ReportedState, number> {
  const unknown = new Set(result.unknown);
  const seen = new Set<string>();
  const states: ReportedState[] = [];
  for (const file of files) {
    if (unknown.has(file.name) || seen.has(file.name)) continue;
    seen.add(file.name);
    states.push(file.state);
  }
  const counts = new Map<ReportedState, number>();
  for (const state of states.slice(0, result.changed)) {
    counts.set(state, (counts.get(state) ?? 0) + 1);
  }
  return counts;
}
