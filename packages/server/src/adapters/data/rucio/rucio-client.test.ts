// The Rucio client against a stand-in server answering from hand-written fixtures (no Rucio server
// can run here): the exact requests of each operation, token reuse and renewal, "already exists"
// answers as success, rule states, replica listings, and failures that never reveal a secret.
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { RucioError } from './errors.ts';
import type { RucioClientOptions } from './options.ts';
import { RucioClient } from './rucio-client.ts';
import {
  answer,
  CREATED,
  ISSUED_TOKEN,
  login,
  startFakeRucio,
  type FakeRoutes,
  type FakeRucio,
} from './rucio-testing.ts';

const PASSWORD = 'hunter2-Pa55word';
const OPERATOR_TOKEN = 'operator-supplied-token-7f3e9a';
const SECRETS = [PASSWORD, OPERATOR_TOKEN, ISSUED_TOKEN];
const NOON = Date.parse('2024-03-05T12:00:00Z'); // the login fixture's token expires at 13:00
const RULE_ID = '5e2b7c1d9a8f4e0b8c3d2a1f0e9b8c7d';
const DATASET = { scope: 'dune', name: 'poms-run42-reco' };

let fake: FakeRucio | undefined;
let clock = NOON;

afterEach(async () => {
  await fake?.close();
  fake = undefined;
  clock = NOON;
});

async function serve(routes: FakeRoutes): Promise<FakeRucio> {
  fake = await startFakeRucio({ 'GET /auth/userpass': login(), ...routes });
  return fake;
}

function client(server: FakeRucio, options: Partial<RucioClientOptions> = {}): RucioClient {
  return new RucioClient({
    url: server.url,
    account: 'pomsprod',
    auth: { kind: 'userpass', username: 'poms', password: PASSWORD },
    now: () => clock,
    timeoutMs: 2_000,
    ...options,
  });
}

