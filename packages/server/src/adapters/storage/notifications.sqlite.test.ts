import { systemClock } from '../system/system-clock.ts';
import { ulidIdSource } from '../system/ulid-ids.ts';
import { describeNotificationConformance } from './notifications.conformance.ts';
import { openSqliteStore } from './sqlite.ts';

describeNotificationConformance('notification store on sqlite', (given = {}) =>
  openSqliteStore({
    file: ':memory:',
    clock: given.clock ?? systemClock,
    ids: given.ids ?? ulidIdSource(),
  }),
);
