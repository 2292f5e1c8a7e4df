import { describeWithPostgres } from '../adapters/storage/postgres-testing.ts';
import { describeSplitConformance } from './splits.conformance.ts';

describeWithPostgres('stage splits on postgres', (openFresh) =>
  describeSplitConformance('stage splits on postgres', () => openFresh()),
);
