import { systemClock } from '../system/system-clock.ts';
import { ulidIdSource } from '../system/ulid-ids.ts';
import { describeProgressConformance } from './progress.conformance.ts';
import { openSqliteStore } from './sqlite.ts';

describeProgressConformance('campaign progress counts on sqlite', (given = {}) =>
  openSqliteStore({
    file: ':memory:',
    clock: given.clock ?? systemClock,
    ids: given.ids ?? ulidIdSource(),
  }),
);
