// Batch engines: the port and what core decides from engine reports.
export {
  JOB_STATES,
  JobReport,
  JobState,
  jobCounts,
  type BatchEngine,
  type EngineJob,
  type JobLogs,
  type JobResources,
  type Placement,
  type SubmitLabels,
  type SubmitRequest,
  type SubmitResult,
} from './port.ts';
export { jobResources } from './resources.ts';
export { durationSeconds, sizeMb } from '../campaign/units.ts';
