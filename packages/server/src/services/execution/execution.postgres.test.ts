import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import pg from 'pg';
import { harness } from './execution-testing.ts';
import { describeExecutionScenarios } from './execution.scenarios.ts';

// The same scenarios with the server on PostgreSQL, in a schema of its own dropped at the end.
const url = process.env.POMS_TEST_PG_URL;
if (url === undefined || url === '') {
  describe('execution core on PostgreSQL', () => {
    if (process.env.POMS_REQUIRE_PG === '1') {
      it('needs PostgreSQL', () =>
        assert.fail('POMS_REQUIRE_PG=1 but POMS_TEST_PG_URL is not set'));
    } else {
      it(
        'scenarios',
        { skip: 'POMS_TEST_PG_URL is not set (see scripts/pg-test-setup.sh)' },
        () => {},
      );
    }
  });
} else {
  const schema = `poms_exec_${process.pid.toString(36)}_${randomBytes(3).toString('hex')}`;
  describeExecutionScenarios(
    'execution core on PostgreSQL (local engine, real job runtime)',
    async () => {
      const h = await harness({ postgres: { url, schema } });
      return {
        ...h,
        async close() {
          await h.close();
          const admin = new pg.Pool({ connectionString: url, max: 1 });
          await admin.query(`drop schema if exists ${schema} cascade`);
          await admin.end();
        },
      };
    },
  );
}
