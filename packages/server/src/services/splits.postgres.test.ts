import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { openPostgresStore } from '../adapters/storage/postgres.ts';
import { systemClock } from '../adapters/system/system-clock.ts';
import { ulidIdSource } from '../adapters/system/ulid-ids.ts';
import type { Store } from '../ports/store.ts';
import { describeSplitConformance } from './splits.conformance.ts';

const url = process.env.POMS_TEST_PG_URL;

if (url === undefined || url === '') {
  describe('stage splits on postgres', () => {
    if (process.env.POMS_REQUIRE_PG === '1') {
      it('needs PostgreSQL', () =>
        assert.fail('POMS_REQUIRE_PG=1 but POMS_TEST_PG_URL is not set'));
    } else {
      it('conformance suite', { skip: 'POMS_TEST_PG_URL is not set' }, () => {});
    }
  });
} else {
  const connectionString = url;
  const admin = new pg.Pool({ connectionString, max: 2 });
  after(() => admin.end());
  const run = `${process.pid.toString(36)}_${randomBytes(3).toString('hex')}`;
  let schemas = 0;

  describeSplitConformance('stage splits on postgres', async () => {
    const schema = `poms_s_${run}_${++schemas}`;
    const store = await openPostgresStore({
      connectionString,
      schema,
      clock: systemClock,
      ids: ulidIdSource(),
    });
    return {
      ...store,
      async close() {
        await store.close();
        await admin.query(`drop schema if exists ${schema} cascade`);
      },
    } satisfies Store;
  });
}
