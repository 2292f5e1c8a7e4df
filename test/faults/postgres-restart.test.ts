// PostgreSQL restarted under load (issue 11). A real server (in-process, so its unhandled
// rejections would reach this process) runs the demo campaign on a private PostgreSQL 15 while a
// client reads the API; in the middle the database is stopped cleanly (`-m fast`) and later
// crashed (`-m immediate`), each time down for ~2 s. The server must keep answering — during an
// outage a 503 `store.unavailable`, which the job runtime retries, never a 500 — and afterwards
// the campaign must finish as an uninterrupted run does: nothing lost, nothing twice.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { startServer, type RunningServer } from '../../packages/server/src/main.ts';
import { apiCaller, apiToken, errorCode } from '../../packages/server/src/http/api/api-testing.ts';
import {
  assertDemoIntact,
  demoFinished,
  demoSubmissions,
  freePort,
  killProcessesUsing,
  launchDemo,
  until,
} from './demo-campaign.ts';
import { faultTally } from './fault-tally.ts';
import {
  privatePostgresMissing,
  startPrivatePostgres,
  type PrivatePostgres,
} from './private-postgres.ts';

const PASSWORD = 'fault-test-admin-password';
const DOWN_MS = 2000;
const tally = faultTally('postgres restart');
const missing = privatePostgresMissing();

describe('PostgreSQL restarted under load', () => {
  if (missing !== undefined) {
    if (process.env.POMS_REQUIRE_PG === '1') {
      it('needs PostgreSQL 15', () => assert.fail(`POMS_REQUIRE_PG=1 but ${missing}`));
    } else {
      it('needs PostgreSQL 15', { skip: missing }, () => {});
    }
    return;
  }

  const dataDir = mkdtempSync(join(tmpdir(), 'poms-pg-restart-'));
  let pg: PrivatePostgres | undefined;
  let server: RunningServer | undefined;
  const serverLog: string[] = [];
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);

  after(async () => {
    process.off('unhandledRejection', onUnhandled);
    try {
      await server?.close();
    } finally {
      killProcessesUsing(dataDir);
      pg?.remove();
      rmSync(dataDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
      console.log(tally.summary());
    }
  });

  it('keeps serving, answers 503 while down, and finishes the campaign', async () => {
    const started = Date.now();
    pg = startPrivatePostgres(await freePort());
    const running = await startServer({
      postgresUrl: pg.url,
      dataDir,
      port: 0,
      localSlots: 4,
      pollIntervalMs: 500,
      adminPassword: PASSWORD,
      log: (line) => serverLog.push(`${Date.now() - started} ms ${line}`),
    });
    server = running;
    const call = apiCaller(() => running.url);
    const token = await apiToken(call, 'admin', PASSWORD);
    await launchDemo(running);

    // The load: API reads, one after another, all through the run; answers kept by phase.
    const answers = { up: [] as string[], down: [] as string[] };
    let down = false;
    let loading = true;
    const reads = ['/experiments/demo/submissions', '/experiments/demo/campaigns', '/health'];
    const load = (async () => {
      for (let i = 0; loading; i++) {
        const path = reads[i % reads.length] ?? '/health';
        const answer = await call('GET', path, { token }).catch((error: unknown) => ({
          status: 0,
          body: { error: { code: String(error) } },
        }));
        const code = answer.status >= 400 ? ` ${errorCode(answer as never) ?? '?'}` : '';
        (down ? answers.down : answers.up).push(`${answer.status}${code} ${path}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();

    const outage = async (name: string, mode: 'fast' | 'immediate') => {
      tally.injected(name);
      pg?.stop(mode);
      down = true;
      await new Promise((r) => setTimeout(r, DOWN_MS));
      down = false;
      pg?.start();
    };

    const seen = { last: '' };
    try {
      // Down while simulate's jobs run and report, then again as reconstruct starts.
      await until('simulate to be launched', 60_000, async () =>
        (await demoSubmissions(running.store)).some((s) => s.stage === 'simulate')
          ? true
          : undefined,
      );
      await outage('stop -m fast during simulate', 'fast');
      await until('reconstruct to be launched', 60_000, async () =>
        (await demoSubmissions(running.store)).some((s) => s.stage === 'reconstruct')
          ? true
          : undefined,
      );
      await outage('crash (-m immediate) during reconstruct', 'immediate');

      const subs = await demoFinished(running.store, 90_000, seen);
      loading = false;
      await load;
      await assertDemoIntact(running.store, subs);

      const serverErrors = [...answers.up, ...answers.down].filter((a) => /^5\d\d/.test(a));
      assert.deepEqual(
        serverErrors.filter((a) => !a.startsWith('503 store.unavailable') && a !== '503 ? /health'),
        [],
        'every 5xx is a 503 store.unavailable',
      );
      assert.ok(
        answers.down.some((a) => a.startsWith('503')),
        `reads during the outages got 503: ${answers.down.join(', ')}`,
      );
      assert.ok(answers.up.filter((a) => a.startsWith('200')).length > 0);
      assert.deepEqual(unhandled, [], 'no unhandled rejection');
      const health = await call('GET', '/health');
      assert.equal(health.status, 200);
      tally.survived('stop -m fast during simulate');
      tally.survived('crash (-m immediate) during reconstruct');
    } catch (error) {
      loading = false;
      await load;
      throw new Error(
        `${String(error)}\nlast seen: ${seen.last}\nanswers while down: ${answers.down.join(', ')}\nserver log:\n${serverLog.slice(-60).join('\n')}`,
      );
    }
  });
});
