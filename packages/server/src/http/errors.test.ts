// A database that cannot be reached is a 503 the job runtime retries, not a 500 it gives up on
// (found by test/faults/postgres-restart.test.ts); every other error keeps its answer.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { describe, it } from 'node:test';
import pg from 'pg';
import { storeUnavailable } from './errors.ts';

function withCode(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

async function closedPort(): Promise<number> {
  return new Promise((done) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => done(typeof address === 'object' && address ? address.port : 1));
    });
  });
}

describe('storeUnavailable', () => {
  it('knows a refused connection as node-postgres reports it', async () => {
    const client = new pg.Client({
      connectionString: `postgres://x@127.0.0.1:${await closedPort()}/x`,
    });
    const error: unknown = await client.connect().then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.equal(storeUnavailable(error)?.error.code, 'store.unavailable');
  });

  it('knows a server shutting down, crashed, or not accepting connections yet', () => {
    for (const error of [
      withCode('terminating connection due to administrator command', '57P01'),
      withCode('terminating connection due to crash of another server process', '57P02'),
      withCode('the database system is starting up', '57P03'),
      withCode('connection failure', '08006'),
      withCode('sorry, too many clients already', '53300'),
      new Error('Connection terminated unexpectedly'),
      new Error('Client has encountered a connection error and is not queryable'),
    ]) {
      assert.equal(storeUnavailable(error)?.error.code, 'store.unavailable', error.message);
    }
  });

  it('leaves every other error alone', () => {
    for (const error of [
      withCode('duplicate key value violates unique constraint', '23505'),
      withCode('no such submission', 'store.not-found'),
      new TypeError("Cannot read properties of undefined (reading 'id')"),
      'ECONNREFUSED',
    ]) {
      assert.equal(storeUnavailable(error), undefined, String(error));
    }
  });
});
