import { describeIdentityConformance } from './identity.conformance.ts';
import { describeWithPostgres } from './postgres-testing.ts';

describeWithPostgres('identity store on postgres', (openFresh) =>
  describeIdentityConformance('identity store on postgres', openFresh),
);
