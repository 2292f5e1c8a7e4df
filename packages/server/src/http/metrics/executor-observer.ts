// The executor's reports (ExecutorObserver) as metrics. Every method only moves a counter or a
// histogram: nothing here can slow a cycle down or fail it.
import type { ExecutorObserver } from '../../services/execution/index.ts';
import type { PomsMetrics } from './metrics.ts';

export function executorMetrics(metrics: PomsMetrics): ExecutorObserver {
  return {
    polled(engine, seconds, ok) {
      metrics.pollDuration.observe({ engine }, seconds);
      if (!ok) metrics.pollErrors.inc({ engine });
    },
    submitted(submission, seconds) {
      metrics.launchLatency.observe({ engine: submission.engine }, seconds);
    },
    launchFailed(submission) {
      metrics.launchFailures.inc({ engine: submission.engine });
    },
    jobsEnded(jobs) {
      for (const job of jobs) metrics.jobsEnded.inc({ engine: job.engine, state: job.state });
    },
    cycled(seconds) {
      metrics.cycle.observe(seconds);
    },
  };
}
