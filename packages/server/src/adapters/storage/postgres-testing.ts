// For test suites that run against PostgreSQL: a fresh store per call, each in its own schema
// (dropped when the store closes), so suites run in parallel with each other and with other runs.
// Without POMS_TEST_PG_URL the suite is skipped with the reason, or fails when POMS_REQUIRE_PG=1
// (as in CI, where PostgreSQL must be tested, never silently skipped).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import type { Store, StoreDeps } from '../../ports/store.ts';
import { systemClock } from '../system/system-clock.ts';
import { ulidIdSource } from '../system/ulid-ids.ts';
import { openPostgresStore } from './postgres.ts';

export type OpenFreshPostgres = (given?: Partial<StoreDeps>) => Promise<Store>;

const HOW = 'run `eval "$(scripts/pg-test-setup.sh)"` to start PostgreSQL and set it';

export function describeWithPostgres(
  name: string,
  body: (openFresh: OpenFreshPostgres) => void,
): void {
  const url = process.env.POMS_TEST_PG_URL;
  if (url === undefined || url === '') {
    describe(name, () => {
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
    return;
  }
  const connectionString = url;
  const admin = new pg.Pool({ connectionString, max: 2 });
  after(() => admin.end());
  const run = `${process.pid.toString(36)}_${randomBytes(3).toString('hex')}`;
  let schemas = 0;
  body(async (given = {}) => {
    const schema = `poms_x_${run}_${++schemas}`;
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
