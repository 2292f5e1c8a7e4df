// The HTCondor and jobsub_lite engines (wired into the server by main.ts).
export { HTCondorEngine, type HTCondorEngineOptions } from './htcondor-engine.ts';
export { JobsubEngine, type JobsubEngineOptions } from './jobsub-engine.ts';
export { submitValue, SubmitValueError } from './submit-value.ts';
