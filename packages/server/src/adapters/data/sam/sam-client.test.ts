import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { ExternalFile, OutputDeclaration } from '@poms/core';
import { CatalogRequestError } from '../http-client.ts';
import { SamClient } from './sam-client.ts';
import { DEFINITION, EXPERIMENT, fixture, startFakeSam, type FakeSam } from './sam-testing.ts';

const TOKEN = 'sam-bearer-secret-9876543210';
const API = `/sam/${EXPERIMENT}/api`;

const OUTPUTS: OutputDeclaration[] = [
  {
    name: 'np04_ana_run005000_0001.root',
    size: 512,
    checksums: { adler32: '5f607182' },
    metadata: {
      data_tier: 'root-tuple',
      file_type: 'detector',
      file_format: 'root',
      event_count: 100,
      'DUNE.campaign': 'np04_2026',
      'application.family': 'art',
      'application.name': 'ana',
      'application.version': 'v2_1_0',
      run_number: 5000,
      subrun_number: 1,
      run_type: 'physics',
    },
    parents: ['np04_reco_run005000_0001_dl1.root'],
  },
  {
    name: 'np04_ana_run005000_0002.root',
    size: 1024,
    checksums: { adler32: '60718293' },
    metadata: { data_tier: 'root-tuple', file_type: 'detector', run_number: 5000 },
    parents: ['np04_reco_run005000_0002_dl1.root'],
  },
];

