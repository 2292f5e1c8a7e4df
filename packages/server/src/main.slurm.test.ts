// The demo campaign on the live Slurm, with slurmctld stopped in the middle of it (issue 7): while
// the controller does not answer, jobs are unknown — never failed, nothing recovered for it — and
// once it is back the campaign finishes with every submission launched exactly once.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { setField } from '@poms/campaign-file';
import { startTestSshd } from './adapters/engines/commands/sshd-testing.ts';
import {
  liveSlurm,
  startController,
  stopController,
} from './adapters/engines/slurm/slurm-testing.ts';
import { startServer, type RunningServer } from './main.ts';
import { CampaignService } from './services/campaigns.ts';
import { onEngine } from './services/demo.ts';

const slurm = liveSlurm();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the demo campaign on live Slurm', { skip: slurm === undefined }, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'poms-slurm-demo-'));
  let server: RunningServer | undefined;
  const lines: string[] = [];
  after(async () => {
    if (slurm) await startController(slurm);
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function settled(s: RunningServer, timeoutMs: number): Promise<void> {
    const end = Date.now() + timeoutMs;
    let quiet = 0;
    while (quiet < 3) {
      const open = await s.store.submissions.unfinished();
      const active = await s.store.submissions.activeJobs(1);
      quiet = open.length === 0 && active.length === 0 ? quiet + 1 : 0;
      assert.ok(
        Date.now() < end,
        `not settled: ${open.map((o) => `${o.stage}:${o.status}`).join(', ')}`,
      );
      await sleep(250);
    }
  }

  it('finishes with nothing lost or launched twice although slurmctld stopped mid-campaign', async () => {
    if (slurm === undefined) return;
    server = await startServer({
      dataDir,
      port: 0,
      pollIntervalMs: 250,
      demoEngine: 'slurm',
      engines: { slurm: { jobcompFile: join(slurm.dir, 'jobcomp.txt') } },
      log: (line) => lines.push(line),
    });
    const s = server;
    const outcome = await s.execution.launches.launch({
      experiment: 'demo',
      campaign: 'toy_z_chain',
      stage: 'generate',
      launcher: 'test',
      reason: 'slurm outage test',
    });
    assert.equal(outcome.kind, 'launched', JSON.stringify(outcome));
    // Stop the controller while the simulate stage's jobs are on the cluster.
    const end = Date.now() + 60_000;
    for (;;) {
      const page = await s.store.submissions.list({ experiment: 'demo', limit: 50 });
      const simulate = page.items.find((x) => x.stage === 'simulate');
      if (simulate && ['Idle', 'Running'].includes(simulate.status)) break;
      assert.ok(Date.now() < end, 'simulate never ran');
      await sleep(100);
    }
    await stopController(slurm);
    const before = await s.store.submissions.list({ experiment: 'demo', limit: 50 });
    // Slurm's clients retry for a while (about 18 s here) before they say the controller is gone.
    const seen = Date.now() + 60_000;
    while (!lines.some((l) => /controller does not answer/.test(l))) {
      assert.ok(Date.now() < seen, `the outage was never seen: ${lines.join(' / ')}`);
      await sleep(250);
    }
    await sleep(2000);
    const during = await s.store.submissions.list({ experiment: 'demo', limit: 50 });
    assert.deepEqual(
      during.items.map((x) => x.id).sort(),
      before.items.map((x) => x.id).sort(),
      'nothing launched or recovered during the outage',
    );
    assert.ok(
      during.items.every((x) => x.status !== 'Failed'),
      'nothing failed for the outage',
    );
    await startController(slurm);
    await settled(s, 120_000);

    const all = await s.store.submissions.list({ experiment: 'demo', limit: 50 });
    const byStage = (stage: string) => all.items.filter((x) => x.stage === stage);
    assert.equal(byStage('generate').length, 1);
    assert.equal(byStage('simulate').length, 2, 'the first pass and its one recovery');
    assert.equal(byStage('reconstruct').length, 1);
    assert.equal(byStage('analyse').length, 1);
    for (const sub of all.items) {
      assert.equal(sub.status, 'Located', `${sub.stage} ${sub.id}: ${sub.status}`);
      // One array per submission: Slurm knows each job name once.
      const arrays: string = execFileSync(
        'squeue',
        ['-h', '-t', 'all', `--name=poms-${sub.id}`, '-o', '%F'],
        { env: slurm.env, encoding: 'utf8' },
      );
      assert.equal(new Set(arrays.trim().split('\n')).size, 1, `${sub.id}: ${arrays}`);
      const stats = await s.store.submissions.statistics(sub.id);
      assert.equal(stats.unknown, 0, `${sub.id}: every delivered file has its state`);
    }
  });

  it('runs a campaign whose launch setup names a launch host through ssh', async (t) => {
    if (slurm === undefined || server === undefined) return;
    const sshd = await startTestSshd();
    if (sshd === undefined) return t.skip('no sshd on this machine');
    const remoteDir = mkdtempSync(join(tmpdir(), 'poms-slurm-remote-'));
    const viaSsh = await startServer({
      dataDir: mkdtempSync(join(tmpdir(), 'poms-slurm-ssh-demo-')),
      port: 0,
      pollIntervalMs: 250,
      demo: true,
      engines: {
        ssh: { knownHostsFile: sshd.knownHostsFile, identityFile: sshd.identityFile },
        slurm: { root: remoteDir },
      },
    });
    try {
      // The demo chain, on Slurm, through the launch host 127.0.0.1:PORT as this user.
      let text = onEngine(
        readFileSync(new URL('../../../templates/demo-physics.yaml', import.meta.url), 'utf8'),
        'slurm',
      ).replace(/^campaign:\s*\S+/m, 'campaign: toy_via_ssh');
      for (const [key, value] of [
        ['host', `127.0.0.1:${sshd.port}`],
        ['account', sshd.user],
      ] as const) {
        const edited = setField(text, ['launch_setups', 'local_demo', key], value);
        assert.ok(edited.ok);
        text = edited.text;
      }
      await new CampaignService(viaSsh.store).create('demo', text, 'test', 'through ssh');
      const outcome = await viaSsh.execution.launches.launch({
        experiment: 'demo',
        campaign: 'toy_via_ssh',
        stage: 'generate',
        launcher: 'test',
      });
      assert.equal(outcome.kind, 'launched', JSON.stringify(outcome));
      await settled(viaSsh, 120_000);
      const subs = await viaSsh.store.submissions.list({ experiment: 'demo', limit: 50 });
      assert.equal(subs.items.filter((x) => x.stage === 'analyse').length, 1);
      for (const sub of subs.items) {
        assert.equal(sub.status, 'Located', `${sub.stage}: ${sub.status}`);
        for (const job of await viaSsh.store.submissions.jobs(sub.id)) {
          assert.match(
            job.engine_id ?? '',
            new RegExp(`^ssh://${sshd.user}@127\\.0\\.0\\.1:${sshd.port}/\\d+_\\d+$`),
          );
        }
      }
    } finally {
      await viaSsh.close();
      await sshd.stop();
      rmSync(viaSsh.dataDir, { recursive: true, force: true });
      rmSync(remoteDir, { recursive: true, force: true });
    }
  });
});
