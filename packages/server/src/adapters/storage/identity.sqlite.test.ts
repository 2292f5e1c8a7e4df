import { systemClock } from '../system/system-clock.ts';
import { ulidIdSource } from '../system/ulid-ids.ts';
import { describeIdentityConformance } from './identity.conformance.ts';
import { openSqliteStore } from './sqlite.ts';

describeIdentityConformance('identity store on sqlite', (given = {}) =>
  openSqliteStore({
    file: ':memory:',
    clock: given.clock ?? systemClock,
    ids: given.ids ?? ulidIdSource(),
  }),
);