describe('SamClient against a local samweb stand-in', () => {
  let server: FakeSam;
  let client: SamClient;

  before(async () => {
    server = await startFakeSam();
  });
  after(async () => {
    await server.close();
  });
  beforeEach(() => {
    server.requests.length = 0;
    server.maxInFlight = 0;
    server.interrupt(null);
    client = new SamClient({
      url: `${server.url}/`,
      experiment: EXPERIMENT,
      token: TOKEN,
      timeoutMs: 2000,
    });
  });

  it('pages a definition with `with limit`/`with offset` until next is null, every file once', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const page = await client.listFiles(DEFINITION, { limit: 2, after });
      seen.push(...page.files.map((f) => f.did));
      after = page.next;
      pages++;
    } while (after !== null);
    assert.equal(pages, 3);
    assert.deepEqual(seen, fixture('files-list.txt').trim().split('\n'));
    const lists = server.requests.filter((r) => r.path === `${API}/files/list`);
    assert.deepEqual(
      lists.map((r) => [r.method, r.query]),
      [0, 2, 4].map((offset) => [
        'GET',
        new URLSearchParams({
          format: 'plain',
          dims: `(${DEFINITION}) with limit 3 with offset ${offset}`,
        }).toString(),
      ]),
    );
    for (const r of server.requests) assert.equal(r.headers.authorization, `Bearer ${TOKEN}`);
    const metadataPaths = server.requests.filter((r) => r.path.endsWith('/metadata'));
    assert.equal(metadataPaths.length, 5, 'one metadata request per listed file');
    assert.ok(metadataPaths.every((r) => r.method === 'GET' && r.query === 'format=json'));
  });

  it('maps SAM metadata to ExternalFile', async () => {
    const [raw, reco] = await client.fileMetadata([
      'np04_raw_run005000_0001_dl1.root',
      'np04_reco_run005000_0001_dl1.root',
    ]);
    const expected: ExternalFile = {
      did: 'np04_raw_run005000_0001_dl1.root',
      name: 'np04_raw_run005000_0001_dl1.root',
      size: 1048576,
      checksums: { enstore: '1234567890', adler32: '0a1b2c3d' },
      metadata: {
        file_id: 70001,
        create_date: '2026-01-10T08:00:00+00:00',
        user: 'np04data',
        update_date: '2026-01-10T08:05:00+00:00',
        update_user: 'np04data',
        content_status: 'good',
        file_type: 'detector',
        file_format: 'artroot',
        data_tier: 'raw',
        group: 'protodune-sp',
        event_count: 100,
        first_event: 1,
        last_event: 100,
        'application.family': 'art',
        'application.name': 'daq',
        'application.version': 'v1_0_0',
        'DUNE.campaign': 'np04_2026',
        runs: '[[5000,1,"physics"]]',
        run_number: 5000,
        subrun_number: 1,
        run_type: 'physics',
      },
      parents: [],
    };
    assert.deepEqual(raw, expected);
    assert.deepEqual(reco?.parents, ['np04_raw_run005000_0001_dl1.root']);
    assert.equal(
      server.requests[0]?.path,
      `${API}/files/name/np04_raw_run005000_0001_dl1.root/metadata`,
    );
  });

  it('leaves unknown names out and bounds the metadata fan-out', async () => {
    const limited = new SamClient({ url: server.url, experiment: EXPERIMENT, concurrency: 2 });
    const names = [...fixture('files-list.txt').trim().split('\n'), 'no_such_file.root'];
    const files = await limited.fileMetadata(names);
    assert.equal(files.length, 5);
    assert.deepEqual(
      files.map((f) => f.name),
      names.slice(0, 5),
    );
    assert.equal(server.requests.length, 6);
    assert.ok(server.maxInFlight <= 2, `at most 2 in flight, saw ${server.maxInFlight}`);
    assert.equal(server.requests[0]?.headers.authorization, undefined, 'no token, no header');
  });

  it('counts with files/count', async () => {
    assert.equal(await client.countFiles(DEFINITION), 5);
    assert.deepEqual(
      server.requests.map((r) => [r.method, r.path, r.query]),
      [['GET', `${API}/files/count`, new URLSearchParams({ dims: DEFINITION }).toString()]],
    );
  });

  it('posts long dimensions as a form, as samweb does', async () => {
    const long = `${DEFINITION} and not file_name ${'x'.repeat(1100)}`;
    await client.listFiles(long, { limit: 2 });
    const [request] = server.requests;
    assert.equal(request?.method, 'POST');
    assert.equal(request?.query, 'format=plain');
    assert.equal(request?.headers['content-type'], 'application/x-www-form-urlencoded');
    assert.equal(
      new URLSearchParams(request?.body).get('dims'),
      `(${long}) with limit 3 with offset 0`,
    );
  });

  it('declares each output with SAM metadata JSON (golden)', async () => {
    await client.declareFiles(OUTPUTS, { dataset: 'ignored-by-sam' });
    const posts = server.requests.filter((r) => r.method === 'POST');
    assert.equal(posts.length, 2);
    for (const post of posts) {
      assert.equal(post.path, `${API}/files`);
      assert.equal(post.query, '');
      assert.equal(post.headers.authorization, `Bearer ${TOKEN}`);
      assert.equal(post.headers['content-type'], 'application/json');
      const body = JSON.parse(post.body) as { file_name: string };
      assert.deepEqual(body, JSON.parse(fixture(`declare-${body.file_name}.golden.json`)));
    }
  });

  it('treats a re-declaration with the same size and checksum as done', async () => {
    await client.declareFiles(OUTPUTS, {});
    server.requests.length = 0;
    await client.declareFiles(OUTPUTS, {});
    assert.deepEqual(
      server.requests.map((r) => r.method).sort(),
      ['GET', 'GET', 'POST', 'POST'],
      'each refused POST is checked against the metadata SAM has',
    );
  });

  it('refuses a re-declaration with a different size, naming the file', async () => {
    const changed: OutputDeclaration = { ...OUTPUTS[1]!, size: 999 };
    await assert.rejects(client.declareFiles([changed], {}), (error: unknown) => {
      assert.ok(error instanceof CatalogRequestError);
      assert.match(
        error.message,
        /np04_ana_run005000_0002\.root is already declared with a different size or checksum/,
      );
      assert.equal(error.subject, 'np04_ana_run005000_0002.root');
      assert.equal(error.retryable, false);
      assert.ok(!error.message.includes(TOKEN));
      return true;
    });
  });

  it('reports a 5xx as retryable, naming the file, never the token', async () => {
    server.interrupt((req, res) => {
      res.writeHead(503, { 'Content-Type': 'text/plain' });
      res.end(`${fixture('server-error.txt')} (${String(req.headers.authorization)})`);
      return true;
    });
    await assert.rejects(
      client.fileMetadata(['np04_raw_run005000_0001_dl1.root']),
      (error: unknown) => {
        assert.ok(error instanceof CatalogRequestError);
        assert.equal(error.status, 503);
        assert.equal(error.retryable, true);
        assert.equal(error.operation, 'fileMetadata');
        assert.equal(error.subject, 'np04_raw_run005000_0001_dl1.root');
        assert.ok(!error.message.includes(TOKEN), error.message);
        assert.ok(!JSON.stringify(error).includes(TOKEN));
        return true;
      },
    );
  });

  it('reports a refused declaration that is not a duplicate as not retryable', async () => {
    server.interrupt((_req, res) => {
      res.writeHead(400, { 'Content-Type': 'text/plain' });
      res.end("Invalid metadata: unknown data_tier 'root-tuple'");
      return true;
    });
    await assert.rejects(client.declareFiles([OUTPUTS[0]!], {}), (error: unknown) => {
      assert.ok(error instanceof CatalogRequestError);
      assert.equal(error.status, 400);
      assert.equal(error.retryable, false);
      assert.match(error.message, /np04_ana_run005000_0001\.root.*unknown data_tier/);
      return true;
    });
  });

  it('gives up on a server that does not answer in time, retryably', async () => {
    server.interrupt((_req, res) => {
      setTimeout(() => res.end('5'), 1000).unref();
      return true;
    });
    const impatient = new SamClient({
      url: server.url,
      experiment: EXPERIMENT,
      token: TOKEN,
      timeoutMs: 100,
    });
    await assert.rejects(impatient.countFiles(DEFINITION), (error: unknown) => {
      assert.ok(error instanceof CatalogRequestError);
      assert.equal(error.status, null);
      assert.equal(error.retryable, true);
      assert.match(error.message, /timed out after 100 ms/);
      assert.ok(!error.message.includes(TOKEN));
      return true;
    });
  });

  it('rejects a count that is not a number and a cursor it did not make', async () => {
    server.interrupt((_req, res) => {
      res.end('<html>login</html>');
      return true;
    });
    await assert.rejects(client.countFiles(DEFINITION), /not a count/);
    await assert.rejects(client.listFiles(DEFINITION, { after: '-1' }), /unknown cursor/);
  });
});
