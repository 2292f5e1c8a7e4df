// The execution commands (launch, status, submissions, submission, recover, hold, release, kill,
// approve, reject, schedule) on a data folder seeded with the demo campaigns, without a server.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '@poms/server';
import { runPoms } from './cli-testing.ts';

let dir: string;
let seeded: string;
let folders = 0;

/** A fresh data folder (a copy of the seeded one) and `poms … --data` on it. */
function freshData() {
  const data = join(dir, `data-${++folders}`);
  cpSync(seeded, data, { recursive: true });
  return {
    data,
    poms: (...argv: string[]) => runPoms(...argv, '--data', data),
  };
}

async function launched(poms: (...argv: string[]) => ReturnType<typeof runPoms>): Promise<string> {
  const result = await poms('launch', 'toy_z_chain/generate');
  assert.equal(result.code, 0, result.err);
  const id = /launched (sub_\w+)/.exec(result.out)?.[1];
  assert.ok(id, result.out);
  return id;
}

const NO_SERVER =
  /^poms: no server is running on .+: this takes effect when `poms start --data .+` runs$/m;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'poms-exec-cli-'));
  seeded = join(dir, 'seeded');
  // The demo experiment with the template campaigns (toy_z_chain among them), then no server.
  const server = await startServer({ dataDir: seeded, port: 0, execute: false });
  await server.close();
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('poms launch', () => {
  it('--dry-run shows the jobs and their commands, and records nothing', async () => {
    const { poms } = freshData();
    const result = await poms('launch', 'toy_z_chain/generate', '--dry-run', '-O', '--events=5');
    assert.equal(result.code, 0, result.err);
    assert.match(result.out, /toy_z_chain\/generate would launch 4 jobs, status New/);
    assert.match(result.out, /^command: toy-physics\.mjs gen --events=5 --seed=20250101$/m);
    assert.equal(result.out.match(/^job \d+:/gm)?.length, 4);
    assert.match(result.out, /^ {2}run: toy-physics\.mjs gen --events=5 --seed=20250101$/m);
    assert.match(result.out, /^ {4}POMS_JOB_INDEX=3$/m);
    assert.equal(result.err, '');

    const json = await poms('launch', 'toy_z_chain/generate', '--dry-run', '--json');
    const parsed = JSON.parse(json.out) as { outcome: string; jobs_total: number };
    assert.equal(parsed.outcome, 'would-launch');
    assert.equal(parsed.jobs_total, 4);

    const list = await poms('submissions', '--json');
    assert.deepEqual(JSON.parse(list.out), { items: [], total: 0 });
  });

  it('quotes words with spaces in the dry run', async () => {
    const { poms } = freshData();
    const result = await poms('launch', 'toy_z_chain/generate', '--dry-run', '-O', '--seed=1 2');
    assert.equal(result.code, 0, result.err);
    assert.match(result.out, /run: toy-physics\.mjs gen --events=400 '--seed=1 2'$/m);
  });

  it('records a New submission and says that no server runs', async () => {
    const { poms } = freshData();
    const result = await poms('launch', 'toy_z_chain/generate', '--as', 'alice');
    assert.equal(result.code, 0, result.err);
    assert.match(result.out, /^launched sub_\w+ \(generate, 4 jobs, 0 files\): New$/);
    assert.match(result.err, NO_SERVER);

    const list = await poms('submissions');
    assert.equal(list.code, 0, list.err);
    assert.match(list.out, /^ID +CAMPAIGN +STAGE +STATUS/);
    assert.match(list.out, /sub_\w+ +toy_z_chain +generate +New +manual/);
    assert.match(list.out, /^1-1 of 1 submissions$/m);
    const page = JSON.parse((await poms('submissions', '--json')).out) as {
      items: { id: string; launcher: string }[];
      total: number;
    };
    assert.equal(page.total, 1);
    const [first] = page.items;
    assert.ok(first);
    assert.equal(first.launcher, 'alice');
    const id = first.id;

    const shown = await poms('submission', id);
    assert.equal(shown.code, 0, shown.err);
    assert.match(shown.out, new RegExp(`^${id}: toy_z_chain/generate New`));
    assert.match(shown.out, /^history$/m);
    assert.match(shown.out, /New +alice|New +- +launch of generate/);
    assert.equal(shown.out.match(/^ {2}\d +pending/gm)?.length, 4);
    const json = JSON.parse((await poms('submission', id, '--json')).out) as {
      submission: { id: string; status: string };
      jobs: unknown[];
      history: unknown[];
    };
    assert.equal(json.submission.status, 'New');
    assert.equal(json.jobs.length, 4);
    assert.equal(json.history.length, 1);
  });

  it("launches a campaign's lead stages; refuses a bad target and an unknown stage", async () => {
    const { poms } = freshData();
    const whole = await poms('launch', 'toy_z_chain');
    assert.equal(whole.code, 0, whole.err);
    assert.match(whole.out, /^toy_z_chain\/generate:\nlaunched sub_\w+ \(generate, 4 jobs/);
    const dry = await poms('launch', 'toy_z_chain', '--dry-run');
    assert.equal(dry.code, 2);
    assert.match(dry.err, /need a stage: CAMPAIGN\/STAGE/);
    const bad = await poms('launch', 'toy_z_chain/generate/x');
    assert.equal(bad.code, 2);
    const override = await poms('launch', 'toy_z_chain/generate', '-O', 'novalue');
    assert.equal(override.code, 2);
    const unknown = await poms('launch', 'toy_z_chain/nope');
    assert.equal(unknown.code, 1);
    assert.match(unknown.err, /^poms: error launch\.unknown-stage: /);
  });
});

describe('poms hold and release', () => {
  it('queues a launch of a held stage and launches it on release', async () => {
    const { poms } = freshData();
    const hold = await poms(
      'hold',
      'toy_z_chain/generate',
      '--reason',
      'calibration',
      '--as',
      'bob',
    );
    assert.equal(hold.code, 0, hold.err);
    assert.match(hold.out, /^held: launches of toy_z_chain\/generate \(by bob .*: calibration\)$/);

    const queued = await poms('launch', 'toy_z_chain/generate');
    assert.equal(queued.code, 0, queued.err);
    assert.match(
      queued.out,
      /^held: generate is held \(by bob\): the launch is queued as hld_\w+$/,
    );
    assert.equal(
      (JSON.parse((await poms('submissions', '--json')).out) as { total: number }).total,
      0,
    );

    const status = await poms('status', 'toy_z_chain');
    assert.match(status.out, /hold: generate held by bob .*: calibration/);
    assert.match(status.out, /queued: hld_\w+ generate by /);

    const release = await poms('release', 'toy_z_chain/generate');
    assert.equal(release.code, 0, release.err);
    assert.match(release.out, /^released: launches of toy_z_chain\/generate$/m);
    assert.match(release.out, /^launched sub_\w+ \(generate, 4 jobs, 0 files\): New$/m);
    assert.match(release.err, NO_SERVER);
    assert.equal(
      (JSON.parse((await poms('submissions', '--json')).out) as { total: number }).total,
      1,
    );
  });

  it('holds and releases the experiment and everything', async () => {
    const { poms } = freshData();
    assert.match((await poms('hold')).out, /^held: launches of experiment demo/);
    assert.match((await poms('launch', 'toy_z_chain/generate')).out, /^held: /);
    assert.match((await poms('hold', '--global')).out, /^held: every launch/);
    // The experiment's queue waits for both holds to go.
    assert.equal((await poms('release')).out, 'released: launches of experiment demo');
    assert.equal((await poms('release', '--global')).out.split('\n')[0], 'released: every launch');
    assert.equal(
      (JSON.parse((await poms('submissions', '--json')).out) as { total: number }).total,
      1,
    );
    assert.equal((await poms('release', '--global')).out, 'not held: every launch');
  });

  it('holds and releases jobs of a submission, and refuses bad targets', async () => {
    const { poms } = freshData();
    const id = await launched(poms);
    const hold = await poms('hold', `${id}:1,3`);
    assert.equal(hold.code, 0, hold.err);
    assert.match(hold.out, /^hold requested for 2 jobs of 1 submission/);
    const jobs = JSON.parse((await poms('submission', id, '--json')).out) as {
      jobs: { index: number; request: string | null }[];
    };
    assert.deepEqual(
      jobs.jobs.map((j) => j.request),
      [null, 'hold', null, 'hold'],
    );
    assert.equal((await poms('hold', `${id}:x`)).code, 2);
    assert.equal((await poms('hold', 'toy_z_chain')).code, 2);
    assert.equal((await poms('hold', '--jobs')).code, 2);
    assert.equal((await poms('hold', 'toy_z_chain/generate', '--global')).code, 2);
    const jobsOfStage = await poms('release', 'toy_z_chain/generate', '--jobs', '--json');
    assert.equal(jobsOfStage.code, 0, jobsOfStage.err);
    assert.deepEqual((JSON.parse(jobsOfStage.out) as { submissions: string[] }).submissions, [id]);
  });
});

describe('poms kill, approve, reject, recover', () => {
  it('kill records the cancel: the submission is Cancelled', async () => {
    const { poms } = freshData();
    const id = await launched(poms);
    const kill = await poms('kill', id);
    assert.equal(kill.code, 0, kill.err);
    assert.match(kill.out, new RegExp(`^kill requested for 4 jobs of 1 submission \\(${id}\\)`));
    assert.match(kill.err, NO_SERVER);
    const shown = JSON.parse((await poms('submission', id, '--json')).out) as {
      submission: { status: string };
      jobs: { request: string | null }[];
    };
    assert.equal(shown.submission.status, 'Cancelled');
    assert.ok(shown.jobs.every((j) => j.request === 'cancel'));
    const stage = await poms('kill', 'toy_z_chain/nope');
    assert.equal(stage.code, 1);
    assert.match(stage.err, /store\.not-found: campaign toy_z_chain has no stage 'nope'/);
  });

  it('kill of a campaign cancels every stage', async () => {
    const { poms } = freshData();
    await launched(poms);
    const kill = await poms('kill', 'toy_z_chain');
    assert.equal(kill.code, 0, kill.err);
    assert.match(kill.out, /^kill requested for 4 jobs of 1 submission \(campaign toy_z_chain\)/);
  });

  it('approve and reject refuse a New submission', async () => {
    const { poms } = freshData();
    const id = await launched(poms);
    for (const verb of ['approve', 'reject']) {
      const result = await poms(verb, id);
      assert.equal(result.code, 1);
      assert.match(
        result.err,
        /^poms: error submission\.bad-state: .* is New, not Awaiting Approval/,
      );
    }
  });

  it('recover checks the recovery type', async () => {
    const { poms } = freshData();
    const id = await launched(poms);
    const bad = await poms('recover', id, '--type', 'everything');
    assert.equal(bad.code, 2);
    assert.match(bad.err, /--type must be one of consumed_status, process_status/);
    const none = await poms('recover', id);
    assert.equal(none.code, 1);
    assert.match(none.err, /launch\.no-input: stage generate has no recovery recipe/);
  });
});

describe('poms schedule', () => {
  it('refuses a bad cron, sets, lists and deletes a schedule', async () => {
    const { poms } = freshData();
    const bad = await poms('schedule', 'toy_z_chain/generate', '0 3 * *');
    assert.equal(bad.code, 1);
    assert.match(bad.err, /^poms: error schedule\.bad-cron: /);
    const zone = await poms('schedule', 'toy_z_chain/generate', '0 3 * * *', '--tz', 'Mars/Base');
    assert.equal(zone.code, 1);
    assert.match(zone.err, /schedule\.bad-timezone/);

    const set = await poms('schedule', 'toy_z_chain/generate', '0 3 * * *', '--tz', 'Europe/Paris');
    assert.equal(set.code, 0, set.err);
    assert.match(set.out, /^schedule toy_z_chain\/generate: 0 3 \* \* \* \(Europe\/Paris\)$/m);
    assert.match(
      set.out,
      /^ {2}next run: \d{4}-\d\d-\d\dT\d\d:00:00Z \(\d{4}-\d\d-\d\d 03:00:00 Europe\/Paris\)$/m,
    );
    assert.match(set.err, NO_SERVER);

    const list = await poms('schedule', '--list');
    assert.equal(list.code, 0, list.err);
    assert.match(list.out, /^toy_z_chain\/generate +0 3 \* \* \* +Europe\/Paris +\d{4}-/m);
    const json = JSON.parse((await poms('schedule', '--list', '--json')).out) as {
      campaign: string;
      next_run: string;
    }[];
    assert.equal(json.length, 1);
    assert.equal(json[0]?.campaign, 'toy_z_chain');

    const deleted = await poms('schedule', 'toy_z_chain/generate', '--delete');
    assert.equal(deleted.code, 0, deleted.err);
    assert.equal(deleted.out, 'deleted the schedule of toy_z_chain/generate');
    assert.equal((await poms('schedule', '--list')).out, 'experiment demo has no schedules');
    assert.equal((await poms('schedule', 'toy_z_chain/generate')).code, 2);
  });
});

describe('poms status and submissions', () => {
  it('status prints the stages of toy_z_chain in campaign order', async () => {
    const { poms } = freshData();
    const id = await launched(poms);
    const status = await poms('status', 'toy_z_chain');
    assert.equal(status.code, 0, status.err);
    assert.match(status.out, /^server: none running on /);
    const stages = [...status.out.matchAll(/^ {2}(\w+) {2,}/gm)].map((m) => m[1]);
    assert.deepEqual(stages, ['STAGE', 'generate', 'simulate', 'reconstruct', 'analyse']);
    assert.match(status.out, new RegExp(`generate +New 1 +${id} New`));
    const json = JSON.parse((await poms('status', '--json')).out) as {
      server: unknown;
      campaigns: { name: string }[];
    };
    assert.equal(json.server, null);
    assert.ok(json.campaigns.some((c) => c.name === 'toy_z_chain'));
  });

  it('submissions filters by stage and status, and checks its flags', async () => {
    const { poms } = freshData();
    await launched(poms);
    const none = await poms('submissions', 'toy_z_chain/simulate');
    assert.equal(none.out, '0 of 0 submissions');
    const running = await poms('submissions', 'toy_z_chain', '--status', 'running,held');
    assert.equal(running.out, '0 of 0 submissions');
    const news = await poms('submissions', '--status', 'new', '--limit', '1');
    assert.match(news.out, /^1-1 of 1 submissions$/m);
    assert.equal((await poms('submissions', '--limit', '0')).code, 2);
    assert.equal((await poms('submissions', '--status', 'Bogus')).code, 2);
    const unknown = await poms('submission', 'sub_nope');
    assert.equal(unknown.code, 1);
    assert.match(unknown.err, /store\.not-found/);
  });
});
