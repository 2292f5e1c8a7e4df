// The submission list's filters over real HTTP: `test` (test launches or production ones) and
// `chain` (every submission of one chain, by its root's id), alone and with the other filters.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startServer, type RunningServer } from '../../main.ts';
import { apiCaller } from './api-testing.ts';

const ADMIN_PASSWORD = 'correct horse battery staple';

interface Sub {
  id: string;
  test: boolean;
  stage: string;
  chain_root_id: string;
}

describe('submission list: test and chain filters', () => {
  let server: RunningServer;
  const call = apiCaller(() => server.url);
  let token = '';
  const list = async (query: string): Promise<{ items: Sub[]; total: number }> => {
    const answer = await call('GET', `/experiments/demo/submissions?${query}`, { token });
    assert.equal(answer.status, 200, `${query}: ${JSON.stringify(answer.body)}`);
    return answer.body as unknown as { items: Sub[]; total: number };
  };
  const launch = async (stage: string, test: boolean): Promise<Sub> => {
    const answer = await call(
      'POST',
      `/experiments/demo/campaigns/toy_z_chain/stages/${stage}/launch`,
      { token, body: { test } },
    );
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
    assert.equal(answer.body.kind, 'launched');
    return answer.body.submission as Sub;
  };

  before(async () => {
    server = await startServer({ memory: true, port: 0, adminPassword: ADMIN_PASSWORD });
    const login = await call('POST', '/auth/login', {
      body: { username: 'admin', password: ADMIN_PASSWORD },
    });
    const made = await call('POST', '/auth/tokens', {
      cookie: login.setCookie.split(';')[0] ?? '',
      csrf: String(login.body.csrf),
      body: { name: 'filters', scopes: ['write'] },
    });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    token = String(made.body.secret);
  });
  after(async () => {
    await server.close();
  });

  it('narrows the list to test or production launches and to one chain', async () => {
    const production = await launch('generate', false);
    const test = await launch('generate', true);
    assert.equal(production.test, false);
    assert.equal(test.test, true);

    const tests = await list('test=true');
    assert.deepEqual(
      tests.items.map((s) => s.id),
      [test.id],
    );
    assert.equal(tests.total, 1);
    const productions = await list('test=false');
    assert.ok(productions.items.every((s) => !s.test));
    assert.ok(productions.items.some((s) => s.id === production.id));
    assert.equal(productions.total + tests.total, (await list('')).total);

    const chain = await list(`chain=${encodeURIComponent(test.chain_root_id)}`);
    assert.ok(chain.total >= 1);
    assert.ok(chain.items.every((s) => s.chain_root_id === test.chain_root_id));
    assert.ok(chain.items.some((s) => s.id === test.id));
    assert.ok(!chain.items.some((s) => s.id === production.id));
    assert.equal((await list(`chain=${test.chain_root_id}&test=false`)).total, 0);
    assert.equal((await list('chain=no-such-chain')).total, 0);
    assert.equal((await list('test=true&stage=simulate')).total, 0);
  });

  it('refuses a test filter that is not true or false, naming the field', async () => {
    const answer = await call('GET', '/experiments/demo/submissions?test=yes', { token });
    assert.equal(answer.status, 400);
    assert.equal((answer.body.error as { field?: string }).field, 'query.test');
  });
});
