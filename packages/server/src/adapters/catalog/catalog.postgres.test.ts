import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import type { Store } from '../../ports/store.ts';
import { openPostgresStore } from '../storage/postgres.ts';
import { systemClock } from '../system/system-clock.ts';
import { ulidIdSource } from '../system/ulid-ids.ts';
import { describeCatalogConformance } from './catalog.conformance.ts';

const url = process.env.POMS_TEST_PG_URL;
const HOW = 'run `eval "$(scripts/pg-test-setup.sh)"` to start PostgreSQL and set it';

if (url === undefined || url === '') {
  describe('catalog on postgres', () => {
    if (process.env.POMS_REQUIRE_PG === '1') {
      it('needs PostgreSQL', () => {
        assert.fail(`POMS_REQUIRE_PG=1 but POMS_TEST_PG_URL is not set: ${HOW}`);
      });
    } else {
      it(
        'conformance suite',
        { skip: `POMS_TEST_PG_URL is not set (${HOW}; POMS_REQUIRE_PG=1 makes this a failure)` },
        () => {},
      );
    }
  });
} else {
  const connectionString = url;
  const admin = new pg.Pool({ connectionString, max: 2 });
  after(() => admin.end());

  // One schema per fresh store, dropped when it closes (as in storage/postgres.test.ts).
  const run = `${process.pid.toString(36)}_${randomBytes(3).toString('hex')}`;
  let schemas = 0;

  describeCatalogConformance('catalog on postgres', async (given = {}) => {
    const schema = `poms_c_${run}_${++schemas}`;
    const store = await openPostgresStore({
      connectionString,
      schema,
      clock: given.clock ?? systemClock,
      ids: given.ids ?? ulidIdSource(),
    });
    let closing: Promise<void> | undefined;
    return {
      ...store,
      close(): Promise<void> {
        closing ??= (async () => {
          await store.close();
          await admin.query(`drop schema if exists ${schema} cascade`);
        })();
        return closing;
      },
    } satisfies Store;
  });
}
