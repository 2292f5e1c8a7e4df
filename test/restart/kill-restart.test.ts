// The server is killed (SIGKILL, no chance to clean up) in the middle of the demo campaign and
// started again on the same data folder: the campaign must finish with no submission, job or
// file record lost or duplicated. Jobs running during the outage keep running (the local engine
// detaches them); their reports wait for the server (the job runtime retries) and the new server
// finds them again.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { openStore } from '@poms/server';
import { assertDemoIntact } from '../faults/demo-campaign.ts';
import {
  demoFinished,
  demoProgress,
  demoSubmissions,
  freePort,
  jobFolders,
  killProcessesUsing,
  startPoms,
  until,
  type PomsProcess,
} from './demo-process.ts';

describe('kill -9 and restart in the middle of the demo', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'poms-restart-'));
  const servers: PomsProcess[] = [];
  const serverLog: string[] = [];
  after(() => {
    for (const server of servers) server.child.kill('SIGKILL');
    killProcessesUsing(dataDir);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('finishes the campaign with nothing lost or duplicated', async () => {
    const port = await freePort();
    const first = startPoms(dataDir, port, serverLog);
    servers.push(first);
    // Kill it while simulate's jobs run: after a hand-off, before the recovery.
    const probe = await until('the server to create its store', 60_000, async () => {
      const store = await openStore({ dataDir });
      const subs = await demoSubmissions(store).catch(async (error: unknown) => {
        await store.close();
        throw error;
      });
      if (subs.some((s) => s.stage === 'simulate')) return store;
      await store.close();
      return undefined;
    });
    await probe.close();
    first.child.kill('SIGKILL');
    await first.exited;

    // Down for a while: jobs keep running and their reports wait.
    await new Promise((r) => setTimeout(r, 1500));
    servers.push(startPoms(dataDir, port, serverLog));

    const store = await openStore({ dataDir });
    let seen = '';
    try {
      await until('the campaign to finish', 240_000, async () => {
        seen = await demoProgress(store);
        return (await demoFinished(store)) ? true : undefined;
      });
      await assertDemoIntact(store, await demoSubmissions(store));
    } catch (error) {
      throw new Error(
        `${String(error)}; last seen: ${seen}\nserver log:\n${serverLog.join('')}\njobs:\n${jobFolders(dataDir)}`,
      );
    } finally {
      await store.close();
    }
  });
});
