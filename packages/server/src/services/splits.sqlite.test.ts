import { openSqliteStore } from '../adapters/storage/sqlite.ts';
import { systemClock } from '../adapters/system/system-clock.ts';
import { ulidIdSource } from '../adapters/system/ulid-ids.ts';
import { describeSplitConformance } from './splits.conformance.ts';

describeSplitConformance('stage splits on sqlite', () =>
  openSqliteStore({ file: ':memory:', clock: systemClock, ids: ulidIdSource() }),
);
