import { systemClock } from '../system/system-clock.ts';
import { ulidIdSource } from '../system/ulid-ids.ts';
import { describeTemplateConformance } from './templates.conformance.ts';
import { openSqliteStore } from './sqlite.ts';

describeTemplateConformance('experiment templates on sqlite', (given = {}) =>
  openSqliteStore({
    file: ':memory:',
    clock: given.clock ?? systemClock,
    ids: given.ids ?? ulidIdSource(),
  }),
);
