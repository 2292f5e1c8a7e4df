import { describeWithPostgres } from './postgres-testing.ts';
import { describeProgressConformance } from './progress.conformance.ts';

describeWithPostgres('campaign progress counts on postgres', (openFresh) =>
  describeProgressConformance('campaign progress counts on postgres', openFresh),
);
