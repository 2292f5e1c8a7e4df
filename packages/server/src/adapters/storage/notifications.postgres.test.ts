import { describeNotificationConformance } from './notifications.conformance.ts';
import { describeWithPostgres } from './postgres-testing.ts';

describeWithPostgres('notification store on postgres', (openFresh) =>
  describeNotificationConformance('notification store on postgres', openFresh),
);