/** The RucioError `promise` rejects with; no secret may be anywhere in its text. */
async function failure(promise: Promise<unknown>): Promise<RucioError> {
  const error = await promise.then(
    () => assert.fail('expected a RucioError'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof RucioError, String(error));
  for (const secret of SECRETS) {
    assert.ok(!error.message.includes(secret), `secret in message: ${error.message}`);
    assert.ok(!String(error.stack).includes(secret), 'secret in stack');
  }
  return error;
}

describe('Rucio requests', () => {
  it('logs in with username and password, then registers replicas with token and account', async () => {
    const server = await serve({ 'POST /replicas': CREATED });
    await client(server, { vo: 'dne' }).addReplicas('FNAL_DCACHE', [
      {
        scope: 'dune',
        name: 'reco/run042/np04_reco_run042_0001.root',
        bytes: 104857600,
        adler32: 'deadbeef',
        pfn: 'root://fndca1.fnal.gov:1094/pnfs/fnal.gov/usr/dune/persistent/reco/run042/np04_reco_run042_0001.root',
        meta: { run: 42, tier: 'reco' },
      },
      { scope: 'dune', name: 'np04_reco_run042_0002.root', bytes: 99, adler32: '0000ffff' },
    ]);
    const [auth, ...rest] = server.requests;
    assert.equal(rest.length, 1);
    assert.equal(auth?.method, 'GET');
    assert.equal(auth?.path, '/auth/userpass');
    assert.equal(auth?.headers['x-rucio-account'], 'pomsprod');
    assert.equal(auth?.headers['x-rucio-username'], 'poms');
    assert.equal(auth?.headers['x-rucio-password'], PASSWORD);
    assert.equal(auth?.headers['x-rucio-vo'], 'dne');
    assert.equal(auth?.headers.accept, 'application/octet-stream');
    assert.equal(auth?.headers['x-rucio-auth-token'], undefined);
    assert.equal(auth?.body, undefined);

    const [post] = rest;
    assert.equal(post?.method, 'POST');
    assert.equal(post?.path, '/replicas');
    assert.equal(post?.headers['x-rucio-auth-token'], ISSUED_TOKEN);
    assert.equal(post?.headers['x-rucio-account'], 'pomsprod');
    assert.equal(post?.headers['x-rucio-vo'], 'dne');
    assert.equal(post?.headers['x-rucio-password'], undefined);
    assert.equal(post?.headers['content-type'], 'application/json');
    assert.deepEqual(post?.body, {
      rse: 'FNAL_DCACHE',
      files: [
        {
          scope: 'dune',
          name: 'reco/run042/np04_reco_run042_0001.root',
          bytes: 104857600,
          adler32: 'deadbeef',
          pfn: 'root://fndca1.fnal.gov:1094/pnfs/fnal.gov/usr/dune/persistent/reco/run042/np04_reco_run042_0001.root',
          meta: { run: 42, tier: 'reco' },
        },
        { scope: 'dune', name: 'np04_reco_run042_0002.root', bytes: 99, adler32: '0000ffff' },
      ],
    });
  });

  it('creates a dataset at its DID path, a "/" in the name sent as %2F', async () => {
    const server = await serve({
      'POST /dids/dune/reco%2Frun042%2Fset%201': CREATED,
      'POST /dids/dune/poms-run42-reco': CREATED,
    });
    const rucio = client(server);
    await rucio.createDataset(
      { scope: 'dune', name: 'reco/run042/set 1' },
      { meta: { campaign: 'run42' }, lifetime: 86400 },
    );
    await rucio.createDataset(DATASET);
    const [first, second] = server.calls();
    assert.equal(first?.method, 'POST');
    assert.equal(first?.path, '/dids/dune/reco%2Frun042%2Fset%201');
    assert.deepEqual(first?.body, {
      type: 'DATASET',
      meta: { campaign: 'run42' },
      lifetime: 86400,
    });
    assert.equal(second?.path, '/dids/dune/poms-run42-reco');
    assert.deepEqual(second?.body, { type: 'DATASET' });
    assert.equal(second?.headers['x-rucio-auth-token'], ISSUED_TOKEN);
  });

  it('attaches files to a dataset', async () => {
    const server = await serve({ 'POST /dids/dune/poms-run42-reco/dids': CREATED });
    await client(server).attach(DATASET, [
      { scope: 'dune', name: 'a.root' },
      { scope: 'dune', name: 'b.root' },
    ]);
    const [call] = server.calls();
    assert.equal(call?.path, '/dids/dune/poms-run42-reco/dids');
    assert.deepEqual(call?.body, {
      dids: [
        { scope: 'dune', name: 'a.root' },
        { scope: 'dune', name: 'b.root' },
      ],
    });
  });

  it('makes a rule owned by the account and answers its id', async () => {
    const server = await serve({ 'POST /rules/': answer(201, 'rule-created.json') });
    const id = await client(server).addRule({
      did: DATASET,
      copies: 1,
      rse_expression: 'FNAL_DCACHE_TAPE',
      lifetime: 3600,
      grouping: 'DATASET',
      comment: 'POMS stage reco',
      activity: 'Production Output',
    });
    assert.equal(id, RULE_ID);
    const [call] = server.calls();
    assert.equal(call?.method, 'POST');
    assert.equal(call?.path, '/rules/');
    assert.deepEqual(call?.body, {
      dids: [DATASET],
      account: 'pomsprod',
      copies: 1,
      rse_expression: 'FNAL_DCACHE_TAPE',
      grouping: 'DATASET',
      lifetime: 3600,
      comment: 'POMS stage reco',
      activity: 'Production Output',
    });
  });

  it('reads rule states and maps them to completion', async () => {
    const server = await serve({
      [`GET /rules/${RULE_ID}`]: [
        answer(200, 'rule-replicating.json'),
        answer(200, 'rule-ok.json'),
      ],
      'GET /rules/0c4d6e8fa1b2c3d4e5f60718293a4b5c': answer(200, 'rule-stuck.json'),
    });
    const rucio = client(server);
    const replicating = await rucio.ruleStatus(RULE_ID);
    assert.deepEqual(replicating, {
      id: RULE_ID,
      state: 'REPLICATING',
      locks_ok: 7,
      locks_replicating: 5,
      locks_stuck: 0,
    });
    const ok = await rucio.ruleStatus(RULE_ID);
    assert.equal(ok.state, 'OK');
    const stuck = await rucio.ruleStatus('0c4d6e8fa1b2c3d4e5f60718293a4b5c');
    assert.deepEqual(stuck, {
      id: '0c4d6e8fa1b2c3d4e5f60718293a4b5c',
      state: 'STUCK',
      locks_ok: 10,
      locks_replicating: 0,
      locks_stuck: 2,
      error: '[TRANSFER_FAILED] DESTINATION [Permission denied]',
    });
    const [call] = server.calls();
    assert.equal(call?.method, 'GET');
    assert.equal(call?.headers.accept, 'application/json');
    assert.equal(call?.body, undefined);
  });

  it('lists available replicas from the json stream, leaving other states out', async () => {
    const server = await serve({ 'POST /replicas/list': answer(200, 'replicas-list.jsonl') });
    const files = [
      { scope: 'dune', name: 'np04_raw_run042_0001.root' },
      { scope: 'dune', name: 'np04_raw_run042_0002.root' },
      { scope: 'dune', name: 'reco/run042/np04_reco_run042_0001.root' },
      { scope: 'dune', name: 'never-registered.root' },
    ];
    const where = await client(server).listReplicas(files);
    assert.deepEqual(
      [...where],
      [
        ['dune:np04_raw_run042_0001.root', ['CERN_EOS', 'FNAL_DCACHE_TAPE']],
        ['dune:np04_raw_run042_0002.root', ['CERN_EOS']], // its FNAL_DCACHE_TAPE copy is COPYING
        ['dune:reco/run042/np04_reco_run042_0001.root', ['FNAL_DCACHE']],
        ['dune:never-registered.root', []],
      ],
    );
    const [call] = server.calls();
    assert.equal(call?.path, '/replicas/list');
    assert.equal(call?.headers.accept, 'application/x-json-stream');
    assert.deepEqual(call?.body, { dids: files, all_states: true });
  });

  it('reads an empty replica listing as no copies', async () => {
    const server = await serve({ 'POST /replicas/list': answer(200, 'replicas-list-empty.jsonl') });
    const where = await client(server).listReplicas([{ scope: 'dune', name: 'x.root' }]);
    assert.deepEqual([...where], [['dune:x.root', []]]);
  });
});

describe('Rucio tokens', () => {
  it('logs in once for many requests, concurrent ones included', async () => {
    const server = await serve({ [`GET /rules/${RULE_ID}`]: answer(200, 'rule-ok.json') });
    const rucio = client(server);
    await Promise.all([1, 2, 3, 4, 5].map(() => rucio.ruleStatus(RULE_ID)));
    clock = NOON + 30 * 60_000;
    await rucio.ruleStatus(RULE_ID);
    assert.equal(server.logins().length, 1);
    assert.equal(server.calls().length, 6);
    assert.ok(server.calls().every((c) => c.headers['x-rucio-auth-token'] === ISSUED_TOKEN));
  });

  it('logs in again shortly before the token expires', async () => {
    const server = await serve({
      'GET /auth/userpass': [login(), login({ 'X-Rucio-Auth-Token': 'second-token' })],
      [`GET /rules/${RULE_ID}`]: answer(200, 'rule-ok.json'),
    });
    const rucio = client(server);
    await rucio.ruleStatus(RULE_ID);
    clock = Date.parse('2024-03-05T12:59:30Z');
    await rucio.ruleStatus(RULE_ID);
    assert.equal(server.logins().length, 2);
    assert.deepEqual(
      server.calls().map((c) => c.headers['x-rucio-auth-token']),
      [ISSUED_TOKEN, 'second-token'],
    );
  });

  it('after a 401 logs in again and retries the request once', async () => {
    const server = await serve({
      'GET /auth/userpass': [login(), login({ 'X-Rucio-Auth-Token': 'second-token' })],
      [`GET /rules/${RULE_ID}`]: [
        answer(401, 'error-cannot-authenticate.json'),
        answer(200, 'rule-ok.json'),
      ],
    });
    const status = await client(server).ruleStatus(RULE_ID);
    assert.equal(status.state, 'OK');
    assert.equal(server.logins().length, 2);
    assert.deepEqual(
      server.calls().map((c) => c.headers['x-rucio-auth-token']),
      [ISSUED_TOKEN, 'second-token'],
    );
  });

  it('gives up after the retried request is refused too', async () => {
    const server = await serve({
      [`GET /rules/${RULE_ID}`]: answer(401, 'error-cannot-authenticate.json'),
    });
    const error = await failure(client(server).ruleStatus(RULE_ID));
    assert.equal(error.status, 401);
    assert.equal(error.exceptionClass, 'CannotAuthenticate');
    assert.equal(error.retryable, false);
    assert.equal(server.logins().length, 2);
    assert.equal(server.calls().length, 2);
  });

  it('sends an operator token as given and never logs in', async () => {
    const server = await serve({
      [`GET /rules/${RULE_ID}`]: [
        answer(200, 'rule-ok.json'),
        answer(401, 'error-cannot-authenticate.json'),
      ],
    });
    const rucio = client(server, { auth: { kind: 'token', token: OPERATOR_TOKEN } });
    await rucio.ruleStatus(RULE_ID);
    const error = await failure(rucio.ruleStatus(RULE_ID));
    assert.equal(error.status, 401);
    assert.equal(server.logins().length, 0);
    assert.equal(server.calls().length, 2);
    assert.equal(server.calls()[0]?.headers['x-rucio-auth-token'], OPERATOR_TOKEN);
    assert.equal(server.calls()[0]?.headers['x-rucio-account'], 'pomsprod');
  });

  it('reports a refused login without the password, even when the server echoes it', async () => {
    const server = await serve({
      'GET /auth/userpass': {
        status: 401,
        headers: { 'Content-Type': 'application/octet-stream' },
        body: JSON.stringify({
          ExceptionClass: 'CannotAuthenticate',
          ExceptionMessage: `Cannot authenticate to account pomsprod with password ${PASSWORD}`,
        }),
      },
    });
    const error = await failure(client(server).createDataset(DATASET));
    assert.equal(error.operation, 'authenticate');
    assert.equal(error.status, 401);
    assert.equal(error.exceptionClass, 'CannotAuthenticate');
    assert.equal(error.retryable, false);
    assert.match(error.message, /\[hidden\]/);
    assert.equal(server.calls().length, 0);
  });
});

describe('Rucio "already exists" answers', () => {
  it('takes an existing dataset as created', async () => {
    const server = await serve({
      'POST /dids/dune/poms-run42-reco': answer(409, 'error-data-identifier-already-exists.json'),
    });
    await client(server).createDataset(DATASET);
    assert.equal(server.calls().length, 1);
  });

  it('registers a batch holding an existing replica file by file', async () => {
    const server = await serve({
      'POST /replicas': [
        answer(409, 'error-duplicate.json'),
        CREATED,
        answer(409, 'error-duplicate.json'),
      ],
    });
    const files = [
      { scope: 'dune', name: 'new.root', bytes: 1, adler32: '00000001' },
      { scope: 'dune', name: 'old.root', bytes: 2, adler32: '00000002' },
    ];
    await client(server).addReplicas('CERN_EOS', files);
    assert.deepEqual(
      server.calls().map((c) => c.body),
      [
        { rse: 'CERN_EOS', files },
        { rse: 'CERN_EOS', files: [files[0]] },
        { rse: 'CERN_EOS', files: [files[1]] },
      ],
    );
  });

  it('attaches the rest of a batch when some files are already attached', async () => {
    const server = await serve({
      'POST /dids/dune/poms-run42-reco/dids': answer(409, 'error-file-already-exists.json'),
      'POST /dids/attachments': CREATED,
    });
    const rucio = client(server);
    const files = [
      { scope: 'dune', name: 'a.root' },
      { scope: 'dune', name: 'b.root' },
    ];
    await rucio.attach(DATASET, files);
    await rucio.attach(DATASET, [{ scope: 'dune', name: 'a.root' }]);
    assert.deepEqual(
      server.calls().map((c) => [c.path, c.body]),
      [
        ['/dids/dune/poms-run42-reco/dids', { dids: files }],
        [
          '/dids/attachments',
          { attachments: [{ ...DATASET, dids: files }], ignore_duplicate: true },
        ],
        ['/dids/dune/poms-run42-reco/dids', { dids: [{ scope: 'dune', name: 'a.root' }] }],
      ],
    );
  });

  it("answers the existing rule's id for a duplicate rule", async () => {
    const server = await serve({
      'POST /rules/': answer(409, 'error-duplicate-rule.json'),
      'GET /dids/dune/poms-run42-reco/rules': answer(200, 'did-rules.jsonl'),
    });
    const id = await client(server).addRule({
      did: DATASET,
      copies: 1,
      rse_expression: 'FNAL_DCACHE_TAPE',
    });
    assert.equal(id, RULE_ID); // not dunepro's rule on the same RSE, nor ours on CERN_EOS
    const lookup = server.calls()[1];
    assert.equal(lookup?.method, 'GET');
    assert.equal(lookup?.headers.accept, 'application/x-json-stream');
  });

  it('reports a duplicate rule it cannot find', async () => {
    const server = await serve({
      'POST /rules/': answer(409, 'error-duplicate-rule.json'),
      'GET /dids/dune/poms-run42-reco/rules': answer(200, 'did-rules.jsonl'),
    });
    const error = await failure(
      client(server).addRule({ did: DATASET, copies: 2, rse_expression: 'FNAL_DCACHE_TAPE' }),
    );
    assert.equal(error.exceptionClass, 'DuplicateRule');
    assert.equal(error.status, 409);
  });
});

describe('Rucio failures', () => {
  it('a missing DID is a RucioError naming the operation and DID, not retryable', async () => {
    const server = await serve({
      'POST /dids/dune/no-such-dataset/dids': answer(404, 'error-data-identifier-not-found.json'),
    });
    const error = await failure(
      client(server).attach({ scope: 'dune', name: 'no-such-dataset' }, [
        { scope: 'dune', name: 'a' },
      ]),
    );
    assert.equal(error.status, 404);
    assert.equal(error.exceptionClass, 'DataIdentifierNotFound');
    assert.equal(error.retryable, false);
    assert.match(
      error.message,
      /^Rucio attach of dune:no-such-dataset failed: HTTP 404: DataIdentifierNotFound/,
    );
  });

  it('a 500 is retryable', async () => {
    const server = await serve({
      'POST /dids/dune/poms-run42-reco': answer(500, 'error-database-500.json'),
    });
    const error = await failure(client(server).createDataset(DATASET));
    assert.equal(error.status, 500);
    assert.equal(error.exceptionClass, 'DatabaseException');
    assert.equal(error.retryable, true);
    assert.match(error.message, /createDataset of dune:poms-run42-reco/);
  });

  it('no answer within the timeout is a retryable RucioError', async () => {
    const server = await serve({
      [`GET /rules/${RULE_ID}`]: { ...answer(200, 'rule-ok.json'), delayMs: 1_000 },
    });
    const error = await failure(client(server, { timeoutMs: 150 }).ruleStatus(RULE_ID));
    assert.equal(error.status, undefined);
    assert.equal(error.retryable, true);
    assert.match(error.message, /no answer within 150 ms/);
  });

  it('a refused connection is a retryable RucioError', async () => {
    const server = await serve({});
    await server.close();
    const error = await failure(
      client(server, { auth: { kind: 'token', token: OPERATOR_TOKEN } }).ruleStatus(RULE_ID),
    );
    assert.equal(error.status, undefined);
    assert.equal(error.retryable, true);
    assert.match(error.message, /network failure/);
  });

  it('an answer it cannot read is a RucioError, not retryable', async () => {
    const server = await serve({
      [`GET /rules/${RULE_ID}`]: { status: 200, body: '<html>login page</html>' },
    });
    const error = await failure(client(server).ruleStatus(RULE_ID));
    assert.equal(error.retryable, false);
    assert.match(error.message, /unexpected answer/);
  });
});
