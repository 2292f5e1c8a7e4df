// Hostile input through the API: secrets of a launch setup never come back (config, dry run),
// queries cannot reach SQL (an injection attempt is a syntax error or matches nothing, and the
// catalog is unchanged), and ids and names with `../` never reach a file outside the data folder.
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { startServer, type RunningServer } from '../../main.ts';
import { apiCaller, apiToken, errorCode } from './api-testing.ts';

const ADMIN_PASSWORD = 'the injection admin password';
const SECRET_VALUE = 'sekrit-value-that-must-not-leak';

const CAMPAIGN = `campaign: leaky
job_types:
  work:
    command: /bin/true
launch_setups:
  here:
    engine: local
    environment:
      API_TOKEN: ${SECRET_VALUE}
      DB_PASSWORD: ${SECRET_VALUE}
      PLAIN: visible
defaults:
  job_type: work
  launch_setup: here
stages:
  gen:
    type: generator
    completion: {type: complete}
`;

describe('hostile input through the API', () => {
  let server: RunningServer;
  const call = apiCaller(() => server.url);
  let token = '';
  let submission = '';

  before(async () => {
    server = await startServer({
      memory: true,
      port: 0,
      adminPassword: ADMIN_PASSWORD,
      pollIntervalMs: 100,
    });
    token = await apiToken(call, 'admin', ADMIN_PASSWORD);
    const created = await call('POST', '/experiments/demo/campaigns', {
      token,
      body: { text: CAMPAIGN },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const launched = await call('POST', '/experiments/demo/campaigns/leaky/stages/gen/launch', {
      token,
      body: {},
    });
    assert.equal(launched.status, 201, JSON.stringify(launched.body));
    submission = String((launched.body.submission as { id: string }).id);
  });
  after(async () => {
    await server.close();
  });

  it('never answers the values of secret-looking environment names', async () => {
    const config = await call('GET', `/experiments/demo/submissions/${submission}/config`, {
      token,
    });
    assert.equal(config.status, 200);
    const text = JSON.stringify(config.body);
    assert.ok(!text.includes(SECRET_VALUE), text);
    assert.match(text, /"API_TOKEN":"\(hidden\)"/);
    assert.match(text, /"PLAIN":"visible"/);
    const dry = await call('POST', '/experiments/demo/campaigns/leaky/stages/gen/dry-run', {
      token,
      body: {},
    });
    assert.equal(dry.status, 200, JSON.stringify(dry.body));
    const dryText = JSON.stringify(dry.body);
    assert.ok(!dryText.includes(SECRET_VALUE), dryText);
    assert.match(dryText, /"DB_PASSWORD":"\(hidden\)"/);
  });

  it('keeps queries away from SQL: injection attempts are syntax errors or match nothing', async () => {
    await server.store.catalog.declareFiles('demo', [
      { name: 'real.root', size: 1, metadata: { run_number: 1 } },
    ]);
    const before = await server.store.catalog.countFiles('demo', { type: 'all' });
    const attempts = [
      "file_name = 'x' or '1'='1'",
      "file_name = 'x''; drop table files; --'",
      'run_number = 1; drop table files',
      "file_name like '%' union select * from users",
      'run_number = 1) or (1=1',
      "data_tier = 'a\\' or 1=1 --'",
    ];
    for (const query of attempts) {
      const answer = await call(
        'GET',
        `/experiments/demo/files?query=${encodeURIComponent(query)}`,
        { token },
      );
      assert.ok(answer.status === 200 || answer.status === 400, `${query}: ${answer.status}`);
      if (answer.status === 400) assert.match(String(errorCode(answer)), /^(query|http)\./);
      else assert.deepEqual(answer.list, [], `${query} matched ${JSON.stringify(answer.list)}`);
    }
    assert.equal(await server.store.catalog.countFiles('demo', { type: 'all' }), before);
    assert.ok((await server.store.experiments.list()).length >= 1);
  });

  it('never serves a file outside the data folder through ids, indexes or names', async () => {
    // Sent as written (node:http, not fetch, which would resolve the dots before sending).
    const raw = (path: string) =>
      new Promise<{ status: number; body: string }>((done, fail) => {
        const url = new URL(server.url);
        const request = httpRequest(
          {
            host: url.hostname,
            port: url.port,
            path: `/api/v1${path}`,
            headers: { authorization: `Bearer ${token}` },
          },
          (response) => {
            let body = '';
            response.on('data', (chunk: Buffer) => (body += chunk.toString()));
            response.on('end', () => done({ status: response.statusCode ?? 0, body }));
          },
        );
        request.on('error', fail);
        request.end();
      });
    const hostile = [
      '..',
      '../..',
      '../../../../../../etc/passwd',
      '..%2f..%2f..%2fetc%2fpasswd',
      '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
      '..%00',
      '....//....//etc',
    ];
    for (const bad of hostile) {
      for (const path of [
        `/experiments/demo/submissions/${bad}/logs`,
        `/experiments/demo/submissions/${submission}/jobs/${bad}/logs`,
        `/experiments/demo/submissions/${submission}/jobs/${bad}/logs/download`,
        `/experiments/demo/submissions/${bad}/launch-log`,
        `/experiments/demo/files/${bad}/provenance`,
      ]) {
        const answer = await raw(path);
        // A path that resolves onto another route answers that route (never a file); what
        // reaches a handler with dots in an id or name is refused or not found.
        assert.ok(!answer.body.includes('root:x:0:0'), `${path}: ${answer.body.slice(0, 200)}`);
        assert.ok(answer.status < 500, `${path}: ${answer.status}`);
        if (!path.includes('/../') && !path.endsWith('/..')) {
          assert.ok(
            answer.status === 400 || answer.status === 404,
            `${path}: ${answer.status} ${answer.body.slice(0, 200)}`,
          );
        }
      }
    }
  });
});
