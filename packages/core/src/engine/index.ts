// Batch engines: the port and what core decides from engine reports.
export {
  JOB_STATES,
  JobReport,
  JobState,
  jobCounts,
  type BatchEngine,
  type EngineJob,
  type JobLogs,
  type SubmitRequest,
  type SubmitResult,
} from './port.ts';
