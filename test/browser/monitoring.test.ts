// The monitoring and control pages in a real browser over a real server: the demo campaign
// toy_z_chain is launched and runs (its simulate stage fails some files on purpose and recovers),
// then every page is visited, checked for the demo's real data, acted on once, and photographed.
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { APIRequestContext } from 'playwright-core';
import { openBrowserSession, waitUntil, type BrowserSession } from './browser-testing.ts';

interface Sub {
  id: string;
  job_count: number;
  stage: string;
  status: string;
  chain_root_id: string;
  recovery_type: string | null;
}

describe('monitoring pages', () => {
  let session: BrowserSession;
  let request: APIRequestContext;
  let csrf = '';
  const api = async (method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, data?: unknown) => {
    const response = await request.fetch(session.url(`/api/v1${path}`), {
      method,
      headers: method === 'GET' ? {} : { 'x-csrf-token': csrf },
      ...(data === undefined ? {} : { data }),
    });
    assert.ok(response.ok(), `${method} ${path}: ${response.status()} ${await response.text()}`);
    return (await response.json()) as Record<string, unknown>;
  };
  const submissions = async (query = '') =>
    (await api('GET', `/experiments/demo/submissions?limit=1000${query}`)).items as Sub[];

  before(async () => {
    session = await openBrowserSession();
    await session.login();
    request = session.page.request;
    csrf = String((await api('GET', '/auth/me')).csrf);
    await api('POST', '/experiments/demo/campaigns/toy_z_chain/launch', {});
    // The chain runs: wait for the simulate stage's first pass (deliberate failures) and its
    // recovery, so the pages have history, failed jobs and a recovery chain to show.
    const deadline = Date.now() + 30_000;
    for (;;) {
      const subs = await submissions('&campaign=toy_z_chain&stage=simulate');
      if (subs.some((s) => s.recovery_type !== null)) break;
      assert.ok(Date.now() < deadline, `the demo did not recover in time: ${JSON.stringify(subs)}`);
      await new Promise((r) => setTimeout(r, 300));
    }
  });
  after(async () => {
    // Stop what still runs, so the server closes over a quiet file store.
    await api('POST', '/experiments/demo/campaigns/toy_z_chain/kill');
    const deadline = Date.now() + 15_000;
    while ((await submissions('&status=New,Idle,Running,Held,Approved')).length > 0) {
      if (Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    await session.close();
  });

  it('dashboard: running submissions, failures and holds panels with the demo data', async () => {
    const { page } = session;
    await page.goto(session.url('/e/demo'));
    for (const title of [
      'My campaigns',
      'Running submissions',
      'Recent failures',
      'Holds in effect',
    ]) {
      await page.getByRole('region', { name: title }).waitFor();
    }
    await page.getByRole('region', { name: 'Holds in effect' }).getByText('No holds.').waitFor();
    await page
      .getByRole('region', { name: 'My campaigns' })
      .locator('.empty, li')
      .first()
      .waitFor();
    await session.screenshot('monitoring-dashboard');
  });

  it('campaigns: filters, tags, watch, bulk hold shown as held stages', async () => {
    const { page } = session;
    // The list's items carry tags, owner, stages and held stages: no request per campaign.
    const perCampaign: string[] = [];
    const record = (r: { url(): string; method(): string }) => {
      if (
        r.method() === 'GET' &&
        /\/api\/v1\/experiments\/demo\/campaigns\/[^/?]+$/.test(r.url())
      ) {
        perCampaign.push(r.url());
      }
    };
    page.on('request', record);
    await page.goto(session.url('/e/demo/campaigns'));
    const table = page.getByRole('table', { name: 'Campaigns' });
    const row = table.getByRole('row').filter({ hasText: 'toy_z_chain' });
    await row.waitFor();
    await row.getByRole('button', { name: 'demo' }).waitFor(); // a tag
    const listed = (
      (await api('GET', '/experiments/demo/campaigns?name=toy_z_chain')).items as {
        name: string;
        owner: string;
        stage_count: number;
      }[]
    ).find((c) => c.name === 'toy_z_chain');
    assert.equal(listed?.stage_count, 4);
    await row.getByRole('cell', { name: listed.owner, exact: true }).waitFor();
    await row.getByRole('cell', { name: '4', exact: true }).waitFor(); // its stages
    page.off('request', record);
    assert.deepEqual(perCampaign, []);
    // Server-side filter by name: only matching campaigns remain.
    await page.getByLabel('Name contains').fill('toy_z');
    await page.waitForURL(/name=toy_z/);
    await table.getByRole('row').nth(2).waitFor({ state: 'detached' });
    assert.equal(await table.getByRole('row').count(), 2); // header + toy_z_chain
    // Watch it: the button turns into Unwatch, and the dashboard lists it as mine.
    await row.getByRole('button', { name: 'Watch' }).click();
    await row.getByRole('button', { name: 'Unwatch' }).waitFor();
    const watches = await api('GET', '/experiments/demo/watches');
    assert.equal(watches.total, 1);
    // Bulk: hold every stage's launches of the selected campaign, after confirming.
    await row.getByRole('checkbox').check();
    await page.getByRole('button', { name: 'Hold launches' }).click();
    await page.getByRole('button', { name: 'Yes, hold launches' }).click();
    await page.getByRole('list', { name: 'Bulk results' }).getByText('4 stages held').waitFor();
    await row.getByText('4 held').waitFor();
    const holds = await api('GET', '/experiments/demo/holds?campaign=toy_z_chain');
    assert.equal(holds.total, 4);
    await session.screenshot('monitoring-campaigns');
    await page.goto(session.url('/e/demo'));
    await page.getByRole('region', { name: 'My campaigns' }).getByText('toy_z_chain').waitFor();
    await page
      .getByRole('region', { name: 'Holds in effect' })
      .getByText('toy_z_chain / generate')
      .waitFor();
  });

  it('held launches: a launch queues behind the hold and the release lets it go', async () => {
    const { page } = session;
    const launched = await api(
      'POST',
      '/experiments/demo/campaigns/toy_z_chain/stages/generate/launch',
      { test: true },
    );
    assert.equal(launched.kind, 'held');
    await page.goto(session.url('/e/demo/held-launches'));
    const queue = page.getByRole('table', { name: 'Queued launches' });
    // The chain may still queue its own downstream launches behind the other stages' holds.
    const generateRow = queue
      .getByRole('row')
      .filter({ has: page.getByRole('cell', { name: 'generate', exact: true }) });
    await generateRow.waitFor();
    await session.screenshot('monitoring-held-launches');
    const hold = page
      .getByRole('table', { name: 'Holds' })
      .getByRole('row')
      .filter({ hasText: 'toy_z_chain / generate' });
    await hold.getByRole('button', { name: 'Release' }).click();
    await hold.getByRole('button', { name: 'Yes, release' }).click();
    await page.getByRole('status').filter({ hasText: '1 queued launches let go' }).waitFor();
    await generateRow.waitFor({ state: 'detached' });
    const left = (await api('GET', '/experiments/demo/held-launches')).items as { stage: string }[];
    assert.ok(!left.some((q) => q.stage === 'generate'), JSON.stringify(left));
    // Release the other stages too, through the API, so later launches run.
    for (const stage of ['simulate', 'reconstruct', 'analyse']) {
      await api('DELETE', `/experiments/demo/campaigns/toy_z_chain/stages/${stage}/hold`);
    }
  });

  it('submissions: the demo chain in a server-filtered virtualized table', async () => {
    const { page } = session;
    // One stage's submissions (a filter kept in the URL): few rows, all in the table's view.
    await page.goto(session.url('/e/demo/submissions?stage=simulate'));
    const table = page.getByRole('table', { name: 'Submissions' });
    await table.getByText('consumed_status').first().waitFor(); // the recovery
    // A production submission leaves the table when only test ones are asked for (the test chain
    // launched above may have reached simulate by now, so rows are told apart by id).
    const production = (await submissions('&test=false&stage=simulate'))[0]!;
    await table.getByRole('link', { name: `#${production.id}` }).waitFor();
    await page.getByLabel('Kind').selectOption('true');
    await page.waitForURL(/test=true/);
    await table.getByRole('link', { name: `#${production.id}` }).waitFor({ state: 'detached' });
    // Every test submission of every stage, the generate one launched above among them.
    await page.goto(session.url('/e/demo/submissions?test=true'));
    const anyTest = (await submissions('&test=true&stage=generate'))[0]!;
    await table.getByRole('link', { name: `#${anyTest.id}` }).waitFor();
    await page.getByLabel('Kind').selectOption('');
    await page.getByText('Failed', { exact: true }).first().waitFor();
    await session.screenshot('monitoring-submissions');
  });

  it('a submission: history, file statistics to files, failed jobs, logs, chain', async () => {
    const { page } = session;
    // The production first pass whose recovery ran (a test chain launched by an earlier test
    // may have a newer first pass of its own, not recovered yet).
    const passes = await submissions('&campaign=toy_z_chain&stage=simulate&test=false');
    const simulate = passes.find(
      (s) =>
        s.recovery_type === null &&
        passes.some((r) => r.recovery_type !== null && r.chain_root_id === s.id),
    )!;
    assert.ok(simulate, JSON.stringify(passes));
    await page.goto(session.url(`/e/demo/submissions/${simulate.id}`));
    await page.getByRole('heading', { name: `Submission #${simulate.id}` }).waitFor();
    const history = page.getByRole('table', { name: 'Status history' });
    await history.getByText('New').first().waitFor();
    assert.ok((await history.getByRole('row').count()) >= 3);
    // A failed file, found through the statistics.
    await page.getByRole('button', { name: /failed/ }).click();
    const files = page.getByRole('table', { name: 'Files failed' });
    await files.getByRole('row').nth(1).waitFor();
    assert.match(await files.innerText(), /gen_/);
    // The jobs, a page from the server in a virtualized table, then only the failures: the
    // deliberate ones exit with code 65. The filter is the server's (failed=true).
    const panel = page.getByRole('region', { name: `Jobs (${simulate.job_count})` });
    const jobs = panel.getByRole('table', { name: 'Jobs' });
    await jobs.getByRole('row').nth(1).waitFor();
    const failedTotal = Number(
      (await api('GET', `/experiments/demo/submissions/${simulate.id}/jobs?failed=true&limit=1`))
        .total,
    );
    assert.ok(failedTotal > 0 && failedTotal < simulate.job_count, String(failedTotal));
    await panel.getByText(`1–${simulate.job_count} of ${simulate.job_count}`).waitFor();
    await panel.getByLabel('Job state').selectOption('failed-any');
    await panel.getByText(`1–${failedTotal} of ${failedTotal}`).waitFor();
    assert.equal(await jobs.locator('.data-table-row.bad').count(), failedTotal);
    assert.equal(await jobs.locator('.data-table-row').count(), failedTotal);
    const failed = jobs.locator('.data-table-row.bad').first();
    assert.match(await failed.innerText(), /65/);
    // One state: the completed ones, none of them failed.
    // The table still shows the failures until the server's answer arrives, and its count
    // text can be the same ("1–2 of 2"), so wait for the rows themselves to change.
    await panel.getByLabel('Job state').selectOption('completed');
    const completed = Number(
      (
        await api(
          'GET',
          `/experiments/demo/submissions/${simulate.id}/jobs?state=completed&limit=1`,
        )
      ).total,
    );
    await waitUntil(
      async () =>
        (await jobs.locator('.data-table-row.bad').count()) === 0 &&
        (await jobs.locator('.data-table-row').count()) === completed,
      'the completed jobs, none of them failed',
    );
    await panel.getByLabel('Job state').selectOption('failed-any');
    await panel.getByText(`1–${failedTotal} of ${failedTotal}`).waitFor();
    await failed.getByRole('button', { name: /Logs of job/ }).click();
    const viewer = page.getByRole('region', { name: /Logs of job/ });
    await viewer.getByRole('tab', { name: 'stderr' }).click();
    await viewer
      .locator('pre')
      .filter({ hasText: /G4Exception|fail/i })
      .waitFor();
    // The chain: the first pass and its recovery.
    const chain = page.getByRole('list', { name: 'Recovery chain' });
    await chain.getByText('recovery: consumed_status').waitFor();
    await session.screenshot('monitoring-submission');
    // Holding a finished submission holds no job, and the page says so.
    await page.getByRole('button', { name: 'Hold', exact: true }).click();
    await page.getByRole('button', { name: 'Yes, hold' }).click();
    await page.getByRole('status').filter({ hasText: 'hold: 0 jobs' }).waitFor();
  });

  it('a submission: jobs over time and efficiency as charts, with their numbers', async () => {
    const { page } = session;
    const simulate = (await submissions('&campaign=toy_z_chain&stage=simulate&test=false')).find(
      (s) => s.recovery_type === null,
    )!;
    await page.goto(session.url(`/e/demo/submissions/${simulate.id}`));
    const timeline = page.getByRole('region', { name: 'Jobs over time' });
    await timeline.locator('figure[aria-label="Jobs over time"] canvas').first().waitFor();
    // One row per job in the chart's table of numbers (in a closed <details>); the deliberate
    // failures among them.
    const rows = timeline
      .getByRole('table', { name: 'Jobs over time: numbers', includeHidden: true })
      .locator('tbody tr');
    assert.equal(await rows.count(), simulate.job_count);
    assert.match(await timeline.getByLabel('Jobs by outcome').innerText(), /\d+ failed/);
    const efficiency = page.getByRole('region', { name: 'Efficiency' });
    await efficiency.getByLabel('Efficiency numbers').waitFor();
    assert.match(
      await efficiency.getByLabel('Efficiency numbers').innerText(),
      /CPU efficiency\s*\d+ %/,
    );
    await efficiency.locator('figure[aria-label="Exit codes"] canvas').waitFor();
    assert.match(
      (await efficiency
        .getByRole('table', { name: 'Exit codes: numbers', includeHidden: true })
        .textContent()) ?? '',
      /exit 65/,
    );
    await timeline.scrollIntoViewIfNeeded();
    await session.screenshot('monitoring-submission-charts');
  });

  it("triage: the demo's injected failures form one group, with its tail and example logs", async () => {
    const { page } = session;
    await page.goto(session.url('/e/demo/triage'));
    const groups = page.getByRole('table', { name: 'Failure groups' });
    const row = groups.locator('tbody tr').filter({ hasText: 'toy_z_chain/simulate' });
    await row.first().waitFor();
    assert.equal(await row.count(), 1, 'one signature for the injected failures');
    assert.match(await row.innerText(), /65/);
    await row.getByRole('button').click();
    await page.getByLabel('Normalised log tail').waitFor();
    const example = page.locator('pre[aria-label^="Log of job"]').first();
    assert.notEqual((await example.innerText()).trim(), '');
    await session.screenshot('monitoring-triage');
  });

  it('triage by exit code: one click recovers exactly the files a failure left', async () => {
    const { page, server } = session;
    // A campaign of our own, without a recovery recipe: its job fails (exit 7) the first time it
    // sees a `bad` file and works the next time, so its failed files wait for a person.
    const folder = mkdtempSync(join(tmpdir(), 'poms-triage-browser-'));
    try {
      const script = join(folder, 'flaky.sh');
      writeFileSync(
        script,
        `#!/bin/sh
for a in "$@"; do f=$a; done
b=$(basename "$f")
case "$b" in *bad*)
  if [ ! -e "${folder}/seen_$b" ]; then
    touch "${folder}/seen_$b"; echo "Error: flaky disk reading $b" >&2; exit 7
  fi ;;
esac
echo "processed $b"
cp "$f" "out_$b"
`,
      );
      chmodSync(script, 0o755);
      const names = ['tg_bad_1.dat', 'tg_bad_2.dat', 'tg_ok_3.dat'];
      for (const name of names) writeFileSync(join(folder, name), `input ${name}\n`);
      await server.store.catalog.declareFiles(
        'demo',
        names.map((name) => ({
          name,
          replicas: [{ location: 'local', path: join(folder, name) }],
        })),
      );
      await api('POST', '/experiments/demo/campaigns', {
        text: `campaign: tg_flaky
job_types:
  work:
    command: ${script}
    files_per_job: 1
    output_patterns: ["out_%"]
launch_setups:
  here:
    engine: local
stages:
  work:
    input: "file_name like 'tg_%%'"
    job_type: work
    launch_setup: here
`,
      });
      const ended = async (id: string) => {
        await waitUntil(
          async () => {
            const details = await api('GET', `/experiments/demo/submissions/${id}`);
            return !['New', 'Idle', 'Running', 'Held', 'Approved'].includes(
              (details.submission as Sub).status,
            );
          },
          `submission ${id} ended`,
          30_000,
        );
      };
      const first = await api(
        'POST',
        '/experiments/demo/campaigns/tg_flaky/stages/work/launch',
        {},
      );
      assert.equal(first.kind, 'launched', JSON.stringify(first));
      await ended((first.submission as Sub).id);

      // The exit-code view, kept in the URL: the failure is one group, with its two files left.
      await page.goto(session.url('/e/demo/triage'));
      await page.getByLabel('Group by').selectOption('exit_code');
      await page.waitForURL(/group_by=exit_code/);
      await page.getByRole('region', { name: 'Failures by exit code' }).waitFor();
      const row = page
        .getByRole('table', { name: 'Failure groups' })
        .locator('tbody tr')
        // The stages cell (an open group's details row names the stage too, inside other text).
        .filter({ has: page.getByRole('cell', { name: 'tg_flaky/work', exact: true }) });
      const cells = async () => (await row.getByRole('cell').allInnerTexts()).slice(1, 5);
      await row.waitFor();
      assert.deepEqual(await cells(), ['7', '2', '2', '1']); // exit, jobs, files, signatures
      await row.getByRole('button').click();
      await page.waitForURL(/open=exit7/);
      const signatures = page.getByRole('table', { name: 'Signatures of exit7' });
      await signatures.getByText('Error: flaky disk reading FILE').waitFor();
      await page.getByRole('button', { name: 'Recover these 2 files' }).click();
      await page.getByRole('button', { name: 'Yes, recover these 2 files' }).click();
      await page
        .getByRole('status')
        .filter({ hasText: /exit7: tg_flaky\/work \(2 files\): submission sub_/ })
        .waitFor();
      // Exactly those files, in one new submission (a recovery).
      const launched = (await submissions('&campaign=tg_flaky')).filter(
        (s) => s.id !== (first.submission as Sub).id,
      );
      assert.equal(launched.length, 1, JSON.stringify(launched));
      const recovery = launched[0] as Sub;
      const ledger = (await api('GET', `/experiments/demo/submissions/${recovery.id}/ledger`))
        .items as { file: string }[];
      assert.deepEqual(ledger.map((e) => e.file).sort(), ['tg_bad_1.dat', 'tg_bad_2.dat']);
      await ended(recovery.id);
      // Redone since: nothing left in the group, on the same bookmarked view.
      await page.reload();
      await row.waitFor();
      assert.deepEqual(await cells(), ['7', '2', '0', '1']);
      await page.getByText('No files left to recover').waitFor();
      await session.screenshot('monitoring-triage-by-exit');

      // The recovery's job 0 logs on its submission page, its stdout downloaded through the link.
      const logs = `/experiments/demo/submissions/${recovery.id}/jobs/0/logs`;
      await waitUntil(async () => (await api('GET', logs)).source === 'kept', 'the kept log');
      const kept = String((await api('GET', `${logs}?stream=stdout&offset=0`)).text);
      assert.match(kept, /processed tg_bad_\d\.dat/);
      await page.goto(session.url(`/e/demo/submissions/${recovery.id}`));
      await page.getByRole('button', { name: 'Logs of job 0', exact: true }).click();
      const viewer = page.getByRole('region', { name: 'Logs of job 0' });
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        viewer.getByRole('link', { name: 'Download stdout' }).click(),
      ]);
      assert.equal(readFileSync(await download.path(), 'utf8'), kept);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('kill: a running test submission is killed from its page', async () => {
    const { page } = session;
    const outcome = await api(
      'POST',
      '/experiments/demo/campaigns/toy_z_chain/stages/generate/launch',
      {
        test: true,
        overrides: [['--events=', '5000000']],
      },
    );
    assert.equal(outcome.kind, 'launched', JSON.stringify(outcome));
    const id = (outcome.submission as Sub).id;
    await page.goto(session.url(`/e/demo/submissions/${id}`));
    await page.getByRole('heading', { name: `Submission #${id}` }).waitFor();
    await page.getByRole('button', { name: 'Kill', exact: true }).click();
    await page.getByRole('button', { name: 'Yes, kill' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /kill: \d+ jobs/ })
      .waitFor();
    const deadline = Date.now() + 15_000;
    for (;;) {
      const details = await api('GET', `/experiments/demo/submissions/${id}`);
      const status = (details.submission as Sub).status;
      if (['Removed', 'Cancelled', 'Failed'].includes(status)) break;
      assert.ok(Date.now() < deadline, `still ${status}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    await page.getByRole('button', { name: 'Refresh' }).first().click();
    await page
      .getByRole('heading', { name: `Submission #${id}` })
      .locator('.badge')
      .filter({ hasText: /Removed|Cancelled|Failed/ })
      .waitFor();
    await session.screenshot('monitoring-submission-killed');
  });

  it('audit log: the holds and the kill, filtered by action', async () => {
    const { page } = session;
    await page.goto(session.url('/e/demo/audit'));
    const table = page.getByRole('table', { name: 'Audit log' });
    await table.getByText('campaign.launch').first().waitFor();
    await page.getByLabel('Action').fill('hold.set');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/action=hold\.set/);
    await table.getByText('campaign.launch').first().waitFor({ state: 'detached' });
    assert.equal(await table.getByRole('row').count(), 1 + 4); // header + the four stage holds
    await session.screenshot('monitoring-audit');
  });
});
