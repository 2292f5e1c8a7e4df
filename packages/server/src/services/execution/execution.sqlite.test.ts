import { harness } from './execution-testing.ts';
import { describeExecutionScenarios } from './execution.scenarios.ts';

describeExecutionScenarios('execution core on SQLite (local engine, real job runtime)', () =>
  harness(),
);
