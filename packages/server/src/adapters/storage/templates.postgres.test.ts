import { describeTemplateConformance } from './templates.conformance.ts';
import { describeWithPostgres } from './postgres-testing.ts';

describeWithPostgres('experiment templates on postgres', (openFresh) =>
  describeTemplateConformance('experiment templates on postgres', openFresh),
);
