import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { ExternalFile, OutputDeclaration } from '@poms/core';
import { CatalogRequestError } from '../http-client.ts';
import { MetacatClient } from './metacat-client.ts';
import { DATASET_QUERY, fixture, startFakeMetacat, type FakeMetacat } from './metacat-testing.ts';

const TOKEN = 'mc-secret-token-0123456789';

const OUTPUTS: OutputDeclaration[] = [
  {
    name: 'ana_run5000_0001.root',
    size: 512,
    checksums: { adler32: '5f607182' },
    metadata: {
      'core.data_tier': 'root-tuple',
      'core.file_type': 'detector',
      'core.run_type': 'physics',
      'dune.campaign': 'pdsp_2026',
    },
    parents: ['dune:reco_run5000_0001.root'],
  },
  {
    name: 'usertests:ana_run5000_0002.root',
    size: 1024,
    checksums: { adler32: '60718293' },
    metadata: { 'core.data_tier': 'root-tuple', 'core.file_type': 'detector' },
    parents: ['dune:reco_run5000_0002.root', '1002'],
  },
];

describe('MetacatClient against a local MetaCat stand-in', () => {
  let server: FakeMetacat;
  let client: MetacatClient;

  before(async () => {
    server = await startFakeMetacat();
  });
  after(async () => {
    await server.close();
  });
  beforeEach(() => {
    server.requests.length = 0;
    server.interrupt(null);
    server.queryFormat = 'list';
    client = new MetacatClient({ url: `${server.url}/`, token: TOKEN, timeoutMs: 2000 });
  });

  it('pages a query with MQL skip/limit until next is null, every file once and in order', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const page = await client.listFiles(DATASET_QUERY, { limit: 2, after });
      seen.push(...page.files.map((f) => f.did));
      after = page.next;
      pages++;
    } while (after !== null);
    assert.equal(pages, 3);
    assert.deepEqual(seen, [
      'dune:raw_run5000_0001.hdf5',
      'dune:raw_run5000_0002.hdf5',
      'dune:raw_run5001_0001.hdf5',
      'dune:reco_run5000_0001.root',
      'dune:reco_run5000_0002.root',
    ]);
    assert.deepEqual(
      server.requests.map((r) => [r.method, r.path, r.query, r.body]),
      [
        [
          'POST',
          '/data/query',
          'with_meta=yes&with_provenance=yes',
          `(${DATASET_QUERY}) skip 0 limit 3`,
        ],
        [
          'POST',
          '/data/query',
          'with_meta=yes&with_provenance=yes',
          `(${DATASET_QUERY}) skip 2 limit 3`,
        ],
        [
          'POST',
          '/data/query',
          'with_meta=yes&with_provenance=yes',
          `(${DATASET_QUERY}) skip 4 limit 3`,
        ],
      ],
    );
    for (const r of server.requests) {
      assert.equal(r.headers['x-authentication-token'], TOKEN);
      assert.equal(r.headers['content-type'], 'text/plain');
    }
  });

  it('maps MetaCat records to ExternalFile', async () => {
    const page = await client.listFiles(DATASET_QUERY, { limit: 10 });
    assert.equal(page.next, null);
    const expected: ExternalFile[] = [
      {
        did: 'dune:raw_run5000_0001.hdf5',
        name: 'raw_run5000_0001.hdf5',
        size: 1048576,
        checksums: { adler32: '0a1b2c3d' },
        metadata: {
          'core.data_tier': 'raw',
          'core.file_type': 'detector',
          'core.runs': '[5000]',
          'core.first_event_number': 1,
          'dune.daq_test': false,
        },
        parents: [],
      },
      {
        did: 'dune:reco_run5000_0001.root',
        name: 'reco_run5000_0001.root',
        size: 4096,
        checksums: { adler32: '3d4e5f60', md5: '9e107d9d372bb6826bd81d3542a419d6' },
        metadata: { 'core.data_tier': 'full-reconstructed', 'core.file_type': 'detector' },
        parents: ['dune:raw_run5000_0001.hdf5'],
      },
    ];
    assert.deepEqual(page.files[0], expected[0]);
    assert.deepEqual(page.files[3], expected[1]);
    // An older server's bare parent fid is kept as the fid.
    assert.deepEqual(page.files[4]?.parents, ['1002']);
  });

  it('reads query answers wrapped in results and as a JSON stream', async () => {
    server.queryFormat = 'wrapped';
    assert.equal((await client.listFiles(DATASET_QUERY, { limit: 10 })).files.length, 5);
    server.queryFormat = 'stream';
    assert.equal((await client.listFiles(DATASET_QUERY, { limit: 10 })).files.length, 5);
  });

  it('counts a query by running it without metadata', async () => {
    assert.equal(await client.countFiles(DATASET_QUERY), 5);
    assert.deepEqual(
      server.requests.map((r) => [r.method, r.path, r.query, r.body]),
      [['POST', '/data/query', 'with_meta=no&with_provenance=no', DATASET_QUERY]],
    );
  });

  it('answers metadata of known dids and leaves unknown ones out', async () => {
    const files = await client.fileMetadata([
      'dune:reco_run5000_0002.root',
      'dune:no_such_file.root',
      'not-a-did',
    ]);
    assert.deepEqual(
      files.map((f) => [f.did, f.size, f.metadata['core.data_tier']]),
      [['dune:reco_run5000_0002.root', 8192, 'full-reconstructed']],
    );
    assert.equal(server.requests.length, 1);
    const [request] = server.requests;
    assert.equal(request?.path, '/data/files');
    assert.equal(request?.query, 'with_metadata=yes&with_provenance=yes');
    assert.equal(request?.headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(request?.body ?? ''), [
      { namespace: 'dune', name: 'reco_run5000_0002.root' },
      { namespace: 'dune', name: 'no_such_file.root' },
    ]);
  });

  it('batches metadata look-ups instead of one huge request', async () => {
    const small = new MetacatClient({ url: server.url, token: TOKEN, batchSize: 2 });
    const dids = ['a', 'b', 'c', 'd', 'e'].map((n) => `dune:${n}`);
    await small.fileMetadata(dids);
    assert.deepEqual(
      server.requests.map((r) => (JSON.parse(r.body) as unknown[]).length),
      [2, 2, 1],
    );
  });

  it('declares outputs into the dataset with the documented body (golden)', async () => {
    await client.declareFiles(OUTPUTS, { dataset: 'dune:pdsp_2026_ana', namespace: 'dune' });
    assert.deepEqual(
      server.requests.map((r) => [r.method, r.path, r.query]),
      [
        ['POST', '/data/files', 'with_metadata=no&with_provenance=no'],
        ['POST', '/data/declare_files', 'dataset=dune%3Apdsp_2026_ana'],
      ],
    );
    const [lookup, declare] = server.requests;
    assert.deepEqual(
      JSON.parse(lookup?.body ?? ''),
      JSON.parse(fixture('files-lookup-request.golden.json')),
    );
    assert.deepEqual(
      JSON.parse(declare?.body ?? ''),
      JSON.parse(fixture('declare-request.golden.json')),
    );
    assert.equal(declare?.headers['x-authentication-token'], TOKEN);
    assert.equal(declare?.headers['content-type'], 'application/json');
  });

  it('treats a re-declaration with the same size and checksum as done', async () => {
    await client.declareFiles(OUTPUTS, { dataset: 'dune:pdsp_2026_ana', namespace: 'dune' });
    server.requests.length = 0;
    await client.declareFiles(OUTPUTS, { dataset: 'dune:pdsp_2026_ana', namespace: 'dune' });
    assert.deepEqual(
      server.requests.map((r) => r.path),
      ['/data/files'],
      'nothing is declared twice',
    );
  });

  it('refuses a re-declaration with a different checksum, naming the file', async () => {
    const changed: OutputDeclaration = { ...OUTPUTS[0]!, checksums: { adler32: 'ffffffff' } };
    await assert.rejects(
      client.declareFiles([changed], { dataset: 'dune:pdsp_2026_ana', namespace: 'dune' }),
      (error: unknown) => {
        assert.ok(error instanceof CatalogRequestError);
        assert.match(
          error.message,
          /dune:ana_run5000_0001\.root is already declared with a different/,
        );
        assert.equal(error.subject, 'dune:ana_run5000_0001.root');
        assert.equal(error.operation, 'declareFiles');
        assert.equal(error.retryable, false);
        return true;
      },
    );
    assert.ok(!server.requests.some((r) => r.path === '/data/declare_files'));
  });

  it('refuses outputs it cannot declare before asking the server', async () => {
    await assert.rejects(client.declareFiles(OUTPUTS, { namespace: 'dune' }), /into a dataset/);
    await assert.rejects(
      client.declareFiles([{ ...OUTPUTS[0]!, name: 'bare.root' }], { dataset: 'dune:x' }),
      /bare\.root has no namespace/,
    );
    await assert.rejects(
      client.declareFiles([{ ...OUTPUTS[0]!, metadata: { data_tier: 'raw' } }], {
        dataset: 'dune:x',
        namespace: 'dune',
      }),
      /need a category.*data_tier/,
    );
    assert.equal(server.requests.length, 0);
  });

  it('reports a 5xx as retryable, with status, operation and dataset, never the token', async () => {
    server.interrupt((req, res) => {
      res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end(
        `${fixture('server-error.txt')} token was ${String(req.headers['x-authentication-token'])}`,
      );
      return true;
    });
    await assert.rejects(client.listFiles(DATASET_QUERY), (error: unknown) => {
      assert.ok(error instanceof CatalogRequestError);
      assert.equal(error.status, 500);
      assert.equal(error.retryable, true);
      assert.equal(error.operation, 'listFiles');
      assert.equal(error.subject, DATASET_QUERY);
      assert.match(error.message, /HTTP 500: Internal Server Error/);
      assert.ok(!error.message.includes(TOKEN), error.message);
      assert.ok(!JSON.stringify(error).includes(TOKEN));
      return true;
    });
  });

  it('reports a 4xx as not retryable', async () => {
    await assert.rejects(client.countFiles('files from dune:nosuch'), (error: unknown) => {
      assert.ok(error instanceof CatalogRequestError);
      assert.equal(error.status, 400);
      assert.equal(error.retryable, false);
      return true;
    });
  });

  it('gives up on a server that does not answer in time, retryably', async () => {
    server.interrupt((_req, res) => {
      setTimeout(() => res.end('[]'), 1000).unref();
      return true;
    });
    const impatient = new MetacatClient({ url: server.url, token: TOKEN, timeoutMs: 100 });
    await assert.rejects(impatient.countFiles(DATASET_QUERY), (error: unknown) => {
      assert.ok(error instanceof CatalogRequestError);
      assert.equal(error.status, null);
      assert.equal(error.retryable, true);
      assert.match(error.message, /timed out after 100 ms/);
      assert.ok(!error.message.includes(TOKEN));
      return true;
    });
  });

  it('reports an unreachable server as retryable', async () => {
    const nowhere = new MetacatClient({ url: 'http://127.0.0.1:1', token: TOKEN, timeoutMs: 2000 });
    await assert.rejects(nowhere.countFiles(DATASET_QUERY), (error: unknown) => {
      assert.ok(error instanceof CatalogRequestError);
      assert.equal(error.retryable, true);
      assert.match(error.message, /could not reach the server/);
      assert.ok(!error.message.includes(TOKEN));
      return true;
    });
  });

  it('sends no token header when it has none, and rejects cursors it did not make', async () => {
    const anonymous = new MetacatClient({ url: server.url });
    await anonymous.countFiles(DATASET_QUERY);
    assert.equal(server.requests[0]?.headers['x-authentication-token'], undefined);
    await assert.rejects(anonymous.listFiles(DATASET_QUERY, { after: 'abc' }), /unknown cursor/);
  });
});
