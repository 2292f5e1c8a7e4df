import { describeWithPostgres } from '../storage/postgres-testing.ts';
import { describeCatalogConformance } from './catalog.conformance.ts';

describeWithPostgres('catalog on postgres', (openFresh) =>
  describeCatalogConformance('catalog on postgres', openFresh),
);
