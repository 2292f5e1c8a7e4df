import { describeExecutionConformance } from './execution.conformance.ts';
import { describeWithPostgres } from './postgres-testing.ts';

describeWithPostgres('execution store on postgres', (openFresh) =>
  describeExecutionConformance('execution store on postgres', openFresh),
);
