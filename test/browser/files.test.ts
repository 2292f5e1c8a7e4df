// The file pages in a real browser over a real server: the demo campaign toy_z_chain runs to its
// end, then the analysis histogram's page shows its metadata, replicas and provenance graph back
// to the generator's files; a generated file's descendants reach the histogram; parent links, the
// depth selector, the file search and the submission page's file links lead where they should.
// The dataset pages: the list (filtered by kind in the URL), an open dataset of the generated
// files and a saved query, taking a snapshot, closing the open dataset, and the snapshot's page.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { APIRequestContext } from 'playwright-core';
import { openBrowserSession, type BrowserSession } from './browser-testing.ts';

interface ProducedBy {
  submission_id: string;
  campaign: string;
  campaign_revision: number;
  stage: string;
  job_index: number;
}
interface Output {
  name: string;
  located: boolean;
  produced_by: ProducedBy;
}
interface FileDetails {
  name: string;
  metadata: Record<string, unknown>;
  parents: string[];
  children: string[];
  replicas: { location: string; path: string }[];
}
interface Walk {
  nodes: { name: string; depth: number; produced_by: ProducedBy | null }[];
  truncated: boolean;
}

/** Generous: CI runs this on two busy cores. */
const LONG = 60_000;

describe('file pages and provenance', () => {
  let session: BrowserSession;
  let request: APIRequestContext;
  let csrf = '';
  let hist: Output;
  let histFile: FileDetails;
  const api = async <T = Record<string, unknown>>(
    method: 'GET' | 'POST',
    path: string,
    data?: unknown,
  ): Promise<T> => {
    const response = await request.fetch(session.url(`/api/v1${path}`), {
      method,
      headers: method === 'GET' ? {} : { 'x-csrf-token': csrf },
      ...(data === undefined ? {} : { data }),
    });
    assert.ok(response.ok(), `${method} ${path}: ${response.status()} ${await response.text()}`);
    return (await response.json()) as T;
  };
  const fileUrl = (name: string) => `/e/demo/files/${encodeURIComponent(name)}`;
  /** Opens a file's page from the file search, in the app (see the bookmark test below). */
  const openFile = async (name: string) => {
    const { page } = session;
    await page.goto(session.url(`/e/demo/files?q=${encodeURIComponent(name)}`));
    await page
      .getByRole('table', { name: 'Files found' })
      .getByRole('link', { name, exact: true })
      .click({ timeout: LONG });
    await page.waitForURL((u) => u.pathname === fileUrl(name), { timeout: LONG });
    await page.getByRole('heading', { name }).waitFor({ timeout: LONG });
  };

  before(async () => {
    session = await openBrowserSession();
    await session.login();
    request = session.page.request;
    csrf = String((await api('GET', '/auth/me')).csrf);
    await api('POST', '/experiments/demo/campaigns/toy_z_chain/launch', {});
    // The chain runs to its end: analyse Located and nothing of the campaign still live.
    const deadline = Date.now() + 180_000;
    for (;;) {
      const progress = await api<{
        stages: { stage: string; last_submission: { status: string } | null }[];
      }>('GET', '/experiments/demo/campaigns/toy_z_chain/progress');
      const analyse = progress.stages.find((s) => s.stage === 'analyse');
      if (analyse?.last_submission?.status === 'Located') {
        const live = await api<{ total: number }>(
          'GET',
          '/experiments/demo/submissions?campaign=toy_z_chain&status=New,Idle,Running,Held,Approved&limit=1',
        );
        if (live.total === 0) break;
      }
      assert.ok(Date.now() < deadline, `the demo did not finish: ${JSON.stringify(progress)}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    const outputs = await api<{ items: Output[] }>(
      'GET',
      '/experiments/demo/campaigns/toy_z_chain/outputs?stage=analyse&limit=100',
    );
    const found = outputs.items.find((o) => o.name.startsWith('hist_') && o.located);
    assert.ok(found, `no located histogram among ${JSON.stringify(outputs.items)}`);
    hist = found;
    histFile = await api<FileDetails>(
      'GET',
      `/experiments/demo/files/${encodeURIComponent(hist.name)}`,
    );
    assert.ok(histFile.parents.length > 0, 'the histogram has parents');
    assert.ok(histFile.replicas.length > 0, 'the histogram is located');
  });
  after(async () => {
    await session.close();
  });

  it("the histogram's page: metadata, replicas, and its ancestors back to the generator", async () => {
    const { page } = session;
    await openFile(hist.name);
    // Metadata: every field, with its value.
    const metadata = page.getByRole('table', { name: 'Metadata' });
    const fields = Object.entries(histFile.metadata);
    if (fields.length > 0) {
      await metadata.waitFor();
      assert.equal(await metadata.locator('tbody tr').count(), fields.length);
      const [key, value] = fields[0]!;
      const row = metadata.locator('tbody tr').filter({ hasText: key });
      const text = typeof value === 'string' ? value : JSON.stringify(value);
      assert.ok((await row.innerText()).includes(text), `${key}: ${text}`);
    } else {
      await page.getByRole('region', { name: 'Metadata' }).getByText('No metadata.').waitFor();
    }
    // Replicas: location and path of each.
    const replicas = page.getByRole('table', { name: 'Replicas' });
    await replicas.waitFor();
    assert.equal(await replicas.locator('tbody tr').count(), histFile.replicas.length);
    const replica = histFile.replicas[0]!;
    await replicas.getByText(replica.path, { exact: true }).waitFor();
    await replicas.getByRole('cell', { name: replica.location, exact: true }).first().waitFor();
    // Parents and children are links to their pages.
    const parents = page.getByRole('list', { name: 'Parents' });
    for (const parent of histFile.parents) {
      assert.equal(
        await parents.getByRole('link', { name: parent, exact: true }).getAttribute('href'),
        fileUrl(parent),
      );
    }

    // The provenance graph: ancestors (the default), laid out, down to the generated files.
    const graph = page.getByRole('region', { name: 'Provenance graph' });
    await page.locator('.provenance-graph[data-layout-ready="true"]').waitFor({ timeout: LONG });
    const walk = await api<Walk>(
      'GET',
      `/experiments/demo/files/${encodeURIComponent(hist.name)}/provenance?direction=ancestors`,
    );
    assert.equal(walk.truncated, false);
    assert.equal(await graph.locator('.file-node').count(), Math.min(walk.nodes.length, 300));
    const gen = graph.locator('.file-node[data-file^="gen_"]').first();
    await gen.waitFor();
    const producer = await gen.locator('.file-node-producer').innerText();
    assert.match(producer, /toy_z_chain@r1/);
    assert.match(producer, /generate/);
    assert.match(
      (await gen.locator('.file-node-producer a').getAttribute('href')) ?? '',
      /^\/e\/demo\/submissions\/sub_/,
    );
    // Parents above children: the generated file is drawn above the histogram.
    const root = graph.locator(`.file-node[data-file="${hist.name}"]`);
    await root.waitFor();
    assert.match((await root.getAttribute('class')) ?? '', /root/);
    const [genBox, rootBox] = [await gen.boundingBox(), await root.boundingBox()];
    assert.ok(genBox && rootBox && genBox.y < rootBox.y, 'ancestors are drawn above the file');
    // The table lists every file of the walk.
    const table = page.getByRole('table', { name: 'Provenance files' });
    await table.getByRole('link', { name: histFile.parents[0]!, exact: true }).waitFor();
    assert.equal(await table.getAttribute('aria-rowcount'), String(walk.nodes.length + 1));
    assert.equal(await page.getByRole('note', { name: 'Truncated' }).count(), 0);
    await session.screenshot('file-page');

    // Depth 1: only the file and its parents, kept in the URL; a truncation notice, since the
    // walk goes on beyond.
    await page.getByLabel('Depth', { exact: true }).selectOption('1');
    await page.waitForURL(/depth=1/);
    await page.getByRole('note', { name: 'Truncated' }).waitFor({ timeout: LONG });
    await page.locator('.provenance-graph[data-layout-ready="true"]').waitFor({ timeout: LONG });
    assert.equal(await graph.locator('.file-node').count(), 1 + histFile.parents.length);
    assert.equal(await graph.locator('.file-node[data-file^="gen_"]').count(), 0);
  });

  it("a generated file's descendants reach the histogram", async () => {
    const { page } = session;
    await openFile(hist.name);
    const graph = page.getByRole('region', { name: 'Provenance graph' });
    await page.locator('.provenance-graph[data-layout-ready="true"]').waitFor({ timeout: LONG });
    // Clicking a node (not on its links) opens that file's page.
    const gen = graph.locator('.file-node[data-file^="gen_"]').first();
    const genName = (await gen.getAttribute('data-file'))!;
    await gen.scrollIntoViewIfNeeded();
    const box = (await gen.boundingBox())!;
    await gen.click({ position: { x: box.width - 4, y: box.height - 4 } });
    await page.waitForURL((u) => u.pathname === fileUrl(genName), { timeout: LONG });
    await page.getByRole('heading', { name: genName }).waitFor({ timeout: LONG });

    await page.getByRole('button', { name: 'Descendants' }).click();
    await page.waitForURL(/direction=descendants/);
    await page
      .locator(
        '.provenance[data-direction="descendants"] .provenance-graph[data-layout-ready="true"]',
      )
      .waitFor({ timeout: LONG });
    await graph.locator(`.file-node[data-file="${hist.name}"]`).waitFor({ timeout: LONG });
    await page
      .getByRole('table', { name: 'Provenance files' })
      .getByRole('link', { name: hist.name, exact: true })
      .waitFor();
    // The generated file is on top, the histogram below it.
    const top = (await graph.locator(`.file-node[data-file="${genName}"]`).boundingBox())!;
    const bottom = (await graph.locator(`.file-node[data-file="${hist.name}"]`).boundingBox())!;
    assert.ok(top.y < bottom.y, 'descendants are drawn below the file');
    await session.screenshot('file-descendants');
  });

  // The server answers index.html only for paths without an extension (packages/server/src/http/
  // web-app.ts), and file names have one: until it falls back for /e/… too, this fails.
  it('a file page with its view is a bookmark: a direct load shows it', async () => {
    const { page } = session;
    const walk = await api<Walk>(
      'GET',
      `/experiments/demo/files/${encodeURIComponent(hist.name)}/provenance?direction=ancestors`,
    );
    const gen = walk.nodes.find((n) => n.name.startsWith('gen_'))!.name;
    const response = await page.goto(session.url(`${fileUrl(gen)}?direction=descendants`));
    assert.ok(
      response?.ok() && /text\/html/.test(response.headers()['content-type'] ?? ''),
      `a direct load of ${fileUrl(gen)} is not the app: ${response?.status()} (the server must ` +
        'answer index.html for /e/… paths with an extension)',
    );
    await page.getByRole('heading', { name: gen }).waitFor({ timeout: LONG });
    await page
      .getByRole('button', { name: 'Descendants' })
      .and(page.locator('[aria-pressed="true"]'))
      .waitFor({ timeout: LONG });
    await page
      .getByRole('region', { name: 'Provenance graph' })
      .locator(`.file-node[data-file="${hist.name}"]`)
      .waitFor({ timeout: LONG });
  });

  it('a parent link opens the parent, whose children link back', async () => {
    const { page } = session;
    await openFile(hist.name);
    const parent = histFile.parents[0]!;
    await page
      .getByRole('list', { name: 'Parents' })
      .getByRole('link', { name: parent, exact: true })
      .click({ timeout: LONG });
    await page.waitForURL((u) => u.pathname === fileUrl(parent), { timeout: LONG });
    await page.getByRole('heading', { name: parent }).waitFor({ timeout: LONG });
    await page
      .getByRole('list', { name: 'Children' })
      .getByRole('link', { name: hist.name, exact: true })
      .waitFor({ timeout: LONG });
    await page.locator('.provenance-graph[data-layout-ready="true"]').waitFor({ timeout: LONG });
    await session.screenshot('file-parent');
  });

  it('the file search finds the histogram by part of its name, from the navigation', async () => {
    const { page } = session;
    await page.goto(session.url('/e/demo'));
    await page
      .getByRole('navigation', { name: 'Experiment pages' })
      .getByRole('link', { name: 'Files' })
      .click({ timeout: LONG });
    await page.waitForURL(/\/e\/demo\/files$/);
    await page.getByLabel('File name contains').fill('hist_');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.waitForURL(/q=hist_/);
    const link = page
      .getByRole('table', { name: 'Files found' })
      .getByRole('link', { name: hist.name, exact: true });
    await link.waitFor({ timeout: LONG });
    await session.screenshot('file-search');
    // A query of the query language works too.
    await page.getByLabel('Search by').selectOption('query');
    await page.getByLabel('Query', { exact: true }).fill("file_name like 'gen_%'");
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.waitForURL(/mode=query/);
    await page
      .getByRole('table', { name: 'Files found' })
      .getByRole('link', { name: /^gen_/ })
      .first()
      .waitFor({ timeout: LONG });
    await page.goBack();
    await link.click({ timeout: LONG });
    await page.getByRole('heading', { name: hist.name }).waitFor({ timeout: LONG });
  });

  it("the submission page's file lists link to the file pages", async () => {
    const { page } = session;
    await page.goto(session.url(`/e/demo/submissions/${hist.produced_by.submission_id}`));
    await page.getByRole('button', { name: 'every file' }).click({ timeout: LONG });
    const files = page.getByRole('table', { name: 'Files', exact: true });
    const first = files.getByRole('link').first();
    await first.waitFor({ timeout: LONG });
    const name = await first.innerText();
    assert.equal(await first.getAttribute('href'), fileUrl(name));
    await first.click();
    await page.getByRole('heading', { name }).waitFor({ timeout: LONG });
    await page
      .getByRole('list', { name: 'Children' })
      .getByRole('link', { name: hist.name, exact: true })
      .waitFor({ timeout: LONG });
  });
  it('the datasets pages: the list, a dataset with its files, a snapshot taken and opened', async () => {
    const { page } = session;
    // The demo's chain fills no dataset: one open dataset of the generated files, one saved query.
    const gens = (
      await api<{ files: { name: string }[] }>(
        'GET',
        `/experiments/demo/files?query=${encodeURIComponent("file_name like 'gen_%.evt'")}`,
      )
    ).files.map((f) => f.name);
    assert.ok(gens.length > 0, 'the demo generated files');
    await api('POST', '/experiments/demo/datasets', {
      name: 'toy_gen_events',
      kind: 'open',
      description: 'generated events of the toy chain',
    });
    await api('POST', '/experiments/demo/datasets/toy_gen_events/files', { files: gens });
    await api('POST', '/experiments/demo/datasets', {
      name: 'toy_histograms',
      query: "file_name like 'hist_%'",
    });

    // The list, from the navigation: both, each with its kind; the kind filter is in the URL.
    await page.goto(session.url('/e/demo'));
    await page
      .getByRole('navigation', { name: 'Experiment pages' })
      .getByRole('link', { name: 'Datasets' })
      .click({ timeout: LONG });
    await page.waitForURL(/\/e\/demo\/datasets$/);
    const list = page.getByRole('table', { name: 'Datasets' });
    const openRow = list.getByRole('row').filter({ hasText: 'toy_gen_events' });
    await openRow.waitFor({ timeout: LONG });
    assert.match(await openRow.innerText(), /open dataset\s+open\s+generated events/);
    const queryRow = list.getByRole('row').filter({ hasText: 'toy_histograms' });
    assert.match(await queryRow.innerText(), /saved query\s+live\s+file_name like 'hist_%'/);
    await page.getByLabel('Kind', { exact: true }).selectOption('open');
    await page.waitForURL(/kind=open/);
    await list
      .getByRole('row')
      .filter({ hasText: 'toy_histograms' })
      .waitFor({ state: 'detached' });
    await openRow.waitFor();
    await session.screenshot('datasets');

    // The open dataset: its kind, state, file count and files, linked to their pages.
    await openRow.getByRole('link', { name: 'toy_gen_events' }).click();
    await page.waitForURL((u) => u.pathname === '/e/demo/datasets/toy_gen_events');
    await page.getByRole('heading', { name: /toy_gen_events/ }).waitFor({ timeout: LONG });
    assert.equal(await page.getByTestId('dataset-kind').innerText(), 'open dataset');
    assert.equal(await page.getByTestId('dataset-file-count').innerText(), String(gens.length));
    const files = page.getByRole('table', { name: 'Files', exact: true });
    await files.getByRole('link', { name: gens[0]!, exact: true }).waitFor({ timeout: LONG });
    assert.equal(await files.locator('tbody tr').count(), gens.length);
    assert.equal(
      await files.getByRole('link', { name: gens[0]!, exact: true }).getAttribute('href'),
      fileUrl(gens[0]!),
    );
    await page.getByText('No snapshot of this dataset yet.').waitFor();

    // A snapshot: announced, then listed with its file count.
    await page.getByRole('button', { name: 'Take snapshot' }).click();
    const taken = page.getByRole('status').filter({ hasText: /^Snapshot snp_/ });
    await taken.waitFor({ timeout: LONG });
    const id = await taken.getByRole('link').innerText();
    assert.match(id, /^snp_/);
    const snapshots = page.getByRole('table', { name: 'Snapshots' });
    const snapRow = snapshots.getByRole('row').filter({ hasText: id });
    await snapRow.waitFor({ timeout: LONG });
    assert.match(await snapRow.innerText(), new RegExp(`\\s${gens.length}$`));

    // Closing asks first; then the dataset is closed and the button gone.
    await page.getByRole('button', { name: 'Close dataset' }).click();
    await page
      .getByRole('group', { name: 'Confirm Close dataset' })
      .getByRole('button', { name: 'Yes, close dataset' })
      .click();
    await page.getByRole('term').filter({ hasText: 'Closed' }).waitFor({ timeout: LONG });
    assert.equal(await page.getByRole('button', { name: 'Close dataset' }).count(), 0);
    const after = await api<{ closed_at: string | null }>(
      'GET',
      '/experiments/demo/datasets/toy_gen_events',
    );
    assert.ok(after.closed_at, 'the dataset is closed');
    // Its history (the audit log): who created it, added the files and closed it.
    const history = page.getByRole('table', { name: 'History' });
    await history.getByText('closed dataset toy_gen_events: ').waitFor({ timeout: LONG });
    await history.getByText('created open dataset toy_gen_events').waitFor();
    assert.equal(await history.locator('tbody tr').count(), 3);
    await session.screenshot('dataset');

    // The snapshot's page: what it froze, its count and its files.
    await snapRow.getByRole('link', { name: id }).click();
    await page.waitForURL((u) => u.pathname === `/e/demo/snapshots/${id}`);
    await page.getByRole('heading', { name: new RegExp(id) }).waitFor({ timeout: LONG });
    assert.equal(await page.getByTestId('snapshot-file-count').innerText(), String(gens.length));
    await page
      .getByRole('table', { name: 'Files', exact: true })
      .getByRole('link', { name: gens[0]!, exact: true })
      .waitFor({ timeout: LONG });
    await page
      .getByRole('table', { name: 'History' })
      .getByText(`snapshot ${id} of toy_gen_events: ${gens.length} files`)
      .waitFor({ timeout: LONG });
    await session.screenshot('snapshot');

    // The saved query: its query text, and the histogram among its files.
    await page.goto(session.url('/e/demo/datasets/toy_histograms'));
    assert.equal(
      await page.getByTestId('dataset-kind').innerText({ timeout: LONG }),
      'saved query',
    );
    await page.getByText("file_name like 'hist_%'", { exact: true }).waitFor();
    await page
      .getByRole('table', { name: 'Files', exact: true })
      .getByRole('link', { name: hist.name, exact: true })
      .waitFor({ timeout: LONG });
  });
});
