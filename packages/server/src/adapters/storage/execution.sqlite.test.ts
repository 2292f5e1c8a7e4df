import { systemClock } from '../system/system-clock.ts';
import { ulidIdSource } from '../system/ulid-ids.ts';
import { describeExecutionConformance } from './execution.conformance.ts';
import { openSqliteStore } from './sqlite.ts';

describeExecutionConformance('execution store on sqlite', (given = {}) =>
  openSqliteStore({
    file: ':memory:',
    clock: given.clock ?? systemClock,
    ids: given.ids ?? ulidIdSource(),
  }),
);
