// The submission page's job charts: every job (up to MAX_JOBS, read a page at a time) and the
// frozen config's request, then the "Jobs over time" and "Efficiency" panels. Loaded lazily by
// the page, so echarts stays out of the first load.
import { api, path, type Page } from '../../api/client.ts';
import type { HistoryEntry, Job, Submission } from '../../api/types.ts';
import { useApi } from '../../api/use-api.ts';
import { ErrorBox, Loading } from '../../ui/feedback.tsx';
import { JobEfficiency } from './JobEfficiency.tsx';
import { JobTimeline } from './JobTimeline.tsx';
import { requested, type Requested } from './job-stats.ts';
import { Panel } from './shared.tsx';

/** Jobs read for the charts; a larger submission is charted by its first ones (and says so). */
export const MAX_JOBS = 10_000;
const PAGE = 1000;

async function loadJobs(experiment: string, id: string): Promise<{ jobs: Job[]; total: number }> {
  const url = path('experiments', experiment, 'submissions', id, 'jobs');
  const jobs: Job[] = [];
  for (;;) {
    const page = await api.get<Page<Job>>(url, { limit: PAGE, offset: jobs.length });
    jobs.push(...page.items);
    if (page.items.length === 0 || jobs.length >= page.total || jobs.length >= MAX_JOBS) {
      return { jobs, total: page.total };
    }
  }
}

export function JobCharts({
  experiment,
  submission,
  history,
}: {
  experiment: string;
  submission: Submission;
  history: readonly HistoryEntry[];
}) {
  const loaded = useApi(async () => {
    const base = path('experiments', experiment, 'submissions', submission.id);
    const [jobs, config] = await Promise.all([
      loadJobs(experiment, submission.id),
      api.get<unknown>(`${base}/config`).catch(() => undefined),
    ]);
    return { ...jobs, requested: requested(config) satisfies Requested };
    // Read again whenever the submission changes (the page's Refresh, a status move).
  }, [experiment, submission.id, submission.updated_at]);

  if (loaded.error) {
    return (
      <Panel title="Jobs over time">
        <ErrorBox error={loaded.error} onRetry={loaded.reload} />
      </Panel>
    );
  }
  if (!loaded.data) {
    return (
      <Panel title="Jobs over time">
        <Loading what="jobs" />
      </Panel>
    );
  }
  const { jobs, total } = loaded.data;
  const partial =
    total > jobs.length ? (
      <p className="muted">
        The first {jobs.length} of {total} jobs.
      </p>
    ) : null;
  return (
    <div className="grid-2">
      <Panel title="Jobs over time">
        {partial}
        <JobTimeline jobs={jobs} submission={submission} history={history} />
      </Panel>
      <Panel title="Efficiency">
        {partial}
        <JobEfficiency jobs={jobs} requested={loaded.data.requested} />
      </Panel>
    </div>
  );
}
